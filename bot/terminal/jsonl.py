"""Batch input for `recommend --jsonl` and `classify --jsonl`: {"id", "text"} lines on stdin, one
JSON line out for each, in input order."""

from __future__ import annotations

import json
import sys

import click

from bot.terminal.options import Failure
from recommender.query import EmptyQuery, prepare_text

JSONL_BATCH = 32


def parse_line(line: str) -> tuple[object, str | None, str | None]:
    """(id, text, None) for a good line, (id if readable, None, reason) for a bad one."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, exc.msg
    if not isinstance(record, dict):
        return None, None, 'each line must be an object like {"id": 1, "text": "…"}'
    item_id, text = record.get("id"), record.get("text")
    if not isinstance(text, str):
        return item_id, None, '"text" must be a string'
    try:
        prepare_text(text)
    except EmptyQuery as exc:
        return item_id, None, str(exc)
    return item_id, text, None


def each_line(answer_batch) -> None:
    """Answer every line on stdin with one JSON line, in batches of JSONL_BATCH (the model embeds a
    batch at once): `answer_batch([(id, text), …])` gives the answers. A bad line gets {"id",
    "error"} and a message on stderr, the rest are still answered, and the exit code is 2 at the end."""
    failed = 0
    pending: list[tuple[object, str | None, str | None]] = []  # (id, text, error)

    def flush() -> None:
        good = [(item_id, text) for item_id, text, error in pending if error is None]
        answers = iter(answer_batch(good) if good else [])
        for item_id, _text, error in pending:
            out = {"id": item_id, "error": error} if error is not None else next(answers)
            click.echo(json.dumps(out, ensure_ascii=False))
        pending.clear()

    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        item_id, text, error = parse_line(line)
        if error is not None:
            failed += 1
            click.echo(f"journeybot: error: line {number}: {error}", err=True)
        pending.append((item_id, text, error))
        if len(pending) >= JSONL_BATCH:
            flush()
    flush()
    if failed:
        raise Failure(f"{failed} input line(s) could not be answered; see the error lines above")
