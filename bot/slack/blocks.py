"""Block Kit for every message and view journeybot sends: small pure functions returning plain dicts.

Everything a user typed or a marketer wrote is escaped (bot.mrkdwn) and cut to Block Kit's limits
here, so no library content can make Slack reject a message. Plain dicts rather than slack_sdk's
model classes: their validation on every `to_dict()` cost ~4.5 ms per answer; the tests validate
every builder's output with those classes instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.app.wording import EXAMPLE, NO_SIGNAL, evidence_sentence, format_confidence, wants_sentence
from bot.slack import ids
from bot.slack.buttons import AssetValue, MoreValue, StageValue
from bot.slack.mrkdwn import escape, link, quote_block, shorten
from content_library.vocabulary import STAGES, type_label
from recommender.query import MAX_TEXT, Recommendation
from recommender.stages import CANONICAL, display

SECTION_LIMIT = 3000  # characters in a section's text
BUTTON_TEXT_LIMIT = 75
MAX_ITEMS = 5  # assets per answer; 2 blocks each keeps an answer far below 50 blocks

USAGE = (
    "Describe your prospect in plain words and I'll tell you their journey stage and what to send.\n"
    f"For example: `/journey {EXAMPLE}`\n"
    "English, 中文, русский, Deutsch and more all work. You can also mention me in a channel, DM me, or use "
    "*Recommend content* from any message's ⋯ menu."
)


Block = dict


def mrkdwn_text(text: str) -> dict:
    return {"type": "mrkdwn", "text": shorten_block(text)}


def plain_text(text: str, limit: int = BUTTON_TEXT_LIMIT) -> dict:
    return {"type": "plain_text", "text": shorten(text, limit), "emoji": True}


def section(text: dict | None = None, block_id: str | None = None, fields: list | None = None) -> dict:
    block: dict = {"type": "section"}
    if text is not None:
        block["text"] = text
    if fields:
        block["fields"] = fields[:10]
    if block_id:
        block["block_id"] = block_id
    return block


def actions(elements: list) -> dict:
    return {"type": "actions", "elements": elements[:25]}


def context(elements: list) -> dict:
    return {"type": "context", "elements": elements[:10]}


def divider() -> dict:
    return {"type": "divider"}


def header(text: str) -> dict:
    return {"type": "header", "text": plain_text(text, 150)}


def shorten_block(text: str, limit: int = SECTION_LIMIT) -> str:
    """Cut section text to Block Kit's limit, keeping line breaks (unlike `shorten`)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict:
    button = {"type": "button", "text": plain_text(label), "action_id": action_id, "value": value}
    if style:
        button["style"] = style
    return button


def stage_header(rec: Recommendation, framework: str) -> str:
    s = rec.stage
    if s.no_signal:
        return "*Stage:* can't tell from this"
    if s.overridden:
        return f"*Stage:* {escape(display(s.stage, framework))} (as you chose)"
    return f"*Stage:* {escape(display(s.stage, framework))} · confidence {format_confidence(s.confidence)}"


def evidence_line(rec: Recommendation, limit: int = 6) -> str | None:
    if rec.stage.overridden:
        return None
    return evidence_sentence(rec.stage.evidence, rec.stage.stage, lambda s: CANONICAL[s].label.lower(),
                             lambda p: escape(shorten(p, 80)), limit)


def versions_note(versions, budget: int, limit: int = 4) -> str:
    """The same asset in other languages (" · also in ru, zh"), each language a link to its version
    while `budget` characters allow (a URL may be 2,000 characters long), else the language alone."""
    if not versions:
        return ""
    note, parts = " · also in ", []
    budget -= len(" and 99 more")
    for v in versions[:limit]:
        linked = link(v.url, v.language, 20)
        parts.append(linked if len(note) + len(", ".join([*parts, linked])) <= budget else escape(v.language))
    more = f" and {len(versions) - limit} more" if len(versions) > limit else ""
    return note + ", ".join(parts) + more


def asset_blocks(item, query_id: int | None, stage: str) -> list[Block]:
    a = item.asset
    head = f"*{link(a.url, a.title)}*\n{escape(type_label(a.content_type))} · {escape(a.language)}"
    why = f"\n_{escape(shorten(item.why, 400))}_"
    text = head + versions_note(item.versions, SECTION_LIMIT - len(head) - len(why)) + why
    value = AssetValue(query_id, a.id, stage).encode()
    return [
        section(block_id=f"{ids.ASSET_BLOCK_PREFIX}{a.id}", text=mrkdwn_text(text)),
        actions(elements=[
            button("Share", ids.SHARE, value, "primary"),
            button("👍", ids.FEEDBACK_UP, value),
            button("👎", ids.FEEDBACK_DOWN, value),
        ]),
    ]


def stage_menu(query_id: int | None, framework: str) -> dict:
    options = [{"text": plain_text(display(s, framework)), "value": StageValue(query_id, s).encode()} for s in STAGES]
    return {"type": "static_select", "action_id": ids.OVERRIDE_STAGE,
            "placeholder": plain_text("Wrong stage? Pick another"), "options": options}


