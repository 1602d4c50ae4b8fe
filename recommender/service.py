"""The recommender service: keeps the search indexes in step with the database and answers asks."""

from __future__ import annotations

import difflib
import hashlib
import logging
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from content_library.db import session_scope
from content_library.languages import base_language, detect_language
from content_library.models import QueryLog
from content_library.repository import (
    active_stamps,
    add_correction,
    assets_by_ids,
    demoted_assets,
    list_assets,
    log_query,
    versions,
)
from content_library.vocabulary import STAGES
from recommender.classifier import CueClassifier, StageResult
from recommender.cues import requested_content_types, requested_language
from recommender.embedder import Embedder
from recommender.language_bias import language_directions
from recommender.lexical import BM25Index
from recommender.ranking import AssetView, Candidate, RankedItem, rank
from recommender.textnorm import fold
from recommender.vector_index import SyncReport, VectorIndex

log = logging.getLogger(__name__)
MAX_TEXT = 10_000
CANDIDATES = 60
# Cosine similarity (default embedder) above which two assets' indexed texts count as near-duplicates:
# distinct sample assets reach 0.94 at most (translations of one guide); a reworded copy scores 0.98.
NEAR_DUPLICATE = 0.965
# … or, with nearly the same title (difflib ratio of the folded titles), this similarity is enough.
SAME_TITLE, NEAR_DUPLICATE_SAME_TITLE = 0.9, 0.92
# How many asset vectors estimate the library's typical similarity to an ask (see match_strength).
REFERENCE_SAMPLE = 2000
# Library search keeps results at least this relevant relative to the best one.
SEARCH_CUTOFF = 0.6
# Score taken off an asset colleagues rated down for the predicted stage (scores are roughly 0..1).
DEMOTION = 0.3
# An asset's dense relevance: the mean of the ask's cosine to its whole indexed text and to its title
# alone. The title says what the asset is about in a few words; in the whole text the shared
# vocabulary of its stage and type (every case study "shows results", every guide "explains") pulls
# the assets of one stage together, so within a stage the title separates topics better.
TITLE_WEIGHT = 0.5


def _stage_bits(stages) -> int:
    return sum(1 << STAGES.index(s) for s in set(stages) if s in STAGES)


class EmptyQuery(ValueError):
    pass


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

    def to_dict(self) -> dict:
        return {**self.stage.to_dict(), "no_signal": self.stage.no_signal, "truncated": self.truncated,
                "items": [i.to_dict() for i in self.items]}


EXAMPLE_ASK = "“VP Ops at a 200-person carrier, comparing us with two vendors”"


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


class StageClassifier(Protocol):
    def classify(self, text: str, vector: np.ndarray | None = None) -> StageResult: ...


