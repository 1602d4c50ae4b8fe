"""Import and export of the library as CSV, JSON Lines, JSON or YAML files.

Import is all-or-nothing: every row is validated before anything is written, and the write is
one transaction, so a bad row or a killed process leaves the library as it was.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import Engine

from content_library import content_types
from content_library.db import session_scope
from content_library.models import Asset
from content_library.repository import UpsertResult, upsert_assets
from content_library.validation import (
    FIELDS,
    AssetInput,
    UnknownFields,
    UnknownType,
    ValidationError,
    validate_asset,
)
from content_library.vocabulary import ContentType, install_team_types, name_key, team_types

FORMATS = ("csv", "jsonl", "json", "yaml")
SAMPLE_LIBRARY = Path(__file__).resolve().parent / "sample" / "library.yaml"
MAX_REPORTED_ERRORS = 20
csv.field_size_limit(1_000_000)


@dataclass
class RowError:
    row: int
    field: str
    message: str
    unknown_fields: bool = False  # the row's problem is columns that are no field

    def __str__(self) -> str:
        return f"row {self.row}: {self.field}: {self.message}"


@dataclass
class UnknownTypeRows:
    """The rows of one content type the vocabulary lacks: the name as first written, the row
    numbers, each row's own stages and text (to infer the stages a new type usually serves)."""

    name: str
    rows: list[int]
    stages: list[list[str]]
    texts: list[str]

    def __str__(self) -> str:
        shown = ", ".join(map(str, self.rows[:5])) + (", …" if len(self.rows) > 5 else "")
        return f"{self.name!r} ({len(self.rows)} row{'s' if len(self.rows) > 1 else ''}: {shown})"


class ImportFailed(ValueError):
    """Nothing was written; `errors` says which rows are wrong and why, `unknown_types` which
    content types the vocabulary lacks (normalised name -> their rows)."""

    def __init__(self, message: str, errors: list[RowError] | None = None,
                 unknown_types: dict[str, UnknownTypeRows] | None = None):
        self.errors = errors or []
        self.unknown_types = unknown_types or {}
        lines = [message] + [f"  {e}" for e in self.errors[:MAX_REPORTED_ERRORS]]
        if len(self.errors) > MAX_REPORTED_ERRORS:
            lines.append(f"  … and {len(self.errors) - MAX_REPORTED_ERRORS} more")
        super().__init__("\n".join(lines))


SPREADSHEETS = ("xlsx", "xlsm", "xls", "ods", "numbers")
_DELIMITERS = (",", ";", "\t", "|")


def format_for(path: Path, explicit: str | None = None) -> str:
    fmt = (explicit or path.suffix.lstrip(".")).lower()
    fmt = {"yml": "yaml", "ndjson": "jsonl", "tsv": "csv", "tab": "csv"}.get(fmt, fmt)
    if fmt in SPREADSHEETS:
        raise ImportFailed(f"{path.name!r} is a spreadsheet workbook: save the sheet as CSV (UTF-8) — in Excel "
                           "File > Save As > CSV UTF-8, in Google Sheets File > Download > CSV — and import that file")
    if fmt not in FORMATS:
        raise ImportFailed(f"cannot tell the format of {path.name!r}: use a .csv, .jsonl, .json or .yaml file")
    return fmt


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"{name} is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8 and import it again"
        ) from exc


def _csv_error(row: int, exc: csv.Error) -> str:
    """What a malformed CSV row says to the person who saved it."""
    if "unexpected end of data" in str(exc):
        return (f"row {row}: a quote (\") opened on this row is never closed, so the rest of the file would be read "
                "as one cell; close the quote, or double a quote that is part of the text (\"\")")
    return f"row {row}: is not valid CSV ({exc}); a quote inside a cell must be doubled (\"\")"


def parse_rows(text: str, fmt: str) -> list[tuple[int, Any]]:
    """Return (row number, record) pairs. Rows are numbered as a person finds them in the file:
    CSV and JSONL by line, JSON and YAML by position in the list (from 1)."""
    if fmt == "csv":
        # Spreadsheets save "CSV" with the separator of their locale (';' in much of Europe) or tabs:
        # the header line, which names fields and holds none of these, says which one it is.
        first = text.split("\n", 1)[0]
        delimiter = max(_DELIMITERS, key=lambda d: (first.count(d), d == ","))
        # Strict: an unclosed quote is an error at its row, not a cell that swallows the rest of the
        # file (which then surfaced as "missing url" on some later row, or as silently lost rows).
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            fieldnames = reader.fieldnames
        except csv.Error as exc:
            raise ImportFailed(f"row 1: the header line is not valid CSV ({exc}); check its quotes") from exc
        if not fieldnames:
            raise ImportFailed("the CSV file is empty: its first line must name the columns " + ", ".join(FIELDS))
        header = [h.strip() for h in fieldnames if h is not None]
        reader.fieldnames = header
        rows = []
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise ImportFailed(_csv_error(start, exc)) from exc
            if None in record:
                raise ImportFailed(f"row {reader.line_num}: has more cells than the header has columns")
            cleaned = {k: v for k, v in record.items() if v not in (None, "")}
            if cleaned:
                rows.append((reader.line_num, cleaned))
        return rows
    if fmt == "jsonl":
        rows = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rows.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise ImportFailed(f"row {number}: is not valid JSON ({exc.msg})") from exc
        return rows
    try:
        data = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ImportFailed(f"the file is not valid {fmt.upper()}: {str(exc).splitlines()[0]}") from exc
    if isinstance(data, dict) and isinstance(data.get("assets"), list):
        data = data["assets"]
    if data is None:
        data = []
    if not isinstance(data, list):
        raise ImportFailed(f"the {fmt.upper()} file must hold a list of assets (or an object with an 'assets' list)")
    return list(enumerate(data, start=1))


