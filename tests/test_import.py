"""Import validation, all-or-nothing writes, upsert by URL and export round trips (SQLite and PostgreSQL)."""

import json

import pytest
import yaml
from sqlmodel import Session, select

from content_library.files import (
    ImportFailed,
    export_records,
    import_records,
    parse_rows,
    read_file,
    validate_rows,
)
from content_library.models import Asset, AuditLog
from content_library.repository import library_version, list_assets

GOOD = {"title": "Pricing", "url": "https://x.example/pricing", "content_type": "pricing"}


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def jsonl(*rows):
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


@pytest.mark.parametrize(
    "bad, field, words",
    [
        ({**GOOD, "title": ""}, "title", "required"),
        ({k: v for k, v in GOOD.items() if k != "url"}, "url", "required"),
        ({**GOOD, "url": "ftp://x.example/a"}, "url", "http"),
        ({**GOOD, "url": "javascript:alert(1)"}, "url", "http"),
        ({**GOOD, "url": "https://x.example/a b"}, "url", "spaces"),
        ({**GOOD, "content_type": "case studdy"}, "content_type", "Did you mean 'case_study'"),
        ({**GOOD, "stages": ["desicion"]}, "stages", "Did you mean 'decision'"),
        ({**GOOD, "title": "x" * 301}, "title", "limit is 300"),
        ({**GOOD, "description": "x" * 5001}, "description", "limit is 5000"),
        ({**GOOD, "tags": 5}, "tags", "must be a list"),
        ({**GOOD, "tags": ["ok", {"a": 1}]}, "tags", "must be text"),
        ({**GOOD, "tags": ["x" * 51]}, "tags", "longer than 50"),
        ({**GOOD, "tags": [f"t{i}" for i in range(31)]}, "tags", "limit is 30"),
        ({**GOOD, "language": "english please"}, "language", "language code"),
        ({**GOOD, "title": ["a list"]}, "title", "must be text"),
        ({**GOOD, "title": "bell\x07"}, "title", "control characters"),
        ({**GOOD, "colour": "red"}, "colour", "not a known field"),
        ({**GOOD, "Descripton": "x"}, "Descripton", "did you mean 'description'"),
        ({**GOOD, "Type": "ebook"}, "Type", "gives content_type again"),
    ],
)
def test_each_bad_row_kind_names_row_field_and_reason_and_writes_nothing(engine, tmp_path, bad, field, words):
    path = write(tmp_path, "assets.jsonl", jsonl({**GOOD, "url": "https://x.example/first"}, bad))
    with pytest.raises(ImportFailed) as err:
        import_records(engine, read_file(path), "test")
    message = str(err.value)
    assert "nothing was imported" in message
    assert f"row 2: {field}:" in message
    assert words in message
    with Session(engine) as session:
        assert list(session.exec(select(Asset))) == []


def test_all_bad_rows_are_reported_not_just_the_first(tmp_path):
    path = write(tmp_path, "a.jsonl", jsonl({**GOOD, "url": "nope"}, GOOD, {**GOOD, "content_type": "zzz"}))
    with pytest.raises(ImportFailed) as err:
        read_file(path)
    assert [e.row for e in err.value.errors] == [1]
    assert [k.rows for k in err.value.unknown_types.values()] == [[3]]  # a type of none: named once, with its rows


def test_repeated_url_in_one_file_is_an_error(tmp_path):
    path = write(tmp_path, "a.yaml", yaml.safe_dump([GOOD, {**GOOD, "title": "Again"}]))
    with pytest.raises(ImportFailed, match=r"row 2: url: repeats the URL of row 1"):
        read_file(path)


def test_invalid_utf8_is_refused_with_advice(tmp_path):
    path = write(tmp_path, "a.csv", b"title,url,content_type\n" + b"Caf\xe9,https://x.example/c,blog\n")
    with pytest.raises(ImportFailed, match="not UTF-8 text.*save it as UTF-8"):
        read_file(path)


@pytest.mark.parametrize(
    "name, content, match",
    [
        ("a.jsonl", '{"title": "x"\n', "row 1: is not valid JSON"),
        ("a.json", "{not json", "not valid JSON"),
        ("a.json", '{"title": "x"}', "must hold a list"),
        ("a.yaml", "- a: [unclosed", "not valid YAML"),
        ("a.csv", "", "CSV file is empty"),
        ("a.csv", "title,url,content_type\nA,https://x.example/a,blog,extra\n", "row 2: has more cells"),
        ("a.txt", "hello", "cannot tell the format"),
        ("a.jsonl", '"just a string"\n', "row 1: record: must be an object"),
        ("a.csv", 'url,title,content_type\nhttps://x.example/a,"Unclosed title,blog\nhttps://x.example/b,B,blog\n',
         "row 2: a quote .* is never closed"),
        ("a.csv", 'url,title,content_type\nhttps://x.example/a,"He said "hi" ok",blog\n',
         r"row 2: is not valid CSV .*must be doubled"),
    ],
)
def test_malformed_files(tmp_path, name, content, match):
    with pytest.raises(ImportFailed, match=match):
        read_file(write(tmp_path, name, content))


