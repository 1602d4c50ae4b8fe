"""What an ask is to the recommender: its text made ready (or refused), the filters, the answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from recommender.classifier import StageResult
from recommender.intents import Want
from recommender.ranking import RankedItem

MAX_TEXT = 10_000
EXAMPLE_ASK = "“VP Ops at a 200-person carrier, comparing us with two vendors”"


class EmptyQuery(ValueError):
    pass


def has_words(text: str) -> bool:
    """Whether the text has a letter or a digit: "???", "…" or a row of emoji describe nobody."""
    return any(ch.isalnum() for ch in text)


def prepare_text(text: str) -> tuple[str, bool]:
    """Strip the text, refuse it when empty or without a word, cut it to MAX_TEXT characters (and
    say so)."""
    text = (text or "").replace("\x00", " ").strip()
    if not text:
        raise EmptyQuery(f"describe the prospect, e.g. {EXAMPLE_ASK}")
    if not has_words(text):
        raise EmptyQuery(f"describe the prospect in words (this text has no letters or digits), e.g. {EXAMPLE_ASK}")
    if len(text) > MAX_TEXT:
        return text[:MAX_TEXT], True
    return text, False


@dataclass
class Filters:
    stage: str | None = None
    content_type: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()

    def active(self) -> bool:
        return bool(self.stage or self.content_type or self.language or self.tags)


@dataclass
class Recommendation:
    text: str
    truncated: bool
    stage: StageResult
    items: list[RankedItem] = field(default_factory=list)
    query_id: int | None = None
    # How far the best returned asset stands out from the library for this ask: its cosine similarity
    # minus the library's mean similarity to the ask, in standard deviations. Low = served poorly.
    match_strength: float | None = None
    # Whether the library had no active asset at all when the ask was answered.
    library_empty: bool = False
    # The specific intents of the stage the ask shows ("export" from "导出成Excel"), and whether the
    # library serves each: one it does not is said in the answer and counted by the digest.
    wants: list[Want] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {**self.stage.to_dict(), "no_signal": self.stage.no_signal, "truncated": self.truncated,
                "wants": [{"intent": w.intent, "label": w.label, "words": w.words, "in_library": w.in_library}
                          for w in self.wants],
                "items": [i.to_dict() for i in self.items]}
