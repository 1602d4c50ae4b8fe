"""What a salesperson can do, whichever front door they use (Slack, the console, the CLI): ask,
see more, choose the stage, rate and share an asset; classify and correct a description.

Every use case here first catches up with library changes (another thread or process may have
written), and owns the query log (every ask is logged; paging is not a new ask) and the stage
corrections (a stage picked against the prediction is one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from content_library.db import session_scope
from content_library.models import Asset, QueryLog, StageCorrection
from content_library.repository import (
    add_correction,
    delete_correction,
    get_query,
    library_stats,
    list_corrections,
    log_query,
    recent_queries,
    record_feedback,
    record_share,
)
from recommender.classifier import StageResult
from recommender.query import Filters, Recommendation, prepare_text

PAGE = 5


class StaleAnswer(LookupError):
    """The answer a button belongs to is no longer in the query log (or its asset was removed)."""


@dataclass(frozen=True)
class Origin:
    """Where an ask came from, for the query log."""

    source: str
    user: str | None = None
    channel: str | None = None
    team: str | None = None


class Asks:
    def __init__(self, engine: Engine, recommender: Callable):
        """`recommender()` gives the loaded recommender (it may wait for it to load)."""
        self.engine = engine
        self._recommender = recommender

    @property
    def recommender(self):
        recommender = self._recommender()
        recommender.refresh_if_stale()
        return recommender

    @property
    def library_size(self) -> int:
        return len(self._recommender().assets)

    def overview(self, user: str) -> tuple[dict, list[QueryLog]]:
        """The library's numbers and the user's recent asks (Slack's App Home)."""
        with session_scope(self.engine) as session:
            return library_stats(session), recent_queries(session, user)

    # -- asking ------------------------------------------------------------------------------------
    def ask(self, text: str, origin: Origin, *, k: int = PAGE, filters: Filters | None = None) -> Recommendation:
        """A new ask: classify, recommend, log."""
        rec = self.recommender.recommend(text, k=k, filters=filters or Filters())
        self._log(rec, origin)
        return rec

    def ask_many(self, texts: list[str], origin: Origin, *, k: int = PAGE,
                 filters: Filters | None = None) -> list[Recommendation]:
        """Several new asks, embedded as one batch, each logged."""
        recs = self.recommender.recommend_many(texts, k=k, filters=filters or Filters())
        for rec in recs:
            self._log(rec, origin)
        return recs

    def more(self, query_id: int, offset: int, stage: str | None = None, *, k: int = PAGE) -> Recommendation:
        """The next results of an earlier ask (not a new ask: not logged again)."""
        text, _ = self._text_of(query_id)
        rec = self.recommender.recommend(text, k=k, filters=Filters(stage=stage), offset=max(offset, 0))
        rec.query_id = query_id
        return rec

    def choose_stage(self, query_id: int, stage: str, origin: Origin) -> tuple[Recommendation, bool]:
        """The user says the stage of an earlier ask is `stage`: answer again for that stage (a new,
        logged ask) and store a correction where it is one. Also says whether it was stored."""
        text, predicted = self._text_of(query_id)
        stored = self._record_pick(text, stage, predicted=predicted, query_id=query_id, origin=origin)
        rec = self.recommender.recommend(text, k=PAGE, filters=Filters(stage=stage))
        self._log(rec, origin)
        return rec, stored

    # -- the classifier ----------------------------------------------------------------------------
    def classify(self, text: str) -> StageResult:
        return self._recommender().classify(text)

    def classify_many(self, texts: list[str]) -> list[StageResult]:
        return self._recommender().classify_many(texts)

    def correct(self, text: str, stage: str, origin: Origin) -> int:
        """Store that `text` describes a prospect at `stage` (the classifier learns it the next time
        it is loaded); returns the correction's id."""
        predicted = self.classify(text).stage
        return self._store_correction(text, stage, predicted=predicted, query_id=None, origin=origin)

    def corrections(self) -> list[StageCorrection]:
        with session_scope(self.engine) as session:
            return list_corrections(session)

    def forget_correction(self, correction_id: int) -> StageCorrection | None:
        """Take back a stored correction; the one forgotten, or None when there is no such id."""
        with session_scope(self.engine) as session:
            return delete_correction(session, correction_id)

    # -- an asset of an answer ---------------------------------------------------------------------
    def rate(self, asset_id: int, stage: str, value: int, origin: Origin, query_id: int | None) -> Asset:
        with session_scope(self.engine) as session:
            try:
                record_feedback(session, asset_id=asset_id, stage=stage, value=value, user=origin.user,
                                query_id=query_id)
            except LookupError as exc:
                raise StaleAnswer(str(exc)) from exc
            return session.get(Asset, asset_id)

    def asset(self, asset_id: int) -> Asset:
        """An active asset, for sharing; StaleAnswer when it was archived or deleted since."""
        with session_scope(self.engine) as session:
            asset = session.get(Asset, asset_id)
            if asset is None or asset.archived:
                raise StaleAnswer("that asset has been removed from the library")
            return asset

    def shared(self, asset_id: int, origin: Origin, query_id: int | None) -> None:
        with session_scope(self.engine) as session:
            record_share(session, asset_id=asset_id, user=origin.user, channel=origin.channel,
                         query_id=query_id if isinstance(query_id, int) else None)

    # -- the query log and corrections --------------------------------------------------------------
    def _text_of(self, query_id: int | None) -> tuple[str, str | None]:
        """The ask's text and its predicted stage (None when the text said nothing about the stage)."""
        if query_id is None:
            raise StaleAnswer("this answer is no longer known")
        with session_scope(self.engine) as session:
            entry = get_query(session, int(query_id))
            if entry is None:
                raise StaleAnswer("this answer is no longer known")
            return entry.text, entry.read_stage()

    def _log(self, rec: Recommendation, origin: Origin) -> int:
        with session_scope(self.engine) as session:
            entry = log_query(session, QueryLog(
                text=rec.text, predicted_stage=rec.stage.stage, confidence=rec.stage.confidence,
                unsure=rec.stage.unsure, no_signal=rec.stage.no_signal,
                stage_override=rec.stage.stage if rec.stage.overridden else None,
                match_strength=rec.match_strength,
                asset_ids=[i.asset.id for i in rec.items], scores=[round(i.score, 4) for i in rec.items],
                source=origin.source, slack_team=origin.team, slack_channel=origin.channel, slack_user=origin.user,
            ))
            rec.query_id = entry.id
            return entry.id

    def _record_pick(self, text: str, stage: str, *, predicted: str | None, query_id: int | None,
                     origin: Origin) -> bool:
        """A user picked `stage` for `text`, which journeybot had read as `predicted` (None: as saying
        nothing about a stage, "hi"). A different stage is a correction and is stored; the same
        stage, or a stage picked for a text without one, is a choice and is not (the classifier
        would only learn that greetings have a stage)."""
        if predicted is None or stage == predicted:
            return False
        self._store_correction(text, stage, predicted=predicted, query_id=query_id, origin=origin)
        return True

    def _store_correction(self, text: str, stage: str, *, predicted: str | None, query_id: int | None,
                          origin: Origin) -> int:
        text, _ = prepare_text(text)
        with session_scope(self.engine) as session:
            return add_correction(session, text, stage, predicted=predicted, query_id=query_id,
                                  source=origin.source, user=origin.user).id
