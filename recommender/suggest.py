"""Suggested stage, content type, language and tags for a new asset, from its title, description
and URL: the content-type vocabulary first (a "case study" is a consideration asset), the stage
classifier when the type says nothing, the library's existing tags where the text mentions them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlparse

from content_library.languages import detect_language
from content_library.vocabulary import (
    CONTENT_TYPE_BY_KEY,
    accepted_names,
    content_types,
    generation,
    stage_prior,
)
from recommender.textnorm import fold


@dataclass
class Suggestion:
    content_type: str | None = None
    stages: list[str] = field(default_factory=list)
    language: str | None = None
    tags: list[str] = field(default_factory=list)


@lru_cache(maxsize=2)
def _names(_generation: int) -> list[tuple[str, str]]:
    """(folded name, type key) for every type of the vocabulary's generation, longest first."""
    pairs = []
    for ct in content_types():
        for name in accepted_names(ct):
            pairs.append((fold(name.replace("_", " ")), ct.key))
    return sorted(set(pairs), key=lambda p: -len(p[0]))


def url_words(url: str | None) -> str:
    """`https://x.com/customers/midwest-carriers` → "customers midwest carriers"."""
    if not url:
        return ""
    path = urlparse(url).path
    return " ".join(w for w in re.split(r"[/\-_.]+", path) if w and not w.isdigit() and w not in ("html", "htm"))


def content_type_in(text: str) -> str | None:
    """The content type a text names (longest name first; earliest mention wins among equals)."""
    folded = fold(text)
    best: tuple[int, int, str] | None = None
    for name, key in _names(generation()):
        han = any("\u3400" <= ch <= "\u9fff" for ch in name)
        pattern = re.escape(name) if han else r"(?<!\w)" + re.escape(name) + r"s?(?!\w)"
        match = re.search(pattern, folded)
        if match and (best is None or (match.start(), -len(name)) < (best[0], best[1])):
            best = (match.start(), -len(name), key)
    return best[2] if best else None


def suggest(title: str, description: str, url: str | None, classify, known_tags: set[str]) -> Suggestion:
    """`classify(text) -> StageResult` is used only when no content type is recognisable."""
    text = " ".join(p for p in (title, description) if p)
    content_type = content_type_in(title) or content_type_in(text) or content_type_in(url_words(url))
    if content_type:
        stages = list(stage_prior(content_type))
    elif text.strip():
        stages = [classify(text).stage]
    else:
        stages = []
    folded = fold(f"{text} {url_words(url)}")
    tags = sorted(t for t in known_tags if t.split(":", 1)[-1].replace("-", " ") in folded)[:8]
    language = detect_language(text) if text.strip() else None
    return Suggestion(content_type if content_type in CONTENT_TYPE_BY_KEY else None, stages, language, tags)
