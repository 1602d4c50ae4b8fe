"""Typed values of journeybot's buttons and menus. On the wire each is compact JSON with one-letter
keys (far below Slack's 2,000 characters, and unchanged so that buttons of messages already posted
keep working); here each is a small dataclass, read back with `decode`, which refuses a value it
cannot read with StaleAnswer (the user is told the message is too old)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.app.asks import StaleAnswer
from content_library.vocabulary import STAGES

UNREADABLE = "this button is from a message I can no longer read"


def _encode(**values) -> str:
    return json.dumps(values, separators=(",", ":"))


def _decode(value: str | None) -> dict:
    try:
        data = json.loads(value or "")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _int(data: dict, key: str) -> int:
    try:
        return int(data[key])
    except (KeyError, TypeError, ValueError) as exc:
        raise StaleAnswer(UNREADABLE) from exc


def _stage(data: dict, required: bool = True) -> str | None:
    stage = data.get("s")
    if stage in STAGES:
        return stage
    if required:
        raise StaleAnswer(UNREADABLE)
    return None


@dataclass(frozen=True)
class AssetValue:
    """Share, 👍 and 👎 on an asset of an answer: which answer, which asset, for which stage."""

    query_id: int | None
    asset_id: int
    stage: str | None

    def encode(self) -> str:
        return _encode(q=self.query_id, a=self.asset_id, s=self.stage)

    @classmethod
    def decode(cls, value: str | None) -> AssetValue:
        data = _decode(value)
        query_id = data.get("q") if isinstance(data.get("q"), int) else None
        return cls(query_id, _int(data, "a"), _stage(data, required=False))


@dataclass(frozen=True)
class StageValue:
    """A stage picked for an answer (the menu, the unsure and no-signal buttons)."""

    query_id: int | None
    stage: str

    def encode(self) -> str:
        return _encode(q=self.query_id, s=self.stage)

    @classmethod
    def decode(cls, value: str | None) -> StageValue:
        data = _decode(value)
        return cls(_int(data, "q"), _stage(data))


@dataclass(frozen=True)
class MoreValue:
    """More: the answer, where the next page starts, and the stage chosen for it (if one was)."""

    query_id: int | None
    offset: int
    stage: str | None = None

    def encode(self) -> str:
        return _encode(q=self.query_id, o=self.offset, s=self.stage)

    @classmethod
    def decode(cls, value: str | None) -> MoreValue:
        data = _decode(value)
        return cls(_int(data, "q"), _int(data, "o"), _stage(data, required=False))


@dataclass(frozen=True)
class ListPageValue:
    """Previous / Next of `/content list`: its filters and the page to show."""

    stage: str | None
    content_type: str | None
    tag: str | None
    page: int

    def encode(self) -> str:
        return _encode(s=self.stage, t=self.content_type, g=self.tag, p=self.page)

    @classmethod
    def decode(cls, value: str | None) -> ListPageValue:
        data = _decode(value)
        text = {k: data.get(k) if isinstance(data.get(k), str) else None for k in ("t", "g")}
        page = data.get("p") if isinstance(data.get("p"), int) else 1
        return cls(_stage(data, required=False), text["t"], text["g"], page)
