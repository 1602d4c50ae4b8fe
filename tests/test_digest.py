"""The weekly gap digest: exact content from a known database, delivery, idempotency, schedule."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone

import pytest
from slack_sdk import WebClient
from slack_standin import SlackStandIn
from sqlmodel import Session, select

from bot.app.digest import AlreadyPosted, Digests
from bot.app.runtime import Runtime
from bot.app.settings import Settings
from bot.slack.clock import ScheduleError, next_run
from bot.slack.digest import deliverer, digest_blocks
from bot.terminal.render import render_digest as render
from content_library.models import Asset, AssetShare, DigestRun, Feedback, QueryLog, StageCorrection
from recommender.gaps import EXPECTED_TYPES, priority

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def digest(session, embedder, now=None, **kw):
    """The digest of the session's database at `now` (NOW by default), as the use case builds it."""
    return Digests(session.get_bind(), lambda: embedder, 90).make(now=now or NOW, **kw)


def post_digest(rt, client, channel, **kw):
    """Post once per week through the use case, delivered by the Slack adapter."""
    return rt.digests.post_once(channel, deliverer(client, channel), **kw)
OLD = NOW - timedelta(days=200)
DRONES = ["prospect asks whether we support drone deliveries", "客户问无人机配送",
          "клиент спрашивает про доставку дронами"]
CARBON = ["they need scope 3 carbon emissions reporting", "customer wants CO2 emissions reports per shipment"]
CUSTOMS = "need customs brokerage content for cross-border shipments"


def populate(session: Session) -> dict[str, int]:
    def asset(n, stages, ctype, lang, tags=(), reviewed=None, created=OLD, owner=None, archived=False):
        a = Asset(title=f"Asset {n}", url=f"https://example.com/{n}", content_type=ctype, stages=stages,
                  tags=list(tags), language=lang, owner=owner, last_reviewed_at=reviewed, created_at=created,
                  archived=archived)
        session.add(a)
        session.flush()
        return a.id

    ids = {
        "guide": asset(1, ["awareness"], "how_to_guide", "en", reviewed=NOW - timedelta(days=10), owner="ana"),
        "ebook": asset(2, ["awareness"], "ebook", "zh", owner="li"),
        "case": asset(3, ["consideration"], "case_study", "en", tags=["persona:cfo"], reviewed=NOW - timedelta(days=5)),
        "pricing": asset(4, ["decision"], "pricing", "en", tags=["persona:ops"], owner="bo"),
        "onboarding": asset(5, ["retention"], "onboarding_guide", "ru", reviewed=NOW - timedelta(days=1)),
        "roi": asset(6, ["decision"], "roi_calculator", "en", archived=True),
    }

    def ask(text, stage, strength, assets, when=NOW - timedelta(days=1), override=None, no_signal=False):
        q = QueryLog(text=text, predicted_stage=stage, confidence=0.8, match_strength=strength, asset_ids=assets,
                     scores=[0.5] * len(assets), source="slack", stage_override=override, created_at=when,
                     no_signal=no_signal)
        session.add(q)
        session.flush()
        return q.id

    for t in DRONES:
        ask(t, "consideration", 1.0, [ids["case"]])
    for t in CARBON:
        ask(t, "decision", 1.2, [ids["case"]])
    customs = ask(CUSTOMS, "awareness", 3.0, [ids["guide"]])
    ask("CFO wants the price list", "decision", 3.0, [ids["guide"], ids["case"]])
    ask("procurement asks for a quote", "decision", 3.0, [ids["case"]])
    ask("procurement asks for a quote", "decision", 1.0, [ids["case"]], override="decision")  # a re-ask
    ask("comparing vendors", "consideration", 3.0, [ids["case"]], when=NOW - timedelta(days=10))  # week before
    ask("hi", "advocacy", None, [], no_signal=True)  # said nothing about a prospect: not an ask the library missed
    session.add(StageCorrection(text="procurement asks for a quote", stage="decision", predicted_stage="consideration",
                                created_at=NOW - timedelta(days=2)))
    session.add(Feedback(asset_id=ids["guide"], query_id=customs, stage="awareness", value=-1, user_id="U1"))
    for value, user in ((-1, "U1"), (-1, "U2"), (1, "U3")):
        session.add(Feedback(asset_id=ids["case"], stage="consideration", value=value, user_id=user))
    session.add(AssetShare(asset_id=ids["guide"], user_id="U1", created_at=NOW - timedelta(days=3)))
    session.commit()
    return ids


