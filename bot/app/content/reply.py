"""What a `/content` command answers, neutral of the front door: rich text, and possibly a page of a
list (with its neighbours) or the asset form to open."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app.text import Rich


@dataclass(frozen=True)
class AssetForm:
    """The add or edit form, prefilled with `values` (Slack opens it as a modal)."""

    kind: str  # "add" or "edit"
    values: dict
    channel: str | None = None
    asset_id: int | None = None
    note: str | None = None
    revision: int = 0  # how often suggestions were filled in (see bot.slack.modals)


@dataclass(frozen=True)
class ListPage:
    """One page of `/content list`: the filters that made it, and how many pages there are."""

    head: Rich
    lines: Rich
    stage: str | None
    content_type: str | None
    tag: str | None
    page: int
    pages: int


@dataclass
class Reply:
    text: Rich
    page: ListPage | None = None
    form: AssetForm | None = None
    changed: bool = False
