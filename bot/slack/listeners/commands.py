"""Slash commands: /journey (acknowledged at once, answered through the response URL) and /content."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.app.asks import Origin
from bot.app.wording import is_help
from bot.slack import ids
from bot.slack.blocks import USAGE
from bot.slack.delivery import respond
from bot.slack.listeners.answers import answer_message
from bot.slack.mrkdwn import escape, shorten, to_plain
from bot.slack.render import form_modal, reply_message


def register(app: App, services) -> None:
    register_journey(app, services)
    register_content(app, services)


def register_journey(app: App, services) -> None:
    @app.command(ids.JOURNEY_COMMAND)
    def journey(ack: Ack, command: dict) -> None:
        text = to_plain(command.get("text") or "")
        if not text or is_help(text):
            ack(response_type="ephemeral", text=USAGE)
            return
        ack(response_type="ephemeral", text=f":mag: Looking for content for “{escape(shorten(text, 120))}”…")
        origin = Origin("slack", command.get("user_id"), command.get("channel_id"), command.get("team_id"))
        rec = services.asks.ask(text, origin)
        respond(command["response_url"], answer_message(rec, services.framework))


def register_content(app: App, services) -> None:
    @app.command(ids.CONTENT_COMMAND)
    def content(ack: Ack, command: dict, client) -> None:
        text = to_plain(command.get("text") or "")
        user, channel = command.get("user_id"), command.get("channel_id")
        if text.split(" ", 1)[0].lower() in ("add", "edit"):
            # These may open a modal, which must happen within the trigger's 3 seconds: answer directly.
            reply = services.content.run(text, user, channel=channel)
            if reply.form:
                client.views_open(trigger_id=command["trigger_id"], view=form_modal(reply.form))
                ack()
            else:
                ack(response_type="ephemeral", **reply_message(reply))
            return
        ack()
        reply = services.content.run(text, user, channel=channel)
        respond(command["response_url"], reply_message(reply))
