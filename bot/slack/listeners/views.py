"""Modal submissions (/content add and edit): errors inline in the modal, nothing written on error."""

from __future__ import annotations

import json

from slack_bolt import Ack, App

from bot.slack import ids
from bot.slack.modals import FIELDS, block_ids, read_submission
from bot.slack.mrkdwn import shorten
from bot.slack.render import reply_message
from content_library.editing import NotFound
from content_library.validation import ValidationError, validate_asset


def _metadata(view: dict) -> dict:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def validation_errors(exc: ValidationError, view: dict) -> dict[str, str]:
    """A validation error as the modal's inline errors (the field's block id in `view` → message)."""
    blocks = block_ids(view)
    field_name = exc.field if exc.field in FIELDS else "title"
    return {blocks.get(field_name, field_name): shorten(exc.message, 150)}


def register(app: App, services) -> None:
    def tell(client, user: str, channel: str | None, message: dict) -> None:
        if channel:
            client.chat_postEphemeral(channel=channel, user=user, **message)
        else:
            client.chat_postMessage(channel=user, **message)

    def submitted(ack: Ack, body: dict, view: dict, client, edit: bool) -> None:
        user = body["user"]["id"]
        if not services.marketers.allows(user):
            ack(response_action="errors", errors={block_ids(view).get("url", "url"):
                                                  "Only marketers can change the library."})
            return
        record = read_submission(view)
        meta = _metadata(view)
        try:
            if edit:
                reply = services.content.edit_record(int(meta.get("asset_id", 0)), record, user)
            else:
                validate_asset(record)
                reply = services.content.save_record(record, user)
        except ValidationError as exc:
            ack(response_action="errors", errors=validation_errors(exc, view))
            return
        except NotFound:
            ack(response_action="errors", errors={block_ids(view).get("url", "url"):
                                                  "This asset no longer exists; close the form and add it."})
            return
        ack()
        tell(client, user, meta.get("channel"), reply_message(reply))

    @app.view(ids.ADD_ASSET_VIEW)
    def add_submitted(ack: Ack, body: dict, view: dict, client) -> None:
        submitted(ack, body, view, client, edit=False)

    @app.view(ids.EDIT_ASSET_VIEW)
    def edit_submitted(ack: Ack, body: dict, view: dict, client) -> None:
        submitted(ack, body, view, client, edit=True)