@pytest.mark.parametrize("name, separator", [("semicolons.csv", ";"), ("tabs.tsv", "\t"), ("tabs.csv", "\t"),
                                             ("pipes.csv", "|")])
def test_csv_saved_with_another_separator(tmp_path, name, separator):
    """Spreadsheets in much of Europe save "CSV" with ';', Google Sheets offers tabs."""
    header = separator.join(["title", "url", "content_type", "stages", "tags"])
    row = separator.join(["Preise", "https://x.example/de/preise", "pricing", "decision", "cfo, finance"])
    [record] = read_file(write(tmp_path, name, f"{header}\n{row}\n"))
    assert (record.title, record.content_type, record.tags) == ("Preise", "pricing", ["cfo", "finance"])


@pytest.mark.parametrize("name", ["library.xlsx", "library.xls", "library.ods"])
def test_a_spreadsheet_workbook_is_refused_with_how_to_save_it_as_csv(tmp_path, name):
    with pytest.raises(ImportFailed, match="is a spreadsheet workbook: save the sheet as CSV"):
        read_file(write(tmp_path, name, "PK\x03\x04"))


def test_csv_lists_may_be_semicolon_or_comma_separated(tmp_path):
    path = write(tmp_path, "a.csv", 'title,url,content_type,stages,tags\n'
                 'A,https://x.example/a,case study,consideration;decision,"cfo, finance"\n'
                 'B,https://x.example/b,ebook,,\n')
    a, b = read_file(path)
    assert a.stages == ["consideration", "decision"] and a.tags == ["cfo", "finance"]
    assert b.stages == ["awareness"]  # no stages given: the content type's prior


def test_a_cms_export_with_its_own_column_and_type_names_imports(tmp_path):
    path = write(tmp_path, "export.csv", "Title,Link,Content Type,Funnel Stage,Keywords,Lang,Summary\n"
                 "Harbor Health,https://x.example/1,Case studies,Middle of the funnel,\"healthcare, phishing\",EN,Clinics\n"
                 "Bastion for M365,https://x.example/2,Solution Brief,,,,\n"
                 "Bastion opens Warsaw office,https://x.example/3,Press release,Top of funnel,,,\n")
    rows = read_file(path)
    assert [r.content_type for r in rows] == ["case_study", "datasheet", "blog_post"]
    assert [r.stages for r in rows] == [["consideration"], ["consideration"], ["awareness"]]
    assert rows[0].tags == ["healthcare", "phishing"] and rows[0].language == "en" and rows[0].description == "Clinics"


def test_a_marketing_export_with_numbered_stages_hashtags_and_extra_columns(tmp_path):
    """A funnel's numbering ("Stage 1 - Awareness"), hashtags, and columns that are no field named
    once for the file, not once per row."""
    path = write(tmp_path, "export.csv", "Asset Name,URL,Asset Type,Buyer Stage,Tags,Persona,Publish Date\n"
                 "Zero trust primer, https://x.example/1 ,eBook,Stage 1 - Awareness,\"#zerotrust, #smb\",IT,2026-03-01\n"
                 "Us vs Okta,https://x.example/2,Comparison,2. Consideration,#competitive,CISO,2026-04-12\n"
                 "Trial,https://x.example/3,Trial,Stage 3: Decision,,IT,2026-01-01\n")
    with pytest.raises(ImportFailed) as err:
        read_file(path)
    assert str(err.value).splitlines() == [
        "3 invalid rows; nothing was imported. Fix and import again:",
        "  row 2: Persona, Publish Date: are not known fields (known: title, url, description, content_type, stages, "
        "tags, language, owner) (and in 2 more rows)"]
    rows = read_file(path, other_columns=set())
    assert [r.stages for r in rows] == [["awareness"], ["consideration"], ["decision"]]
    assert [r.tags for r in rows] == [["zerotrust", "smb"], ["competitive"], []]
    assert rows[0].url == "https://x.example/1"


