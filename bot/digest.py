"""The weekly content-gap digest as people read it: text, markdown, JSON, Block Kit with a chart,
and posting it once per channel and ISO week."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot.blocks import context, divider, header, section
from bot.mrkdwn import escape, link, shorten
from content_library.db import session_scope
from content_library.models import DigestRun, utcnow
from content_library.vocabulary import CONTENT_TYPE_BY_KEY
from recommender.gaps import Digest, build_digest
from recommender.stages import CANONICAL

log = logging.getLogger(__name__)
LIST_LIMIT = 5


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _types(keys: list[str]) -> str:
    return ", ".join(CONTENT_TYPE_BY_KEY[k].label.lower() for k in keys)


def _asks(n: int) -> str:
    return f"{n} ask" if n == 1 else f"{n} asks"


def _trend(now: int, before: int) -> str:
    """“5 asks (3 the period before)”."""
    return f"{_asks(now)} ({before} the period before)"


def render_lines(d: Digest, bullet: str = "-", strong=lambda s: s) -> list[str]:
    """The digest as lines of text; `strong` marks headings (markdown ** or mrkdwn *)."""
    lines = [strong(f"Content gaps, {d.start:%Y-%m-%d} to {d.end:%Y-%m-%d}"), ""]
    lines += [f"{bullet} {h}" for h in d.headline] + [""]
    lines.append(strong(f"Library: {d.total_assets} active assets · asks: {_trend(d.total_asks, d.total_asks_before)}"))
    for r in d.stages:
        parts = [f"{r.assets} assets", _trend(r.asks, r.asks_before)]
        if r.weak_asks:
            parts.append(f"{r.weak_asks} served poorly")
        if r.overrides_in or r.overrides_out:
            parts.append(f"stage corrected to it {r.overrides_in}×, away from it {r.overrides_out}×")
        parts += [f"{n} {what}" for n, what in ((r.stale, "stale"), (r.unused, "unused"), (r.disliked, "disliked"))
                  if n]
        lines.append(f"{bullet} {CANONICAL[r.stage].label}: " + "; ".join(parts))
        if r.missing_types:
            lines.append(f"    missing: {_types(r.missing_types)}")
        if r.empty_languages:
            lines.append(f"    no content in: {', '.join(r.empty_languages)}")
        for dim, values in r.empty_tag_cells.items():
            lines.append(f"    no {dim} content for: {', '.join(values[:8])}" + (" …" if len(values) > 8 else ""))
    lines.append("")
    if d.topics:
        lines.append(strong("What prospects asked for that the library served poorly"))
        for t in d.topics[:8]:
            lines.append(f"{bullet} [{t.priority}] {t.count}× {CANONICAL[t.stage].label.lower()}: “{shorten(t.example, 160)}”")
    else:
        lines.append(strong("No poorly served asks this week."))
    if d.overrides:
        lines.append("Stage corrections: " + ", ".join(f"{k} {v}×" for k, v in sorted(d.overrides.items())))
    lines.append("")
    lines.append(strong("Library health"))
    if d.stale:
        lines.append(f"{bullet} {len(d.stale)} not reviewed for over {d.review_interval_days} days: " + "; ".join(
            f"#{s.id} {shorten(s.title, 50)} ({s.owner or 'no owner'}, {s.days_since_review} days)"
            for s in d.stale[:LIST_LIMIT]) + (" …" if len(d.stale) > LIST_LIMIT else ""))
    if d.unused:
        lines.append(f"{bullet} {len(d.unused)} never recommended or shared in 90 days: " + "; ".join(
            f"#{u.id} {shorten(u.title, 50)}" for u in d.unused[:LIST_LIMIT]) + (" …" if len(d.unused) > LIST_LIMIT else ""))
    if d.disliked:
        lines.append(f"{bullet} rated down more than up: " + "; ".join(
            f"#{u.id} {shorten(u.title, 50)} ({u.detail})" for u in d.disliked[:LIST_LIMIT]))
    if not (d.stale or d.unused or d.disliked):
        lines.append(f"{bullet} nothing stale, unused or disliked.")
    return lines


def render(d: Digest, fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps(d.to_dict(), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        return "\n".join(render_lines(d, "-", lambda s: f"**{s}**"))
    return "\n".join(render_lines(d))


def mrkdwn(d: Digest) -> str:
    """The digest as Slack mrkdwn (for `/content gaps`): every line escaped, headings in bold."""
    mark = "\x00"
    lines = render_lines(d, "•", lambda s: mark + s)
    return "\n".join(f"*{escape(line[1:])}*" if line.startswith(mark) else escape(line) for line in lines)


def digest_blocks(d: Digest) -> list[dict]:
    """Block Kit for the channel post: headline, one section per stage, topics, health."""
    blocks = [header(f"Content gaps, week {iso_week(d.end)}"),
              section({"type": "mrkdwn", "text": "\n".join(f"• {escape(h)}" for h in d.headline)}),
              context([{"type": "mrkdwn", "text": escape(
                  f"{d.total_assets} active assets · {_trend(d.total_asks, d.total_asks_before)} · "
                  f"{d.start:%Y-%m-%d} to {d.end:%Y-%m-%d}")}]),
              divider()]
    for r in d.stages:
        text = f"*{CANONICAL[r.stage].label}* · {r.assets} assets · {_trend(r.asks, r.asks_before)}"
        if r.weak_asks:
            text += f" · {r.weak_asks} served poorly"
        text += "".join(f" · {n} {what}" for n, what in ((r.stale, "stale"), (r.unused, "unused"),
                                                          (r.disliked, "disliked")) if n)
        details = []
        if r.missing_types:
            details.append(f"missing: {_types(r.missing_types)}")
        if r.empty_languages:
            details.append(f"no content in: {', '.join(r.empty_languages)}")
        for dim, values in r.empty_tag_cells.items():
            details.append(f"no {dim} content for: {', '.join(values[:8])}")
        if details:
            text += "\n" + "\n".join(escape(x) for x in details)
        blocks.append(section({"type": "mrkdwn", "text": shorten_lines(text)}))
    blocks.append(divider())
    if d.topics:
        lines = [f"[{t.priority}] {t.count}× {CANONICAL[t.stage].label.lower()}: “{escape(shorten(t.example, 160))}”"
                 for t in d.topics[:8]]
        blocks.append(section({"type": "mrkdwn", "text": shorten_lines(
            "*Asked for, served poorly*\n" + "\n".join(lines))}))
    health = []
    if d.stale:
        health.append(f"{len(d.stale)} not reviewed for {d.review_interval_days}+ days: " + ", ".join(
            f"{link(s.url, s.title, 40)} ({escape(s.owner or 'no owner')})" for s in d.stale[:LIST_LIMIT]))
    if d.unused:
        health.append(f"{len(d.unused)} never used in 90 days: " + ", ".join(
            link(u.url, u.title, 40) for u in d.unused[:LIST_LIMIT]))
    if d.disliked:
        health.append("rated down: " + ", ".join(link(u.url, u.title, 40) for u in d.disliked[:LIST_LIMIT]))
    blocks.append(section({"type": "mrkdwn", "text": shorten_lines(
        "*Library health*\n" + ("\n".join(health) if health else "Nothing stale, unused or disliked."))}))
    return blocks


def shorten_lines(text: str, limit: int = 3000) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chart_png(d: Digest) -> bytes:
    """Per stage: assets, asks and poorly served asks, as grouped bars."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels = [CANONICAL[r.stage].label for r in d.stages]
    series = [("assets", [r.assets for r in d.stages], "#1d3b53"), ("asks", [r.asks for r in d.stages], "#4a90d9"),
              ("served poorly", [r.weak_asks for r in d.stages], "#e07b39")]
    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=100)
    width = 0.27
    for n, (name, values, colour) in enumerate(series):
        positions = [i + (n - 1) * width for i in range(len(labels))]
        bars = ax.bar(positions, values, width, label=name, color=colour)
        ax.bar_label(bars, fontsize=7)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_title(f"Assets vs asks per stage, week {iso_week(d.end)}")
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def fallback_text(d: Digest) -> str:
    return escape(f"Content gaps, week {iso_week(d.end)}: " + " ".join(d.headline))[:3000]