def answer_blocks(rec: Recommendation, framework: str = "canonical", *, offset: int = 0,
                  has_more: bool = True, asked_by: str | None = None) -> list[Block]:
    """The whole answer: stage, confidence, evidence, the unsure choice, assets, override and More."""
    s = rec.stage
    qid = rec.query_id
    head = stage_header(rec, framework)
    if asked_by:
        head = f"<@{asked_by}> asked:\n{quote_block(rec.text)}\n{head}"
    else:
        head = f"{quote_block(rec.text)}\n{head}"
    blocks: list[Block] = [section(text=mrkdwn_text(head))]
    notes = []
    evidence = evidence_line(rec)
    if evidence:
        notes.append(evidence)
    if rec.truncated:
        notes.append(f"Your description was longer than {MAX_TEXT:,} characters; I used the start of it.")
    wants = wants_sentence(rec.wants, display(s.stage, framework)) if rec.items and not s.no_signal else None
    if wants:
        notes.append(escape(wants))
    if notes:
        blocks.append(context(elements=[mrkdwn_text(n) for n in notes]))
    if s.no_signal:
        blocks.append(section(text=mrkdwn_text(f":thinking_face: {NO_SIGNAL} Describe them, e.g. “{EXAMPLE}”, "
                                                 "or pick a stage and I'll show its content.")))
        blocks.append(actions(elements=[button(display(st, framework), action_id, StageValue(qid, st).encode())
                                        for st, action_id in zip(STAGES, ids.PICK_STAGE_IDS, strict=True)]))
        return blocks
    if s.unsure and not s.overridden:
        first, second = s.stage, s.runner_up()
        blocks.append(section(text=mrkdwn_text(
            f":thinking_face: I'm not sure: this reads like *{escape(display(first, framework))}* or "
            f"*{escape(display(second, framework))}*. Showing {escape(display(first, framework))} content; "
            "pick the stage that fits and I'll re-rank.")))
        blocks.append(actions(elements=[
            button(display(st, framework), action_id, StageValue(qid, st).encode(), "primary" if n == 0 else None)
            for n, (st, action_id) in enumerate(zip((first, second), ids.PICK_STAGE_IDS[:2], strict=True))
        ]))
    blocks.append(divider())
    if not rec.items:
        message = ("No more results for this description." if offset else
                   "No matching assets in the library yet. Ask a marketer to add some (`/content add`).")
        blocks.append(section(text=mrkdwn_text(message)))
    for item in rec.items[:MAX_ITEMS]:
        blocks.extend(asset_blocks(item, qid, s.stage))
    controls: list = [stage_menu(qid, framework)]
    if rec.items and has_more:
        controls.append(button("More", ids.MORE, MoreValue(qid, offset + len(rec.items),
                                                           s.stage if s.overridden else None).encode()))
    blocks.append(actions(elements=controls))
    return blocks


def answer_text(rec: Recommendation, framework: str = "canonical") -> str:
    """The notification / fallback text of an answer (plain, short)."""
    if rec.stage.no_signal:
        return "I can't tell the prospect's stage from that: describe them, or pick a stage."
    titles = ", ".join(shorten(i.asset.title, 60) for i in rec.items[:3])
    return escape(f"Stage: {display(rec.stage.stage, framework)}. " + (f"Try: {titles}" if titles else "No match."))


def share_message(asset, user: str | None, description_limit: int = 280) -> tuple[str, list[Block]]:
    """What Share posts in the channel: prospect-ready, with the link, saying who shared it."""
    lines = [f"*{link(asset.url, asset.title)}*"]
    if asset.description:
        lines.append(escape(shorten(asset.description, description_limit)))
    by = f"Shared by <@{user}> with journeybot" if user else "Shared with journeybot"
    blocks = [section(text=mrkdwn_text("\n".join(lines))), context(elements=[mrkdwn_text(by)])]
    return escape(shorten(asset.title, 150)), blocks


def notice_blocks(text: str) -> list[Block]:
    return [section(text=mrkdwn_text(text))]


def home_view(stats: dict, recent: Sequence, framework: str = "canonical") -> dict:
    """The App Home tab: how to ask, the library per stage, the user's recent asks."""
    blocks: list[Block] = [
        header("journeybot"),
        section(text=mrkdwn_text(USAGE)),
        divider(),
        section(text=mrkdwn_text(f"*The library:* {stats['assets']} active assets")),
        section(fields=[
            mrkdwn_text(f"*{escape(display(s, framework))}*\n{stats['per_stage'].get(s, 0)} assets") for s in STAGES
        ]),
        divider(),
    ]
    if recent:
        lines = []
        for q in recent:
            when = q.created_at.strftime("%Y-%m-%d") if isinstance(q.created_at, datetime) else ""
            stage = q.stage_override or q.read_stage()
            label = escape(display(stage, framework)) if stage else "stage not given"
            lines.append(f"• {when} · *{label}* · {escape(shorten(q.text, 120))}")
        blocks.append(section(text=mrkdwn_text("*Your recent asks*\n" + "\n".join(lines))))
    else:
        blocks.append(section(text=mrkdwn_text("*Your recent asks*\nNone yet. Try `/journey` with a prospect.")))
    return {"type": "home", "blocks": blocks}


def to_dicts(blocks: Sequence[Block]) -> list[dict]:
    """The blocks as JSON-ready dicts (they already are: a copy, so callers may change it)."""
    return [dict(b) for b in blocks]
