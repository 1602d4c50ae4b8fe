"""The journeybot CLI end to end: real database, real model, real files."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from bot.terminal.cli import cli
from content_library.vocabulary import CONTENT_TYPES

pytestmark = pytest.mark.usefixtures("cli_env")


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def seeded():
    result = run("library", "seed")
    assert result.exit_code == 0, result.output
    return result


def test_new_database_starts_empty_and_seed_is_idempotent():
    assert json.loads(run("library", "list", "--json").output) == []
    first = run("library", "seed")
    assert "70 added, 0 updated, 0 unchanged" in first.output
    again = run("library", "seed")
    assert "0 added, 0 updated, 70 unchanged" in again.output


def test_an_empty_library_says_how_to_fill_it():
    """Before any seed or import, an answer says the library is empty and how to fill it, instead of
    "no matching assets" (which reads as a filter or a ranking problem)."""
    table = run("recommend", "CFO wants pricing")
    assert table.exit_code == 0 and "The content library is empty: `journeybot library seed`" in table.stdout
    as_json = run("recommend", "CFO wants pricing", "--json")
    assert json.loads(as_json.stdout)["items"] == [] and "warning: The content library is empty" in as_json.stderr
    run("library", "seed")
    assert "library is empty" not in run("recommend", "CFO wants pricing").output


def test_the_console_on_an_empty_library_says_how_to_fill_it():
    chat = run("chat", input="CFO wants pricing\n:quit\n").output
    assert "The content library is empty: `journeybot library seed`" in chat


@pytest.mark.parametrize("word", ["quit", "EXIT", "выход", "退出"])
def test_the_console_leaves_on_a_bare_quit_or_exit(seeded, word):
    chat = run("chat", input=f"{word}\nCFO wants pricing\n").output
    assert chat.rstrip().endswith("Bye.") and "Stage:" not in chat and "can't tell" not in chat


def test_list_json_has_the_asset_fields_and_filters(seeded):
    assets = json.loads(run("library", "list", "--json", "--stage", "偏好", "--type", "pricing").output)
    assert assets and {a["content_type"] for a in assets} == {"pricing"}
    assert all("decision" in a["stages"] for a in assets)
    assert {"id", "title", "url", "description", "content_type", "stages", "tags", "language"} <= set(assets[0])


def test_stats_json(seeded):
    stats = json.loads(run("library", "stats", "--json").output)
    assert stats["assets"] == 70 and set(stats["per_stage"]) == {
        "awareness", "consideration", "decision", "retention", "advocacy"}
    assert stats["per_language"] == {"en": 45, "ru": 12, "zh": 13}


def test_recommend_table_and_json(seeded):
    table = run("recommend", "CFO asked for a quote and an ROI model")
    assert table.exit_code == 0 and "Stage: Decision" in table.output and "why:" in table.output
    data = json.loads(run("recommend", "CFO asked for a quote", "--json", "--k", "3").output)
    assert data["stage"] == "decision" and len(data["items"]) == 3
    assert set(data["items"][0]) >= {"id", "title", "url", "content_type", "stages", "score", "why"}


def test_recommend_jsonl_contract(seeded):
    lines = [
        {"id": "a", "text": "comparing us with two vendors, wants case studies"},
        {"id": 7, "text": "新客户刚上线，需要培训"},
    ]
    result = run("recommend", "--jsonl", "--k", "4", input="".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines))
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == ["a", 7]
    for o in out:
        assert set(o) == {"id", "stage", "confidence", "unsure", "no_signal", "items"}
        assert o["no_signal"] is False
        assert o["stage"] in {"awareness", "consideration", "decision", "retention", "advocacy"}
        assert len(o["items"]) == 4
        assert set(o["items"][0]) == {"id", "title", "url", "content_type", "stages", "language", "score", "why",
                                      "also_in"}


def test_recommend_jsonl_bad_lines_get_an_error_line_and_exit_2(seeded):
    stdin = 'not json\n{"id": 1, "text": ""}\n{"id": 2, "text": 5}\n{"id": 3, "text": "pricing"}\n'
    result = run("recommend", "--jsonl", input=stdin)
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("error") is not None for o in out] == [True, True, True, False]
    assert out[3]["id"] == 3 and out[3]["items"]
    assert "line 1:" in result.stderr and "3 input line(s) could not be answered" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["recommend"], "describe the prospect"),
        (["recommend", "   "], "describe the prospect"),
        (["recommend", "???"], "describe the prospect in words (this text has no letters or digits)"),
        (["classify", "…"], "describe the prospect in words"),
        (["recommend", "x", "--stage", "desicion"], "Did you mean 'decision'"),
        (["recommend", "x", "--type", "podcastz"], "--type: unknown content type"),
        (["recommend", "x", "--jsonl"], "not both"),
        (["library", "import", "/no/such/file.csv"], "no such file"),
        (["library", "list", "--stage", "nope"], "unknown stage"),
    ],
)
def test_bad_input_exits_2_with_one_line_reason(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.startswith("journeybot: error:") and len(result.stderr.strip().splitlines()) == 1


def test_overlong_text_is_truncated_with_a_warning(seeded):
    result = run("recommend", "pricing " * 2000, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["truncated"] is True
    assert "warning" in result.stderr and "10,000" in result.stderr


def test_import_with_a_bad_row_writes_nothing_and_exits_2(tmp_path):
    path = tmp_path / "new.csv"
    path.write_text("title,url,content_type\nGood,https://x.example/g,blog\nBad,https://x.example/b,podcastz\n")
    result = run("library", "import", str(path))
    assert result.exit_code == 2
    assert "1 content type is not in the library's vocabulary: 'podcastz' (1 row: 3)" in result.stderr
    assert f"journeybot library import {path} --new-types" in result.stderr
    assert json.loads(run("library", "list", "--json").output) == []


def test_content_types_named_as_libraries_name_them(tmp_path):
    """A "Webinar recording" row imports as a webinar; a name of two types or of none fails the
    file, names the types and points to the list; `library types` is that list."""
    path = tmp_path / "cms.csv"
    path.write_text("title,url,content_type\nA,https://x.example/a,Webinar recording\n"
                    "B,https://x.example/b,Training course\nC,https://x.example/c,Podcast\n")
    refused = run("library", "import", str(path))
    assert refused.exit_code == 2
    assert "row 3: content_type: content type 'Training course' names more than one content type" in refused.stderr
    assert "1 content type is not in the library's vocabulary: 'Podcast' (1 row: 4)" in refused.stderr
    assert "`journeybot library types` lists the content types" in refused.stderr
    assert json.loads(run("library", "list", "--json").output) == []
    path.write_text("title,url,content_type\nA,https://x.example/a,Webinar recording\n")
    assert run("library", "import", str(path)).exit_code == 0
    assert [a["content_type"] for a in json.loads(run("library", "list", "--json").output)] == ["webinar"]
    types = json.loads(run("library", "types", "--json").output)
    assert [t["key"] for t in types] == [ct.key for ct in CONTENT_TYPES]
    webinar = next(t for t in types if t["key"] == "webinar")
    assert webinar["stages"] == ["consideration"] and "webcast" in webinar["names"]
    assert "case_study" in run("library", "types").output


def test_columns_that_are_no_field_are_refused_or_left_out_when_asked(tmp_path):
    path = tmp_path / "cms.csv"
    path.write_text("Title,Link,Type,Views,Status\nGuide,https://x.example/g,How-to guide,120,live\n")
    refused = run("library", "import", str(path))
    assert refused.exit_code == 2 and "row 2: Views, Status: are not known fields" in refused.stderr
    assert "--ignore-other-columns" in refused.stderr
    assert json.loads(run("library", "list", "--json").output) == []
    taken = run("library", "import", "--ignore-other-columns", str(path))
    assert taken.exit_code == 0 and "1 added" in taken.stdout
    assert "Left out the columns journeybot does not use: Status, Views." in taken.stderr
    [asset] = json.loads(run("library", "list", "--json").output)
    assert (asset["title"], asset["url"], asset["content_type"]) == ("Guide", "https://x.example/g", "how_to_guide")


def test_a_language_filter_takes_a_code_or_a_name(seeded):
    for lang in ("ru", "Russian", "Русский"):
        result = run("recommend", "--json", "--lang", lang, "CFO wants pricing")
        assert result.exit_code == 0
        assert {i["language"] for i in json.loads(result.stdout)["items"]} == {"ru"}, lang
    listed = json.loads(run("library", "list", "--json", "--lang", "中文").output)
    assert listed and {a["language"] for a in listed} == {"zh"}


def test_import_and_export_round_trip(tmp_path, seeded):
    out = tmp_path / "lib.csv"
    assert run("library", "export", "--format", "csv", "-o", str(out)).exit_code == 0
    text = out.read_text().replace("How to cut empty miles on regional routes", "How to cut empty miles (2026)")
    out.write_text(text)
    result = run("library", "import", str(out))
    assert "0 added, 1 updated, 69 unchanged" in result.output


def test_index_rebuild(seeded):
    result = run("index", "rebuild")
    assert result.exit_code == 0 and "70 active assets embedded" in result.output


def test_chat_console_answers_and_handles_commands(seeded):
    script = "\n".join([":more", "CFO wants pricing", ":more", ":stage retention", ":stage nope", ":stage", ":bogus",
                        ":quit"])
    result = run("chat", input=script + "\n")
    out = result.output
    assert "Describe a prospect first" in out
    assert "Stage: Decision" in out and "6. " in out  # :more shows the next page
    assert "Stage: Retention (as you chose)" in out
    assert "unknown stage 'nope'" in out and "Unknown command ':bogus'" in out
    assert "Name the stage after :stage, e.g. :stage retention" in out and "unknown stage ''" not in out
    assert out.rstrip().endswith("Bye.")


def test_console_script_entry_point_and_bad_database_url(tmp_path):
    env = {**os.environ, "JOURNEYBOT_DATA_DIR": str(tmp_path), "DATABASE_URL": "nosuchdb://x"}
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "journeybot"), "library", "stats"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("journeybot: error: DATABASE_URL is not a usable database URL")


def test_unreachable_database_is_reported_plainly(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgresql://127.0.0.1:1/none?connect_timeout=2"}
    proc = subprocess.run([sys.executable, "-m", "bot", "library", "stats"], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 1
    assert "the database cannot be reached" in proc.stderr and "Traceback" not in proc.stderr


def test_classify_text_json_and_jsonl():
    text = run("classify", "legal is redlining our MSA")
    assert text.exit_code == 0 and text.output.startswith("Decision") and "Evidence:" in text.output
    data = json.loads(run("classify", "legal is redlining our MSA", "--json").output)
    assert data["stage"] == "decision" and set(data) == {"stage", "confidence", "unsure", "no_signal", "probabilities", "evidence"}
    stdin = '{"id": 1, "text": "客户想要报价"}\n{"id": 2, "text": ""}\n{"id": 3, "text": "Довольный клиент готов нас рекомендовать"}\n'
    result = run("classify", "--jsonl", input=stdin)
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, 2, 3]
    assert out[0]["stage"] == "decision" and out[2]["stage"] == "advocacy" and "error" in out[1]
    assert set(out[0]) == {"id", "stage", "confidence", "unsure", "no_signal", "probabilities", "evidence"}


def test_correction_is_stored_and_retrain_uses_it(cli_env):
    result = run("classifier", "correct", "they want the Zentrix binder", "Удержание")
    assert result.exit_code == 0 and "Correction #1 stored" in result.output
    retrain = run("classifier", "retrain")
    from recommender.training import load_examples

    assert retrain.exit_code == 0 and f"retrained on {len(load_examples()) + 1} examples" in retrain.output
    assert list((cli_env / "classifier").glob("*.npz"))
    bad = run("classifier", "correct", "x", "nope")
    assert bad.exit_code == 2 and "STAGE: unknown stage" in bad.stderr


def test_a_text_with_nothing_about_the_prospect_asks_for_a_description_or_a_stage(seeded):
    table = run("recommend", "call with Maria tomorrow at 3pm")
    assert table.exit_code == 0 and "can't tell" in table.output and "--stage NAME" in table.output
    assert "1. " not in table.output
    data = json.loads(run("recommend", "hi", "--json").output)
    assert data["no_signal"] is True and data["unsure"] is True and data["items"] == []
    chat = run("chat", input="hi\n:stage decision\n:quit\n").output
    assert ":stage NAME" in chat and "Stage: Decision (as you chose)" in chat and "1. " in chat
    assert "Noted" not in chat  # a stage picked for "hi" is a choice, not a correction to learn from
    from sqlmodel import Session

    from bot.app.runtime import Runtime
    from bot.app.settings import Settings
    from content_library.repository import list_corrections

    with Session(Runtime(Settings.from_env()).engine) as session:
        assert list_corrections(session) == []


def test_console_stage_override_is_stored_as_a_correction(seeded):
    result = run("chat", input="CFO wants pricing\n:stage retention\n:quit\n")
    assert "Noted: this is retention" in result.output
    from sqlmodel import Session

    from bot.app.runtime import Runtime
    from bot.app.settings import Settings
    from content_library.repository import list_corrections

    with Session(Runtime(Settings.from_env()).engine) as session:
        [correction] = list_corrections(session)
    assert (correction.text, correction.stage, correction.predicted_stage, correction.source) == (
        "CFO wants pricing", "retention", "decision", "console")


def test_unknown_embedder_setting_is_reported_plainly(tmp_path):
    env = {**os.environ, "JOURNEYBOT_DATA_DIR": str(tmp_path), "JOURNEYBOT_EMBEDDER": "word2vec"}
    proc = subprocess.run([sys.executable, "-m", "bot", "classify", "pricing"], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("journeybot: error: unknown embedder 'word2vec'") and "Traceback" not in proc.stderr


def test_console_manages_the_library_with_content_commands(seeded):
    script = "\n".join([
        '/content add https://freightline.example/new/hazmat "Hazmat routing checklist" type=how-to tags=hazmat',
        "/content show https://freightline.example/new/hazmat",
        "/content stage https://freightline.example/new/hazmat desire",
        "/content history https://freightline.example/new/hazmat",
        "hazmat routing checklist for a carrier that never used a TMS",
        ":quit",
    ])
    out = run("chat", input=script + "\n").output
    assert "Added #71 Hazmat routing checklist (https://freightline.example/new/hazmat)" in out
    assert "How-to guide · awareness · en\nTags: hazmat" in out  # show: the tags once, on their own line
    assert "unknown stage 'desire'" in out and "Nothing was changed." in out
    assert "create by console" in out
    assert "1. Hazmat routing checklist" in out  # the next ask sees the new asset


def test_recommend_table_names_the_other_language_versions(seeded):
    result = run("recommend", "CFO wants our pricing page before the PO", "--type", "pricing", "--k", "1")
    assert result.exit_code == 0, result.output
    assert "https://freightline.example/pricing" in result.output
    assert "also in: " in result.output and "https://freightline.example/ru/pricing" in result.output


def test_classify_says_when_it_cannot_tell_and_when_it_cut_the_text():
    vague = run("classify", "Dana, Tuesday 3pm, Acme Freight")
    assert vague.exit_code == 0 and vague.output.startswith("Can't tell the stage from this.")
    assert "confidence" not in vague.output and "Describe them" in vague.output
    long = run("classify", "the customer asked about pricing. " * 400)
    assert long.exit_code == 0 and long.stdout.startswith("Decision")
    assert "warning" in long.stderr and "10,000" in long.stderr


def test_recommend_says_when_the_library_has_nothing_about_what_is_wanted(seeded):
    result = run("recommend", "Existing customer, they want to export all their shipment data to CSV")
    assert result.exit_code == 0
    assert "Nothing in the library is about exporting their data yet (“export”)" in result.output
    served = run("recommend", "Happy customer wants to speak at our user conference")
    assert "Asks for: speaking at an event (“speak at”)." in served.output
    data = json.loads(run("recommend", "老客户想把所有数据导出成Excel", "--json").output)
    assert data["wants"] == [{"intent": "export", "label": "exporting their data", "words": "导出", "in_library": False}]


def test_classify_sets_apart_evidence_that_points_to_another_stage():
    result = run("classify", "Клиент хочет выгрузить все свои данные и уйти к конкуренту")
    assert result.output.startswith("Retention")
    assert "Evidence: no words for retention; judged on the overall meaning (against it: “конкуренту” → consideration)" \
        in result.output


def test_corrections_are_listed_and_one_can_be_taken_back(cli_env):
    """A stored correction changes the model for everyone at its next load: the user can see what is
    stored and take one back; an unknown id is a polite error."""
    assert "No stored corrections" in run("classifier", "corrections").output
    stored = run("classifier", "correct", "Dana said she'd get back to us", "consideration").output
    assert "Correction #1 stored" in stored and "next time journeybot starts" in stored
    assert "journeybot classifier forget ID" in stored
    listed = run("classifier", "corrections")
    assert "#1" in listed.output and "→ consideration" in listed.output and "Dana said" in listed.output
    [row] = json.loads(run("classifier", "corrections", "--json").output)
    assert (row["id"], row["stage"], row["source"]) == (1, "consideration", "cli")
    missing = run("classifier", "forget", "7")
    assert missing.exit_code == 2 and "there is no correction #7" in missing.stderr
    forgot = run("classifier", "forget", "1")
    assert forgot.exit_code == 0 and "Correction #1 (consideration) forgotten" in forgot.output
    assert json.loads(run("classifier", "corrections", "--json").output) == []
    retrain = run("classifier", "retrain")
    from recommender.training import load_examples

    assert f"retrained on {len(load_examples())} examples" in retrain.output  # the correction is gone


def test_the_console_says_when_and_for_whom_a_correction_counts(seeded):
    out = run("chat", input="CFO wants pricing\n:stage retention\n:quit\n").output
    assert "next time journeybot starts" in out and "journeybot classifier forget ID" in out


def test_an_unknown_language_filter_is_refused_with_examples(seeded):
    for command in (["recommend", "CFO wants pricing"], ["library", "list"]):
        result = run(*command, "--lang", "klingon")
        assert result.exit_code == 2
        assert "--lang: 'klingon' is not a language code or name" in result.stderr and "Deutsch" in result.stderr
    assert run("recommend", "CFO wants pricing", "--lang", "English").exit_code == 0


def test_a_description_of_several_lines_from_a_file_or_stdin(seeded, tmp_path):
    notes = tmp_path / "call.txt"
    notes.write_text("Jan: webinar, just learning\nMar: compared us with two vendors\n"
                     "Today: procurement sent the PO for signature\n", "utf-8")
    from_file = json.loads(run("recommend", "--file", str(notes), "--json").output)
    from_stdin = json.loads(run("recommend", "-", "--json", input=notes.read_text("utf-8")).output)
    assert from_file["stage"] == from_stdin["stage"] == "decision"
    assert from_file["items"] == from_stdin["items"]
    assert json.loads(run("classify", "--file", str(notes), "--json").output)["stage"] == "decision"
    both = run("classify", "x", "--file", str(notes))
    assert both.exit_code == 2 and "either TEXT or --file" in both.stderr
    missing = run("recommend", "--file", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 2 and "cannot read" in missing.stderr and "No such file" in missing.stderr
    empty = run("recommend", "-", input="   \n")
    assert empty.exit_code == 2 and "describe the prospect" in empty.stderr


def test_library_search_lists_the_best_matches_whatever_their_stage(seeded):
    table = run("library", "search", "ROI", "calculator", "--k", "3")
    assert table.exit_code == 0 and "TMS ROI calculator" in table.output and "matches “ROI”" in table.output
    found = json.loads(run("library", "search", "onboarding guide", "--json").output)
    assert found and found[0]["content_type"] == "onboarding_guide"
    blank = run("library", "search", "  ")
    assert blank.exit_code == 2 and "give some words to search for" in blank.stderr


def test_classify_json_says_when_the_text_carries_no_stage(seeded):
    data = json.loads(run("classify", "hi there", "--json").output)
    assert data["no_signal"] is True and data["unsure"] is True
    assert json.loads(run("classify", "CFO asked for the quote", "--json").output)["no_signal"] is False