class AlreadyPosted(RuntimeError):
    pass


def make_digest(runtime, since: timedelta = timedelta(days=7), now: datetime | None = None) -> Digest:
    with Session(runtime.engine) as session:
        return build_digest(session, runtime.embedder, now=now, since=since,
                            review_interval_days=runtime.settings.review_interval_days)


def post_digest(runtime, client, channel: str, *, force: bool = False, now: datetime | None = None,
                since: timedelta = timedelta(days=7)) -> str:
    """Post the digest to `channel` once per ISO week (unless `force`). Returns the message ts;
    raises AlreadyPosted when this week's digest is already there (or being posted by another process)."""
    now = now or utcnow()
    week = iso_week(now)
    claimed = _claim(runtime, channel, week, force)
    try:
        digest = make_digest(runtime, since, now)
        response = client.chat_postMessage(channel=channel, text=fallback_text(digest), blocks=digest_blocks(digest))
        ts = response.get("ts")
        client.files_upload_v2(channel=response.get("channel") or channel, file=chart_png(digest),
                               filename=f"content-gaps-{week}.png", title=f"Assets vs asks per stage, {week}",
                               thread_ts=ts, request_file_info=False)
    except Exception:
        # Give the week back so the next attempt can post it; the error goes to the caller's log.
        with session_scope(runtime.engine) as session:
            run = session.get(DigestRun, claimed)
            if run is not None:
                session.delete(run)
        raise
    with session_scope(runtime.engine) as session:
        run = session.get(DigestRun, claimed)
        run.status, run.message_ts = "posted", ts
        session.add(run)
    log.info("digest for %s posted to %s", week, channel)
    return ts


def _claim(runtime, channel: str, week: str, force: bool) -> int:
    with session_scope(runtime.engine) as session:
        existing = session.exec(select(DigestRun).where(DigestRun.channel == channel,
                                                        DigestRun.iso_week == week)).first()
        if existing is not None:
            if not force:
                raise AlreadyPosted(f"the digest for {week} was already posted to {channel} "
                                    f"({existing.status}); use --force to post it again")
            existing.status, existing.created_at = "posting", utcnow()
            session.add(existing)
            session.flush()
            return existing.id
    try:
        with session_scope(runtime.engine) as session:
            run = DigestRun(channel=channel, iso_week=week)
            session.add(run)
            session.flush()
            return run.id
    except IntegrityError as exc:  # another process claimed the week a moment ago
        raise AlreadyPosted(f"the digest for {week} is being posted to {channel} by another process") from exc
