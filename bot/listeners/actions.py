"""Buttons and menus on an answer: share, 👍/👎, stage override, the unsure stage choice, More."""

from __future__ import annotations

import re

from slack_bolt import Ack, App

from bot import ids
from bot.asks import Origin, StaleAnswer
from bot.blocks import decode, share_message, to_dicts
from bot.delivery import respond
from bot.listeners.answers import answer_message, notice
from bot.mrkdwn import escape, shorten
from content_library.vocabulary import STAGES
from recommender.stages import display


def origin_of(body: dict) -> Origin:
    return Origin("slack", (body.get("user") or {}).get("id"), (body.get("channel") or {}).get("id"),
                  (body.get("team") or {}).get("id"))


def _ids(value: dict, *names: str) -> list[int]:
    try:
        return [int(value[n]) for n in names]
    except (KeyError, TypeError, ValueError) as exc:
        raise StaleAnswer("this button is from a message I can no longer read") from exc


def _stage(value: dict) -> str:
    stage = value.get("s")
    if stage not in STAGES:
        raise StaleAnswer("this button is from a message I can no longer read")
    return stage


def register(app: App, services) -> None:
    @app.action(ids.SHARE)
    def share(ack: Ack, body: dict, action: dict, client) -> None:
        ack()
        value = decode(action.get("value"))
        (asset_id,) = _ids(value, "a")
        origin = origin_of(body)
        asset = services.asks.asset(asset_id)
        text, blocks = share_message(asset, origin.user)
        message = {"text": text, "blocks": to_dicts(blocks)}
        container = body.get("container") or {}
        if container.get("is_ephemeral") or not container.get("message_ts"):
            respond(body["response_url"], message, response_type="in_channel", replace_original=False)
        else:
            client.chat_postMessage(channel=container["channel_id"],
                                    thread_ts=container.get("thread_ts") or container["message_ts"], **message)
        services.asks.shared(asset_id, origin, value.get("q"))

    def rate(ack: Ack, body: dict, action: dict, vote: int) -> None:
        ack()
        value = decode(action.get("value"))
        (asset_id,) = _ids(value, "a")
        asset = services.asks.rate(asset_id, _stage(value), vote, origin_of(body), value.get("q"))
        mark = "👍" if vote > 0 else "👎"
        follow = "" if vote > 0 else " I'll show it less for this stage once colleagues agree."
        respond(body["response_url"], notice(
            f"Thanks, noted {mark} for “{escape(shorten(asset.title, 100))}” at the "
            f"{escape(display(value['s'], services.framework))} stage.{follow}"), replace_original=False)

    @app.action(ids.FEEDBACK_UP)
    def thumbs_up(ack: Ack, body: dict, action: dict) -> None:
        rate(ack, body, action, 1)

    @app.action(ids.FEEDBACK_DOWN)
    def thumbs_down(ack: Ack, body: dict, action: dict) -> None:
        rate(ack, body, action, -1)

    def restage(ack: Ack, body: dict, value: dict) -> None:
        ack()
        (query_id,) = _ids(value, "q")
        rec = services.asks.override(query_id, _stage(value), origin_of(body))
        respond(body["response_url"], answer_message(rec, services.framework), replace_original=True)

    @app.action(ids.OVERRIDE_STAGE)
    def override_stage(ack: Ack, body: dict, action: dict) -> None:
        restage(ack, body, decode((action.get("selected_option") or {}).get("value")))

    @app.action(re.compile("^" + re.escape(ids.PICK_STAGE_PREFIX)))
    def pick_stage(ack: Ack, body: dict, action: dict) -> None:
        restage(ack, body, decode(action.get("value")))

    @app.action(re.compile("^" + re.escape(ids.CONTENT_PAGE)))
    def content_page(ack: Ack, body: dict, action: dict) -> None:
        ack()
        reply = services.content.page_from_button(action.get("value"))
        respond(body["response_url"], reply.message(), replace_original=True)

    @app.action(ids.SUGGEST_FROM_TITLE)
    def suggest_from_title(ack: Ack, body: dict, client) -> None:
        ack()
        view = body["view"]
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=services.content.suggest_view(view))

    @app.action(ids.MORE)
    def more(ack: Ack, body: dict, action: dict) -> None:
        ack()
        value = decode(action.get("value"))
        query_id, offset = _ids(value, "q", "o")
        stage = value.get("s")
        rec = services.asks.page(query_id, offset, stage if stage in STAGES else None)
        respond(body["response_url"], answer_message(rec, services.framework, offset=offset),
                replace_original=True)
