"""Ranking: fuse dense and lexical relevance, weigh stage fit, keep content types diverse; then
each shown item is explained (recommender.explain).

Pure functions over plain data, so they are tested without a model or a database. Every weight is
in a RankingConfig (recommender.config), passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from content_library.languages import base_language, language_neutral_url
from content_library.vocabulary import CONTENT_TYPE_BY_KEY
from recommender.config import DEFAULT, RankingConfig
from recommender.explain import explain


@dataclass(frozen=True)
class AssetView:
    """What ranking needs to know about an asset (a snapshot of the database row)."""

    id: int
    title: str
    url: str
    description: str
    content_type: str
    stages: tuple[str, ...]
    tags: tuple[str, ...]
    language: str

    @classmethod
    def of(cls, row) -> AssetView:
        """The view of a database row (content_library.models.Asset); an unsaved row's id is 0."""
        return cls(row.id or 0, row.title, row.url, row.description, row.content_type, tuple(row.stages),
                   tuple(row.tags), row.language)

    @cached_property
    def base_language(self) -> str:
        """The language without its region ('zh-hant' -> 'zh'): what ranking compares."""
        return base_language(self.language)

    @cached_property
    def neutral_url(self) -> str:
        """The URL without the marks of the asset's language (see TRANSLATION)."""
        return language_neutral_url(self.url, self.language)

    @cached_property
    def tag_text(self) -> str:
        """The tags as words, without their facet ("industry:pharma" -> "pharma")."""
        return ", ".join(t.split(":", 1)[-1] for t in self.tags)

    def document_text(self) -> str:
        label = CONTENT_TYPE_BY_KEY[self.content_type].label if self.content_type in CONTENT_TYPE_BY_KEY else ""
        return f"{self.title}. {label}. {self.description} {self.tag_text}".strip()


@dataclass
class Candidate:
    asset: AssetView
    dense: float = 0.0  # cosine similarity
    lexical: float = 0.0  # BM25
    vector: np.ndarray | None = None  # the asset's unit vector, to recognise its language versions
    intents: frozenset[str] = frozenset()  # the intents the asset serves (intents.asset_intents)


@dataclass
class RankedItem:
    asset: AssetView
    score: float
    relevance: float
    stage_fit: float
    fit_stage: str
    why: str
    vector: np.ndarray | None = None
    versions: list[AssetView] = field(default_factory=list)  # the same asset in other languages
    answers: frozenset[str] = frozenset()  # the ask's intents the asset serves (intents.asset_intents)

    def to_dict(self) -> dict:
        a = self.asset
        return {
            "id": a.id, "title": a.title, "url": a.url, "content_type": a.content_type,
            "stages": list(a.stages), "language": a.language, "score": round(self.score, 4), "why": self.why,
            "also_in": [{"id": v.id, "language": v.language, "url": v.url, "title": v.title} for v in self.versions],
        }


def may_be_versions(a: AssetView, b: AssetView) -> bool:
    """Whether two assets could be one page in two languages: one content type, two languages."""
    return a.content_type == b.content_type and a.base_language != b.base_language


def same_page(a: AssetView, b: AssetView, cosine: float, translation: float = DEFAULT.translation) -> bool:
    """Whether two assets that `may_be_versions` are one page in two languages (RankingConfig.translation)."""
    return cosine >= translation or a.neutral_url == b.neutral_url


def is_version(item: RankedItem, of: RankedItem, translation: float = DEFAULT.translation) -> bool:
    """Whether `item` is `of` in another language."""
    if not may_be_versions(item.asset, of.asset):
        return False
    cosine = float(item.vector @ of.vector) if item.vector is not None and of.vector is not None else -1.0
    return same_page(item.asset, of.asset, cosine, translation)


def stage_fit(asset: AssetView, probabilities: dict[str, float]) -> tuple[float, str]:
    """How well the asset's stages match the stage distribution, relative to the top stage (0..1)."""
    top = max(probabilities.values()) or 1.0
    best = max(asset.stages, key=lambda s: probabilities.get(s, 0.0))
    return probabilities.get(best, 0.0) / top, best


def diverse_order(ordered: list[RankedItem], n: int, language: str | None = None,
                  readable: frozenset[str] = frozenset(), config: RankingConfig = DEFAULT) -> list[RankedItem]:
    """The first `n` picks of a greedy selection from `ordered` (best score first) where each
    earlier pick of the same content type costs `config.same_type_penalty`. A penalty only lowers a score,
    so the scan for the next pick stops at the first item whose own score cannot beat the best
    adjusted score seen: a few items are looked at per pick, not all of them.

    Language versions (`is_version`), where the ask's `language` is known: a pick with a version in
    that language gives its place to that version, and a version of an earlier pick is never
    picked unless its language is `readable` (the ask's, the library's main one): an English ask
    gets the English pricing page, not the Russian one beside it."""
    remaining = list(ordered)
    picked: list[RankedItem] = []
    type_counts: dict[str, int] = {}
    while remaining and len(picked) < n:
        best_at, best_score = -1, float("-inf")
        for position, item in enumerate(remaining):
            if item.score <= best_score:
                break
            if language and item.asset.base_language not in readable and any(
                    is_version(item, p, config.translation) for p in picked):
                continue
            adjusted = item.score - config.same_type_penalty * type_counts.get(item.asset.content_type, 0)
            if adjusted > best_score:
                best_at, best_score = position, adjusted
        if best_at < 0:  # everything left is a version of an earlier pick
            break
        best = remaining.pop(best_at)
        if language and best.asset.base_language != language:
            for position, item in enumerate(remaining):
                if item.asset.base_language == language and is_version(item, best, config.translation):
                    # The version comes later (lower score); `best` goes back where it was, so
                    # `remaining` stays in score order and the early stop above stays exact.
                    remaining.pop(position)
                    remaining.insert(best_at, best)
                    best = item
                    break
        picked.append(best)
        type_counts[best.asset.content_type] = type_counts.get(best.asset.content_type, 0) + 1
    return picked


