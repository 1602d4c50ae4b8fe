"""The read-only pipeline of an ask: classify → retrieve → rank → explain.

It reads the index keeper's snapshot (recommender.library_index) under its lock and writes
nothing: the query log and stage corrections belong to the use cases that call it.
"""

from __future__ import annotations

import difflib

import numpy as np

from content_library.languages import base_language, detect_language
from content_library.vocabulary import STAGES
from recommender.classifier import StageResult
from recommender.config import DEFAULT, RankingConfig
from recommender.cues import requested_content_types, requested_language
from recommender.intents import content_types_for, intents_in, wants
from recommender.library_index import LibraryIndex, stage_bits
from recommender.query import Filters, Recommendation, prepare_text
from recommender.ranking import AskContext, AssetView, Candidate, RankedItem, rank
from recommender.textnorm import fold

# Cosine similarity (default embedder) above which two assets' indexed texts count as near-duplicates:
# distinct sample assets reach 0.94 at most (translations of one guide); a reworded copy scores 0.98.
NEAR_DUPLICATE = 0.965
# … or, with nearly the same title (difflib ratio of the folded titles), this similarity is enough.
SAME_TITLE, NEAR_DUPLICATE_SAME_TITLE = 0.9, 0.92


class Pipeline:
    def __init__(self, index: LibraryIndex, classifier, config: RankingConfig = DEFAULT):
        self.index = index
        self.embedder = index.embedder
        self.classifier = classifier
        self.config = config

    # -- classify ----------------------------------------------------------------------------------
    def classify(self, text: str) -> StageResult:
        return self.classify_many([text])[0]

    def classify_many(self, texts: list[str]) -> list[StageResult]:
        """Classify several descriptions, embedding them as one batch."""
        prepared = [prepare_text(t)[0] for t in texts]
        vectors = self.embedder.embed_queries(prepared)
        topic = self.index.topic
        return [self.classifier.classify(t, v, topic) for t, v in zip(prepared, vectors, strict=True)]

    def _stage(self, text: str, vector: np.ndarray, filters: Filters) -> StageResult:
        return StageResult.forced(filters.stage) if filters.stage else self.classifier.classify(text, vector, self.index.topic)

    # -- the whole ask -----------------------------------------------------------------------------
    def recommend_many(self, texts: list[str], k: int = 5, filters: Filters | None = None) -> list[Recommendation]:
        """Answer several descriptions, embedding them as one batch."""
        vectors = self.embedder.embed_queries([prepare_text(t)[0] for t in texts])
        return [self.recommend(t, k, filters, vector=v) for t, v in zip(texts, vectors, strict=True)]

    def recommend(self, text: str, k: int = 5, filters: Filters | None = None, offset: int = 0,
                  vector: np.ndarray | None = None) -> Recommendation:
        filters = filters or Filters()
        text, truncated = prepare_text(text)
        with self.index.lock:
            empty = not self.index.assets
            if vector is None:
                vector = self.embedder.embed_queries([text])[0]
            result = self._stage(text, vector, filters)
            if result.no_signal:
                if not filters.active():
                    # Nothing to rank for: assets of a guessed stage would read as an answer. The reply
                    # asks for a description or a stage instead (and the ask is logged as such).
                    return Recommendation(text, truncated, result, library_empty=empty)
                # A type, language or tag filter is a request in itself ("case studies", "anything for
                # a carrier"): answer it, as an unsure guess at the stage.
                result.no_signal = False
            candidates = self.retrieve(text, vector, result, filters, offset)
            terms = self.index.lexical.query_words(text)
            shown = intents_in(text, self.likely_stages(result))
            items = rank(candidates, result.probabilities, k, offset, self._ask_context(text, result, shown),
                         self.config,
                         matched_terms=lambda a: self.index.lexical.matched_terms(terms, self.index.positions[a.id]))
            strength = self.match_strength(items, vector)
            wanted = wants(shown, result.stage, self.index.served_intents) if not empty else []
        return Recommendation(text, truncated, result, items, match_strength=strength, library_empty=empty,
                              wants=wanted)

    # -- retrieve ----------------------------------------------------------------------------------
    def _allowed(self, filters: Filters) -> np.ndarray | None:
        """Ids passing the filters (a named stage is a filter too), or None when nothing is filtered."""
        if not filters.active():
            return None
        tags = {t.lower() for t in filters.tags}
        lang = base_language(filters.language).lower() if filters.language else None
        return np.asarray([
            a.id for a in self.index.assets.values()
            if (not filters.stage or filters.stage in a.stages)
            and (not filters.content_type or a.content_type == filters.content_type)
            and (not lang or a.base_language == lang)
            and (not tags or tags <= set(a.tags))
        ], dtype=np.int64)

    def likely_stages(self, result: StageResult) -> set[str]:
        """The stages whose probability is at least `likely_stage_share` of the top one's."""
        top = max(result.probabilities.values())
        return {s for s, p in result.probabilities.items() if p >= self.config.likely_stage_share * top}

    def retrieve(self, text: str, vector: np.ndarray, result: StageResult, filters: Filters,
                 offset: int = 0) -> list[Candidate]:
        """Candidates from three searches: dense over every allowed asset, dense over the likely
        stages' assets (when the first found too few of them), and BM25."""
        index = self.index
        allowed = self._allowed(filters)
        pool = self.config.candidates + offset
        hits: dict[int, float | None] = dict(index.vectors.search(vector, 2 * pool, allowed))
        # Enough assets of the likely stages must be candidates, or stage-fit items could be
        # crowded out by off-stage ones: search among them too when the global search found few.
        likely = self.likely_stages(result)
        if sum(1 for i in hits if likely.intersection(index.assets[i].stages)) < pool:
            stage_ids = index.lexical.ids[(index.stage_bits & stage_bits(likely)) != 0]
            if allowed is not None:
                stage_ids = np.intersect1d(stage_ids, allowed)
            hits.update(index.vectors.search(vector, pool, stage_ids))
        bm25 = index.lexical.scores(text)
        if allowed is not None and len(index.lexical):
            bm25 = np.where(np.isin(index.lexical.ids, allowed), bm25, 0.0)
        for p in index.lexical.top(bm25, pool):
            hits.setdefault(int(index.lexical.ids[p]), None)
        return self.candidates(hits, bm25, vector)

    def candidates(self, hits, bm25: np.ndarray, vector: np.ndarray) -> list[Candidate]:
        """Candidates for the ids of the dense and lexical hits. Each one's vector comes from one
        batch lookup, for its cosine to the ask and to tell its language versions apart (see
        RankingConfig.translation), so the searches' own scores are not needed; the title cosines
        come from another lookup (RankingConfig.title_weight)."""
        index = self.index
        ids = [i for i in hits if i in index.assets]
        if not ids:
            return []
        views = [index.assets[i] for i in ids]
        documents = index.vectors.vectors(ids)
        weight = self.config.title_weight
        # In float64, as Python floats would be: the same sums, one array operation each.
        dense = (1 - weight) * (documents @ vector).astype(np.float64) \
            + weight * (index.titles.vectors(ids) @ vector).astype(np.float64)
        # Less the offset the ask's cosine has for the asset's language alone (language_bias).
        offsets = {language: float(direction @ vector) for language, direction in index.language_directions.items()}
        dense -= np.fromiter((offsets.get(v.base_language, 0.0) for v in views), dtype=np.float64, count=len(ids))
        lexical = bm25[[index.positions[i] for i in ids]].astype(np.float64)
        intents = index.intents
        return [Candidate(v, d, b, documents[n], intents.get(v.id, frozenset()))
                for n, (v, d, b) in enumerate(zip(views, dense.tolist(), lexical.tolist(), strict=True))]

    # -- rank --------------------------------------------------------------------------------------
    def _ask_context(self, text: str, result: StageResult, shown: dict[str, str]) -> AskContext:
        """`shown`: the intents of the likely stages the ask shows (intents.intents_in)."""
        index = self.index
        # The language the text asks for ("pricing in Russian") before the one it is written in.
        asked = requested_language(text)
        language = asked or detect_language(text)
        if language not in index.languages:
            # Nothing is in it (a Spanish or Japanese ask, an English-Chinese-Russian library): the
            # library's main language is what the prospect can most likely read, not whichever
            # language the embedder happens to place near the ask's.
            language = index.main_language
        demoted = dict.fromkeys(index.demoted.get(result.stage, ()), self.config.demotion)
        return AskContext(language, index.main_language, requested_content_types(text), asked, demoted,
                          content_types_for(shown), shown)

    def match_strength(self, items: list[RankedItem], vector: np.ndarray) -> float | None:
        """How far the best item stands out: its cosine to the ask less the library's mean, in
        standard deviations (the digest's "served poorly" reads it)."""
        reference = self.index.reference
        if not items or len(reference) < 2:
            return None
        similarities = reference @ vector
        spread = float(similarities.std()) or 1.0
        best = max(float(self.index.vectors.vector(i.asset.id) @ vector) for i in items)
        return round((best - float(similarities.mean())) / spread, 3)

    # -- the library search and duplicates ---------------------------------------------------------
    def search(self, text: str, k: int = 10) -> list[RankedItem]:
        """Assets by relevance to `text` alone (no stage weighting): the library search."""
        text, _ = prepare_text(text)
        flat = {s: 1.0 for s in STAGES}
        index = self.index
        with index.lock:
            vector = self.embedder.embed_queries([text])[0]
            hits = dict(index.vectors.search(vector, max(self.config.candidates, k)))
            bm25 = index.lexical.scores(text)
            for p in index.lexical.top(bm25, self.config.candidates):
                hits.setdefault(int(index.lexical.ids[p]), None)
            candidates = self.candidates(hits, bm25, vector)
            terms = index.lexical.query_words(text)
            items = rank(candidates, flat, k, config=self.config,
                         matched_terms=lambda a: index.lexical.matched_terms(terms, index.positions[a.id]))
            # A search lists what matches: drop the tail that is far less relevant than the best.
            best = max((i.relevance for i in items), default=0.0)
            return [i for i in items if i.relevance >= self.config.search_cutoff * best]

    def near_duplicates(self, draft: AssetView, threshold: float = NEAR_DUPLICATE) -> list[tuple[AssetView, float]]:
        """Active assets under another URL whose title and description say nearly the same as `draft`."""
        vector = self.embedder.embed_documents([draft.document_text()])[0]
        title = fold(draft.title)
        with self.index.lock:
            found = []
            for asset_id, similarity in self.index.vectors.search(vector, 5):
                view = self.index.assets.get(asset_id)
                if view is None or view.url == draft.url:
                    continue
                same_title = difflib.SequenceMatcher(None, title, fold(view.title)).ratio() >= SAME_TITLE
                if similarity >= threshold or (same_title and similarity >= NEAR_DUPLICATE_SAME_TITLE):
                    found.append((view, float(similarity)))
            return found
