"""The message shortcut "Recommend content": answers for any message's text (call notes, an email)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot.slack import ids
from bot.slack.delivery import respond
from bot.slack.listeners.answers import answer_message, notice, origin_of
from bot.slack.mrkdwn import to_plain


def message_text(message: dict, bot_user: str | None = None) -> str:
    """A message's words: its text, else what its attachments (forwarded mail, unfurls) carry."""
    parts = [message.get("text") or ""]
    if not parts[0].strip():
        for attachment in message.get("attachments") or []:
            parts.extend(attachment.get(k) or "" for k in ("pretext", "title", "text", "fallback"))
    return to_plain("\n".join(p for p in parts if p.strip()), drop_user=bot_user)


def register(app: App, services) -> None:
    @app.shortcut(ids.RECOMMEND_SHORTCUT)
    def recommend_for_message(ack: Ack, shortcut: dict, context: BoltContext) -> None:
        ack()
        text = message_text(shortcut.get("message") or {}, context.bot_user_id)
        if not text:
            respond(shortcut["response_url"], notice(
                "That message has no text I can read. Use the shortcut on a message with the prospect's "
                "description, or use `/journey <description>`."))
            return
        rec = services.asks.ask(text, origin_of(shortcut))
        respond(shortcut["response_url"], answer_message(rec, services.framework))
