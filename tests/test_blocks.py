"""Block Kit builders and mrkdwn safety, as pure functions: `.to_dict()` output, escaping, limits."""

from __future__ import annotations

import json

import pytest

from bot.app.asks import StaleAnswer
from bot.slack import ids
from bot.slack.blocks import answer_blocks, answer_text, home_view, share_message, to_dicts
from bot.slack.buttons import AssetValue, ListPageValue, MoreValue, StageValue
from bot.slack.mrkdwn import escape, link, to_plain
from content_library.models import QueryLog
from content_library.vocabulary import STAGES
from recommender.classifier import Evidence, StageResult
from recommender.intents import Want
from recommender.query import Recommendation
from recommender.ranking import AssetView, RankedItem

HOSTILE_TITLE = "<!channel> Pricing & ROI | <https://evil.example|click> " + "x" * 400
HOSTILE_DESC = "<!here> " + "y" * 12_000


def item(n: int, title: str = "Case study", description: str = "", url: str | None = None) -> RankedItem:
    asset = AssetView(n, title, url or f"https://example.com/a/{n}", description, "case_study",
                      ("consideration",), ("logistics",), "en")
    return RankedItem(asset, 0.9, 0.8, 1.0, "consideration", "Case study for the consideration stage; " + "z" * 600)


def result(unsure: bool = False, evidence: int = 3) -> StageResult:
    probs = {"awareness": 0.05, "consideration": 0.55, "decision": 0.3, "retention": 0.05, "advocacy": 0.05}
    return StageResult("consideration", 0.55, probs, unsure,
                       [Evidence("<!everyone> compared " + "w" * 200, "consideration")] * evidence)


def rec(items, unsure=False, truncated=False, text="Ops lead <@U1> & co") -> Recommendation:
    return Recommendation(text, truncated, result(unsure), items, query_id=42)


def walk_texts(blocks: list[dict]):
    for b in blocks:
        if "text" in b:
            yield b["text"]["text"]
        for f in b.get("fields", []):
            yield f["text"]
        for e in b.get("elements", []):
            if "text" in e and isinstance(e["text"], dict):
                yield e["text"]["text"]
            elif "text" in e:
                yield e["text"]


def test_escape_and_link_cannot_break_out():
    assert escape("<!channel> a & b > c") == "&lt;!channel&gt; a &amp; b &gt; c"
    made = link("https://example.com/x?a=1&b=<2>|3", "A|B <c>")
    assert made.startswith("<https://example.com/x?a=1&amp;b=%3C2%3E%7C3|") and made.endswith("A¦B &lt;c&gt;>")
    assert made.count("<") == 1 and made.count(">") == 1 and made.count("|") == 1


@pytest.mark.parametrize("raw,plain", [
    ("<@U1> hi <@UBOT>", "@U1 hi"),
    ("see <https://x.io/p|the page> and <https://y.io>", "see the page and https://y.io"),
    ("<#C1|sales> <!here> <!subteam^S1|@marketing>", "#sales @here @@marketing"),
    ("R&amp;D &lt;b&gt;", "R&D <b>"),
])
def test_to_plain_reads_slack_encoded_text(raw, plain):
    assert to_plain(raw, drop_user="UBOT") == plain


def test_a_text_with_nothing_about_the_prospect_asks_back_with_every_stage_to_pick():
    said_nothing = StageResult("advocacy", 0.01, {s: 0.2 for s in STAGES}, True, [], no_signal=True)
    blocks = to_dicts(answer_blocks(Recommendation("hi <!here>", False, said_nothing, [], query_id=7), "aisas"))
    text = json.dumps(blocks, ensure_ascii=False)
    assert "can't tell" in text and "Describe them" in text and "confidence" not in text
    assert "<!here>" not in text and "No matching assets" not in text
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in buttons] == list(ids.PICK_STAGE_IDS)
    assert [StageValue.decode(e["value"]) for e in buttons] == [StageValue(7, s) for s in STAGES]
    assert buttons[0]["text"]["text"].startswith("Attention")  # the team's framework names the stages
    assert not any(b.get("block_id", "").startswith(ids.ASSET_BLOCK_PREFIX) for b in blocks)
    assert "can't tell" in answer_text(Recommendation("hi", False, said_nothing, []))


def test_answer_blocks_fit_block_kit_limits_for_hostile_library_content():
    items = [item(n, HOSTILE_TITLE, HOSTILE_DESC, url=f"https://example.com/{'p' * 1900}/{n}") for n in range(1, 6)]
    blocks = to_dicts(answer_blocks(rec(items, unsure=True, truncated=True), "aisas"))  # slack_sdk validates
    assert len(blocks) <= 50
    for text in walk_texts(blocks):
        assert len(text) <= 3000
        assert "<!channel>" not in text and "<!here>" not in text and "<!everyone>" not in text
        assert "<https://evil.example" not in text
    for element in (e for b in blocks if b["type"] == "actions" for e in b["elements"]):
        assert len(element.get("value", "")) <= 2000
        assert element["action_id"] in {ids.SHARE, ids.FEEDBACK_UP, ids.FEEDBACK_DOWN, ids.OVERRIDE_STAGE,
                                        ids.MORE, *ids.PICK_STAGE_IDS}
    assert "Interest / Search (Consideration)" in json.dumps(blocks)  # the team's framework words and the canonical
    assert "longer than 10,000" in json.dumps(blocks)


def test_answer_without_items_says_what_to_do():
    blocks = to_dicts(answer_blocks(rec([])))
    assert "/content add" in json.dumps(blocks)
    assert not [e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == ids.MORE]


