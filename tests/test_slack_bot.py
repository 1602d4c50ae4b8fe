"""The Slack bot over real HTTP: signed requests in, Web API and response-URL calls out to a stand-in."""

from __future__ import annotations

import json
import logging
import threading
import time

import pytest
from answer_harness import ASK, actions_of, ask, assets_of, bot_fixture, clear, click, mention, rows
from slack_harness import start_harness, wait_until
from slack_standin import BOT_USER, SlackSigner

from bot.slack import ids
from content_library.models import AssetShare, Feedback, QueryLog, StageCorrection
from content_library.vocabulary import STAGES
from recommender.engine import Recommender

bot = bot_fixture("slackbot")


@pytest.fixture
def standin(bot):
    return clear(bot)


# -- verification --------------------------------------------------------------------------------------
def test_url_verification_is_answered(bot):
    reply = bot.slack.post(json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"}),
                           "application/json")
    assert reply.status == 200 and "abc123" in reply.body


PAYLOAD_ASK = ("Ops lead at a regional carrier is researching why trucks leave half empty; asked what payload "
               "utilisation even means")


@pytest.mark.parametrize("text,fields", [
    (PAYLOAD_ASK, {}),
    ("payload", {}),
    (ASK, {"channel_name": "payload-ops"}),
    (ASK, {"team_domain": "payloadco", "user_name": "payload.planner"}),
])
def test_a_form_holding_the_word_payload_is_answered(bot, standin, text, fields):
    """slack-bolt read any form body with "payload" in it as an interaction and found nothing."""
    reply = bot.slack.command(text, response_url=standin.response_url("p"), fields=fields)
    assert reply.status == 200, reply.body
    answer = standin.wait_for("/respond/p")[0].body
    if text == "payload":  # one word and no prospect: asked for a description, as any such text
        assert "describe" in answer["text"].lower()
    else:
        assert len(assets_of(answer)) == 5
        assert rows(bot, QueryLog, QueryLog.text == text)


@pytest.mark.parametrize("how", ["forged", "unsigned", "replayed", "wrong-secret"])
def test_unverified_requests_get_401_and_do_nothing(bot, standin, how):
    before = len(rows(bot, QueryLog))
    sender = bot.slack
    kw = {}
    if how == "forged":
        kw["signature"] = "v0=" + "0" * 64
    elif how == "unsigned":
        kw["sign"] = False
    elif how == "replayed":  # correctly signed, but six minutes old
        kw["timestamp"] = int(time.time()) - 6 * 60
    else:
        sender = SlackSigner(bot.slack.url, "another-secret")
    reply = sender.command(ASK, response_url=standin.response_url("x"), **kw)
    assert reply.status == 401
    time.sleep(0.3)
    assert standin.calls == []
    assert len(rows(bot, QueryLog)) == before


# -- /journey -------------------------------------------------------------------------------------------
def test_journey_acks_at_once_then_answers_with_stage_evidence_and_assets(bot, standin):
    reply, answer = ask(bot, standin)
    assert "Looking for content" in reply.body
    assert answer["response_type"] == "ephemeral"
    text = json.dumps(answer["blocks"], ensure_ascii=False)
    assert "*Stage:* Consideration" in text and "confidence" in text and "Evidence:" in text
    assets = assets_of(answer)
    assert 3 <= len(assets) <= 5
    first = next(b for b in answer["blocks"] if b.get("block_id", "").startswith(ids.ASSET_BLOCK_PREFIX))
    assert first["text"]["text"].startswith("*<https://")
    kinds = {a["action_id"] for a in actions_of(answer)}
    assert {ids.SHARE, ids.FEEDBACK_UP, ids.FEEDBACK_DOWN, ids.OVERRIDE_STAGE, ids.MORE} <= kinds
    logged = rows(bot, QueryLog, QueryLog.slack_user == "U0REP")[-1]
    assert logged.source == "slack" and logged.slack_channel == "C0SALES" and logged.text == ASK
    assert logged.predicted_stage == "consideration" and len(logged.asset_ids) == len(assets)


