"""The weekly content-gap digest in Slack: Block Kit with a chart in the thread (what
`bot.app.digest.Digests.post_once` delivers)."""

from __future__ import annotations

import io

from bot.app.digest import LIST_LIMIT, iso_week, trend, type_names
from bot.slack.blocks import context, divider, header, section
from bot.slack.mrkdwn import escape, link, shorten
from recommender.gaps import Digest
from recommender.stages import CANONICAL


def digest_blocks(d: Digest) -> list[dict]:
    """Block Kit for the channel post: headline, one section per stage, topics, health."""
    blocks = [header(f"Content gaps, week {iso_week(d.end)}"),
              section({"type": "mrkdwn", "text": "\n".join(f"• {escape(h)}" for h in d.headline)}),
              context([{"type": "mrkdwn", "text": escape(
                  f"{d.total_assets} active assets · {trend(d.total_asks, d.total_asks_before)} · "
                  f"{d.start:%Y-%m-%d} to {d.end:%Y-%m-%d}")}]),
              divider()]
    for r in d.stages:
        text = f"*{CANONICAL[r.stage].label}* · {r.assets} assets · {trend(r.asks, r.asks_before)}"
        if r.weak_asks:
            text += f" · {r.weak_asks} served poorly"
        text += "".join(f" · {n} {what}" for n, what in ((r.stale, "stale"), (r.unused, "unused"),
                                                          (r.disliked, "disliked")) if n)
        details = []
        if r.missing_types:
            details.append(f"missing: {type_names(r.missing_types)}")
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
    if d.wanted:
        lines = [f"{g.count}× {escape(g.label)} ({CANONICAL[g.stage].label.lower()}): “{escape(shorten(g.example, 160))}”"
                 for g in d.wanted[:8]]
        blocks.append(section({"type": "mrkdwn", "text": shorten_lines(
            "*Asked for, and nothing in the library is about it*\n" + "\n".join(lines))}))
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


def deliverer(client, channel: str):
    """What posts a digest to `channel` (for Digests.post_once): the Block Kit message, then the
    chart in its thread; returns the message ts."""
    def deliver(digest: Digest, week: str) -> str:
        response = client.chat_postMessage(channel=channel, text=fallback_text(digest), blocks=digest_blocks(digest))
        ts = response.get("ts")
        client.files_upload_v2(channel=response.get("channel") or channel, file=chart_png(digest),
                               filename=f"content-gaps-{week}.png", title=f"Assets vs asks per stage, {week}",
                               thread_ts=ts, request_file_info=False)
        return ts

    return deliver
