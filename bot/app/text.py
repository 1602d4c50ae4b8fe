"""Neutral rich text for use-case replies: plain strings and a few marks (strong, emphasis, code,
a link, a mention). Slack renders it as escaped mrkdwn (bot.slack.render), the terminal as text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Strong:
    parts: tuple


@dataclass(frozen=True)
class Em:
    text: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    limit: int = 200  # the label is shortened to this many characters


@dataclass(frozen=True)
class Mention:
    """A person (a Slack user id) or a group (`group=True`, a user-group id)."""

    id: str
    group: bool = False


Span = str | Strong | Em | Code | Link | Mention
Rich = list  # of Span; "\n" inside a string breaks the line


def strong(*parts: Span) -> Strong:
    return Strong(tuple(parts))


def shorten(text: str, limit: int) -> str:
    """Cut to at most `limit` characters, ending with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def join(parts: list[Rich], separator: Span) -> Rich:
    """The rich texts one after another, `separator` between them."""
    out: Rich = []
    for n, part in enumerate(parts):
        if n:
            out.append(separator)
        out.extend(part)
    return out


def plain(rich: Rich) -> str:
    """As terminal text: links as `label (url)`, marks dropped, code kept in backticks."""
    out = []
    for span in rich:
        if isinstance(span, str):
            out.append(span)
        elif isinstance(span, Strong):
            out.append(plain(list(span.parts)))
        elif isinstance(span, Em):
            out.append(span.text)
        elif isinstance(span, Code):
            out.append(f"`{span.text}`")
        elif isinstance(span, Link):
            out.append(f"{shorten(span.label, span.limit)} ({span.url})")
        elif isinstance(span, Mention):
            out.append(f"@{span.id}")
    return "".join(out)