@dataclass(frozen=True)
class AskContext:
    """What ranking knows about the ask besides its stage: `language` is the ask's (asked for or
    written in), `fallback_language` the library's main one, `requested` the content types it names
    (key -> the words used), `requested_language` the language it names, if any; `demoted` the
    score taken off assets rated down for its stage, `implied` the content types its behaviour calls
    for (recommender.intents: key -> the words that show it), `intents` the intents it shows."""

    language: str | None = None
    fallback_language: str | None = None
    requested: dict[str, str] = field(default_factory=dict)
    requested_language: str | None = None
    demoted: dict[int, float] = field(default_factory=dict)
    implied: dict[str, str] = field(default_factory=dict)
    intents: dict[str, str] = field(default_factory=dict)  # the intents its behaviour shows -> their words


def score(candidates: list[Candidate], probabilities: dict[str, float], ask: AskContext,
          config: RankingConfig = DEFAULT) -> list[RankedItem]:
    """Every candidate scored (relevance, stage fit, language, requested type), best first."""
    dense = [c.dense for c in candidates]
    lo, hi = min(dense), max(dense)
    spread = hi - lo if hi - lo > 1e-6 else 1.0
    max_lex = max(c.lexical for c in candidates) or 1.0
    scored: list[RankedItem] = []
    fits: dict[tuple[str, ...], tuple[float, str]] = {}  # few distinct stage sets: fit each once
    for c in candidates:
        relevance = config.dense_weight * (c.dense - lo) / spread + config.lexical_weight * c.lexical / max_lex
        if c.asset.stages not in fits:
            fits[c.asset.stages] = stage_fit(c.asset, probabilities)
        fit, fit_stage = fits[c.asset.stages]
        requested = bool(ask.requested.get(c.asset.content_type))
        if requested:
            fit = max(fit, config.requested_type_fit)
        value = config.stage_weight * fit + (1 - config.stage_weight) * relevance
        value -= ask.demoted.get(c.asset.id, 0.0)
        if ask.language:
            asset_language = c.asset.base_language
            if asset_language == ask.language:
                value += config.language_bonus
            elif asset_language == ask.fallback_language:
                value += config.fallback_language_bonus
            elif asset_language != ask.requested_language:
                value -= config.other_language_penalty
        if requested:
            value += config.requested_type_bonus
        elif ask.implied.get(c.asset.content_type):
            value += config.implied_type_bonus
        # Not on top of a type asked for by name: the name already says which asset is wanted.
        answers = frozenset(c.intents.intersection(ask.intents))
        if answers and not requested:
            value += config.intent_match_bonus
        if ask.requested_language and c.asset.base_language == ask.requested_language:
            value += config.requested_language_bonus
        scored.append(RankedItem(c.asset, value, relevance, fit, fit_stage, "", c.vector, answers=answers))
    return sorted(scored, key=lambda r: (-r.score, r.asset.id))


def rank(candidates: list[Candidate], probabilities: dict[str, float], k: int, offset: int = 0,
         ask: AskContext | None = None, config: RankingConfig = DEFAULT,
         matched_terms: Callable[[AssetView], tuple[str, ...]] | None = None) -> list[RankedItem]:
    """Order candidates and return items [offset, offset + k), each with its language versions and
    its why. `matched_terms(asset)` gives the description's words an asset matches; it is called for
    the returned items only."""
    if not candidates:
        return []
    ask = ask or AskContext()
    top_stage = max(probabilities, key=probabilities.get)
    ordered = score(candidates, probabilities, ask, config)
    language = ask.language
    picked = diverse_order(ordered, offset + k, language, frozenset({language, ask.fallback_language or language}),
                           config)
    page = picked[offset:offset + k]
    shown = {item.asset.id for item in picked}
    for item in page:
        item.versions = [o.asset for o in ordered if o.asset.id not in shown and is_version(o, item, config.translation)]
        shown.update(v.id for v in item.versions)  # a version close to two items is named under the first
        terms = matched_terms(item.asset) if matched_terms else ()
        item.why = explain(item.asset, item.fit_stage, item.stage_fit, top_stage,
                           ask.requested.get(item.asset.content_type), terms,
                           ask.implied.get(item.asset.content_type),
                           next((ask.intents[n] for n in sorted(item.answers)), None))
    return page
