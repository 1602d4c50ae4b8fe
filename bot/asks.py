"""What a salesperson can do, independent of how they reach journeybot (Slack, console): ask, page,
correct the stage, rate and share an asset. Every ask is written to the query log."""

from __future__ import annotations

from dataclasses import dataclass

from bot.runtime import Runtime
from content_library.db import session_scope
from content_library.models import Asset
from content_library.repository import get_query, record_feedback, record_share
from recommender.service import Filters, Recommendation

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
    def __init__(self, runtime: Runtime):
        self.runtime = runtime

    @property
    def recommender(self):
        recommender = self.runtime.loaded_recommender()
        recommender.refresh_if_stale()
        return recommender

    def ask(self, text: str, origin: Origin, stage: str | None = None) -> Recommendation:
        """A new ask: classify, recommend, log."""
        recommender = self.recommender
        rec = recommender.recommend(text, k=PAGE, filters=Filters(stage=stage))
        recommender.log_ask(rec, origin.source, team=origin.team, channel=origin.channel, user=origin.user)
        return rec

    def _text_of(self, query_id: int | None) -> tuple[str, str | None]:
        """The ask's text and its predicted stage (None when the text said nothing about the stage)."""
        if query_id is None:
            raise StaleAnswer("this answer is no longer known")
        with session_scope(self.runtime.engine) as session:
            entry = get_query(session, int(query_id))
            if entry is None:
                raise StaleAnswer("this answer is no longer known")
            return entry.text, entry.read_stage()

    def page(self, query_id: int, offset: int, stage: str | None = None) -> Recommendation:
        """The next results of an earlier ask (not a new ask: not logged again)."""
        text, _ = self._text_of(query_id)
        rec = self.recommender.recommend(text, k=PAGE, filters=Filters(stage=stage), offset=max(offset, 0))
        rec.query_id = query_id
        return rec

    def override(self, query_id: int, stage: str, origin: Origin) -> Recommendation:
        """The user says the stage is `stage`: store it as a correction where it is one
        (`Recommender.record_pick`), answer again for that stage."""
        text, predicted = self._text_of(query_id)
        recommender = self.recommender
        recommender.record_pick(text, stage, predicted=predicted, query_id=query_id, source=origin.source,
                                user=origin.user)
        rec = recommender.recommend(text, k=PAGE, filters=Filters(stage=stage))
        recommender.log_ask(rec, origin.source, team=origin.team, channel=origin.channel, user=origin.user)
        return rec

    def rate(self, asset_id: int, stage: str, value: int, origin: Origin, query_id: int | None) -> Asset:
        with session_scope(self.runtime.engine) as session:
            try:
                record_feedback(session, asset_id=asset_id, stage=stage, value=value, user=origin.user,
                                query_id=query_id)
            except LookupError as exc:
                raise StaleAnswer(str(exc)) from exc
            return session.get(Asset, asset_id)

    def asset(self, asset_id: int) -> Asset:
        """An active asset, for sharing; StaleAnswer when it was archived or deleted since."""
        with session_scope(self.runtime.engine) as session:
            asset = session.get(Asset, asset_id)
            if asset is None or asset.archived:
                raise StaleAnswer("that asset has been removed from the library")
            return asset

    def shared(self, asset_id: int, origin: Origin, query_id: int | None) -> None:
        with session_scope(self.runtime.engine) as session:
            record_share(session, asset_id=asset_id, user=origin.user, channel=origin.channel,
                         query_id=query_id if isinstance(query_id, int) else None)
