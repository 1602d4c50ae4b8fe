"""Every knob of retrieval and ranking, in one object: what a ranking change edits.

The values are the ones the benchmarks were measured with (benchmarks/README.md tells how each was
chosen); `DEFAULT` is what journeybot runs with. A different configuration is passed to
`Pipeline` (and to the pure functions of `ranking`) instead of editing module constants.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RankingConfig:
    # -- retrieval ---------------------------------------------------------------------------------
    # Candidates taken from each search (dense over all assets, dense over the likely stages, BM25).
    candidates: int = 60
    # A stage is "likely" (searched on its own) when its probability is at least this share of the top one.
    likely_stage_share: float = 0.5
    # An asset's dense relevance: the mean of the ask's cosine to its whole indexed text and to its title
    # alone. The title says what the asset is about in a few words; in the whole text the shared
    # vocabulary of its stage and type (every case study "shows results") pulls the assets of one stage
    # together, so within a stage the title separates topics better.
    title_weight: float = 0.5
    # The language offset of a cosine (language_bias) is shrunk by n / (n + this) for n documents.
    language_prior_documents: int = 5
    # -- scoring -----------------------------------------------------------------------------------
    dense_weight: float = 0.7
    lexical_weight: float = 0.3
    stage_weight: float = 0.5
    # Each earlier pick of the same content type costs this much (diversity across types).
    same_type_penalty: float = 0.08
    # Same-language assets first: a rep writing in Chinese about a Chinese prospect wants Chinese content.
    language_bonus: float = 0.1
    # Where the library has nothing in the rep's language, its main language (usually English) is what
    # the prospect can most likely read: a Russian ask gets the English ROI calculator before the Chinese one.
    fallback_language_bonus: float = 0.05
    # An asset in neither of those languages (nor one the ask names) is one the prospect can most
    # likely not read: a German ask in an English-Chinese library gets no Chinese ebook.
    other_language_penalty: float = 0.1
    # The content type the prospect asked for by name ("asked for case studies") comes first.
    requested_type_bonus: float = 0.15
    # … whatever its stage: a customer's new department asking for "a case study and pricing" wants
    # them, not the retention shelf. A type named in the ask fits the stage at least this well
    # (stage fit is 0..1, relative to the top stage).
    requested_type_fit: float = 0.8
    # Less for a type the ask's behaviour calls for (recommender.intents: "posted about us" → a review
    # request), where its stage is likely.
    implied_type_bonus: float = 0.12
    # And for an asset that serves the very intent the ask shows (recommender.intents.asset_intents:
    # the outage article, not the export guide, for a customer whose system went down).
    intent_match_bonus: float = 0.12
    # So does the language asked for by name ("pricing in Russian", "要英文版"), on top of language_bonus.
    requested_language_bonus: float = 0.15
    # Score taken off an asset colleagues rated down for the predicted stage (scores are roughly 0..1).
    demotion: float = 0.3
    # -- language versions -------------------------------------------------------------------------
    # Two assets of one content type in different languages whose indexed texts are at least this similar
    # (cosine, default embedder) are versions of one asset: a rep gets the pricing page once, in the best
    # language, with the others named beside it. On the sample library the language versions of one asset
    # reach 0.86-0.94 and no two distinct assets of one type pass 0.867, so the bar sits above both.
    # Versions kept under one path but for a language mark ("/zh/tools/roi-calculator") are versions
    # whatever their cosine (languages.language_neutral_url): translated descriptions drift apart.
    translation: float = 0.88
    # -- library search (/content search) ----------------------------------------------------------
    # Keep results at least this relevant relative to the best one.
    search_cutoff: float = 0.6


DEFAULT = RankingConfig()
