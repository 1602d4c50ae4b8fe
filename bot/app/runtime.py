"""The wiring: builds journeybot's long-lived parts from the settings — the database engine, the
embedder, the recommender — and the use cases every front door calls. The settings are read here
and nowhere below: use cases and adapters get the values they need."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.app.asks import Asks
from bot.app.content.commands import ContentCommands, Everyone, Permissions
from bot.app.digest import Digests
from bot.app.events import Deliveries
from bot.app.settings import Settings
from content_library import content_types
from content_library.db import make_engine, migrate
from content_library.repository import list_corrections
from recommender.embedder import Embedder, load_embedder
from recommender.engine import Recommender
from recommender.training import Example, TrainedClassifier, load_or_train

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackConfig:
    """What the Slack adapter needs from the settings."""

    bot_token: str | None
    signing_secret: str | None
    app_token: str | None
    api_url: str
    marketer_user_ids: tuple[str, ...]
    marketer_usergroup: str | None
    web_threads: int
    port: int


@dataclass(frozen=True)
class DigestSchedule:
    """Where and when the clock posts the digest."""

    channel: str | None
    cron: str
    timezone: str


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
        content_types.refresh(engine)  # the team's own content types join the vocabulary
        return engine

    @cached_property
    def embedder(self) -> Embedder:
        return load_embedder(self.settings.embedder)

    @property
    def framework(self) -> str:
        """Whose stage names people read (JOURNEYBOT_FRAMEWORK)."""
        return self.settings.framework

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

    # -- the use cases ---------------------------------------------------------------------------
    @cached_property
    def asks(self) -> Asks:
        """For servers: waits for the model and index loading in the background."""
        return Asks(self.engine, self.loaded_recommender)

    @cached_property
    def local_asks(self) -> Asks:
        """For the console and the CLI: loads the model and index on first use, in this thread."""
        return Asks(self.engine, lambda: self.recommender)

    @cached_property
    def digests(self) -> Digests:
        return Digests(self.engine, lambda: self.embedder, self.settings.review_interval_days)

    @cached_property
    def deliveries(self) -> Deliveries:
        return Deliveries(self.engine)

    def slack_config(self) -> SlackConfig:
        s = self.settings
        return SlackConfig(s.slack_bot_token, s.slack_signing_secret, s.slack_app_token, s.slack_api_url,
                           s.marketer_user_ids, s.marketer_usergroup, s.web_threads, s.port)

    def digest_schedule(self) -> DigestSchedule:
        s = self.settings
        return DigestSchedule(s.digest_channel, s.digest_cron, s.digest_timezone)

    def content(self, permissions: Permissions | None = None, *, local: bool = False) -> ContentCommands:
        """The /content commands; `permissions` None: everyone may change the library (the console)."""
        recommender = (lambda: self.recommender) if local else self.loaded_recommender
        return ContentCommands(self.engine, recommender, permissions or Everyone(), self.digests)