@pytest.fixture
def known(engine):
    with Session(engine) as session:
        return populate(session)


def test_digest_reports_supply_demand_health_and_topics_exactly(engine, known, e5):
    with Session(engine) as session:
        d = digest(session, e5)
    stages = {r.stage: r for r in d.stages}
    assert [r.stage for r in d.stages] == ["awareness", "consideration", "decision", "retention", "advocacy"]
    assert {s: r.assets for s, r in stages.items()} == {"awareness": 2, "consideration": 1, "decision": 1,
                                                        "retention": 1, "advocacy": 0}
    assert "roi_calculator" in stages["decision"].missing_types and "free_trial" in stages["decision"].missing_types
    assert "pricing" not in stages["decision"].missing_types
    assert set(stages["awareness"].missing_types) == set(EXPECTED_TYPES["awareness"]) - {"how_to_guide", "ebook"}
    assert stages["awareness"].languages == {"en": 1, "ru": 0, "zh": 1}
    assert stages["awareness"].empty_languages == ["ru"] and stages["retention"].empty_languages == ["en", "zh"]
    assert stages["consideration"].empty_tag_cells == {"persona": ["ops"]}
    assert stages["decision"].empty_tag_cells == {"persona": ["cfo"]}
    assert {s: (r.asks, r.asks_before, r.weak_asks) for s, r in stages.items()} == {
        "awareness": (1, 0, 1), "consideration": (3, 1, 3), "decision": (4, 0, 2), "retention": (0, 0, 0),
        "advocacy": (0, 0, 0)}
    assert (stages["decision"].overrides_in, stages["consideration"].overrides_out) == (1, 1)
    assert d.overrides == {"consideration→decision": 1}
    assert d.total_asks == 8 and d.total_asks_before == 1
    # Weak asks: 3 about drones (three languages), 2 about emissions, 1 rated down.
    assert [(t.count, t.priority, t.stage) for t in d.topics] == [(3, "High", "consideration"),
                                                                  (2, "Medium", "decision"),
                                                                  (1, "Low", "awareness")]
    assert d.topics[0].example in DRONES and d.topics[1].example in CARBON and d.topics[2].example == CUSTOMS
    assert [(s.id, s.owner) for s in d.stale] == [(known["ebook"], "li"), (known["pricing"], "bo")]
    assert {u.id for u in d.unused} == {known["ebook"], known["pricing"], known["onboarding"]}
    assert [u.id for u in d.disliked] == [known["guide"], known["case"]]
    assert {s: (r.stale, r.unused, r.disliked) for s, r in stages.items()} == {
        "awareness": (1, 1, 1), "consideration": (0, 0, 1), "decision": (1, 1, 0), "retention": (0, 1, 0),
        "advocacy": (0, 0, 0)}
    assert d.headline[0] == "Advocacy has no content at all."
    assert d.headline[1].startswith("3 asks like") and "consideration stage" in d.headline[1]


def test_priorities():
    assert [priority(n, 10) for n in (5, 3, 2, 1)] == ["High", "High", "Medium", "Low"]
    assert priority(3, 12) == "High" and priority(3, 20) == "Medium"


def test_an_empty_library_and_an_empty_week_give_a_short_digest(engine, e5):
    with Session(engine) as session:
        d = digest(session, e5)
    assert d.headline == ["The library is empty: add content with `/content add` or `journeybot library import`."]
    text = render(d)
    assert "0 active assets" in text and "No poorly served asks" in text and len(text.splitlines()) < 30
    assert json.loads(render(d, "json"))["stages"][0]["asks"] == 0


def test_a_week_without_asks(seeded_engine, e5):
    with Session(seeded_engine) as session:
        d = digest(session, e5)
    assert d.total_asks == 0 and d.topics == []
    assert any("No asks" in h or "no " in h.lower() for h in d.headline)


