"""The asset modal (add and edit) and reading its submission back into an asset record."""

from __future__ import annotations

import json

from bot.slack import ids
from bot.slack.blocks import plain_text
from bot.slack.mrkdwn import shorten
from content_library.validation import MAX_DESCRIPTION, MAX_TITLE, MAX_URL
from content_library.vocabulary import STAGES, content_types
from recommender.stages import CANONICAL

ACTION = "value"
FIELDS = ("url", "title", "description", "content_type", "stages", "language", "tags")
LANGUAGES = {"en": "English", "zh": "Chinese (Simplified)", "zh-hant": "Chinese (Traditional)", "ru": "Russian"}


def _option(value: str, label: str) -> dict:
    return {"text": plain_text(label), "value": value}


def _input(block_id: str, label: str, element: dict, optional: bool = False, hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": plain_text(label, 2000), "element": element,
             "optional": optional}
    if hint:
        block["hint"] = plain_text(hint, 2000)
    return block


def _text_input(initial: str | None, max_length: int, multiline: bool = False, placeholder: str | None = None):
    element = {"type": "plain_text_input", "action_id": ACTION, "multiline": multiline, "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain_text(placeholder, 150)
    return element


def asset_modal(callback_id: str, values: dict, metadata: dict, *, heading: str, note: str | None = None,
                suggest_on_enter: bool = False, revision: int = 0) -> dict:
    """A modal with every asset field, prefilled from `values` (the asset, or the suggestions).

    With `suggest_on_enter`, Enter in the title field asks for suggestions (ids.SUGGEST_FROM_TITLE).
    `revision` goes into the suggested fields' block ids: Slack keeps what a user typed in a block
    across updates and ignores new initial values unless the block id changes."""
    suffix = f".{revision}" if revision else ""
    type_options = [_option(ct.key, ct.label) for ct in content_types()]
    stage_options = [_option(s, CANONICAL[s].label) for s in STAGES]
    content_type = values.get("content_type")
    stages = [s for s in values.get("stages") or [] if s in STAGES]
    language = values.get("language") or ""
    type_select = {"type": "static_select", "action_id": ACTION, "options": type_options,
                   "placeholder": plain_text("Choose a content type")}
    if content_type:
        type_select["initial_option"] = next(o for o in type_options if o["value"] == content_type)
    stage_select = {"type": "multi_static_select", "action_id": ACTION, "options": stage_options,
                    "placeholder": plain_text("Choose one or more stages")}
    if stages:
        stage_select["initial_options"] = [o for o in stage_options if o["value"] in stages]
    blocks = []
    if note:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": shorten(note, 2000)}]})
    blocks += [
        _input("url", "URL", _text_input(values.get("url"), MAX_URL, placeholder="https://…")),
        _title_input(values.get("title"), suggest_on_enter),
        _input("description", "Description", _text_input(values.get("description"), min(MAX_DESCRIPTION, 3000),
                                                         multiline=True), optional=True),
        _input("content_type" + suffix, "Content type", type_select),
        _input("stages" + suffix, "Journey stages", stage_select),
        _input("language" + suffix, "Language", _text_input(language, 16, placeholder="en, zh, zh-hant, ru, …"),
               optional=True, hint="Left empty: detected from the title and description."),
        _input("tags" + suffix, "Tags", _text_input(", ".join(values.get("tags") or []), 1500,
                                                    placeholder="persona:cfo, industry:retail"), optional=True,
               hint="Comma-separated; persona: and industry: tags feed the weekly gap digest."),
    ]
    return {"type": "modal", "callback_id": callback_id, "title": plain_text(heading, 24),
            "submit": plain_text("Save", 24), "close": plain_text("Cancel", 24),
            "private_metadata": json.dumps(metadata)[:3000], "blocks": blocks}


def _title_input(title: str | None, suggest_on_enter: bool) -> dict:
    element = _text_input(title, MAX_TITLE)
    hint = None
    if suggest_on_enter:
        element["action_id"] = ids.SUGGEST_FROM_TITLE
        element["dispatch_action_config"] = {"trigger_actions_on": ["on_enter_pressed"]}
        hint = "Press Enter after the title to get a suggested type, stages, language and tags."
    block = _input("title", "Title", element, hint=hint)
    if suggest_on_enter:
        block["dispatch_action"] = True
    return block


def block_ids(view: dict) -> dict[str, str]:
    """Field name → the block id it has in this view (some carry a revision suffix)."""
    return {b["block_id"].split(".")[0]: b["block_id"] for b in view.get("blocks") or [] if b.get("block_id")}


def revision(view: dict) -> int:
    ids_ = [b.split(".", 1)[1] for b in block_ids(view).values() if "." in b]
    return max((int(i) for i in ids_ if i.isdigit()), default=0)


def read_submission(view: dict) -> dict:
    """The submitted values as an asset record (strings and lists, not yet validated)."""
    state = {block.split(".")[0]: elements for block, elements in
             ((view.get("state") or {}).get("values") or {}).items()}

    def value(block_id: str):
        elements = state.get(block_id) or {}
        element = next(iter(elements.values()), {}) if elements else {}
        if element.get("type") == "static_select":
            return (element.get("selected_option") or {}).get("value")
        if element.get("type") == "multi_static_select":
            return [o.get("value") for o in element.get("selected_options") or []]
        return element.get("value")

    record = {name: value(name) for name in FIELDS}
    record["tags"] = [t.strip() for t in (record.get("tags") or "").split(",") if t.strip()]
    record["stages"] = record.get("stages") or []
    return {k: v for k, v in record.items() if v not in (None, "")}
