"""Reads and writes on the library. Every write is audited and bumps the library version."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from content_library.languages import base_language
from content_library.models import (
    Asset,
    AssetShare,
    AuditLog,
    DigestRun,
    Feedback,
    HandledEvent,
    LibraryState,
    QueryLog,
    StageCorrection,
    utcnow,
)
from content_library.validation import AssetInput
from content_library.vocabulary import STAGES


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return f"{self.created} added, {self.updated} updated, {self.unchanged} unchanged"


# Named counters bumped by writes that readers cache: "library" (assets), "feedback" (votes).
LIBRARY, FEEDBACK = "library", "feedback"
# An asset is demoted for a stage after this many 👎 (from different answers or users) outnumbering 👍.
DEMOTE_AFTER = 2


def bump_version(session: Session, name: str = LIBRARY) -> int:
    state = session.exec(select(LibraryState).where(LibraryState.name == name)).first()
    if state is None:
        state = LibraryState(name=name, version=0)
    state.version += 1
    state.updated_at = utcnow()
    session.add(state)
    return state.version


def library_version(session: Session, name: str = LIBRARY) -> int:
    state = session.exec(select(LibraryState).where(LibraryState.name == name)).first()
    return state.version if state else 0


def versions(session: Session) -> tuple[int, int]:
    """(library version, feedback version) in one query."""
    rows = dict(session.exec(select(LibraryState.name, LibraryState.version)).all())
    return rows.get(LIBRARY, 0), rows.get(FEEDBACK, 0)


def _audit(session: Session, asset: Asset, action: str, actor: str, before: dict[str, Any] | None) -> None:
    session.add(AuditLog(asset_id=asset.id, action=action, actor=actor, before=before, after=asset.public_dict()))


def upsert_assets(session: Session, records: list[AssetInput], actor: str) -> UpsertResult:
    """Insert new URLs, update changed ones, leave identical ones alone. Caller owns the transaction."""
    result = UpsertResult()
    urls = [r.url for r in records]
    existing = {a.url: a for a in session.exec(select(Asset).where(Asset.url.in_(urls)))} if urls else {}
    for record in records:
        asset = existing.get(record.url)
        if asset is None:
            asset = Asset(**record.__dict__)
            session.add(asset)
            session.flush()
            _audit(session, asset, "create", actor, None)
            existing[record.url] = asset
            result.created += 1
            continue
        before = asset.public_dict()
        changed = False
        for name, value in record.__dict__.items():
            if name == "owner" and value is None:
                continue
            if getattr(asset, name) != value:
                setattr(asset, name, value)
                changed = True
        if asset.archived:
            # Re-importing an archived URL brings it back: the import says it is wanted.
            asset.archived = False
            changed = True
        if changed:
            asset.updated_at = utcnow()
            session.add(asset)
            session.flush()
            _audit(session, asset, "update", actor, before)
            result.updated += 1
        else:
            result.unchanged += 1
    if result.created or result.updated:
        bump_version(session)
    return result


def active_stamps(session: Session) -> dict[int, datetime]:
    """Every active asset's id and `updated_at` (which every write path sets): what changed since."""
    return dict(session.exec(select(Asset.id, Asset.updated_at).where(Asset.archived == False)).all())  # noqa: E712


def assets_by_ids(session: Session, ids: list[int], chunk: int = 500) -> list[Asset]:
    """The active assets among `ids`."""
    found: list[Asset] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), chunk):
        query = select(Asset).where(Asset.id.in_(ordered[start:start + chunk]), Asset.archived == False)  # noqa: E712
        found.extend(session.exec(query))
    return found


def list_assets(
    session: Session,
    *,
    stage: str | None = None,
    content_type: str | None = None,
    language: str | None = None,
    tag: str | None = None,
    include_archived: bool = False,
) -> list[Asset]:
    query = select(Asset).order_by(Asset.id)
    if not include_archived:
        query = query.where(Asset.archived == False)  # noqa: E712
    if content_type:
        query = query.where(Asset.content_type == content_type)
    assets = list(session.exec(query))
    # JSON list membership is filtered here, the same way on SQLite and PostgreSQL.
    if stage:
        assets = [a for a in assets if stage in a.stages]
    if language:
        assets = [a for a in assets if base_language(a.language) == base_language(language)]
    if tag:
        assets = [a for a in assets if tag.lower() in a.tags]
    return assets


def library_stats(session: Session) -> dict[str, Any]:
    assets = list_assets(session, include_archived=True)
    active = [a for a in assets if not a.archived]
    per_stage = {s: sum(1 for a in active if s in a.stages) for s in STAGES}
    return {
        "assets": len(active),
        "archived": len(assets) - len(active),
        "per_stage": per_stage,
        "per_type": dict(sorted(Counter(a.content_type for a in active).items())),
        "per_language": dict(sorted(Counter(a.language for a in active).items())),
        "queries": session.exec(select(func.count()).select_from(QueryLog)).one(),
        "feedback": session.exec(select(func.count()).select_from(Feedback)).one(),
        "library_version": library_version(session),
    }


def log_query(session: Session, entry: QueryLog) -> QueryLog:
    session.add(entry)
    session.flush()
    return entry