def test_json_and_markdown_formats(engine, known, e5):
    with Session(engine) as session:
        d = digest(session, e5)
    data = json.loads(render(d, "json"))
    assert [s["stage"] for s in data["stages"]] == ["awareness", "consideration", "decision", "retention", "advocacy"]
    assert {"assets", "missing_types", "empty_languages", "asks", "asks_before", "weak_asks"} <= set(data["stages"][0])
    assert data["topics"][0]["priority"] == "High" and data["topics"][0]["count"] == 3
    assert render(d, "markdown").startswith("**Content gaps")


# -- posting ---------------------------------------------------------------------------------------------
@pytest.fixture
def posting(engine, known, e5, tmp_path):
    standin = SlackStandIn()
    settings = Settings(data_dir=tmp_path, database_url=str(engine.url.render_as_string(hide_password=False)),
                        slack_bot_token="xoxb-test", slack_api_url=standin.api_url)
    rt = Runtime(settings)
    rt.__dict__["embedder"] = e5
    rt.__dict__["engine"] = engine
    yield rt, WebClient(token="xoxb-test", base_url=standin.api_url), standin
    standin.close()


def test_post_sends_blocks_and_a_chart_once_per_week(posting):
    rt, client, standin = posting
    ts = post_digest(rt, client, "C0MKT", now=NOW)
    message = standin.calls_to("/api/chat.postMessage")[0].body
    assert message["channel"] == "C0MKT" and "Advocacy has no content at all" in message["text"]
    assert any(b["type"] == "header" for b in message["blocks"]) and len(message["blocks"]) <= 50
    upload = standin.calls_to("/upload/F0CHART")[0]
    assert upload.raw.startswith(b"\x89PNG")
    complete = standin.calls_to("/api/files.completeUploadExternal")[0].body
    assert complete["channel_id"] == "C0MKT" and complete["thread_ts"] == ts
    with pytest.raises(AlreadyPosted):
        post_digest(rt, client, "C0MKT", now=NOW + timedelta(days=2))
    assert len(standin.calls_to("/api/chat.postMessage")) == 1
    post_digest(rt, client, "C0MKT", now=NOW + timedelta(days=2), force=True)
    post_digest(rt, client, "C0OTHER", now=NOW)
    post_digest(rt, client, "C0MKT", now=NOW + timedelta(days=7))
    assert len(standin.calls_to("/api/chat.postMessage")) == 4
    with Session(rt.engine) as session:
        runs = sorted((r.channel, r.iso_week, r.status) for r in session.exec(select(DigestRun)))
    assert runs == [("C0MKT", "2026-W48", "posted"), ("C0MKT", "2026-W49", "posted"), ("C0OTHER", "2026-W48", "posted")]


def test_two_clocks_posting_at_once_post_once(posting):
    rt, client, standin = posting
    outcomes = []

    def clock():
        try:
            outcomes.append(post_digest(rt, client, "C0MKT", now=NOW))
        except AlreadyPosted:
            outcomes.append("skipped")

    threads = [threading.Thread(target=clock) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o == "skipped" for o in outcomes) == [False, True]
    assert len(standin.calls_to("/api/chat.postMessage")) == 1


def test_a_failed_post_gives_the_week_back(posting):
    rt, client, standin = posting
    standin.answers["chat.postMessage"] = {"ok": False, "error": "channel_not_found"}
    with pytest.raises(Exception, match="channel_not_found"):
        post_digest(rt, client, "C0GONE", now=NOW)
    standin.answers["chat.postMessage"] = {"channel": "C0GONE", "ts": "1.2"}
    assert post_digest(rt, client, "C0GONE", now=NOW) == "1.2"


def test_blocks_escape_library_and_ask_text(engine, e5):
    with Session(engine) as session:
        session.add(Asset(title="<!channel> deal", url="https://example.com/x", content_type="ebook",
                          stages=["awareness"], language="en", created_at=OLD))
        session.add(QueryLog(text="<!here> wants drones", predicted_stage="awareness", confidence=0.5,
                             match_strength=0.1, asset_ids=[], scores=[], created_at=NOW - timedelta(days=1)))
        session.commit()
        d = digest(session, e5)
    text = json.dumps(digest_blocks(d))
    assert "<!channel>" not in text and "<!here>" not in text and "&lt;!here&gt;" in text


