"""Builds journeybot's long-lived parts from the settings: the database engine and the recommender."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.settings import Settings
from content_library.db import make_engine, migrate
from content_library.repository import list_corrections
from recommender.embedder import Embedder, load_embedder
from recommender.service import Recommender
from recommender.training import Example, TrainedClassifier, load_or_train

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        if self.settings.database_url.startswith("sqlite"):
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(self.settings.database_url)
        migrate(engine)
        return engine

    @cached_property
    def embedder(self) -> Embedder:
        return load_embedder(self.settings.embedder)

    def classifier(self, retrain: bool = False) -> TrainedClassifier:
        """The stage classifier for the shipped training data plus the stored corrections."""
        with Session(self.engine) as session:
            corrections = [Example(c.text, c.stage, "correction") for c in list_corrections(session)]
        return load_or_train(self.embedder, self.settings.data_dir, corrections, force=retrain)

    @cached_property
    def recommender(self) -> Recommender:
        recommender = Recommender(self.engine, self.embedder, self.settings.index_dir, self.classifier())
        report = recommender.sync()
        log.info("%s", report)
        return recommender
