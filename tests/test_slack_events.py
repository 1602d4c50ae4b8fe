"""The Slack bot over real HTTP, as people reach it besides /journey: mentions, DMs, follow-ups in a
thread, the message shortcut and App Home."""

from __future__ import annotations

import json
import time

import pytest
from answer_harness import ASK, ask, assets_of, bot_fixture, clear, mention, rows
from slack_standin import BOT_USER

from bot.slack import ids
from content_library.models import QueryLog

bot = bot_fixture("slackevents")


@pytest.fixture
def standin(bot):
    return clear(bot)


def test_mention_is_answered_in_a_thread_and_retries_are_answered_once(bot, standin):
    event = mention(f"<@{BOT_USER}> {ASK}", ts="1700000002.000100")
    first = bot.slack.event(event, event_id="Ev0MENTION1")
    assert first.status == 200
    posted = standin.wait_for("/api/chat.postMessage")[0].body
    assert posted["thread_ts"] == "1700000002.000100" and posted["channel"] == "C0SALES"
    assert "<@U0REP> asked" in json.dumps(posted["blocks"])
    logged = rows(bot, QueryLog, QueryLog.slack_channel == "C0SALES")[-1]
    assert logged.text == ASK
    retry = bot.slack.event(event, event_id="Ev0MENTION1", headers={"X-Slack-Retry-Num": "1",
                                                                      "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status == 200
    time.sleep(0.5)
    assert len(standin.calls_to("/api/chat.postMessage")) == 1


def test_follow_up_in_a_thread_uses_the_earlier_messages(bot, standin):
    bot.standin.answers["conversations.replies"] = {"messages": [
        {"ts": "1700000003.000100", "user": "U0REP",
         "text": f"<@{BOT_USER}> Regional distributor, legal is reviewing our MSA and procurement wants a quote"},
        {"ts": "1700000003.000200", "user": BOT_USER, "bot_id": "B0BOT", "text": "Stage: Decision"},
        {"ts": "1700000003.000300", "user": "U0REP", "text": f"<@{BOT_USER}> they're CFO-led, anything on ROI?"},
    ]}
    try:
        bot.slack.event(mention(f"<@{BOT_USER}> they're CFO-led, anything on ROI?", ts="1700000003.000300",
                                thread_ts="1700000003.000100"), event_id="Ev0FOLLOW")
        posted = standin.wait_for("/api/chat.postMessage")[0].body
    finally:
        bot.standin.answers["conversations.replies"] = {"messages": []}
    replies = standin.calls_to("/api/conversations.replies")[0].body
    assert replies["ts"] == "1700000003.000100" and replies["channel"] == "C0SALES"
    assert posted["thread_ts"] == "1700000003.000100"
    logged = rows(bot, QueryLog, QueryLog.slack_channel == "C0SALES")[-1]
    assert logged.text.startswith("Regional distributor") and logged.text.endswith("anything on ROI?")
    assert "Stage: Decision" not in logged.text and logged.predicted_stage == "decision"
    assert "ROI" in json.dumps(posted["blocks"])


def test_direct_message_is_answered_once_even_when_it_also_mentions_the_bot(bot, standin):
    dm = mention(f"<@{BOT_USER}> {ASK}", ts="1700000004.000100", channel="D0DM", type_="message",
                 channel_type="im")
    bot.slack.event(dm, event_id="Ev0DM1")
    bot.slack.event({**dm, "type": "app_mention"}, event_id="Ev0DM2")
    posted = standin.wait_for("/api/chat.postMessage")[0].body
    assert posted["channel"] == "D0DM" and posted["thread_ts"] == "1700000004.000100"
    time.sleep(0.5)
    assert len(standin.calls_to("/api/chat.postMessage")) == 1


@pytest.mark.parametrize("extra", [{"subtype": "message_changed"}, {"bot_id": "B0OTHER"}, {"channel_type": "channel"}])
def test_other_message_events_are_ignored(bot, standin, extra):
    event = mention(ASK, ts=f"1700000005.{len(str(extra)):06d}", channel="D0DM", type_="message",
                    **{"channel_type": "im", **extra})
    reply = bot.slack.event(event, event_id=f"Ev0IGN{len(str(extra))}")
    assert reply.status == 200
    time.sleep(0.4)
    assert standin.calls_to("/api/chat.postMessage") == []


def test_long_descriptions_are_cut_with_a_note(bot, standin):
    long = ("The prospect compared three vendors and asked for case studies. " * 400)[:20_000]
    bot.slack.event(mention(long, ts="1700000006.000100", channel="D0DM", type_="message", channel_type="im"),
                    event_id="Ev0LONG")
    posted = standin.wait_for("/api/chat.postMessage")[0].body
    assert "longer than 10,000 characters" in json.dumps(posted["blocks"])
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in posted["blocks"])


def test_message_shortcut_answers_for_that_message(bot, standin):
    payload = {"type": "message_action", "callback_id": ids.RECOMMEND_SHORTCUT, "trigger_id": "1.2",
               "user": {"id": "U0REP"}, "channel": {"id": "C0SALES"}, "response_url": standin.response_url("sc"),
               "message_ts": "1700.9", "message": {"type": "message", "ts": "1700.9", "user": "U0OTHER",
                                                  "text": "Call notes: their IT lead wants a free trial and pricing"}}
    assert bot.slack.interaction(payload).status == 200
    answer = standin.wait_for("/respond/sc")[0].body
    assert "*Stage:* Decision" in json.dumps(answer["blocks"]) and assets_of(answer)


def test_message_shortcut_on_a_message_without_text(bot, standin):
    payload = {"type": "message_action", "callback_id": ids.RECOMMEND_SHORTCUT, "trigger_id": "1.2",
               "user": {"id": "U0REP"}, "channel": {"id": "C0SALES"}, "response_url": standin.response_url("sc0"),
               "message_ts": "1700.8", "message": {"type": "message", "ts": "1700.8", "text": ""}}
    bot.slack.interaction(payload)
    assert "no text I can read" in standin.wait_for("/respond/sc0")[0].body["text"]


def test_app_home_shows_how_to_ask_library_size_and_recent_asks(bot, standin):
    ask(bot, standin, name="home-ask", user="U0HOME")
    bot.slack.event({"type": "app_home_opened", "user": "U0HOME", "channel": "D0HOME", "tab": "home",
                     "event_ts": "1.1"}, event_id="Ev0HOME")
    published = standin.wait_for("/api/views.publish")[0].body
    view = published["view"] if isinstance(published["view"], dict) else json.loads(published["view"])
    assert published["user_id"] == "U0HOME" and view["type"] == "home"
    text = json.dumps(view, ensure_ascii=False)
    assert "/journey" in text and "active assets" in text and "Consideration" in text and "VP Ops" in text


