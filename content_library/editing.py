"""Changing single assets (what marketers do from Slack or the console): every change is validated
first, written in one transaction with its audit entry, and bumps the library version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from content_library.models import Asset, AuditLog, utcnow
from content_library.repository import bump_version, upsert_assets
from content_library.validation import AssetInput, ValidationError, validate_asset, validate_url


class NotFound(LookupError):
    pass


@dataclass
class Saved:
    asset: Asset
    created: bool
    changed: bool


def find_asset(session: Session, ref: str) -> Asset:
    """An asset by id (`42`, `#42`) or URL; NotFound says what was looked for."""
    ref = (ref or "").strip().strip("<>")
    if not ref:
        raise NotFound("give an asset id or URL")
    if ref.lstrip("#").isdigit():
        asset = session.get(Asset, int(ref.lstrip("#")))
        if asset is None:
            raise NotFound(f"there is no asset with id {ref.lstrip('#')}")
        return asset
    try:
        url = validate_url(ref.split("|")[0])
    except ValidationError as exc:
        raise NotFound(f"{ref[:80]!r} is neither an asset id nor a URL") from exc
    asset = session.exec(select(Asset).where(Asset.url == url)).first()
    if asset is None:
        raise NotFound(f"there is no asset with URL {url}")
    return asset


def asset_at(session: Session, url: str | None) -> Asset | None:
    """The asset at `url`, its row locked for this transaction where the database can; None when
    there is none or `url` is no valid URL (validation says why when the record is saved)."""
    try:
        url = validate_url(url or "")
    except ValidationError:
        return None
    return session.exec(select(Asset).where(Asset.url == url).with_for_update()).first()


def save(session: Session, record: AssetInput, actor: str) -> Saved:
    """Add the asset, or update the one with the same URL."""
    result = upsert_assets(session, [record], actor)
    asset = session.exec(select(Asset).where(Asset.url == record.url)).one()
    return Saved(asset, result.created == 1, result.created + result.updated == 1)


def as_record(asset: Asset) -> dict[str, Any]:
    return {"title": asset.title, "url": asset.url, "description": asset.description,
            "content_type": asset.content_type, "stages": list(asset.stages), "tags": list(asset.tags),
            "language": asset.language, "owner": asset.owner}


def update(session: Session, asset: Asset, actor: str, **changes: Any) -> Saved:
    """Change some fields of an asset (validated like an import row). Changing the URL to one that
    another asset has is refused."""
    record = validate_asset({**as_record(asset), **changes})
    if record.url != asset.url and session.exec(select(Asset).where(Asset.url == record.url)).first():
        raise ValidationError("url", f"{record.url} is already another asset's URL")
    before = asset.public_dict()
    changed = False
    for name, value in record.__dict__.items():
        if getattr(asset, name) != value:
            setattr(asset, name, value)
            changed = True
    if changed:
        asset.updated_at = utcnow()
        _write(session, asset, "update", actor, before)
    return Saved(asset, False, changed)


def set_archived(session: Session, asset: Asset, archived: bool, actor: str) -> bool:
    if asset.archived == archived:
        return False
    before = asset.public_dict()
    asset.archived = archived
    asset.updated_at = utcnow()
    _write(session, asset, "archive" if archived else "restore", actor, before)
    return True


def verify(session: Session, asset: Asset, actor: str) -> None:
    """Mark the asset reviewed now."""
    before = asset.public_dict()
    asset.last_reviewed_at = utcnow()
    _write(session, asset, "verify", actor, before, bump=False)


def history(session: Session, asset_id: int, limit: int = 20) -> list[AuditLog]:
    return list(session.exec(select(AuditLog).where(AuditLog.asset_id == asset_id)
                             .order_by(AuditLog.id.desc()).limit(limit)))


def changed_fields(entry: AuditLog) -> dict[str, tuple[Any, Any]]:
    """field -> (before, after) for the fields an audit entry changed (timestamps left out)."""
    before, after = entry.before or {}, entry.after or {}
    skip = {"updated_at", "created_at", "id"}
    return {k: (before.get(k), after.get(k)) for k in after if k not in skip and before.get(k) != after.get(k)}


def _write(session: Session, asset: Asset, action: str, actor: str, before: dict, bump: bool = True) -> None:
    session.add(asset)
    session.flush()
    session.add(AuditLog(asset_id=asset.id, action=action, actor=actor, before=before, after=asset.public_dict()))
    if bump:
        bump_version(session)