def test_language_is_detected_when_missing(tmp_path):
    rows = validate_rows(parse_rows(jsonl(
        {**GOOD, "title": "价格"}, {**GOOD, "url": "https://x.example/r", "title": "Цены"},
        {**GOOD, "url": "https://x.example/es", "title": "Guía de precios",
         "description": "Los precios de todos los planes y qué incluye cada uno"},
        {**GOOD, "url": "https://x.example/ja", "title": "料金プランのご案内"},
        {**GOOD, "url": "https://x.example/en", "title": "Pricing", "description": "Plans for carriers"}), "jsonl"))
    assert [r.language for r in rows] == ["zh", "ru", "es", "ja", "en"]


@pytest.mark.parametrize("given, code", [("English", "en"), ("简体中文", "zh"), ("繁體中文", "zh-hant"),
                                         ("zh_CN", "zh-cn"), ("EN-US", "en-us"), ("Русский", "ru"), ("Deutsch", "de"),
                                         ("English (US)", "en"), ("Portuguese - Brazil", "pt"),
                                         ("Chinese (Simplified)", "zh"), ("Chinese (Traditional)", "zh-hant"),
                                         ("Chinese (Taiwan)", "zh-hant"), ("Russian [RU]", "ru")])
def test_a_language_column_may_name_the_language(given, code):
    [row] = validate_rows(parse_rows(jsonl({**GOOD, "language": given}), "jsonl"))
    assert row.language == code


@pytest.mark.parametrize("given", ["N/A", "-", "unknown", "none", "TBD", "null", "N / A", "待定", "не указан"])
def test_a_language_column_that_says_none_is_detected(given):
    [row] = validate_rows(parse_rows(jsonl({**GOOD, "title": "Цены на тарифы", "language": given}), "jsonl"))
    assert row.language == "ru"


@pytest.mark.parametrize("given", ["English, Russian", "en/ru", "English and Russian", "中文、英文"])
def test_a_row_in_several_languages_is_refused_with_what_to_do(given):
    with pytest.raises(ImportFailed) as err:
        validate_rows(parse_rows(jsonl({**GOOD, "language": given}), "jsonl"))
    assert "row 1: language:" in str(err.value) and "names more than one language" in str(err.value)
    assert "import each language version as a row of its own" in str(err.value)


def test_upsert_by_url_updates_and_audits(engine, tmp_path):
    first = write(tmp_path, "a.json", json.dumps([GOOD, {**GOOD, "url": "https://x.example/b", "title": "B"}]))
    result = import_records(engine, read_file(first), "alice")
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    version = _version(engine)
    second = write(tmp_path, "b.json", json.dumps([{**GOOD, "title": "Pricing 2026"}, {**GOOD, "url": "https://x.example/b", "title": "B"}]))
    result = import_records(engine, read_file(second), "bob")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert _version(engine) == version + 1
    with Session(engine) as session:
        assets = list(session.exec(select(Asset).order_by(Asset.id)))
        assert [a.title for a in assets] == ["Pricing 2026", "B"]
        audit = list(session.exec(select(AuditLog).where(AuditLog.asset_id == assets[0].id).order_by(AuditLog.id)))
        assert [(e.action, e.actor) for e in audit] == [("create", "alice"), ("update", "bob")]
        assert audit[1].before["title"] == "Pricing" and audit[1].after["title"] == "Pricing 2026"


def test_unchanged_import_does_not_bump_the_library_version(engine, tmp_path):
    path = write(tmp_path, "a.json", json.dumps([GOOD]))
    import_records(engine, read_file(path), "x")
    version = _version(engine)
    import_records(engine, read_file(path), "x")
    assert _version(engine) == version


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json", "yaml"])
def test_export_then_import_round_trips(seeded_engine, engine_factory_tmp, fmt, tmp_path):
    with Session(seeded_engine) as session:
        original = list_assets(session)
    path = write(tmp_path, f"library.{fmt}", export_records(original, fmt))
    other = engine_factory_tmp()
    import_records(other, read_file(path), "roundtrip")
    with Session(other) as session:
        copied = list_assets(session)
    key = lambda a: (a.url, a.title, a.description, a.content_type, a.stages, a.tags, a.language, a.owner)  # noqa: E731
    assert sorted(map(key, copied)) == sorted(map(key, original))


@pytest.fixture
def engine_factory_tmp(tmp_path):
    from content_library.db import make_engine, migrate

    def make():
        engine = make_engine(f"sqlite:///{tmp_path / 'copy.db'}")
        migrate(engine)
        return engine

    return make


def _version(engine):
    with Session(engine) as session:
        return library_version(session)
