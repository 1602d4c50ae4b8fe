"""The one-line *why* of a recommended asset: its type and stage, the content type the ask named,
the ask's words it matches (or that it is close in meaning)."""

from __future__ import annotations

from content_library.vocabulary import CONTENT_TYPE_BY_KEY
from recommender.stages import CANONICAL


def explain(a, fit_stage: str, fit: float, top_stage: str, asked_as: str | None = None,
            matched_terms: tuple[str, ...] = (), implied_by: str | None = None, answers: str | None = None) -> str:
    """`a` is the asset (an AssetView), `fit` how well its `fit_stage` fits the ask (0..1), `asked_as`
    the words the ask named its content type with, `implied_by` the words of the ask its type serves
    (recommender.intents), `answers` the words of an ask's intent the asset itself is about (its own
    words show it: intents.asset_intents), not only of a type that serves it."""
    type_label = CONTENT_TYPE_BY_KEY[a.content_type].label if a.content_type in CONTENT_TYPE_BY_KEY else a.content_type
    if fit >= 0.999 or fit_stage == top_stage:
        head = f"{type_label} for the {CANONICAL[fit_stage].label.lower()} stage"
    elif fit >= 0.3:
        head = f"{type_label}, {CANONICAL[fit_stage].label.lower()} stage (also likely)"
    else:
        head = f"{type_label}, a {CANONICAL[fit_stage].label.lower()}-stage asset, shown for its topic"
    if asked_as:
        head = f"{head}; you asked for “{asked_as}”"
    elif answers:
        head = f"{head}; it answers “{answers}”"
    elif implied_by:
        head = f"{head}; the kind of content that serves “{implied_by}”"
    if matched_terms:
        terms = ", ".join(f"“{t}”" for t in matched_terms[:3])
        return f"{head}; matches {terms}"
    return f"{head}; close in meaning to your description"
