"""The answer message shared by every way of asking (command, mention, DM, shortcut, buttons)."""

from __future__ import annotations

from bot.asks import PAGE
from bot.blocks import answer_blocks, answer_text, notice_blocks, to_dicts
from recommender.service import Recommendation, has_words

HELP_WORDS = {"help", "?", "usage", "帮助", "幫助", "помощь", "справка"}


def is_help(text: str) -> bool:
    """Whether the text asks how to ask: empty, a help word, or no word at all ("???", emoji)."""
    return not has_words(text) or text.strip().lower() in HELP_WORDS


def answer_message(rec: Recommendation, framework: str, *, offset: int = 0, asked_by: str | None = None) -> dict:
    return {
        "text": answer_text(rec, framework),
        "blocks": to_dicts(answer_blocks(rec, framework, offset=offset, has_more=len(rec.items) >= PAGE,
                                         asked_by=asked_by)),
    }


def notice(text: str) -> dict:
    return {"text": text, "blocks": to_dicts(notice_blocks(text))}
