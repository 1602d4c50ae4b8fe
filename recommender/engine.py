"""The recommender as the use cases hold it: the index keeper and the read-only pipeline over it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from recommender.classifier import CueClassifier
from recommender.config import DEFAULT, RankingConfig
from recommender.embedder import Embedder
from recommender.library_index import LibraryIndex
from recommender.pipeline import Pipeline


class Recommender:
    """`index` keeps the snapshot and the search indexes in step with the database (sync, staleness,
    vectors); `pipeline` answers asks from them and writes nothing."""

    def __init__(self, engine: Engine, embedder: Embedder, index_dir: Path, classifier=None,
                 config: RankingConfig = DEFAULT):
        self.index = LibraryIndex(engine, embedder, index_dir, config)
        self.pipeline = Pipeline(self.index, classifier or CueClassifier(embedder), config)
        self.embedder = embedder

    @property
    def assets(self):
        return self.index.assets

    def sync(self):
        return self.index.sync()

    def refresh_if_stale(self) -> bool:
        return self.index.refresh_if_stale()

    def recommend(self, *args, **kwargs):
        return self.pipeline.recommend(*args, **kwargs)

    def recommend_many(self, *args, **kwargs):
        return self.pipeline.recommend_many(*args, **kwargs)

    def classify(self, text: str):
        return self.pipeline.classify(text)

    def classify_many(self, texts: list[str]):
        return self.pipeline.classify_many(texts)

    def search(self, text: str, k: int = 10):
        return self.pipeline.search(text, k)