def test_an_ask_for_what_the_library_lacks_is_told_so_in_slack(bot, standin):
    _, answer = ask(bot, standin, "Existing customer, they want to export all their shipment data to CSV", name="gap")
    notes = [e["text"] for b in answer["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert any("Nothing in the library is about exporting their data yet" in n for n in notes)
    assert assets_of(answer)  # the closest assets are still shown


class GatedEmbedder:
    """The real embedder behind a gate: no answer can be worked out until the test opens it."""

    def __init__(self, inner):
        self.inner, self.gate, self.reached = inner, threading.Event(), threading.Event()

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def embed_queries(self, texts):
        self.reached.set()
        self.gate.wait(60)
        return self.inner.embed_queries(texts)


def test_journey_is_acknowledged_while_its_answer_is_still_being_worked_out(bot, standin, monkeypatch):
    """Slack wants the acknowledgement within 3 s whatever the answer costs: it must not wait for
    the work. Here the work is held until the acknowledgement has arrived."""
    gated = GatedEmbedder(bot.runtime.recommender.pipeline.embedder)
    monkeypatch.setattr(bot.runtime.recommender.pipeline, "embedder", gated)  # the pipeline embeds the ask
    replies = []
    sender = threading.Thread(target=lambda: replies.append(
        bot.slack.command(ASK, response_url=standin.response_url("held"))))
    sender.start()
    try:
        sender.join(20)
        assert replies and replies[0].status == 200 and "Looking for content" in replies[0].body
        assert gated.reached.wait(20) and standin.calls_to("/respond/held") == []
    finally:
        gated.gate.set()
        sender.join()
    assert "*Stage:* Consideration" in json.dumps(standin.wait_for("/respond/held")[0].body["blocks"])


@pytest.mark.parametrize("text", ["", "   ", "help", "???", "🙏🙏"])
def test_journey_without_a_description_shows_usage(bot, standin, text):
    before = len(rows(bot, QueryLog))
    reply = bot.slack.command(text, response_url=standin.response_url("usage"))
    assert reply.status == 200 and "/journey" in reply.body and "Describe your prospect" in reply.body
    time.sleep(0.3)
    assert standin.calls_to("/respond/usage") == []
    assert len(rows(bot, QueryLog)) == before


def test_user_text_is_escaped_so_nobody_is_pinged(bot, standin):
    # What Slack sends when a rep types "@channel", a tag and R&D: special mentions encoded, the rest escaped.
    _, answer = ask(bot, standin, "Tell <!channel> about <@U999> &lt;script&gt; R&amp;D lead asking for a quote",
                    name="esc")
    body = json.dumps(answer, ensure_ascii=False)
    assert "<!channel>" not in body and "<@U999>" not in body and "<script>" not in body
    assert "&lt;script&gt;" in body and "R&amp;D" in body


def test_words_slack_treats_specially_are_just_words(bot, standin):
    _, answer = ask(bot, standin, "/journey stop unsubscribe @here *bold* `code` ~strike~ > quote", name="special")
    assert assets_of(answer)


# -- buttons ----------------------------------------------------------------------------------------------
def test_share_posts_a_prospect_ready_message_in_the_channel_and_is_recorded(bot, standin):
    _, answer = ask(bot, standin, name="share-src")
    share = next(a for a in actions_of(answer) if a["action_id"] == ids.SHARE)
    asset_id = json.loads(share["value"])["a"]
    click(bot, share, response_url=standin.response_url("share"))
    posted = standin.wait_for("/respond/share")[0].body
    assert posted["response_type"] == "in_channel" and posted["replace_original"] is False
    assert "Shared by <@U0REP>" in json.dumps(posted["blocks"]) and "<https://" in json.dumps(posted["blocks"])
    wait_until(lambda: rows(bot, AssetShare, AssetShare.asset_id == asset_id))


def test_share_from_a_threaded_answer_posts_in_that_thread(bot, standin):
    _, answer = ask(bot, standin, name="share-thread")
    share = next(a for a in actions_of(answer) if a["action_id"] == ids.SHARE)
    click(bot, share, response_url=standin.response_url("unused"),
          container={"type": "message", "message_ts": "1700.2", "thread_ts": "1700.1", "channel_id": "C0SALES",
                     "is_ephemeral": False})
    posted = standin.wait_for("/api/chat.postMessage")[0].body
    assert posted["channel"] == "C0SALES" and posted["thread_ts"] == "1700.1"


def test_repeated_thumbs_down_demotes_an_asset_for_that_stage(bot, standin):
    text = "Head of logistics at a retailer wants a pricing quote and an ROI estimate before signing"
    _, answer = ask(bot, standin, text, name="fb1")
    downs = [a for a in actions_of(answer) if a["action_id"] == ids.FEEDBACK_DOWN]
    top = json.loads(downs[0]["value"])
    for n, user in enumerate(["U0A", "U0B"]):
        click(bot, downs[0], response_url=standin.response_url(f"fb-ack{n}"), user=user)
        note = standin.wait_for(f"/respond/fb-ack{n}")[0].body
        assert "Thanks, noted 👎" in note["text"] and note["replace_original"] is False
    votes = rows(bot, Feedback, Feedback.asset_id == top["a"])
    assert [v.value for v in votes].count(-1) >= 2 and all(v.stage == top["s"] for v in votes)
    _, again = ask(bot, standin, text, name="fb2")
    assert assets_of(again)[0] != f"{ids.ASSET_BLOCK_PREFIX}{top['a']}"


def test_voting_twice_on_one_answer_changes_the_vote(bot, standin):
    _, answer = ask(bot, standin, "CFO wants the ROI calculator", name="vote")
    up = next(a for a in actions_of(answer) if a["action_id"] == ids.FEEDBACK_UP)
    down = next(a for a in actions_of(answer) if a["action_id"] == ids.FEEDBACK_DOWN)
    value = json.loads(up["value"])
    click(bot, up, response_url=standin.response_url("v1"), user="U0VOTER")
    standin.wait_for("/respond/v1")
    click(bot, down, response_url=standin.response_url("v2"), user="U0VOTER")
    standin.wait_for("/respond/v2")
    votes = rows(bot, Feedback, Feedback.user_id == "U0VOTER", Feedback.query_id == value["q"])
    assert [v.value for v in votes] == [-1]


def test_stage_override_reranks_and_teaches_the_classifier(bot, standin):
    _, answer = ask(bot, standin, name="ov")
    menu = next(a for a in actions_of(answer) if a["action_id"] == ids.OVERRIDE_STAGE)
    decision = next(o for o in menu["options"] if json.loads(o["value"])["s"] == "decision")
    click(bot, menu, response_url=standin.response_url("ov2"), selected=decision)
    redone = standin.wait_for("/respond/ov2")[0].body
    assert redone["replace_original"] is True
    assert "Decision (as you chose)" in json.dumps(redone["blocks"])
    query_id = json.loads(decision["value"])["q"]
    correction = wait_until(lambda: rows(bot, StageCorrection, StageCorrection.query_id == query_id))[0]
    assert correction.stage == "decision" and correction.predicted_stage == "consideration"
    assert correction.text == ASK and correction.user_id == "U0REP"


def test_more_shows_the_next_results(bot, standin):
    _, answer = ask(bot, standin, name="more1")
    more = next(a for a in actions_of(answer) if a["action_id"] == ids.MORE)
    click(bot, more, response_url=standin.response_url("more2"))
    page2 = standin.wait_for("/respond/more2")[0].body
    assert page2["replace_original"] is True
    assert assets_of(page2) and not set(assets_of(page2)) & set(assets_of(answer))


def test_unsure_answers_offer_the_two_likely_stages(bot, standin):
    recommender = bot.runtime.recommender
    # Texts torn between two stages (a text with nothing about the stage gets another answer, tested below).
    candidates = ["new customer wants to refer a friend and needs training", "customer asked about a discount on renewal",
                  "watched the demo, asked about onboarding",
                  "they use us already and asked about a demo for the new team, maybe referrals"]
    text = next((t for t in candidates if recommender.classify(t).unsure and not recommender.classify(t).no_signal),
                None)
    assert text, "none of the ambiguous descriptions was flagged unsure"
    _, answer = ask(bot, standin, text, name="unsure")
    assert "I'm not sure" in json.dumps(answer["blocks"], ensure_ascii=False)
    picks = [a for a in actions_of(answer) if a["action_id"].startswith(ids.PICK_STAGE_PREFIX)]
    assert len(picks) == 2 and assets_of(answer)
    chosen = json.loads(picks[1]["value"])["s"]
    click(bot, picks[1], response_url=standin.response_url("unsure2"))
    redone = standin.wait_for("/respond/unsure2")[0].body
    assert "(as you chose)" in json.dumps(redone["blocks"]) and chosen in {s for s in STAGES}


def test_a_text_with_nothing_about_the_prospect_asks_back_and_a_picked_stage_is_no_correction(bot, standin):
    _, answer = ask(bot, standin, "hi", name="nosignal")
    assert "can't tell" in json.dumps(answer["blocks"]) and not assets_of(answer)
    picks = [a for a in actions_of(answer) if a["action_id"].startswith(ids.PICK_STAGE_PREFIX)]
    assert [json.loads(p["value"])["s"] for p in picks] == list(STAGES)
    query_id = json.loads(picks[0]["value"])["q"]
    logged = rows(bot, QueryLog, QueryLog.id == query_id)[0]
    assert logged.no_signal and logged.asset_ids == []
    click(bot, picks[2], response_url=standin.response_url("nosignal2"))
    redone = standin.wait_for("/respond/nosignal2")[0].body
    assert "Decision (as you chose)" in json.dumps(redone["blocks"]) and assets_of(redone)
    # "hi" is not a decision-stage description to learn from: nothing was predicted, nothing corrected.
    assert rows(bot, StageCorrection, StageCorrection.query_id == query_id) == []


def test_a_button_from_a_forgotten_answer_gets_a_polite_note(bot, standin):
    click(bot, {"action_id": ids.MORE, "type": "button", "value": json.dumps({"q": 99999999, "o": 5})},
          response_url=standin.response_url("stale"))
    note = standin.wait_for("/respond/stale")[0].body
    assert "no longer known" in note["text"] and "/journey" in note["text"]


# -- the Web API misbehaving, internal errors ----------------------------------------------------------------
def test_rate_limited_web_api_is_retried_after_retry_after(bot, standin):
    standin.fail("/api/chat.postMessage", (429, {"Retry-After": "1"}, '{"ok": false, "error": "ratelimited"}'))
    bot.slack.event(mention(f"<@{BOT_USER}> {ASK}", ts="1700000007.000100"), event_id="Ev0RATE")
    calls = standin.wait_for("/api/chat.postMessage", count=2)
    assert calls[1].at - calls[0].at >= 0.9


def test_server_errors_are_retried_and_a_final_failure_is_logged(bot, standin, caplog):
    caplog.set_level(logging.ERROR)
    failure = (500, {}, '{"ok": false}')
    standin.fail("/respond/down", failure, failure, failure, failure)
    bot.slack.command(ASK, response_url=standin.response_url("down"))
    # The answer and the apology each get 1 try + 2 retries; both fail; both are logged.
    standin.wait_for("/respond/down", count=4, timeout=30)
    wait_until(lambda: "not delivered" in caplog.text, timeout=15)
    assert "HTTP 500" in caplog.text


def test_an_internal_error_gets_an_apology_with_a_reference_in_the_log(bot, standin, caplog, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(Recommender, "recommend", broken)
    caplog.set_level(logging.ERROR)
    bot.slack.command(ASK, response_url=standin.response_url("oops"))
    note = standin.wait_for("/respond/oops")[0].body["text"]
    assert note.startswith("Sorry, something went wrong") and "reference" in note
    reference = note.split("reference ")[1].split(")")[0]
    record = wait_until(lambda: [r for r in caplog.records if reference in r.getMessage()])[0]
    assert record.exc_info and "index exploded" in str(record.exc_info[1])


def test_health_is_503_until_loaded_then_200(tmp_path, e5, sample_records):
    import urllib.error
    import urllib.request

    harness = start_harness(tmp_path, f"sqlite:///{tmp_path / 'j.db'}", e5, sample_records, load=False)
    try:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(harness.base_url + "/healthz", timeout=5)
        assert err.value.code == 503
        _ = harness.runtime.recommender
        with urllib.request.urlopen(harness.base_url + "/healthz", timeout=5) as response:
            assert response.status == 200 and json.loads(response.read())["assets"] == 70
    finally:
        harness.close()
