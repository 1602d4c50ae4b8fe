"""The answer message shared by every way of asking (command, mention, DM, shortcut, buttons)."""

from __future__ import annotations

from bot.app.asks import PAGE, Origin
from bot.slack.blocks import answer_blocks, answer_text, notice_blocks, to_dicts
from recommender.query import Recommendation


def answer_message(rec: Recommendation, framework: str, *, offset: int = 0, asked_by: str | None = None) -> dict:
    return {
        "text": answer_text(rec, framework),
        "blocks": to_dicts(answer_blocks(rec, framework, offset=offset, has_more=len(rec.items) >= PAGE,
                                         asked_by=asked_by)),
    }


def notice(text: str) -> dict:
    return {"text": text, "blocks": to_dicts(notice_blocks(text))}


def origin_of(body: dict) -> Origin:
    """Who clicked or submitted, where (an interaction's body)."""
    return Origin("slack", (body.get("user") or {}).get("id"), (body.get("channel") or {}).get("id"),
                  (body.get("team") or {}).get("id"))
