"""SQLModel tables. The database is journeybot's source of truth; every search index derives from it."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Asset(SQLModel, table=True):
    """One piece of content in the library. `url` is its identity for upserts."""

    __tablename__ = "assets"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    url: str = Field(max_length=2000, unique=True, index=True)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    content_type: str = Field(max_length=40, index=True)
    stages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    language: str = Field(default="en", max_length=16)
    owner: str | None = Field(default=None, max_length=200)
    archived: bool = Field(default=False, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    last_reviewed_at: datetime | None = Field(default=None)

    def public_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "description": self.description,
            "content_type": self.content_type,
            "stages": list(self.stages),
            "tags": list(self.tags),
            "language": self.language,
            "owner": self.owner,
            "archived": self.archived,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "last_reviewed_at": self.last_reviewed_at.isoformat() if self.last_reviewed_at else None,
        }


class QueryLog(SQLModel, table=True):
    """Every ask: what was asked, what stage was predicted, what was returned, from where."""

    __tablename__ = "query_log"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    predicted_stage: str = Field(max_length=20)
    confidence: float
    unsure: bool = False
    # The text said nothing about the stage ("hi", a name): journeybot asked for more, recommended nothing.
    no_signal: bool = False
    stage_override: str | None = Field(default=None, max_length=20)
    # How clearly the best answer stood out (see recommender.service); low values mark weakly served asks.
    match_strength: float | None = None
    asset_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    scores: list[float] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source: str = Field(default="cli", max_length=20)
    slack_team: str | None = Field(default=None, max_length=40)
    slack_channel: str | None = Field(default=None, max_length=40)
    slack_user: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, index=True)

    def read_stage(self) -> str | None:
        """The stage journeybot read from the text; None when the text said nothing about one."""
        return None if self.no_signal else self.predicted_stage


class Feedback(SQLModel, table=True):
    """A thumbs up (+1) or down (-1) on an asset recommended for a stage. One vote per user, asset
    and answer: voting again on the same answer changes the vote."""

    __tablename__ = "feedback"

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="assets.id", index=True)
    query_id: int | None = Field(default=None, foreign_key="query_log.id")
    stage: str = Field(max_length=20)
    value: int
    user_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class AuditLog(SQLModel, table=True):
    """Every change to the library: who, when, and the asset before and after."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=20)
    actor: str = Field(max_length=200)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, index=True)


class LibraryState(SQLModel, table=True):
    """A single row whose version is bumped by every library write, so readers can tell they are stale."""

    __tablename__ = "library_state"
    __table_args__ = (UniqueConstraint("name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="library", max_length=20)
    version: int = 0
    updated_at: datetime = Field(default_factory=utcnow)


class StageCorrection(SQLModel, table=True):
    """A description whose stage a user corrected: a training example for the stage classifier."""

    __tablename__ = "stage_corrections"

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    stage: str = Field(max_length=20)
    predicted_stage: str | None = Field(default=None, max_length=20)
    query_id: int | None = Field(default=None, foreign_key="query_log.id")
    source: str = Field(default="cli", max_length=20)
    user_id: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class AssetShare(SQLModel, table=True):
    """An asset a user shared with a prospect from an answer (the digest counts these as use)."""

    __tablename__ = "asset_shares"

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="assets.id", index=True)
    query_id: int | None = Field(default=None, foreign_key="query_log.id")
    user_id: str | None = Field(default=None, max_length=40)
    channel: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class HandledEvent(SQLModel, table=True):
    """A Slack event id already taken by some process, so a retried delivery is answered once."""

    __tablename__ = "handled_events"

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=100, unique=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class DigestRun(SQLModel, table=True):
    """One weekly digest per channel and ISO week: the unique row makes posting it idempotent, even
    with several clock processes."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("channel", "iso_week"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=80)
    iso_week: str = Field(max_length=10)
    status: str = Field(default="posting", max_length=20)
    message_ts: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class TeamContentType(SQLModel, table=True):
    """A content type the team defined beside the shipped vocabulary ("Podcast"): its key, label,
    usual stages (the first is its main one) and the other names it is accepted under."""

    __tablename__ = "team_content_types"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    label: str = Field(max_length=60)
    stages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    names: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
