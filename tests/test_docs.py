"""The README documents what the code accepts: every content type and every setting."""

from pathlib import Path

from content_library.vocabulary import CONTENT_TYPES
from recommender.stages import FRAMEWORKS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_content_type_is_in_the_readme_table():
    missing = [ct.key for ct in CONTENT_TYPES if f"| `{ct.key}` | {ct.label} |" not in README]
    assert missing == []


def test_every_framework_and_setting_is_documented():
    assert all(f"`{key}`" in README for key in FRAMEWORKS)
    for name in ("DATABASE_URL", "JOURNEYBOT_DATA_DIR", "JOURNEYBOT_EMBEDDER", "JOURNEYBOT_FRAMEWORK"):
        assert f"`{name}`" in README


def test_quick_start_is_the_two_make_commands_and_ci_runs_the_second():
    assert "make run" in README and "make test" in README
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "exec make test" in ci
