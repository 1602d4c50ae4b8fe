"""The index keeper: a snapshot of the active assets and the search indexes built from it (text and
title vectors, BM25), kept in step with the database, which stays the source of truth.

Every write path stamps an asset's `updated_at` and bumps the library version; `refresh_if_stale`
compares versions (one cheap query) and `sync` reads and re-embeds only the assets whose stamp
changed. What the pipeline reads is swapped in whole under `lock`, so an ask never sees half a sync.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from content_library import content_types
from content_library.repository import active_stamps, assets_by_ids, demoted_assets, list_assets, versions
from content_library.vocabulary import STAGES
from recommender.config import DEFAULT, RankingConfig
from recommender.embedder import Embedder
from recommender.intents import asset_intents, distinctive, served
from recommender.language_bias import language_directions
from recommender.lexical import BM25Index
from recommender.ranking import AssetView
from recommender.topic_cues import asset_cues, topic_cues
from recommender.vector_index import SyncReport, VectorIndex

# How many asset vectors estimate the library's typical similarity to an ask (see Pipeline.match_strength).
REFERENCE_SAMPLE = 2000


def stage_bits(stages) -> int:
    """One bit per stage served."""
    return sum(1 << STAGES.index(s) for s in set(stages) if s in STAGES)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class LibraryIndex:
    def __init__(self, engine: Engine, embedder: Embedder, index_dir: Path, config: RankingConfig = DEFAULT):
        self.engine = engine
        self.embedder = embedder
        self.config = config
        self.vectors = VectorIndex(embedder, index_dir)
        self.titles = VectorIndex(embedder, Path(index_dir) / "titles")  # one vector per asset title
        self.lexical = BM25Index()
        self.assets: dict[int, AssetView] = {}
        self.version = -1
        self.feedback_version = -1
        self.demoted: dict[str, set[int]] = {s: set() for s in STAGES}
        self.lock = threading.RLock()
        self.stage_bits = np.zeros(0, dtype=np.uint8)  # aligned with lexical.ids: one bit per stage served
        self.positions: dict[int, int] = {}  # asset id -> its row in lexical.ids
        self.reference = np.zeros((0, 1), dtype=np.float32)
        # language -> the direction of its cosine offset (language_bias), for the mix of whole-text
        # and title cosines that dense relevance is.
        self.language_directions: dict[str, np.ndarray] = {}
        self.main_language: str | None = None  # the language most active assets are in
        self.languages: frozenset[str] = frozenset()  # every language active assets are in
        self.topic: frozenset[str] = frozenset()  # cue words of the library's own subject (topic_cues)
        self._cues: dict[int, frozenset[str]] = {}  # id -> the behaviour cues of its title and description
        self._intents: dict[int, frozenset[str]] = {}  # id -> the intents it serves (intents.asset_intents)
        self.intents: dict[int, frozenset[str]] = {}  # id -> those of them that tell it apart (intents.distinctive)
        self.served_intents: frozenset[str] = frozenset()
        self._stamps: dict[int, datetime] = {}  # id -> updated_at of the snapshot's copy
        self._documents: dict[int, tuple[str, str]] = {}  # id -> (hash of the indexed text, indexed text)
        self._titles: dict[int, tuple[str, str]] = {}  # id -> (hash of the title, title)

    def sync(self) -> SyncReport:
        """Bring the asset snapshot and both indexes up to date with the database's active assets.

        Incremental: only assets whose `updated_at` differs from the snapshot's (every write path
        stamps it) are read, re-tokenised and, when their indexed text changed, re-embedded."""
        with self.lock:  # one catch-up at a time: a second thread waits, then finds little to do
            with Session(self.engine) as session:
                version, feedback_version = versions(session)
                content_types.sync(session)  # the team's own types, as they stand at this version
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
                views[a.id] = AssetView.of(a)
                # Hash the text that is embedded: a change to it, or to how assets are indexed, re-embeds.
                texts[a.id] = views[a.id].document_text()
                documents[a.id] = (_digest(texts[a.id]), texts[a.id])
                titles[a.id] = (_digest(a.title), a.title)
            # Both indexes embed before they change: if the model fails, the snapshot below stays as it
            # was, and the next sync re-reads the same rows (an index already up to date embeds nothing).
            report = self.vectors.sync(documents)
            self.titles.sync(titles)
            self.lexical.update(texts, removed=gone, languages={i: views[i].base_language for i in texts})
            cues = {i: c for i, c in self._cues.items() if i in views}
            cues.update((a.id, asset_cues(views[a.id])) for a in rows)
            intents = {i: n for i, n in self._intents.items() if i in views}
            intents.update((a.id, asset_intents(views[a.id])) for a in rows)
            self._documents, self._titles, self.assets, self._cues = documents, titles, views, cues
            self._intents = intents
            self._stamps = {i: t for i, t in self._stamps.items() if i in views}
            self._stamps.update((a.id, a.updated_at) for a in rows)
            self._derive()
            self.demoted, self.feedback_version, self.version = demoted, feedback_version, version
            return report

    def _derive(self) -> None:
        """What ranking reads beside the indexes, from the new snapshot: rows, stage bits, the
        reference sample, the language offsets and the library's languages."""
        views = self.assets
        ids = self.lexical.ids.tolist()
        self.positions = {asset_id: p for p, asset_id in enumerate(ids)}
        self.stage_bits = np.asarray([stage_bits(views[i].stages) for i in ids], dtype=np.uint8)
        sample = ids if len(ids) <= REFERENCE_SAMPLE else \
            [ids[i] for i in np.random.default_rng(0).choice(len(ids), REFERENCE_SAMPLE, replace=False)]
        self.reference = self.vectors.vectors(sample) if sample else np.zeros((0, 1), dtype=np.float32)
        sample_languages = [views[i].language for i in sample]
        prior, weight = self.config.language_prior_documents, self.config.title_weight
        documents_bias = language_directions(self.reference, sample_languages, prior)
        titles_bias = language_directions(self.titles.vectors(sample), sample_languages, prior) if sample else {}
        self.language_directions = {language: (1 - weight) * direction + weight * titles_bias[language]
                                    for language, direction in documents_bias.items()}
        languages = Counter(v.base_language for v in views.values())
        self.main_language = languages.most_common(1)[0][0] if languages else None
        self.languages = frozenset(languages)
        self.topic = topic_cues((self._cues[i], v.stages, v.base_language) for i, v in views.items())
        self.intents = distinctive(self._intents, {i: v.stages for i, v in views.items()})
        self.served_intents = served(self._intents)  # every intent some asset serves (an ask's Want)

    def rebuild(self) -> int:
        """Re-embed every active asset from scratch (e.g. after changing the model settings)."""
        with self.lock:
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

    def known_tags(self) -> set[str]:
        return {t for a in self.assets.values() for t in a.tags}
