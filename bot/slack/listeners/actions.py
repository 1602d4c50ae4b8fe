"""Buttons and menus on an answer: share, 👍/👎, stage override, the unsure stage choice, More; and
the pages of `/content list` and the add form's suggestions."""

from __future__ import annotations

import json
import re

from slack_bolt import Ack, App

from bot.app.asks import StaleAnswer
from bot.app.content.reply import AssetForm
from bot.slack import ids
from bot.slack.blocks import share_message, to_dicts
from bot.slack.buttons import UNREADABLE, AssetValue, ListPageValue, MoreValue, StageValue
from bot.slack.delivery import respond
from bot.slack.listeners.answers import answer_message, notice, origin_of
from bot.slack.modals import read_submission, revision
from bot.slack.mrkdwn import escape, shorten
from bot.slack.render import form_modal, reply_message
from recommender.stages import display


def register(app: App, services) -> None:
    register_answer(app, services)
    register_content(app, services)


def register_answer(app: App, services) -> None:
    """Share, 👍/👎, the stage menu and buttons, More."""

    @app.action(ids.SHARE)
    def share(ack: Ack, body: dict, action: dict, client) -> None:
        ack()
        value = AssetValue.decode(action.get("value"))
        origin = origin_of(body)
        asset = services.asks.asset(value.asset_id)
        text, blocks = share_message(asset, origin.user)
        message = {"text": text, "blocks": to_dicts(blocks)}
        container = body.get("container") or {}
        if container.get("is_ephemeral") or not container.get("message_ts"):
            respond(body["response_url"], message, response_type="in_channel", replace_original=False)
        else:
            client.chat_postMessage(channel=container["channel_id"],
                                    thread_ts=container.get("thread_ts") or container["message_ts"], **message)
        services.asks.shared(value.asset_id, origin, value.query_id)

    def rate(ack: Ack, body: dict, action: dict, vote: int) -> None:
        ack()
        value = AssetValue.decode(action.get("value"))
        if value.stage is None:
            raise StaleAnswer(UNREADABLE)
        asset = services.asks.rate(value.asset_id, value.stage, vote, origin_of(body), value.query_id)
        mark = "👍" if vote > 0 else "👎"
        follow = "" if vote > 0 else " I'll show it less for this stage once colleagues agree."
        respond(body["response_url"], notice(
            f"Thanks, noted {mark} for “{escape(shorten(asset.title, 100))}” at the "
            f"{escape(display(value.stage, services.framework))} stage.{follow}"), replace_original=False)

    @app.action(ids.FEEDBACK_UP)
    def thumbs_up(ack: Ack, body: dict, action: dict) -> None:
        rate(ack, body, action, 1)

    @app.action(ids.FEEDBACK_DOWN)
    def thumbs_down(ack: Ack, body: dict, action: dict) -> None:
        rate(ack, body, action, -1)

    def restage(ack: Ack, body: dict, value: str | None) -> None:
        ack()
        choice = StageValue.decode(value)
        rec, _ = services.asks.choose_stage(choice.query_id, choice.stage, origin_of(body))
        respond(body["response_url"], answer_message(rec, services.framework), replace_original=True)

    @app.action(ids.OVERRIDE_STAGE)
    def override_stage(ack: Ack, body: dict, action: dict) -> None:
        restage(ack, body, (action.get("selected_option") or {}).get("value"))

    @app.action(re.compile("^" + re.escape(ids.PICK_STAGE_PREFIX)))
    def pick_stage(ack: Ack, body: dict, action: dict) -> None:
        restage(ack, body, action.get("value"))

    @app.action(ids.MORE)
    def more(ack: Ack, body: dict, action: dict) -> None:
        ack()
        value = MoreValue.decode(action.get("value"))
        rec = services.asks.more(value.query_id, value.offset, value.stage)
        respond(body["response_url"], answer_message(rec, services.framework, offset=value.offset),
                replace_original=True)


def register_content(app: App, services) -> None:
    """The pages of `/content list` and the add form's suggestions."""

    @app.action(re.compile("^" + re.escape(ids.CONTENT_PAGE)))
    def content_page(ack: Ack, body: dict, action: dict) -> None:
        ack()
        value = ListPageValue.decode(action.get("value"))
        reply = services.content.list_page(value.stage, value.content_type, value.tag, value.page)
        respond(body["response_url"], reply_message(reply), replace_original=True)

    @app.action(ids.SUGGEST_FROM_TITLE)
    def suggest_from_title(ack: Ack, body: dict, client) -> None:
        ack()
        view = body["view"]
        try:
            metadata = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            metadata = {}
        channel = metadata.get("channel") if isinstance(metadata, dict) else None
        values = services.content.suggest(read_submission(view))
        form = AssetForm("add", values, channel, note="Suggested from the title: check before saving.",
                         revision=revision(view) + 1)
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=form_modal(form))
