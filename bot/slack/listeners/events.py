"""Events: mentions and DMs (answered in a thread, follow-ups use the thread), and the App Home tab."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext

from bot.app.asks import Origin
from bot.app.wording import is_help
from bot.slack.blocks import USAGE, home_view
from bot.slack.listeners.answers import answer_message, notice
from bot.slack.mrkdwn import to_plain
from recommender.query import MAX_TEXT

log = logging.getLogger(__name__)
THREAD_CONTEXT_CHARS = 4000  # how much of a thread's earlier messages refines a follow-up
THREAD_MESSAGES = 50


def thread_context(client, channel: str, thread_ts: str, current_ts: str, bot_user: str | None) -> list[str]:
    """The people's earlier messages in a thread, oldest first, newest kept when there are too many."""
    replies = client.conversations_replies(channel=channel, ts=thread_ts, limit=THREAD_MESSAGES)
    texts = []
    for message in replies.get("messages") or []:
        if message.get("ts") == current_ts or message.get("bot_id") or message.get("subtype"):
            continue
        if bot_user and message.get("user") == bot_user:
            continue
        text = to_plain(message.get("text") or "", drop_user=bot_user)
        if text:
            texts.append(text)
    kept: list[str] = []
    total = 0
    for text in reversed(texts):
        if total + len(text) > THREAD_CONTEXT_CHARS:
            break
        kept.insert(0, text)
        total += len(text) + 1
    return kept


def register(app: App, services) -> None:
    def answer_in_thread(event: dict, client, context: BoltContext) -> None:
        channel, ts = event["channel"], event["ts"]
        # A DM that mentions the bot arrives twice (message.im and app_mention): answer it once.
        if not services.claim(f"message:{channel}:{ts}"):
            return
        bot_user = context.bot_user_id
        text = to_plain(event.get("text") or "", drop_user=bot_user)
        thread_ts = event.get("thread_ts") or ts
        if not text or is_help(text):
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, **notice(USAGE))
            return
        if event.get("thread_ts") and event["thread_ts"] != ts:
            earlier = thread_context(client, channel, event["thread_ts"], ts, bot_user)
            text = "\n".join([*earlier, text])[-MAX_TEXT:]
        origin = Origin("slack", event.get("user"), channel, event.get("team") or context.team_id)
        rec = services.asks.ask(text, origin)
        client.chat_postMessage(channel=channel, thread_ts=thread_ts,
                                **answer_message(rec, services.framework, asked_by=event.get("user")))

    @app.event("app_mention")
    def mentioned(event: dict, client, context: BoltContext) -> None:
        answer_in_thread(event, client, context)

    @app.event("message")
    def direct_message(event: dict, client, context: BoltContext) -> None:
        """DMs to the bot; every other message event (edits, bots, channels) is ignored."""
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        answer_in_thread(event, client, context)

    @app.event("app_home_opened")
    def home(event: dict, client) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        stats, recent = services.asks.overview(user)
        client.views_publish(user_id=user, view=home_view(stats, recent, services.framework))
