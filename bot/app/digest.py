"""The weekly content-gap digest as a use case: build it from the repository's records, outline it
as text any front door renders, and post it once per channel and ISO week (the posting itself —
Block Kit and a chart — is the Slack adapter's, passed in as `deliver`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.app.text import Rich, Strong, shorten
from content_library import content_types
from content_library.db import session_scope
from content_library.models import utcnow
from content_library.repository import (
    digest_records,
    digest_run,
    mark_digest_posted,
    new_digest_run,
    reclaim_digest_run,
    release_digest_run,
)
from content_library.vocabulary import type_label
from recommender.gaps import Digest, build_digest, period_bounds
from recommender.stages import CANONICAL

log = logging.getLogger(__name__)
WEEK = timedelta(days=7)
LIST_LIMIT = 5


class AlreadyPosted(RuntimeError):
    pass


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


class Digests:
    def __init__(self, engine: Engine, embedder: Callable, review_interval_days: int):
        """`embedder()` gives the loaded embedder (to group poorly served asks into topics)."""
        self.engine = engine
        self.embedder = embedder
        self.review_interval_days = review_interval_days

    def make(self, since: timedelta = WEEK, now: datetime | None = None) -> Digest:
        now = now or utcnow()
        with Session(self.engine) as session:
            content_types.sync(session)  # types another process defined since
            records = digest_records(session, **period_bounds(now, since))
        return build_digest(records, self.embedder(), now=now, since=since,
                            review_interval_days=self.review_interval_days)

    def outline(self, d: Digest) -> Rich:
        """The digest as rich text: bulleted lines, headings strong."""
        out: Rich = []
        for n, line in enumerate(render_lines(d, "•", lambda s: Strong((s,)))):
            out += (["\n"] if n else []) + [line]
        return out

    def post_once(self, channel: str, deliver: Callable[[Digest, str], str], *, force: bool = False,
                  now: datetime | None = None, since: timedelta = WEEK) -> str:
        """Post the digest to `channel` once per ISO week (unless `force`): `deliver(digest, week)`
        posts it and returns the message ts. Raises AlreadyPosted when this week's digest is there
        already (or being posted by another process)."""
        now = now or utcnow()
        week = iso_week(now)
        claimed = self._claim(channel, week, force)
        try:
            ts = deliver(self.make(since, now), week)
        except Exception:
            # Give the week back so the next attempt can post it; the error goes to the caller's log.
            with session_scope(self.engine) as session:
                release_digest_run(session, claimed)
            raise
        with session_scope(self.engine) as session:
            mark_digest_posted(session, claimed, ts)
        log.info("digest for %s posted to %s", week, channel)
        return ts

    def _claim(self, channel: str, week: str, force: bool) -> int:
        with session_scope(self.engine) as session:
            existing = digest_run(session, channel, week)
            if existing is not None:
                if not force:
                    raise AlreadyPosted(f"the digest for {week} was already posted to {channel} "
                                        f"({existing.status}); use --force to post it again")
                return reclaim_digest_run(session, existing)
        try:
            with session_scope(self.engine) as session:
                return new_digest_run(session, channel, week)
        except IntegrityError as exc:  # another process claimed the week a moment ago
            raise AlreadyPosted(f"the digest for {week} is being posted to {channel} by another process") from exc


# -- the digest as lines of text (the CLI's text and markdown, /content gaps) -----------------------------
def type_names(keys: list[str]) -> str:
    return ", ".join(type_label(k).lower() for k in keys)


def asks(n: int) -> str:
    return f"{n} ask" if n == 1 else f"{n} asks"


def trend(now: int, before: int) -> str:
    """“5 asks (3 the period before)”."""
    return f"{asks(now)} ({before} the period before)"


def render_lines(d: Digest, bullet: str = "-", strong=lambda s: s) -> list:
    """The digest as lines; `strong` marks headings (markdown **, a Strong span)."""
    lines = [strong(f"Content gaps, {d.start:%Y-%m-%d} to {d.end:%Y-%m-%d}"), ""]
    lines += [f"{bullet} {h}" for h in d.headline] + [""]
    lines.append(strong(f"Library: {d.total_assets} active assets · asks: {trend(d.total_asks, d.total_asks_before)}"))
    lines += _stage_lines(d, bullet)
    lines.append("")
    if d.topics:
        lines.append(strong("What prospects asked for that the library served poorly"))
        for t in d.topics[:8]:
            lines.append(f"{bullet} [{t.priority}] {t.count}× {CANONICAL[t.stage].label.lower()}: “{shorten(t.example, 160)}”")
    else:
        lines.append(strong("No poorly served asks this week."))
    if d.wanted:
        lines.append(strong("Asked for, and nothing in the library is about it"))
        for g in d.wanted[:8]:
            lines.append(f"{bullet} {g.count}× {g.label} ({CANONICAL[g.stage].label.lower()}): “{shorten(g.example, 160)}”")
    if d.overrides:
        lines.append("Stage corrections: " + ", ".join(f"{k} {v}×" for k, v in sorted(d.overrides.items())))
    lines.append("")
    lines.append(strong("Library health"))
    return lines + _health_lines(d, bullet)


def _stage_lines(d: Digest, bullet: str) -> list[str]:
    lines = []
    for r in d.stages:
        parts = [f"{r.assets} assets", trend(r.asks, r.asks_before)]
        if r.weak_asks:
            parts.append(f"{r.weak_asks} served poorly")
        if r.overrides_in or r.overrides_out:
            parts.append(f"stage corrected to it {r.overrides_in}×, away from it {r.overrides_out}×")
        parts += [f"{n} {what}" for n, what in ((r.stale, "stale"), (r.unused, "unused"), (r.disliked, "disliked"))
                  if n]
        lines.append(f"{bullet} {CANONICAL[r.stage].label}: " + "; ".join(parts))
        if r.missing_types:
            lines.append(f"    missing: {type_names(r.missing_types)}")
        if r.empty_languages:
            lines.append(f"    no content in: {', '.join(r.empty_languages)}")
        for dim, values in r.empty_tag_cells.items():
            lines.append(f"    no {dim} content for: {', '.join(values[:8])}" + (" …" if len(values) > 8 else ""))
    return lines


def _health_lines(d: Digest, bullet: str) -> list[str]:
    lines = []
    more = " …"
    if d.stale:
        lines.append(f"{bullet} {len(d.stale)} not reviewed for over {d.review_interval_days} days: " + "; ".join(
            f"#{s.id} {shorten(s.title, 50)} ({s.owner or 'no owner'}, {s.days_since_review} days)"
            for s in d.stale[:LIST_LIMIT]) + (more if len(d.stale) > LIST_LIMIT else ""))
    if d.unused:
        lines.append(f"{bullet} {len(d.unused)} never recommended or shared in 90 days: " + "; ".join(
            f"#{u.id} {shorten(u.title, 50)}" for u in d.unused[:LIST_LIMIT]) + (more if len(d.unused) > LIST_LIMIT else ""))
    if d.disliked:
        lines.append(f"{bullet} rated down more than up: " + "; ".join(
            f"#{u.id} {shorten(u.title, 50)} ({u.detail})" for u in d.disliked[:LIST_LIMIT]))
    if not (d.stale or d.unused or d.disliked):
        lines.append(f"{bullet} nothing stale, unused or disliked.")
    return lines
