"""The team's own content types ("Podcast", "Slide deck"): defined beside the shipped vocabulary,
kept in the database (table team_content_types), audited, and installed into
content_library.vocabulary so that every reader of the vocabulary (imports, /content, the
classifier's type cues, ranking, the digest) knows them.

A definition is checked before anything is written: a name of its own (no name the vocabulary
already accepts), one to five stages (the first is its main one), a few other names.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from content_library.db import session_scope
from content_library.models import Asset, AuditLog, TeamContentType
from content_library.repository import bump_version
from content_library.vocabulary import (
    CONTENT_TYPE_BY_KEY,
    CONTENT_TYPES,
    STAGES,
    ContentType,
    UnknownName,
    install_team_types,
    parse_content_type,
    parse_stages,
    team_types,
)

MAX_LABEL = 60
MAX_NAME = 60
MAX_NAMES = 20
MAX_TEAM_TYPES = 60  # with the 35 shipped ones, within the 100 options of a Slack select
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A stage the rows of a new type give (or the classifier reads in their text) is among its usual
# stages when at least this share of the most frequent one's count has it.
STAGE_SHARE = 0.5


class TypeDefinitionError(ValueError):
    """A content type that cannot be defined or removed; nothing was written."""


def key_for(label: str) -> str:
    """The key a label gets: "Slide deck" → slide_deck; a label without Latin letters (播客) a
    stable one from its hash."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    key = re.sub(r"[^a-z0-9]+", "_", ascii_label).strip("_")[:40].strip("_")
    if len(key) < 2 or not key[0].isalpha():
        key = f"type_{zlib.crc32(label.encode('utf-8')):08x}"
    return key


def _clean(text: str, what: str, limit: int) -> str:
    text = unicodedata.normalize("NFKC", str(text)).strip()
    if _CONTROL.search(text):
        raise TypeDefinitionError(f"the {what} {text[:20]!r} has control characters; type it on one line")
    if len(text) > limit:
        raise TypeDefinitionError(f"the {what} {text[:20]!r}… is longer than {limit} characters")
    return text


def _stages(values: Iterable[str] | str) -> tuple[str, ...]:
    """The stages in the order given (the first is the type's main stage)."""
    parts = [values] if isinstance(values, str) else list(values)
    ordered: list[str] = []
    try:
        for part in parts:
            for piece in re.split(r"[,;|，；]", part):
                ordered += [s for s in parse_stages(piece) if s not in ordered]
    except UnknownName as exc:
        raise TypeDefinitionError(str(exc)) from exc
    if not ordered:
        raise TypeDefinitionError("a content type needs the stages it usually serves, main one first "
                                  f"(e.g. stages=awareness,consideration); the stages are {', '.join(STAGES)}")
    return tuple(ordered)


def define(label: str, stages: Iterable[str] | str, names: Iterable[str] = (), key: str | None = None) -> ContentType:
    """A checked definition of a new team type (not yet saved); TypeDefinitionError says what is wrong."""
    label = _clean(label, "name", MAX_LABEL)
    if not label:
        raise TypeDefinitionError('a content type needs a name, e.g. "Podcast"')
    key = _clean(key, "key", 40).lower() if key else key_for(label)
    if not _KEY.match(key):
        raise TypeDefinitionError(f"the key {key!r} must be 2–40 lower-case letters, digits or '_', starting with a "
                                  "letter (e.g. slide_deck)")
    others = [n for n in dict.fromkeys(_clean(n, "name", MAX_NAME) for n in names) if n]
    if len(others) > MAX_NAMES:
        raise TypeDefinitionError(f"a content type takes at most {MAX_NAMES} other names; {len(others)} were given")
    if key in CONTENT_TYPE_BY_KEY:
        existing = CONTENT_TYPE_BY_KEY[key]
        raise TypeDefinitionError(f"there is already a content type {key!r} ({existing.label})")
    for name in (label, key.replace("_", " "), *others):
        taken = _read_as(name)
        if taken:
            raise TypeDefinitionError(f"{name!r} is already read as the content type {CONTENT_TYPE_BY_KEY[taken].label} "
                                      f"({taken}); a new type needs names of its own (`journeybot library types` "
                                      "lists them)")
    return ContentType(key, label, _stages(stages), tuple(n for n in others if n != label), team=True)


