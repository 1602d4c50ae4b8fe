"""Builds journeybot's long-lived parts from the settings: the database engine and the recommender."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
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


class NotReady(RuntimeError):
    """The model and index are still loading (the server answers before they are ready)."""


@dataclass
class Runtime:
    settings: Settings
    ready: threading.Event = field(default_factory=threading.Event, repr=False)
    _load_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _recommender: Recommender | None = field(default=None, repr=False)

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

    @property
    def recommender(self) -> Recommender:
        """Loaded on first use, once, whichever thread asks first."""
        if self._recommender is None:
            with self._load_lock:
                if self._recommender is None:
                    recommender = Recommender(self.engine, self.embedder, self.settings.index_dir,
                                              self.classifier())
                    log.info("%s", recommender.sync())
                    self._recommender = recommender
                    self.ready.set()
        return self._recommender

    def load_in_background(self) -> threading.Thread:
        """Load the model and the index in a thread; `ready` is set when they are."""
        def load() -> None:
            try:
                _ = self.recommender
            except Exception:
                log.exception("journeybot could not load its model or library")
                raise
        thread = threading.Thread(target=load, name="journeybot-load", daemon=True)
        thread.start()
        return thread

    def loaded_recommender(self, timeout: float = 60.0) -> Recommender:
        """The recommender once it is loaded; NotReady when loading takes longer than `timeout`."""
        if not self.ready.wait(timeout):
            raise NotReady("journeybot is still starting up")
        return self.recommender
