"""The message shortcut "Recommend content": answers for any message's text (call notes, an email)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot import ids
from bot.asks import Origin
from bot.delivery import respond
from bot.listeners.answers import answer_message, notice
from bot.mrkdwn import to_plain


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
        origin = Origin("slack", (shortcut.get("user") or {}).get("id"), (shortcut.get("channel") or {}).get("id"),
                        (shortcut.get("team") or {}).get("id"))
        rec = services.asks.ask(text, origin)
        respond(shortcut["response_url"], answer_message(rec, services.framework))