def validate_rows(rows: Iterable[tuple[int, Any]], other_columns: set[str] | None = None) -> list[AssetInput]:
    """Validate every row (see validation.validate_asset for `other_columns`); ImportFailed lists
    every bad row."""
    records: list[AssetInput] = []
    errors: list[RowError] = []
    unknown: dict[str, UnknownTypeRows] = {}
    seen: dict[str, int] = {}
    for number, raw in rows:
        try:
            record = validate_asset(raw, other_columns)
        except UnknownType as exc:
            kind = unknown.setdefault(name_key(exc.value), UnknownTypeRows(exc.value, [], [], []))
            kind.rows.append(number)
            kind.stages.append(exc.stages)
            kind.texts.append(exc.text)
            continue
        except ValidationError as exc:
            errors.append(RowError(number, exc.field, exc.message, isinstance(exc, UnknownFields)))
            continue
        if record.url in seen:
            errors.append(RowError(number, "url", f"repeats the URL of row {seen[record.url]}"))
            continue
        seen[record.url] = number
        records.append(record)
    if unknown:
        kinds = list(unknown.values())
        listed = ", ".join(str(k) for k in kinds)
        message = (f"{len(kinds)} content type{'s are' if len(kinds) > 1 else ' is'} not in the library's vocabulary:"
                   f" {listed}; nothing was imported.")
        if errors:
            message += f" Besides, {len(errors)} row{'s are' if len(errors) > 1 else ' is'} invalid:"
        raise ImportFailed(message, _once_per_column_set(errors), unknown)
    if errors:
        plural = "s" if len(errors) > 1 else ""  # one error per row: validation stops at a row's first problem
        raise ImportFailed(f"{len(errors)} invalid row{plural}; nothing was imported. Fix and import again:",
                           _once_per_column_set(errors))
    return records


def _once_per_column_set(errors: list[RowError]) -> list[RowError]:
    """Columns that are no field are in every row of a CSV: each set of them is reported once, at
    its first row, with how many more rows have it, not once per row."""
    rows: dict[tuple[str, str], list[RowError]] = {}
    for e in errors:
        if e.unknown_fields:
            rows.setdefault((e.field, e.message), []).append(e)
    out = []
    for e in errors:
        same = rows.get((e.field, e.message)) if e.unknown_fields else None
        if same is None:
            out.append(e)
        elif same[0] is e:
            more = f" (and in {len(same) - 1} more row{'s' if len(same) > 2 else ''})" if len(same) > 1 else ""
            out.append(RowError(e.row, e.field, e.message + more, True))
    return out


def read_rows(path: Path, fmt: str | None = None) -> list[tuple[int, Any]]:
    fmt = format_for(path, fmt)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_rows(_decode(data, path.name), fmt)


def read_file(path: Path, fmt: str | None = None, other_columns: set[str] | None = None) -> list[AssetInput]:
    """The file's assets, validated. Columns (keys) that are no field are an error, or, with a set
    for `other_columns`, are left out and named in it."""
    return validate_rows(read_rows(path, fmt), other_columns)


def read_file_with_new_types(path: Path, fmt: str | None, other_columns: set[str] | None,
                             classify: Callable[[str], str]) -> tuple[list[AssetInput], list[ContentType]]:
    """As read_file, but each content type the vocabulary lacks becomes a new team type (not yet
    saved: import_records writes it with the assets), its usual stages those its rows give or,
    where no row gives any, those `classify(text) -> stage` reads in the rows' text."""
    rows = read_rows(path, fmt)
    try:
        return validate_rows(rows, other_columns), []
    except ImportFailed as exc:
        if not exc.unknown_types or exc.errors:
            raise
        unknown = exc.unknown_types
    new: list[ContentType] = []
    for kind in unknown.values():
        given = [stages for stages in kind.stages if stages]
        read = given or [[classify(text)] for text in kind.texts]
        try:
            new.append(content_types.define(kind.name, content_types.usual_stages(read)))
        except content_types.TypeDefinitionError as error:
            raise ImportFailed(f"cannot add the content type {kind}: {error}; nothing was imported.") from error
    previous = team_types()
    install_team_types([*previous, *new])
    try:
        return validate_rows(rows, other_columns), new
    finally:
        install_team_types(previous)


def import_records(
    engine: Engine,
    records: list[AssetInput],
    actor: str,
    progress: Callable[[int], None] | None = None,
    batch: int = 500,
    new_types: list[ContentType] | None = None,
) -> UpsertResult:
    """Write validated records, and the new team types they are of, in one transaction (chunks
    only drive the progress callback)."""
    total = UpsertResult()
    with session_scope(engine) as session:
        if new_types:
            content_types.add(session, new_types, actor)
        for start in range(0, len(records), batch):
            chunk = records[start:start + batch]
            result = upsert_assets(session, chunk, actor)
            total.created += result.created
            total.updated += result.updated
            total.unchanged += result.unchanged
            if progress:
                progress(len(chunk))
    if new_types:
        content_types.refresh(engine)
    return total


def export_records(assets: list[Asset], fmt: str) -> str:
    rows = [
        {
            "title": a.title, "url": a.url, "description": a.description, "content_type": a.content_type,
            "stages": list(a.stages), "tags": list(a.tags), "language": a.language, "owner": a.owner,
        }
        for a in assets
    ]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if fmt == "yaml":
        return yaml.safe_dump(rows, allow_unicode=True, sort_keys=False)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(FIELDS), lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "stages": ";".join(r["stages"]), "tags": ";".join(r["tags"]), "owner": r["owner"] or ""})
        return out.getvalue()
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
