"""Answering each Slack delivery once, across every process on one database."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from content_library.db import session_scope
from content_library.repository import claim_event


class Deliveries:
    def __init__(self, engine: Engine):
        self.engine = engine

    def first(self, key: str) -> bool:
        """True for the first delivery of an event (or message) across every process."""
        with session_scope(self.engine) as session:
            return claim_event(session, key[:100])
