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


ROOT = Path(__file__).resolve().parents[1]


def test_manifest_declares_what_the_code_uses():
    import json

    from bot.slack import ids
    from bot.slack.server import EVENTS_PATH

    manifest = json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    assert {c["command"] for c in features["slash_commands"]} == {ids.JOURNEY_COMMAND, ids.CONTENT_COMMAND}
    assert {s["callback_id"] for s in features["shortcuts"]} == {ids.RECOMMEND_SHORTCUT}
    assert tuple(settings["event_subscriptions"]["bot_events"]) == ids.BOT_EVENTS
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(ids.BOT_SCOPES)
    assert settings["interactivity"]["is_enabled"] and features["app_home"]["home_tab_enabled"]
    urls = [c["url"] for c in features["slash_commands"]] + [settings["event_subscriptions"]["request_url"],
                                                             settings["interactivity"]["request_url"]]
    assert all(u.endswith(EVENTS_PATH) for u in urls)


def test_slack_settings_and_procfile():
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "PORT",
                 "JOURNEYBOT_WEB_THREADS", "MARKETER_USER_IDS", "MARKETER_USERGROUP", "REVIEW_INTERVAL_DAYS", "DIGEST_CHANNEL", "DIGEST_CRON",
                 "DIGEST_TIMEZONE"):
        assert f"`{name}`" in README
    procfile = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line)
    assert procfile["web"].startswith("journeybot serve") and procfile["release"] == "journeybot db upgrade"
    assert procfile["clock"] == "journeybot clock"
