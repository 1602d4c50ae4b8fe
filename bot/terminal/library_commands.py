"""`journeybot library …`, `index rebuild` and `db upgrade`: the content library from a terminal."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import click
from tqdm import tqdm

from bot.terminal.options import Failure, language_option, runtime, stage_option, type_option
from content_library import content_types
from content_library.db import session_scope
from content_library.files import (
    FORMATS,
    SAMPLE_LIBRARY,
    ImportFailed,
    export_records,
    import_records,
    read_file,
    read_file_with_new_types,
)
from content_library.repository import library_stats, list_assets
from content_library.vocabulary import STAGES, other_names
from content_library.vocabulary import content_types as all_types

PROGRESS_THRESHOLD = 200


# -- index -------------------------------------------------------------------------------------------
@click.group()
def index() -> None:
    """The vector index (a cache of the database, rebuilt when needed)."""


@index.command("rebuild")
@click.pass_context
def index_rebuild(ctx) -> None:
    """Re-embed every active asset and rewrite the index."""
    rec = runtime(ctx).recommender
    count = rec.index.rebuild()
    click.echo(f"Index rebuilt: {count} active assets embedded with {rec.embedder.model_id}.")


# -- library -----------------------------------------------------------------------------------------
@click.group()
def library() -> None:
    """Manage the content library: seed, import, export, list, stats."""


def _import(ctx, path: Path, fmt: str | None, actor: str, ignore_other_columns: bool = False,
            new_types: bool = False) -> None:
    left_out: set[str] | None = set() if ignore_other_columns else None
    engine = runtime(ctx).engine  # opening it loads the team's own content types
    defined: list = []
    try:
        if new_types:
            classifier = None  # loaded only when some new type's rows give no stages

            def classify(text: str) -> str:
                nonlocal classifier
                classifier = classifier or runtime(ctx).classifier()
                return classifier.classify(text).stage

            records, defined = read_file_with_new_types(path, fmt, left_out, classify)
        else:
            records = read_file(path, fmt, left_out)
    except ImportFailed as exc:
        raise Failure(str(exc) + _import_hints(exc, path, fmt, ignore_other_columns, new_types)) from exc
    if left_out:
        click.echo(f"Left out the columns journeybot does not use: {', '.join(sorted(left_out))}.", err=True)
    show = len(records) >= PROGRESS_THRESHOLD
    with tqdm(total=len(records), disable=not show, unit="asset", desc="importing", file=sys.stderr) as bar:
        result = import_records(engine, records, actor, progress=bar.update, new_types=defined)
    for ct in defined:
        click.echo(f"New content type {ct.label} ({ct.key}): usually {', '.join(ct.stages)}.")
    click.echo(f"Imported {path.name}: {result.summary()}.")


def _import_hints(exc: ImportFailed, path: Path, fmt: str | None, ignore_other_columns: bool,
                  new_types: bool) -> str:
    """What to do about a refused import: the exact command for unknown types, the flag for other
    columns, where the content types are listed."""
    hint = ""
    if exc.unknown_types and new_types:
        hint += "\nFix the rows above and import again: the new content types are made with the assets."
    elif exc.unknown_types:
        first = "Fix the rows above, then import them" if exc.errors else "To import them"
        flags = " ".join(f for f in (f"--format {fmt}" if fmt else "",
                                     "--ignore-other-columns" if ignore_other_columns else "") if f)
        command = " ".join(p for p in ("journeybot library import", shlex.quote(str(path)), flags, "--new-types") if p)
        hint += (f"\n{first} as the team's own content types (their usual stages read from the rows) with:\n"
                 f"  {command}\nor give those rows a type journeybot knows.")
    if any(e.unknown_fields for e in exc.errors):
        hint += "\nTo leave out the columns journeybot does not use, import again with --ignore-other-columns."
    if exc.unknown_types or any(e.field == "content_type" for e in exc.errors):
        hint += "\n`journeybot library types` lists the content types and the names each is accepted under."
    return hint


@library.command("seed")
@click.pass_context
def library_seed(ctx) -> None:
    """Load the shipped sample library (safe to run again: it upserts by URL)."""
    _import(ctx, SAMPLE_LIBRARY, "yaml", "seed")


@library.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Override the format taken from the file name.")
@click.option("--actor", default="cli", show_default=True, help="Name recorded in the audit log.")
@click.option("--ignore-other-columns", is_flag=True,
              help="Leave out columns that are no asset field (a CMS export's 'Views', 'Status'), and name them, "
                   "instead of refusing the file.")
@click.option("--new-types", is_flag=True,
              help="Make each content type journeybot does not know the team's own, its usual stages taken from "
                   "the rows' stage column (or, where none is given, read from their text).")
@click.pass_context
def library_import(ctx, file: Path, fmt: str | None, actor: str, ignore_other_columns: bool, new_types: bool) -> None:
    """Import assets from FILE (.csv, .jsonl, .json, .yaml); all rows or none, upsert by URL."""
    if not file.is_file():
        raise Failure(f"no such file: {file}")
    _import(ctx, file, fmt, actor, ignore_other_columns, new_types)


@library.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="yaml", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
@click.option("--include-archived", is_flag=True)
@click.pass_context
def library_export(ctx, fmt: str, output: Path | None, include_archived: bool) -> None:
    """Export the library in a format `library import` reads back."""
    with session_scope(runtime(ctx).engine) as session:
        text = export_records(list_assets(session, include_archived=include_archived), fmt)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.", err=True)
    else:
        click.echo(text, nl=False)


@library.command("list")
@click.option("--stage")
@click.option("--type", "content_type")
@click.option("--lang")
@click.option("--tag")
@click.option("--include-archived", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def library_list(ctx, stage, content_type, lang, tag, include_archived, as_json) -> None:
    """List assets, optionally by stage, type, language or tag."""
    stage, content_type = stage_option(stage), type_option(content_type, ctx)
    with session_scope(runtime(ctx).engine) as session:
        assets = list_assets(session, stage=stage, content_type=content_type, language=language_option(lang), tag=tag,
                             include_archived=include_archived)
    if as_json:
        click.echo(json.dumps([a.public_dict() for a in assets], ensure_ascii=False, indent=2))
        return
    if not assets:
        click.echo("No assets match. `journeybot library seed` loads the sample library.")
        return
    for a in assets:
        click.echo(_asset_line(a) + (" (archived)" if a.archived else ""))


def _asset_line(a) -> str:
    """One asset (a row or an AssetView) as a line of `library list` and `library search`."""
    return f"{a.id:>5}  {a.content_type:<18} {','.join(a.stages):<24} {a.language:<5} {a.title}"


@library.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--k", "k", default=10, show_default=True, type=click.IntRange(1, 50), help="How many at most.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def library_search(ctx, words: tuple[str, ...], k: int, as_json: bool) -> None:
    """The assets that best match WORDS, whatever their stage (as `/content search` in Slack)."""
    text = " ".join(words).strip()
    if not text:
        raise Failure('give some words to search for, e.g. journeybot library search "ROI calculator"')
    items = runtime(ctx).recommender.search(text, k=k)
    if as_json:
        click.echo(json.dumps([i.to_dict() for i in items], ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo("The library is empty. `journeybot library seed` loads the sample library.")
        return
    for i in items:
        click.echo(_asset_line(i.asset))
        click.echo(f"       {i.asset.url} — {i.why}")


@library.group("types", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def library_types(ctx, as_json: bool) -> None:
    """The content types an asset can have, their usual stages and the names each is accepted under
    (`types add` and `types remove` manage the team's own)."""
    if ctx.invoked_subcommand is not None:
        return
    content_types.refresh(runtime(ctx).engine)
    rows = [{"key": ct.key, "label": ct.label, "stages": list(ct.stages), "names": other_names(ct),
             "team": ct.team} for ct in all_types()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        own = "  (the team's own)" if row["team"] else ""
        click.echo(f"{row['key']:<18} {row['label']:<26} {', '.join(row['stages']):<24} "
                   f"{', '.join(row['names'][:6])}{own}".rstrip())
    click.echo("\nA longer name that holds one of these is that type (\"Webinar recording\", \"API docs\"); "
               "one that holds the names of two types is refused. `journeybot library types add NAME --stages …` "
               "adds one of the team's own.")


def _nothing_changed(exc: Exception) -> str:
    text = str(exc).rstrip()
    return f"{text}{'' if text.endswith(('.', '?', '!')) else '.'} Nothing was changed."


@library_types.command("add")
@click.argument("name")
@click.option("--stages", required=True, help="The stages it usually serves, main one first: awareness,consideration")
@click.option("--names", default="", help="Other names it goes by, comma-separated.")
@click.option("--key", help="Its key (default: from the name, e.g. slide_deck).")
@click.option("--actor", default="cli", show_default=True, help="Name recorded in the audit log.")
@click.pass_context
def library_types_add(ctx, name: str, stages: str, names: str, key: str | None, actor: str) -> None:
    """Add a content type of the team's own, NAME ("Podcast")."""
    try:
        ct = content_types.create(runtime(ctx).engine, name, stages, names.split(","), actor, key)
    except content_types.TypeDefinitionError as exc:
        raise Failure(_nothing_changed(exc)) from exc
    click.echo(f"Added the content type {ct.label} ({ct.key}): usually {', '.join(ct.stages)}.")


@library_types.command("remove")
@click.argument("key")
@click.option("--actor", default="cli", show_default=True, help="Name recorded in the audit log.")
@click.pass_context
def library_types_remove(ctx, key: str, actor: str) -> None:
    """Remove a content type of the team's own that no asset has."""
    try:
        ct = content_types.delete(runtime(ctx).engine, key, actor)
    except content_types.TypeDefinitionError as exc:
        raise Failure(_nothing_changed(exc)) from exc
    click.echo(f"Removed the content type {ct.label} ({ct.key}).")


@library.command("stats")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def library_stats_cmd(ctx, as_json: bool) -> None:
    """Counts per stage, content type and language."""
    with session_scope(runtime(ctx).engine) as session:
        stats = library_stats(session)
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(f"{stats['assets']} active assets ({stats['archived']} archived), {stats['queries']} asks logged")
    for stage in STAGES:
        click.echo(f"  {stage:<14} {stats['per_stage'][stage]:>5}")
    click.echo("  languages: " + ", ".join(f"{k} {v}" for k, v in stats["per_language"].items()))
    click.echo("  types: " + ", ".join(f"{k} {v}" for k, v in stats["per_type"].items()))


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx) -> None:
    """Apply schema migrations (also done automatically on every start)."""
    runtime(ctx).engine  # noqa: B018  (building the engine migrates)
    click.echo("Database schema is up to date.")
