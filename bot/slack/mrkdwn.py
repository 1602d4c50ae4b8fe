"""Making user and library text safe to show in Slack's mrkdwn, and fitting it into Block Kit's limits."""

from __future__ import annotations

import re
from urllib.parse import quote

from bot.app.text import shorten

__all__ = ["escape", "link", "quote_block", "shorten", "to_plain"]


def escape(text: str) -> str:
    """Escape the three characters Slack gives meaning to (`&`, `<`, `>`), so `<!channel>` or
    `<@U123>` typed by someone shows as text and pings nobody."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, title: str, limit: int = 200) -> str:
    """A mrkdwn link whose URL and label cannot break out of the `<url|label>` syntax."""
    safe_url = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    safe_url = safe_url.replace("|", "%7C").replace("&", "&amp;")
    label = escape(shorten(title, limit)).replace("|", "¦")
    return f"<{safe_url}|{label}>"


def quote_block(text: str, limit: int = 300) -> str:
    """The user's own words, escaped and shortened, as a mrkdwn quote."""
    return "> " + escape(shorten(text, limit))


_SLACK_TOKEN = re.compile(r"<([^<>]*)>")


def to_plain(text: str, drop_user: str | None = None) -> str:
    """Slack's encoded message text as the words a person sees: `<https://x|label>` → label,
    `<@U123>` → @U123 (the bot's own mention, `drop_user`, is removed), `<#C1|sales>` → #sales,
    `<!here>` → @here, and `&amp;`/`&lt;`/`&gt;` decoded."""

    def plain(match: re.Match) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "" if drop_user and target[1:] == drop_user else "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        return label or target

    text = _SLACK_TOKEN.sub(plain, text or "")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