def test_button_values_carry_the_answer_and_asset():
    blocks = to_dicts(answer_blocks(rec([item(7)])))
    share = next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == ids.SHARE)
    assert json.loads(share["value"]) == {"q": 42, "a": 7, "s": "consideration"}  # the wire format, kept
    assert AssetValue.decode(share["value"]) == AssetValue(42, 7, "consideration")
    for unreadable in ("not json", "[1]", None, '{"q": 42}', '{"a": "x"}'):
        with pytest.raises(StaleAnswer):
            AssetValue.decode(unreadable)
    with pytest.raises(StaleAnswer):
        StageValue.decode('{"q": 42, "s": "purchase"}')
    assert MoreValue.decode(MoreValue(3, 10, None).encode()) == MoreValue(3, 10, None)
    assert ListPageValue.decode('{"s": "nope", "t": 5, "p": "x"}') == ListPageValue(None, None, None, 1)


def test_share_message_is_escaped_and_names_the_rep():
    asset = item(3, HOSTILE_TITLE, HOSTILE_DESC).asset
    text, blocks = share_message(asset, "U0REP")
    rendered = to_dicts(blocks)
    assert "<!channel>" not in text and "<!here>" not in json.dumps(rendered)
    assert "Shared by <@U0REP>" in json.dumps(rendered)
    assert all(len(t) <= 3000 for t in walk_texts(rendered))


def test_home_view_lists_stages_and_escapes_recent_asks():
    stats = {"assets": 3, "per_stage": {"awareness": 1, "consideration": 0, "decision": 2, "retention": 0,
                                        "advocacy": 0}}
    recent = [QueryLog(text="<!channel> wants pricing", predicted_stage="decision", confidence=0.9),
              QueryLog(text="hi", predicted_stage="advocacy", confidence=0.01, unsure=True, no_signal=True)]
    view = home_view(stats, recent)
    text = json.dumps(view, ensure_ascii=False)
    assert view["type"] == "home" and "3 active assets" in text and "&lt;!channel&gt;" in text
    assert "*Decision* · &lt;!channel&gt;" in text and "*stage not given* · hi" in text


def test_other_language_versions_are_linked_beside_the_asset_and_never_break_the_limit():
    def version(n, language, url):
        return AssetView(n, "Цены", url, "", "case_study", ("consideration",), (), language)

    shown = item(1)
    shown.versions = [version(2, "ru", "https://example.com/ru/1"), version(3, "zh", "https://example.com/zh/1")]
    text = json.dumps(to_dicts(answer_blocks(rec([shown]))), ensure_ascii=False)
    assert "also in <https://example.com/ru/1|ru>, <https://example.com/zh/1|zh>" in text

    long_url = f"https://example.com/{'p' * 1900}"
    hostile = item(4, HOSTILE_TITLE, HOSTILE_DESC, url=long_url + "/4")
    hostile.versions = [version(10 + n, f"x{n}", f"{long_url}/{n}") for n in range(6)]
    blocks = to_dicts(answer_blocks(rec([hostile])))
    assert all(len(t) <= 3000 for t in walk_texts(blocks))
    assert "also in" in json.dumps(blocks) and "and 2 more" in json.dumps(blocks)  # languages without links


def test_what_the_ask_wants_is_said_and_a_want_the_library_lacks_is_said_first():
    served = Recommendation("their admin <!here> wants pricing", False, result(), [item(1)], query_id=1,
                            wants=[Want("price", "pricing <!here>", True)])
    text = json.dumps(to_dicts(answer_blocks(served)), ensure_ascii=False)
    assert "Asks for: the price (“pricing &lt;!here&gt;”)." in text and "<!here>" not in text
    missing = Recommendation("wants to export", False, result(), [item(1)], query_id=1,
                             wants=[Want("compare", "vs", True), Want("export", "export", False)])
    contexts = [e["text"] for b in to_dicts(answer_blocks(missing)) if b["type"] == "context" for e in b["elements"]]
    note = next(t for t in contexts if "Nothing in the library" in t)
    assert "about exporting their data yet (“export”)" in note and "closest consideration assets" in note
    assert "Asks for" not in json.dumps(contexts)
    # No assets, no "closest assets".
    empty = Recommendation("wants to export", False, result(), [], query_id=1, wants=[Want("export", "export", False)])
    assert "Nothing in the library" not in json.dumps(to_dicts(answer_blocks(empty)))


def test_evidence_for_another_stage_is_set_apart_from_the_stages_own():
    probs = {"awareness": 0.0, "consideration": 0.05, "decision": 0.0, "retention": 0.95, "advocacy": 0.0}
    only_other = StageResult("retention", 0.95, probs, False, [Evidence("конкуренту", "consideration")])
    text = json.dumps(to_dicts(answer_blocks(Recommendation("x", False, only_other, [item(1)], query_id=1))),
                      ensure_ascii=False)
    assert "Evidence: no words for retention; judged on the overall meaning (against it: “конкуренту” → consideration)" in text
    mixed = StageResult("retention", 0.95, probs, False,
                        [Evidence("renewal", "retention"), Evidence("<!here> vendors", "consideration")])
    text = json.dumps(to_dicts(answer_blocks(Recommendation("x", False, mixed, [item(1)], query_id=1))),
                      ensure_ascii=False)
    assert "Evidence: “renewal” → retention (against it: “&lt;!here&gt; vendors” → consideration)" in text
