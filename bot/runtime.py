"""Builds journeybot's long-lived parts from the settings: the database engine and the recommender."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy.engine import Engine

from bot.settings import Settings
from content_library.db import make_engine, migrate
from recommender.embedder import load_embedder
from recommender.service import Recommender

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
    def recommender(self) -> Recommender:
        embedder = load_embedder(self.settings.embedder)
        recommender = Recommender(self.engine, embedder, self.settings.index_dir)
        report = recommender.sync()
        log.info("%s", report)
        return recommender