class Recommender:
    def __init__(self, engine: Engine, embedder: Embedder, index_dir: Path, classifier: StageClassifier | None = None):
        self.engine = engine
        self.embedder = embedder
        self.vectors = VectorIndex(embedder, index_dir)
        self.titles = VectorIndex(embedder, Path(index_dir) / "titles")  # one vector per asset title
        self.lexical = BM25Index()
        self.classifier = classifier or CueClassifier(embedder)
        self.assets: dict[int, AssetView] = {}
        self.version = -1
        self.feedback_version = -1
        self.demoted: dict[str, set[int]] = {s: set() for s in STAGES}
        self._lock = threading.RLock()
        self._stage_bits = np.zeros(0, dtype=np.uint8)  # aligned with lexical.ids: one bit per stage served
        self._positions: dict[int, int] = {}
        self._stamps: dict[int, datetime] = {}  # id -> updated_at of the snapshot's copy
        self._documents: dict[int, tuple[str, str]] = {}  # id -> (hash of the indexed text, indexed text)
        self._titles: dict[int, tuple[str, str]] = {}  # id -> (hash of the title, title)
        self._reference = np.zeros((0, 1), dtype=np.float32)
        # language -> the direction of its cosine offset (language_bias), for the mix of whole-text
        # and title cosines that dense relevance is.
        self._language_directions: dict[str, np.ndarray] = {}
        self._main_language: str | None = None  # the language most active assets are in
        self._languages: frozenset[str] = frozenset()  # every language active assets are in

    # -- keeping in step with the database -------------------------------------------------------
    def sync(self) -> SyncReport:
        """Bring the asset snapshot and both indexes up to date with the database's active assets.

        Incremental: only assets whose `updated_at` differs from the snapshot's (every write path
        stamps it) are read, re-tokenised and, when their indexed text changed, re-embedded."""
        with self._lock:  # one catch-up at a time: a second thread waits, then finds little to do
            with Session(self.engine) as session:
                version, feedback_version = versions(session)
                demoted = demoted_assets(session)
                stamps = active_stamps(session)
                changed = [i for i, stamp in stamps.items() if self._stamps.get(i) != stamp]
                gone = [i for i in self._stamps if i not in stamps]
                rows = list_assets(session) if len(changed) > len(stamps) // 2 else assets_by_ids(session, changed)
            rows = [a for a in rows if a.id in stamps and self._stamps.get(a.id) != a.updated_at]
            views = {i: v for i, v in self.assets.items() if i in stamps}
            documents = {i: d for i, d in self._documents.items() if i in views}
            titles = {i: t for i, t in self._titles.items() if i in views}
            texts = {}
            for a in rows:
                views[a.id] = AssetView(a.id, a.title, a.url, a.description, a.content_type, tuple(a.stages),
                                        tuple(a.tags), a.language)
                # Hash the text that is embedded: a change to it, or to how assets are indexed, re-embeds.
                texts[a.id] = views[a.id].document_text()
                documents[a.id] = (hashlib.sha1(texts[a.id].encode("utf-8")).hexdigest(), texts[a.id])
                titles[a.id] = (hashlib.sha1(a.title.encode("utf-8")).hexdigest(), a.title)
            # Both indexes embed before they change: if the model fails, the snapshot below stays as it
            # was, and the next sync re-reads the same rows (an index already up to date embeds nothing).
            report = self.vectors.sync(documents)
            self.titles.sync(titles)
            self.lexical.update(texts, removed=gone)
            self._documents, self._titles, self.assets = documents, titles, views
            self._stamps = {i: t for i, t in self._stamps.items() if i in views}
            self._stamps.update((a.id, a.updated_at) for a in rows)
            ids = self.lexical.ids.tolist()
            self._positions = {asset_id: p for p, asset_id in enumerate(ids)}
            self._stage_bits = np.asarray([_stage_bits(views[i].stages) for i in ids], dtype=np.uint8)
            sample = ids if len(ids) <= REFERENCE_SAMPLE else \
                [ids[i] for i in np.random.default_rng(0).choice(len(ids), REFERENCE_SAMPLE, replace=False)]
            self._reference = self.vectors.vectors(sample) if sample else np.zeros((0, 1), dtype=np.float32)
            sample_languages = [views[i].language for i in sample]
            documents_bias = language_directions(self._reference, sample_languages)
            titles_bias = language_directions(self.titles.vectors(sample), sample_languages) if sample else {}
            self._language_directions = {
                language: (1 - TITLE_WEIGHT) * direction + TITLE_WEIGHT * titles_bias[language]
                for language, direction in documents_bias.items()}
            languages = Counter(v.base_language for v in views.values())
            self._main_language = languages.most_common(1)[0][0] if languages else None
            self._languages = frozenset(languages)
            self.demoted, self.feedback_version, self.version = demoted, feedback_version, version
            return report

    def rebuild_index(self) -> int:
        """Re-embed every active asset from scratch (e.g. after changing the model settings)."""
        with self._lock:
            self.vectors.rebuild(self._documents)
            self.titles.rebuild(self._titles)
            return len(self.vectors)

    def refresh_if_stale(self) -> bool:
        """Cheap check of the library and feedback versions; catch up when another writer (a thread,
        another process) changed the library or the votes. True when the library was re-synced."""
        with Session(self.engine) as session:
            library, feedback = versions(session)
            if library == self.version and feedback != self.feedback_version:
                self.demoted = demoted_assets(session)
                self.feedback_version = feedback
        if library != self.version:
            self.sync()
            return True
        return False

    # -- answering -------------------------------------------------------------------------------
    def classify(self, text: str) -> StageResult:
        return self.classify_many([text])[0]

    def classify_many(self, texts: list[str]) -> list[StageResult]:
        """Classify several descriptions, embedding them as one batch."""
        prepared = [prepare_text(t)[0] for t in texts]
        vectors = self.embedder.embed_queries(prepared)
        return [self.classifier.classify(t, v) for t, v in zip(prepared, vectors, strict=True)]

    def _allowed(self, filters: Filters) -> np.ndarray | None:
        """Ids passing the filters (a named stage is a filter too), or None when nothing is filtered."""
        if not filters.active():
            return None
        tags = {t.lower() for t in filters.tags}
        lang = base_language(filters.language).lower() if filters.language else None
        return np.asarray(
            [
                a.id for a in self.assets.values()
                if (not filters.stage or filters.stage in a.stages)
                and (not filters.content_type or a.content_type == filters.content_type)
                and (not lang or a.base_language == lang)
                and (not tags or tags <= set(a.tags))
            ],
            dtype=np.int64,
        )

    def recommend_many(self, texts: list[str], k: int = 5, filters: Filters | None = None) -> list[Recommendation]:
        """Answer several descriptions, embedding them as one batch."""
        vectors = self.embedder.embed_queries([prepare_text(t)[0] for t in texts])
        return [self.recommend(t, k, filters, vector=v) for t, v in zip(texts, vectors, strict=True)]

    def recommend(self, text: str, k: int = 5, filters: Filters | None = None, offset: int = 0,
                  vector: np.ndarray | None = None) -> Recommendation:
        filters = filters or Filters()
        text, truncated = prepare_text(text)
        with self._lock:
            if vector is None:
                vector = self.embedder.embed_queries([text])[0]
            result = StageResult.forced(filters.stage) if filters.stage else self.classifier.classify(text, vector)
            if result.no_signal:
                if not filters.active():
                    # Nothing to rank for: assets of a guessed stage would read as an answer. The reply
                    # asks for a description or a stage instead (and the ask is logged as such).
                    return Recommendation(text, truncated, result)
                # A type, language or tag filter is a request in itself ("case studies", "anything for
                # a carrier"): answer it, as an unsure guess at the stage.
                result.no_signal = False
            allowed = self._allowed(filters)
            pool = CANDIDATES + offset
            hits: dict[int, float] = dict(self.vectors.search(vector, 2 * pool, allowed))
            # Enough assets of the likely stages must be candidates, or stage-fit items could be
            # crowded out by off-stage ones: search among them too when the global search found few.
            top = max(result.probabilities.values())
            likely = {s for s, p in result.probabilities.items() if p >= 0.5 * top}
            if sum(1 for i in hits if likely.intersection(self.assets[i].stages)) < pool:
                stage_ids = self.lexical.ids[(self._stage_bits & _stage_bits(likely)) != 0]
                if allowed is not None:
                    stage_ids = np.intersect1d(stage_ids, allowed)
                hits.update(self.vectors.search(vector, pool, stage_ids))
            bm25 = self.lexical.scores(text)
            if allowed is not None and len(self.lexical):
                bm25 = np.where(np.isin(self.lexical.ids, allowed), bm25, 0.0)
            for p in self.lexical.top(bm25, pool):
                hits.setdefault(int(self.lexical.ids[p]), None)
            candidates = self._candidates(hits, bm25, vector)
            query_terms = self.lexical.query_words(text)
            demoted = dict.fromkeys(self.demoted.get(result.stage, ()), DEMOTION)
            # The language the text asks for ("pricing in Russian") before the one it is written in.
            asked = requested_language(text)
            language = asked or detect_language(text)
            if language not in self._languages:
                # Nothing is in it (a Spanish or Japanese ask, an English-Chinese-Russian library): the
                # library's main language is what the prospect can most likely read, not whichever
                # language the embedder happens to place near the ask's.
                language = self._main_language
            items = rank(candidates, result.probabilities, k, offset, demoted, language=language,
                         fallback_language=self._main_language,
                         requested=requested_content_types(text), requested_language=asked,
                         matched_terms=lambda a: self.lexical.matched_terms(query_terms, self._positions[a.id]))
            strength = self._match_strength(items, vector)
        return Recommendation(text, truncated, result, items, match_strength=strength)

    def _match_strength(self, items: list[RankedItem], vector: np.ndarray) -> float | None:
        if not items or len(self._reference) < 2:
            return None
        similarities = self._reference @ vector
        spread = float(similarities.std()) or 1.0
        best = max(self._dense_score(i.asset.id, vector) for i in items)
        return round((best - float(similarities.mean())) / spread, 3)

    def search(self, text: str, k: int = 10) -> list[RankedItem]:
        """Assets by relevance to `text` alone (no stage weighting): the library search."""
        text, _ = prepare_text(text)
        flat = {s: 1.0 for s in STAGES}
        with self._lock:
            vector = self.embedder.embed_queries([text])[0]
            hits = dict(self.vectors.search(vector, max(CANDIDATES, k)))
            bm25 = self.lexical.scores(text)
            for p in self.lexical.top(bm25, CANDIDATES):
                hits.setdefault(int(self.lexical.ids[p]), None)
            candidates = self._candidates(hits, bm25, vector)
            terms = self.lexical.query_words(text)
            items = rank(candidates, flat, k, matched_terms=lambda a: self.lexical.matched_terms(
                terms, self._positions[a.id]))
            # A search lists what matches: drop the tail that is far less relevant than the best.
            best = max((i.relevance for i in items), default=0.0)
            return [i for i in items if i.relevance >= SEARCH_CUTOFF * best]

    def near_duplicates(self, draft: AssetView, threshold: float = NEAR_DUPLICATE) -> list[tuple[AssetView, float]]:
        """Active assets under another URL whose title and description say nearly the same as `draft`."""
        vector = self.embedder.embed_documents([draft.document_text()])[0]
        title = fold(draft.title)
        with self._lock:
            found = []
            for asset_id, score in self.vectors.search(vector, 5):
                view = self.assets.get(asset_id)
                if view is None or view.url == draft.url:
                    continue
                same_title = difflib.SequenceMatcher(None, title, fold(view.title)).ratio() >= SAME_TITLE
                if score >= threshold or (same_title and score >= NEAR_DUPLICATE_SAME_TITLE):
                    found.append((view, float(score)))
            return found

    def _candidates(self, hits: Iterable[int], bm25: np.ndarray, vector: np.ndarray) -> list[Candidate]:
        """Candidates for the ids of the dense and lexical hits. Each one's vector comes from one
        batch lookup, for its cosine to the ask and to tell its language versions apart (see
        ranking.TRANSLATION), so the searches' own scores are not needed; the title cosines come
        from another lookup (see TITLE_WEIGHT)."""
        ids = [i for i in hits if i in self.assets]
        if not ids:
            return []
        views = [self.assets[i] for i in ids]
        documents = self.vectors.vectors(ids)
        # In float64, as Python floats would be: the same sums, one array operation each.
        dense = (1 - TITLE_WEIGHT) * (documents @ vector).astype(np.float64) \
            + TITLE_WEIGHT * (self.titles.vectors(ids) @ vector).astype(np.float64)
        # Less the offset the ask's cosine has for the asset's language alone (language_bias).
        offsets = {language: float(direction @ vector) for language, direction in self._language_directions.items()}
        dense -= np.fromiter((offsets.get(v.base_language, 0.0) for v in views), dtype=np.float64, count=len(ids))
        lexical = bm25[[self._positions[i] for i in ids]].astype(np.float64)
        return [Candidate(v, d, b, documents[n])
                for n, (v, d, b) in enumerate(zip(views, dense.tolist(), lexical.tolist(), strict=True))]

    def _dense_score(self, asset_id: int, vector: np.ndarray) -> float:
        return float(self.vectors.vector(asset_id) @ vector)

    def record_correction(self, text: str, stage: str, *, predicted: str | None = None, query_id: int | None = None,
                          source: str = "cli", user: str | None = None) -> int:
        """Store a user's stage correction; the classifier learns from it at its next retrain."""
        text, _ = prepare_text(text)
        with session_scope(self.engine) as session:
            return add_correction(session, text, stage, predicted=predicted, query_id=query_id, source=source,
                                  user=user).id

    def record_pick(self, text: str, stage: str, *, predicted: str | None, query_id: int | None = None,
                    source: str, user: str | None = None) -> int | None:
        """A user picked `stage` for `text`, which journeybot had read as `predicted` (None: as saying
        nothing about a stage, "hi"). A different stage is a correction and is stored; the same
        stage, or a stage picked for a text without one, is a choice and is not (the classifier
        would only learn that greetings have a stage). Returns the correction's id, or None."""
        if predicted is None or stage == predicted:
            return None
        return self.record_correction(text, stage, predicted=predicted, query_id=query_id, source=source, user=user)

    # -- the query log -----------------------------------------------------------------------------
    def log_ask(self, rec: Recommendation, source: str, *, team: str | None = None, channel: str | None = None,
                user: str | None = None) -> int:
        with session_scope(self.engine) as session:
            entry = log_query(session, QueryLog(
                text=rec.text, predicted_stage=rec.stage.stage, confidence=rec.stage.confidence,
                unsure=rec.stage.unsure, no_signal=rec.stage.no_signal,
                stage_override=rec.stage.stage if rec.stage.overridden else None,
                match_strength=rec.match_strength,
                asset_ids=[i.asset.id for i in rec.items], scores=[round(i.score, 4) for i in rec.items],
                source=source, slack_team=team, slack_channel=channel, slack_user=user,
            ))
            rec.query_id = entry.id
            return entry.id