def test_asks_in_a_language_the_library_lacks_are_a_gap_in_that_language(engine, e5):
    """Japanese asks used to count as Chinese (Han characters) and Spanish ones as English."""
    with Session(engine) as session:
        session.add(Asset(title="Pricing", url="https://example.com/p", content_type="pricing",
                          stages=["decision"], language="en", created_at=OLD))
        session.add(Asset(title="价格", url="https://example.com/zh/p", content_type="pricing",
                          stages=["decision"], language="zh", created_at=OLD))
        for text in ("見込み客は料金表を見たいと言っています", "El director financiero quiere ver los precios del plan"):
            session.add(QueryLog(text=text, predicted_stage="decision", confidence=0.9, match_strength=2.0,
                                 asset_ids=[], scores=[], created_at=NOW - timedelta(days=1)))
        session.commit()
        d = digest(session, e5)
    decision = next(r for r in d.stages if r.stage == "decision")
    assert decision.languages == {"en": 1, "es": 0, "ja": 0, "zh": 1}
    assert decision.empty_languages == ["es", "ja"]
    assert "no content in: es, ja" in render(d, "text")


def test_asks_for_what_no_asset_is_about_are_listed_and_lead_the_headline(engine, e5):
    with Session(engine) as session:
        for n, (stage, ctype, title) in enumerate([
                ("awareness", "ebook", "Freight basics"), ("consideration", "case_study", "A carrier's story"),
                ("decision", "pricing", "Pricing"), ("retention", "knowledge_base", "Fixing every error message"),
                ("advocacy", "event", "Speak at our summit")]):
            session.add(Asset(title=title, url=f"https://example.com/{n}", content_type=ctype, stages=[stage],
                              language="en", created_at=OLD))
        for text, stage in (("customer wants to export all their data", "retention"),
                            ("客户要把数据全部导出成Excel", "retention"),
                            ("customer keeps getting an error on login", "retention"),
                            ("wants to speak at the summit", "advocacy")):
            session.add(QueryLog(text=text, predicted_stage=stage, confidence=0.9, match_strength=2.5,
                                 asset_ids=[1], scores=[0.5], created_at=NOW - timedelta(days=1)))
        session.commit()
        d = digest(session, e5)
    assert [(g.intent, g.label, g.stage, g.count) for g in d.wanted] == [
        ("export", "exporting their data", "retention", 2)]
    assert d.wanted[0].example == "客户要把数据全部导出成Excel"
    assert d.headline[0] == "2 asks wanted exporting their data (retention stage), and nothing in the library is about it."
    text = render(d, "text")
    assert "Asked for, and nothing in the library is about it" in text and "2× exporting their data (retention)" in text
    assert "2× exporting their data (retention)" in json.dumps(digest_blocks(d), ensure_ascii=False)
    assert json.loads(render(d, "json"))["wanted"][0]["count"] == 2


# -- schedule ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cron,tz,now,expected", [
    ("0 9 * * 1", "UTC", "2026-11-23T08:00:00+00:00", "2026-11-23T09:00:00+00:00"),  # Monday, before 9
    ("0 9 * * 1", "UTC", "2026-11-23T09:30:00+00:00", "2026-11-30T09:00:00+00:00"),
    ("0 9 * * 1", "Europe/Berlin", "2026-11-23T07:30:00+00:00", "2026-11-23T09:00:00+01:00"),
    ("30 17 * * 5", "America/New_York", "2026-11-23T00:00:00+00:00", "2026-11-27T17:30:00-05:00"),  # Friday
    ("0 8 * * 0", "UTC", "2026-11-23T00:00:00+00:00", "2026-11-29T08:00:00+00:00"),  # 0 = Sunday
    ("0 8 * * 1-5", "UTC", "2026-11-28T00:00:00+00:00", "2026-11-30T08:00:00+00:00"),  # Sat → Mon
])
def test_next_run_follows_crontab_weekdays_and_time_zones(cron, tz, now, expected):
    assert next_run(cron, tz, datetime.fromisoformat(now)) == datetime.fromisoformat(expected)


@pytest.mark.parametrize("cron,tz,message", [("0 9 * *", "UTC", "DIGEST_CRON"), ("0 25 * * 1", "UTC", "DIGEST_CRON"),
                                             ("0 9 * * 1", "Mars/Olympus", "DIGEST_TIMEZONE")])
def test_bad_schedules_are_named(cron, tz, message):
    with pytest.raises(ScheduleError, match=message):
        next_run(cron, tz, NOW)