def _read_as(name: str) -> str | None:
    """The type a name is already read as: exactly (any case, singular or plural) or as a longer
    name holding one type's name ("Webinar recording" is a webinar); None for a name of no type or
    of several."""
    try:
        return parse_content_type(name)
    except UnknownName:
        return None


def as_dict(ct: ContentType) -> dict:
    return {"key": ct.key, "label": ct.label, "stages": list(ct.stages), "names": list(ct.aliases)}


def load(session: Session) -> list[ContentType]:
    rows = session.exec(select(TeamContentType).order_by(TeamContentType.id)).all()
    return [ContentType(r.key, r.label, tuple(r.stages), tuple(r.names), team=True) for r in rows]


def sync(session: Session) -> bool:
    """Install the database's team types in this process; True when they changed."""
    return install_team_types(load(session))


def refresh(engine: Engine) -> bool:
    with session_scope(engine) as session:
        return sync(session)


def add(session: Session, types: Iterable[ContentType], actor: str) -> None:
    """Save new team types (checked with `define`), audited; the caller commits, then calls `sync`."""
    types = list(types)
    count = session.exec(select(func.count()).select_from(TeamContentType)).one()
    if count + len(types) > MAX_TEAM_TYPES:
        raise TypeDefinitionError(f"a library holds at most {MAX_TEAM_TYPES} team content types")
    for ct in types:
        if session.exec(select(TeamContentType).where(TeamContentType.key == ct.key)).first():
            raise TypeDefinitionError(f"there is already a content type {ct.key!r}")
        session.add(TeamContentType(key=ct.key, label=ct.label, stages=list(ct.stages), names=list(ct.aliases),
                                    created_by=actor))
        session.add(AuditLog(asset_id=None, action="type_add", actor=actor, before=None, after=as_dict(ct)))
    if types:
        bump_version(session)


def remove(session: Session, key: str, actor: str) -> ContentType:
    """Delete a team type no asset has (archived ones included), audited."""
    key = key.strip().lower()
    if key in {ct.key for ct in CONTENT_TYPES}:
        raise TypeDefinitionError(f"{key!r} is a shipped content type; only the team's own types can be removed")
    row = session.exec(select(TeamContentType).where(TeamContentType.key.in_([key, key_for(key)]))).first()
    if row is None:
        known = ", ".join(ct.key for ct in team_types()) or "none yet"
        raise TypeDefinitionError(f"there is no team content type {key!r} (the team's types: {known})")
    ids = session.exec(select(Asset.id).where(Asset.content_type == row.key).order_by(Asset.id)).all()
    if ids:
        shown = ", ".join(f"#{i}" for i in ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
        raise TypeDefinitionError(f"{len(ids)} asset{'s are' if len(ids) > 1 else ' is'} of the type {row.label} "
                                  f"({shown}, archived ones included); give them another type first "
                                  f"(`/content edit {ids[0]} type=…`, or import their rows again with another type)")
    ct = ContentType(row.key, row.label, tuple(row.stages), tuple(row.names), team=True)
    session.delete(row)
    session.add(AuditLog(asset_id=None, action="type_remove", actor=actor, before=as_dict(ct), after=None))
    bump_version(session)
    return ct


def create(engine: Engine, label: str, stages: Iterable[str] | str, names: Iterable[str], actor: str,
           key: str | None = None) -> ContentType:
    """Define, save and install one team type: what `/content types add` and `journeybot library
    types add` do."""
    ct = define(label, stages, names, key)
    with session_scope(engine) as session:
        add(session, [ct], actor)
    refresh(engine)
    return ct


def delete(engine: Engine, key: str, actor: str) -> ContentType:
    """Remove one team type and install the rest: what both `types remove` commands do."""
    with session_scope(engine) as session:
        ct = remove(session, key, actor)
    refresh(engine)
    return ct


def usual_stages(stage_lists: list[list[str]]) -> tuple[str, ...]:
    """The stages a new type usually serves, from its assets' stages (or the stages read from their
    text, one list per asset): most frequent first, each with at least STAGE_SHARE of the first's count."""
    counts = Counter(s for stages in stage_lists for s in stages)
    if not counts:
        return ()
    top = max(counts.values())
    ranked = sorted(counts, key=lambda s: (-counts[s], STAGES.index(s)))
    return tuple(s for s in ranked if counts[s] >= STAGE_SHARE * top)