def add_correction(session: Session, text: str, stage: str, *, predicted: str | None = None,
                   query_id: int | None = None, source: str = "cli", user: str | None = None) -> StageCorrection:
    """Store a user's stage correction; the classifier learns from it the next time it is loaded."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    correction = StageCorrection(text=text, stage=stage, predicted_stage=predicted, query_id=query_id,
                                 source=source, user_id=user)
    session.add(correction)
    session.flush()
    return correction


def list_corrections(session: Session) -> list[StageCorrection]:
    return list(session.exec(select(StageCorrection).order_by(StageCorrection.id)))


def delete_correction(session: Session, correction_id: int) -> StageCorrection | None:
    """Forget a stored correction (the classifier drops it at its next load); None if there is none."""
    correction = session.get(StageCorrection, correction_id)
    if correction is not None:
        session.delete(correction)
        session.flush()
    return correction


def record_feedback(session: Session, *, asset_id: int, stage: str, value: int, user: str | None,
                    query_id: int | None) -> Feedback:
    """Store a vote; the same user voting again on the same answer's asset replaces the vote."""
    if value not in (1, -1):
        raise ValueError("feedback is +1 or -1")
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    if session.get(Asset, asset_id) is None:
        raise LookupError(f"asset {asset_id} no longer exists")
    vote = None
    if user is not None and query_id is not None:
        vote = session.exec(select(Feedback).where(
            Feedback.asset_id == asset_id, Feedback.query_id == query_id, Feedback.user_id == user)).first()
    if vote is None:
        vote = Feedback(asset_id=asset_id, query_id=query_id, stage=stage, value=value, user_id=user)
    else:
        vote.value, vote.stage, vote.created_at = value, stage, utcnow()
    session.add(vote)
    bump_version(session, FEEDBACK)
    session.flush()
    return vote


def demoted_assets(session: Session) -> dict[str, set[int]]:
    """Per stage, the assets rated down at least DEMOTE_AFTER times and more often down than up."""
    rows = session.exec(select(Feedback.asset_id, Feedback.stage, Feedback.value)).all()
    ups: Counter = Counter()
    downs: Counter = Counter()
    for asset_id, stage, value in rows:
        (ups if value > 0 else downs)[(asset_id, stage)] += 1
    demoted: dict[str, set[int]] = {s: set() for s in STAGES}
    for (asset_id, stage), n in downs.items():
        if n >= DEMOTE_AFTER and n > ups[(asset_id, stage)] and stage in demoted:
            demoted[stage].add(asset_id)
    return demoted


def record_share(session: Session, *, asset_id: int, user: str | None, channel: str | None,
                 query_id: int | None) -> AssetShare:
    share = AssetShare(asset_id=asset_id, user_id=user, channel=channel, query_id=query_id)
    session.add(share)
    session.flush()
    return share


def get_query(session: Session, query_id: int) -> QueryLog | None:
    return session.get(QueryLog, query_id)


def recent_queries(session: Session, user: str, limit: int = 5) -> list[QueryLog]:
    return list(session.exec(
        select(QueryLog).where(QueryLog.slack_user == user).order_by(QueryLog.id.desc()).limit(limit)))


def claim_event(session: Session, event_id: str) -> bool:
    """Take a Slack event id for this delivery: False when another delivery already took it."""
    try:
        with session.begin_nested():
            session.add(HandledEvent(event_id=event_id))
            session.flush()
    except IntegrityError:
        return False
    return True


@dataclass
class DigestRecords:
    """What the weekly gap digest reads: the active assets; the asks of this period and the one
    before; the ids of asks with an asset rated down; this period's stage corrections; the assets
    recommended or shared since `horizon`; every asset's net votes."""

    assets: list[Asset]
    asks: list[QueryLog]
    downvoted: set[int]
    corrections: list[StageCorrection]
    recommended: set[int]
    shared: set[int]
    net_votes: dict[int, int]


def digest_records(session: Session, *, before: datetime, now: datetime, start: datetime,
                   horizon: datetime) -> DigestRecords:
    """The digest's reads (see DigestRecords): asks from `before` to `now`, corrections from `start`."""
    assets = list(session.exec(select(Asset).where(Asset.archived == False)))  # noqa: E712
    asks = list(session.exec(select(QueryLog).where(QueryLog.created_at >= before, QueryLog.created_at < now)))
    downvoted = {f.query_id for f in session.exec(select(Feedback).where(Feedback.value < 0)) if f.query_id}
    corrections = list(session.exec(select(StageCorrection).where(StageCorrection.created_at >= start,
                                                                  StageCorrection.created_at < now)))
    recommended = {i for q in session.exec(select(QueryLog).where(QueryLog.created_at >= horizon)) for i in q.asset_ids}
    shared = {s.asset_id for s in session.exec(select(AssetShare).where(AssetShare.created_at >= horizon))}
    net: Counter = Counter()
    for f in session.exec(select(Feedback)):
        net[f.asset_id] += f.value
    return DigestRecords(assets, asks, downvoted, corrections, recommended, shared, dict(net))


def digest_run(session: Session, channel: str, week: str) -> DigestRun | None:
    return session.exec(select(DigestRun).where(DigestRun.channel == channel, DigestRun.iso_week == week)).first()


def reclaim_digest_run(session: Session, run: DigestRun) -> int:
    """Take an existing week's run again (a forced post)."""
    run.status, run.created_at = "posting", utcnow()
    session.add(run)
    session.flush()
    return run.id


def new_digest_run(session: Session, channel: str, week: str) -> int:
    """Claim a channel's week; IntegrityError when another process claimed it first."""
    run = DigestRun(channel=channel, iso_week=week)
    session.add(run)
    session.flush()
    return run.id


def release_digest_run(session: Session, run_id: int) -> None:
    run = session.get(DigestRun, run_id)
    if run is not None:
        session.delete(run)


def mark_digest_posted(session: Session, run_id: int, message_ts: str | None) -> None:
    run = session.get(DigestRun, run_id)
    run.status, run.message_ts = "posted", message_ts
    session.add(run)
