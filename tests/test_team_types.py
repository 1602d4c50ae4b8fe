"""Content types of the team's own: a CMS export with types the shipped vocabulary lacks imports in
one command, the types are listed, recommended, used by the digest, and bad definitions write nothing."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from content_harness import REP, bot_fixture, content, journey_assets, state
from sqlmodel import Session, func, select

from bot.terminal.cli import cli
from content_library import content_types
from content_library.content_types import TypeDefinitionError, define, key_for, usual_stages
from content_library.files import ImportFailed, import_records, read_file, read_file_with_new_types
from content_library.models import Asset, AuditLog, TeamContentType
from content_library.repository import DigestRecords
from content_library.vocabulary import (
    CONTENT_TYPES,
    install_team_types,
    parse_content_type,
    team_types,
)
from content_library.vocabulary import (
    content_types as all_types,
)
from recommender import cues
from recommender.gaps import build_digest
from recommender.suggest import content_type_in

HEADER = "Title,URL,Content Type,Stage,Description,Language\n"
ROWS = [
    ("Freight Talk episode 12: why trucks run half empty", "podcast/12", "Podcast", "Awareness",
     "Our operations podcast on load factors and empty miles"),
    ("Freight Talk episode 13: the driver shortage", "podcast/13", "Podcast", "Awareness",
     "A podcast episode on hiring and keeping drivers"),
    ("Platform overview deck", "decks/overview", "Slide deck", "Consideration",
     "The slides reps use in a first product meeting"),
    ("Pricing and packaging deck", "decks/pricing", "Slide deck", "Decision",
     "Slides on plans and prices for the buying committee"),
    ("Route optimisation: book your demo", "lp/route-optimisation", "Landing page", "",
     "Campaign landing page: see pricing and book a live demo of route optimisation this week"),
    ("Cold chain use case", "use-cases/cold-chain", "Use case", "Consideration",
     "How a cold chain shipper compares carriers and keeps temperature logs"),
    ("State of freight 2026", "reports/state-of-freight", "Report", "Awareness",
     "Annual research on freight volumes and rates"),
    ("Dispatcher playbook", "playbooks/dispatch", "Playbook", "Awareness",
     "Step by step playbook for dispatchers planning routes"),
    ("TMS selection panel (on demand)", "webinars/tms-selection", "On-demand webinar", "Consideration",
     "Recording of our panel on how to select a TMS"),
    ("Northline cut empty miles 18%", "customers/northline", "Customer story", "Consideration",
     "How Northline cut empty miles"),
    ("Platform solution brief", "briefs/platform", "Solution brief", "Consideration",
     "Two pages on what the platform does and its integrations"),
    ("Savings calculator", "calculator", "Calculator", "Decision",
     "Estimate fuel and labour savings from route optimisation"),
]


def cms_export(path, rows=ROWS):
    lines = [f'"{t}",https://acme.example/{u},{ct},{st},"{d}",English' for t, u, ct, st, d in rows]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def library_json():
    return json.loads(run("library", "list", "--json", "--include-archived").output)


def team_json():
    types = json.loads(run("library", "types", "--json").output)
    return {t["key"]: t for t in types if t["team"]}


# -- the CMS export, from the command line ------------------------------------------------------------
@pytest.mark.usefixtures("cli_env")
def test_an_export_with_unknown_types_is_refused_in_one_message_with_the_command(tmp_path):
    path = cms_export(tmp_path / "cms export.csv")
    result = run("library", "import", str(path))
    assert result.exit_code == 2
    message = result.output
    assert ("4 content types are not in the library's vocabulary: 'Podcast' (2 rows: 2, 3), 'Slide deck' "
            "(2 rows: 4, 5), 'Landing page' (1 row: 6), 'Use case' (1 row: 7); nothing was imported.") in message
    assert f"journeybot library import '{path}' --new-types" in message
    assert "row 2:" not in message  # one message, not one line per row
    assert library_json() == [] and team_json() == {}


@pytest.mark.usefixtures("cli_env")
def test_a_cms_export_imports_in_one_command_with_new_types(tmp_path):
    result = run("library", "import", str(cms_export(tmp_path / "cms.csv")), "--new-types", "--actor", "ann")
    assert result.exit_code == 0, result.output
    assert "12 added" in result.output and "New content type Podcast (podcast): usually awareness." in result.output
    types = team_json()
    assert set(types) == {"podcast", "slide_deck", "landing_page", "use_case"}
    assert types["podcast"]["stages"] == ["awareness"]
    assert types["slide_deck"]["stages"] == ["consideration", "decision"]  # one row each: both
    assert types["use_case"]["stages"] == ["consideration"]
    assert types["landing_page"]["stages"] == ["decision"]  # no stage column: read from its text
    by_url = {a["url"].rsplit("acme.example/", 1)[1]: a for a in library_json()}
    assert by_url["podcast/12"]["content_type"] == "podcast"
    assert by_url["lp/route-optimisation"]["stages"] == ["decision"]  # the new type's prior
    assert by_url["reports/state-of-freight"]["content_type"] == "research_report"
    assert by_url["playbooks/dispatch"]["content_type"] == "how_to_guide"
    assert by_url["webinars/tms-selection"]["content_type"] == "webinar"
    assert by_url["customers/northline"]["content_type"] == "case_study"
    assert by_url["briefs/platform"]["content_type"] == "datasheet"
    assert by_url["calculator"]["content_type"] == "roi_calculator"
    listing = run("library", "types").output
    assert "podcast" in listing and "(the team's own)" in listing


@pytest.mark.usefixtures("cli_env")
def test_a_team_type_is_recommended_and_asked_for_by_name(tmp_path):
    run("library", "seed")
    run("library", "import", str(cms_export(tmp_path / "cms.csv")), "--new-types")
    answer = json.loads(run("recommend", "ops lead at a carrier wants to understand empty miles, asked for a podcast",
                            "--json").output)
    assert answer["stage"] == "awareness"
    assert answer["items"][0]["content_type"] == "podcast"
    assert "podcast" in answer["items"][0]["why"].lower()
    only = json.loads(run("recommend", "buying committee wants to see plans", "--type", "slide deck", "--json").output)
    assert {i["content_type"] for i in only["items"]} == {"slide_deck"}


@pytest.mark.usefixtures("cli_env")
def test_new_types_with_another_bad_row_import_nothing(tmp_path):
    rows = [*ROWS, ("No URL row", "", "Podcast", "Awareness", "broken")]
    path = tmp_path / "bad.csv"
    cms_export(path, rows)
    path.write_text(path.read_text().replace("https://acme.example/,", ","), encoding="utf-8")
    result = run("library", "import", str(path), "--new-types")
    assert result.exit_code == 2 and "row 14: url: is required" in result.output
    assert "the new content types are made with the assets" in result.output
    assert library_json() == [] and team_json() == {}


@pytest.mark.usefixtures("cli_env")
def test_types_add_and_remove_from_the_command_line():
    added = run("library", "types", "add", "Slide deck", "--stages", "consideration,decision", "--names", "deck, pitch deck")
    assert added.exit_code == 0 and "Added the content type Slide deck (slide_deck)" in added.output
    assert team_json()["slide_deck"]["names"] == ["deck", "pitch deck"]
    assert run("library", "types", "remove", "Slide deck").exit_code == 0  # by its name too
    assert team_json() == {}


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize("args,expected", [
    (["add", "Report", "--stages", "awareness"], "'Report' is already read as the content type Research report"),
    (["add", "Podcast", "--stages", "awareness,funnel-ish"], "unknown stage 'funnel-ish'"),
    (["add", "Podcast", "--stages", "n/a"], "a content type needs the stages it usually serves"),
    (["add", " ", "--stages", "awareness"], 'a content type needs a name, e.g. "Podcast"'),
    (["add", "P" * 61, "--stages", "awareness"], "longer than 60 characters"),
    (["add", "Podcast", "--stages", "awareness", "--names", "webinar"], "'webinar' is already read as"),
    (["add", "Podcast", "--stages", "awareness", "--key", "9lives"], "must be 2–40 lower-case letters"),
    (["remove", "case_study"], "'case_study' is a shipped content type"),
    (["remove", "podcast"], "there is no team content type 'podcast'"),
    (["add", "Webinar recording", "--stages", "awareness"], "'Webinar recording' is already read as the content type Webinar"),
])
def test_bad_type_definitions_are_explained_and_write_nothing(args, expected):
    result = run("library", "types", *args)
    assert result.exit_code == 2 and expected in result.output, result.output
    assert result.output.rstrip().endswith("Nothing was changed.")
    assert team_json() == {}


@pytest.mark.usefixtures("cli_env")
def test_a_type_that_assets_have_cannot_be_removed(tmp_path):
    run("library", "import", str(cms_export(tmp_path / "cms.csv")), "--new-types")
    result = run("library", "types", "remove", "podcast")
    assert result.exit_code == 2 and "2 assets are of the type Podcast (#1, #2" in result.output
    by_name = run("library", "types", "remove", "Slide deck")  # the name, not the key: still checked
    assert by_name.exit_code == 2 and "2 assets are of the type Slide deck" in by_name.output
    assert {"podcast", "slide_deck"} <= set(team_json())


# -- the vocabulary, the classifier's cues, the digest ------------------------------------------------------
def test_definitions_are_checked_and_keys_made_from_names():
    assert key_for("Slide deck") == "slide_deck" and key_for("On-site Workshop!") == "on_site_workshop"
    assert key_for("播客").startswith("type_") and key_for("播客") == key_for("播客")
    ct = define("播客", "认知, consideration", ["音频节目"])
    assert ct.stages == ("awareness", "consideration") and ct.team
    with pytest.raises(TypeDefinitionError, match="already read as the content type Case study"):
        define("Customer stories", "consideration")
    assert usual_stages([["awareness"], ["awareness", "consideration"], ["decision"], ["awareness"]]) == ("awareness",)
    assert usual_stages([["consideration"], ["decision"]]) == ("consideration", "decision")
    assert usual_stages([]) == ()


def test_installed_team_types_are_names_cues_and_title_suggestions_but_leave_the_model_fresh():
    before = cues.patterns()
    with pytest.raises(ValueError):
        parse_content_type("Podcast")
    install_team_types([define("Podcast", "awareness", ["audio show"])])
    assert parse_content_type("podcasts") == "podcast" and parse_content_type("Audio show") == "podcast"
    assert [c.key for c in all_types()][-1] == "podcast" and len(all_types()) == len(CONTENT_TYPES) + 1
    hits = cues.find_cues("the VP asked for a podcast about it")
    assert [(h.stage, h.content_type) for h in hits if h.content_type] == [("awareness", "podcast")]
    assert cues.requested_content_types("she asked for a podcast") == {"podcast": "podcast"}
    assert content_type_in("Freight Talk podcast, episode 3") == "podcast"
    assert cues.patterns() == before  # the shipped model's fingerprint does not change
    install_team_types(())
    assert team_types() == () and cues.find_cues("asked for a podcast") == []


def _asset(i, content_type, stages):
    now = datetime(2026, 11, 30, tzinfo=timezone.utc)
    return Asset(id=i, title=f"a{i}", url=f"https://x.example/{i}", content_type=content_type, stages=stages,
                 language="en", created_at=now, updated_at=now, last_reviewed_at=now)


def test_the_digest_counts_a_team_type_as_a_gap_only_in_the_stage_it_claims(fake_embedder):
    install_team_types([define("Podcast", "awareness", [])])
    records = DigestRecords(assets=[_asset(1, "demo", ["decision"])], asks=[], downvoted=set(), corrections=[],
                            recommended=set(), shared=set(), net_votes={})
    digest = build_digest(records, fake_embedder, now=datetime(2026, 12, 4, tzinfo=timezone.utc))
    missing = {r.stage: r.missing_types for r in digest.stages}
    assert "podcast" in missing["awareness"]
    assert all("podcast" not in missing[s] for s in ("consideration", "decision", "retention", "advocacy"))
    records.assets.append(_asset(2, "podcast", ["awareness"]))
    digest = build_digest(records, fake_embedder, now=datetime(2026, 12, 4, tzinfo=timezone.utc))
    assert "podcast" not in {r.stage: r.missing_types for r in digest.stages}["awareness"]


# -- the library layer: all or nothing, audited -------------------------------------------------------------
def test_import_with_new_types_writes_types_and_assets_in_one_audited_transaction(engine, tmp_path):
    path = cms_export(tmp_path / "cms.csv")
    with pytest.raises(ImportFailed) as refused:
        read_file(path)
    assert [str(k) for k in refused.value.unknown_types.values()] == [
        "'Podcast' (2 rows: 2, 3)", "'Slide deck' (2 rows: 4, 5)", "'Landing page' (1 row: 6)", "'Use case' (1 row: 7)"]
    records, new = read_file_with_new_types(path, None, None, classify=lambda text: "decision")
    assert team_types() == ()  # checked, not installed: nothing is written yet
    assert import_records(engine, records, "ann", new_types=new).created == 12
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(TeamContentType)).one() == 4
        audits = session.exec(select(AuditLog).where(AuditLog.action == "type_add")).all()
    assert {a.after["key"] for a in audits} == {"podcast", "slide_deck", "landing_page", "use_case"}
    assert {a.actor for a in audits} == {"ann"}
    assert {ct.key for ct in team_types()} == {"podcast", "slide_deck", "landing_page", "use_case"}


def test_a_type_added_by_another_process_is_loaded_from_the_database(engine):
    with Session(engine) as session:
        content_types.add(session, [define("Podcast", "awareness")], "other")
        session.commit()
    assert team_types() == ()
    assert content_types.refresh(engine) is True and parse_content_type("podcast") == "podcast"
    assert content_types.refresh(engine) is False  # nothing changed since


# -- /content types add | remove in Slack (signed HTTP, the Web API stand-in) ------------------------------
bot = bot_fixture("team_types")


@pytest.fixture
def standin(bot):
    bot.standin.clear()
    return bot.standin


def team_rows(bot):
    with Session(bot.runtime.engine) as session:
        return [(t.key, t.stages, t.names) for t in session.exec(select(TeamContentType).order_by(TeamContentType.id))]


def section_text(reply):
    return reply.get("text", "") + "".join(b["text"]["text"] for b in reply.get("blocks", []) if b["type"] == "section")


def test_a_marketer_adds_a_type_in_slack_it_is_listed_used_and_removed(bot, standin):
    added = content(bot, standin, 'types add "Slide deck" stages=consideration,decision names="deck, pitch deck"')
    assert "Added the content type" in added["text"] and "slide_deck" in added["text"], added["text"]
    assert team_rows(bot) == [("slide_deck", ["consideration", "decision"], ["deck", "pitch deck"])]
    listing = section_text(content(bot, standin, "types", user=REP))
    assert "`slide_deck` Slide deck — consideration, decision — deck, pitch deck (_the team's own_)" in listing
    note = content(bot, standin, 'add https://freightline.example/decks/pharma "Cold chain pitch deck for pharma" '
                                 'type="pitch deck" desc="The slides for a pharma shipper\'s buying committee"')
    assert note["text"].startswith("Added"), note["text"]
    with Session(bot.runtime.engine) as session:
        asset = session.exec(select(Asset).where(Asset.url.contains("decks/pharma"))).one()
    assert asset.content_type == "slide_deck" and asset.stages == ["consideration", "decision"]
    assert asset.id in journey_assets(bot, standin, "pharma shipper's buying committee asked for the pitch deck")
    refused = content(bot, standin, "types remove slide_deck")
    assert "1 asset is of the type Slide deck" in refused["text"] and "Nothing was changed" in refused["text"]
    content(bot, standin, f"archive {asset.id}")
    assert "1 asset is of the type" in content(bot, standin, "types remove slide_deck")["text"]  # archived too
    content(bot, standin, f'edit {asset.id} type="Comparison guide"')
    removed = content(bot, standin, "types remove slide_deck")
    assert "Removed the content type" in removed["text"] and team_rows(bot) == []
    with Session(bot.runtime.engine) as session:
        actions = [a.action for a in session.exec(select(AuditLog).where(AuditLog.asset_id.is_(None)))]
    assert actions == ["type_add", "type_remove"]


@pytest.mark.parametrize("command,expected", [
    ('types add Podcast', "a content type needs the stages it usually serves"),
    ('types add "Customer story" stages=consideration', "already read as the content type Case study"),
    ('types add Podcast stages=awareness,later', "unknown stage 'later'"),
    ('types add Pod cast stages=awareness', "give the type's name once, and put a name or a value with spaces in double quotes"),
    ('types add Podcast stages=awareness colour=red', "unknown option `colour=`"),
    ('types remove webinar', "'webinar' is a shipped content type"),
    ('types remove', "give the key of the team's type to remove"),
])
def test_bad_type_commands_in_slack_are_explained_and_write_nothing(bot, standin, command, expected):
    before = state(bot), team_rows(bot)
    note = content(bot, standin, command)
    assert expected in note["text"] and "Nothing was changed" in note["text"], note["text"]
    assert (state(bot), team_rows(bot)) == before


def test_only_marketers_may_define_types(bot, standin):
    note = content(bot, standin, "types add Podcast stages=awareness", user=REP)
    assert "only marketers can change the content library" in note["text"]
    assert team_rows(bot) == []
    assert "types add" in section_text(content(bot, standin, "help", user=REP))
