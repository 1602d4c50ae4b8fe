"""The `journeybot` command line. Bad input exits with code 2 and a one-line reason on stderr."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import timedelta
from pathlib import Path

import click
from sqlalchemy.exc import OperationalError
from tqdm import tqdm

from bot.runtime import Runtime
from bot.settings import Settings, SettingsError
from bot.terminal import EMPTY_LIBRARY, format_confidence, render_recommendation
from content_library.db import DatabaseURLError, session_scope
from content_library.files import (
    FORMATS,
    SAMPLE_LIBRARY,
    ImportFailed,
    export_records,
    import_records,
    read_file,
)
from content_library.languages import language_code
from content_library.repository import library_stats, list_assets
from content_library.vocabulary import (
    CONTENT_TYPES,
    STAGES,
    UnknownName,
    other_names,
    parse_content_type,
    parse_stage,
)
from recommender.embedder import EmbedderError
from recommender.service import EmptyQuery, Filters, prepare_text
from recommender.stages import display

PROGRESS_THRESHOLD = 200


class Failure(click.ClickException):
    """A user error: printed as one line on stderr, exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"journeybot: error: {self.format_message()}", err=True)


def runtime(ctx: click.Context) -> Runtime:
    return ctx.ensure_object(dict)["runtime"]


def _vocabulary_option(value: str | None, parse, name: str) -> str | None:
    """Parse a stage or content-type option; an unknown name is a user error with suggestions."""
    if value is None:
        return None
    try:
        return parse(value)
    except UnknownName as exc:
        raise Failure(f"{name}: {exc}") from exc


def _stage_option(value: str | None, name: str = "--stage") -> str | None:
    return _vocabulary_option(value, parse_stage, name)


def _type_option(value: str | None) -> str | None:
    return _vocabulary_option(value, parse_content_type, "--type")


def _language_option(value: str | None) -> str | None:
    return language_code(value) if value else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what journeybot does (index rebuilds, migrations).")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """journeybot: classify a prospect's journey stage and recommend stage-fit content.

    Settings come from the environment: DATABASE_URL (default: SQLite in JOURNEYBOT_DATA_DIR,
    itself ./.journeybot by default), JOURNEYBOT_EMBEDDER (e5, minilm, use or st:<model path>),
    JOURNEYBOT_FRAMEWORK (stage names to show: canonical, loyalty, aisas, apa, b2b3, purchase5).
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        raise Failure(str(exc)) from exc
    ctx.ensure_object(dict)["runtime"] = Runtime(settings)


# -- answering ---------------------------------------------------------------------------------------
@cli.command()
@click.argument("text", required=False)
@click.option("--k", "k", default=5, show_default=True, type=click.IntRange(1, 50), help="How many assets.")
@click.option("--stage", help="Use this stage instead of the classifier's (any framework's name).")
@click.option("--type", "content_type", help="Only this content type (e.g. 'case study', pricing).")
@click.option("--lang", help="Only assets in this language (en, zh, ru, … or a name: English, 中文).")
@click.option("--tag", "tags", multiple=True, help="Only assets with this tag (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--jsonl", is_flag=True, help='Batch: read {"id", "text"} lines on stdin, write one JSON line each.')
@click.pass_context
def recommend(ctx, text, k, stage, content_type, lang, tags, as_json, jsonl) -> None:
    """Recommend assets for a prospect described in TEXT."""
    filters = Filters(_stage_option(stage), _type_option(content_type), _language_option(lang), tuple(tags))
    if jsonl:
        if text:
            raise Failure("give either TEXT or --jsonl (lines on stdin), not both")
        _recommend_jsonl(ctx, k, filters)
        return
    if not text or not text.strip():
        raise Failure('describe the prospect, e.g. journeybot recommend "CFO asked for pricing and an ROI model"')
    rec = _answer(ctx, text, k, filters)
    runtime(ctx).recommender.log_ask(rec, "cli")
    empty = not runtime(ctx).recommender.assets
    if as_json:
        if empty:
            click.echo(f"journeybot: warning: {EMPTY_LIBRARY}", err=True)
        click.echo(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_recommendation(rec, runtime(ctx).settings.framework, library_empty=empty))


def _answer(ctx, text, k, filters, offset=0):
    try:
        rec = runtime(ctx).recommender.recommend(text, k=k, filters=filters, offset=offset)
    except EmptyQuery as exc:
        raise Failure(str(exc)) from exc
    if rec.truncated:
        click.echo(f"journeybot: warning: the text is over {len(rec.text):,} characters; only the start was used",
                   err=True)
    return rec


JSONL_BATCH = 32


def _parse_jsonl_line(line: str) -> tuple[object, str | None, str | None]:
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


def _each_jsonl_line(answer_batch) -> None:
    """Answer every {"id", "text"} line on stdin with one JSON line, in input order, in batches of
    JSONL_BATCH (the model embeds a batch at once). A bad line gets {"id", "error"} and a message on
    stderr, the rest are still answered, and the exit code is 2 at the end."""
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
        item_id, text, error = _parse_jsonl_line(line)
        if error is not None:
            failed += 1
            click.echo(f"journeybot: error: line {number}: {error}", err=True)
        pending.append((item_id, text, error))
        if len(pending) >= JSONL_BATCH:
            flush()
    flush()
    if failed:
        raise Failure(f"{failed} input line(s) could not be answered; see the error lines above")


def _recommend_jsonl(ctx, k: int, filters: Filters) -> None:
    recommender = runtime(ctx).recommender  # loads the model once for the whole batch

    def answer_batch(items):
        out = []
        for (item_id, _), rec in zip(items, recommender.recommend_many([t for _, t in items], k=k, filters=filters),
                                     strict=True):
            recommender.log_ask(rec, "cli")
            out.append({"id": item_id, "stage": rec.stage.stage, "confidence": round(rec.stage.confidence, 4),
                        "unsure": rec.stage.unsure, "items": [i.to_dict() for i in rec.items]})
        return out

    _each_jsonl_line(answer_batch)


def _stage_json(item_id, result) -> dict:
    return {"id": item_id, **result.to_dict()}


@cli.command()
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--jsonl", is_flag=True, help='Batch: read {"id", "text"} lines on stdin, write one JSON line each.')
@click.pass_context
def classify(ctx, text, as_json, jsonl) -> None:
    """The prospect's journey stage for TEXT, with confidence, probabilities and evidence."""
    recommender = runtime(ctx).recommender
    if jsonl:
        if text:
            raise Failure("give either TEXT or --jsonl (lines on stdin), not both")
        _each_jsonl_line(lambda items: [
            _stage_json(item_id, result)
            for (item_id, _), result in zip(items, recommender.classify_many([t for _, t in items]), strict=True)
        ])
        return
    if not text or not text.strip():
        raise Failure('describe the prospect, e.g. journeybot classify "legal is redlining our MSA"')
    try:
        result = recommender.classify(text)
    except EmptyQuery as exc:
        raise Failure(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    framework = runtime(ctx).settings.framework
    click.echo(f"{display(result.stage, framework)} — confidence {format_confidence(result.confidence)}"
               + (f" (unsure: could be {display(result.runner_up(), framework)})" if result.unsure else ""))
    for stage, p in sorted(result.probabilities.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {stage:<14} {p:6.1%}")
    if result.evidence:
        click.echo("Evidence: " + "; ".join(f"“{e.phrase}” → {e.stage}" for e in result.evidence))
    else:
        click.echo("Evidence: no explicit signal words; judged on the overall meaning.")


@cli.group()
def classifier() -> None:
    """The stage classifier: corrections and retraining."""


@classifier.command("correct")
@click.argument("text")
@click.argument("stage")
@click.pass_context
def classifier_correct(ctx, text: str, stage: str) -> None:
    """Record that TEXT describes a prospect at STAGE (used at the next retrain)."""
    stage = _stage_option(stage, "STAGE")
    rt = runtime(ctx)
    try:
        correction = rt.recommender.record_correction(text, stage, predicted=rt.recommender.classify(text).stage)
    except EmptyQuery as exc:
        raise Failure(str(exc)) from exc
    click.echo(f"Correction #{correction} stored; `journeybot classifier retrain` (or the next start) learns from it.")


@classifier.command("retrain")
@click.pass_context
def classifier_retrain(ctx) -> None:
    """Retrain on the shipped examples plus every stored correction."""
    model = runtime(ctx).classifier(retrain=True)
    click.echo(f"Stage classifier retrained on {model.examples} examples.")


@cli.command()
@click.pass_context
def chat(ctx) -> None:
    """A local console: describe a prospect, get the answer the Slack bot gives."""
    from bot.console import run_console

    run_console(runtime(ctx), sys.stdin, click.echo)


def _slack_app(ctx, socket_mode: bool):
    from slack_bolt.error import BoltError

    from bot.slack_app import create_app

    settings = runtime(ctx).settings
    missing = [name for name, value in (("SLACK_BOT_TOKEN", settings.slack_bot_token),
                                         ("SLACK_APP_TOKEN" if socket_mode else "SLACK_SIGNING_SECRET",
                                          settings.slack_app_token if socket_mode else settings.slack_signing_secret))
               if not value]
    if missing:
        raise Failure(f"set {' and '.join(missing)} (see README: Slack set-up)")
    try:
        return create_app(runtime(ctx), socket_mode=socket_mode)
    except BoltError as exc:
        raise Failure(f"Slack refused the bot token: {exc}") from exc


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), help="Port to listen on (default: $PORT, else 3000).")
@click.option("--host", default="0.0.0.0", show_default=True, help="Interface to listen on.")
@click.pass_context
def serve(ctx, port: int | None, host: str) -> None:
    """HTTP mode: Slack sends commands, events and interactivity to POST /slack/events."""
    from bot.server import EVENTS_PATH, create_server

    rt = runtime(ctx)
    app = _slack_app(ctx, socket_mode=False)
    server = create_server(app, rt, host, port or rt.settings.port)
    rt.load_in_background()
    click.echo(f"journeybot listening on http://{host}:{server.effective_port}{EVENTS_PATH} "
               f"({rt.settings.web_threads} threads); GET /healthz says when it is ready.", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@cli.command()
@click.pass_context
def socket(ctx) -> None:
    """Socket Mode: no public URL needed (SLACK_APP_TOKEN, an xapp- token)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    rt = runtime(ctx)
    app = _slack_app(ctx, socket_mode=True)
    rt.load_in_background()
    click.echo("journeybot connecting to Slack in Socket Mode…", err=True)
    SocketModeHandler(app, rt.settings.slack_app_token).start()


@cli.command()
@click.pass_context
def start(ctx) -> None:
    """The main job: Socket Mode when SLACK_BOT_TOKEN and SLACK_APP_TOKEN are set, HTTP when
    SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are, the local console otherwise."""
    settings = runtime(ctx).settings
    if settings.slack_bot_token and settings.slack_app_token:
        ctx.invoke(socket)
    elif settings.slack_bot_token and settings.slack_signing_secret:
        ctx.invoke(serve)
    else:
        if settings.slack_bot_token:
            click.echo("SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET "
                       "(HTTP); starting the local console.", err=True)
        ctx.invoke(chat)


# -- digest ---------------------------------------------------------------------------------------------
def _since(value: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d{1,4})\s*([dw])\s*", value or "")
    if not match or int(match.group(1)) == 0:
        raise Failure(f"--since {value!r}: give a number of days or weeks, e.g. 7d or 2w")
    n = int(match.group(1))
    return timedelta(days=n * (7 if match.group(2) == "w" else 1))


@cli.command()
@click.option("--since", "since", default="7d", show_default=True, help="The period: 7d, 14d, 2w, …")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True)
@click.option("--post", "channel", metavar="CHANNEL", help="Post it to this Slack channel (id or #name) instead.")
@click.option("--force", is_flag=True, help="With --post: post again even if this week's digest is there.")
@click.pass_context
def digest(ctx, since: str, fmt: str, channel: str | None, force: bool) -> None:
    """The content-gap digest: supply, demand and library health per journey stage."""
    from bot.digest import AlreadyPosted, make_digest, post_digest, render

    period = _since(since)
    rt = runtime(ctx)
    if not channel:
        click.echo(render(make_digest(rt, period), fmt))
        return
    if not rt.settings.slack_bot_token:
        raise Failure("set SLACK_BOT_TOKEN to post the digest (or leave out --post to print it)")
    from slack_sdk.errors import SlackApiError

    from bot.delivery import web_client

    try:
        ts = post_digest(rt, web_client(rt.settings), channel.lstrip("#"), force=force, since=period)
    except AlreadyPosted as exc:
        click.echo(f"Nothing posted: {exc}.")
        return
    except SlackApiError as exc:
        raise Failure(f"Slack refused the digest: {exc.response.get('error')}") from exc
    click.echo(f"Digest posted to {channel} (message {ts}).")


@cli.command()
@click.pass_context
def clock(ctx) -> None:
    """Post the weekly digest on schedule: DIGEST_CRON in DIGEST_TIMEZONE to DIGEST_CHANNEL."""
    from bot.clock import ScheduleError, run_clock, trigger
    from bot.delivery import web_client

    settings = runtime(ctx).settings
    if not settings.digest_channel or not settings.slack_bot_token:
        raise Failure("set DIGEST_CHANNEL and SLACK_BOT_TOKEN for the clock process")
    try:
        trigger(settings.digest_cron, settings.digest_timezone)
    except ScheduleError as exc:
        raise Failure(str(exc)) from exc
    run_clock(runtime(ctx), web_client(settings), settings.digest_channel.lstrip("#"))


# -- index -------------------------------------------------------------------------------------------
@cli.group()
def index() -> None:
    """The vector index (a cache of the database, rebuilt when needed)."""


@index.command("rebuild")
@click.pass_context
def index_rebuild(ctx) -> None:
    """Re-embed every active asset and rewrite the index."""
    rec = runtime(ctx).recommender
    count = rec.rebuild_index()
    click.echo(f"Index rebuilt: {count} active assets embedded with {rec.embedder.model_id}.")


# -- library -----------------------------------------------------------------------------------------
@cli.group()
def library() -> None:
    """Manage the content library: seed, import, export, list, stats."""


def _import(ctx, path: Path, fmt: str | None, actor: str, ignore_other_columns: bool = False) -> None:
    left_out: set[str] | None = set() if ignore_other_columns else None
    try:
        records = read_file(path, fmt, left_out)
    except ImportFailed as exc:
        hint = ("\nTo leave out the columns journeybot does not use, import again with --ignore-other-columns."
                if any(e.unknown_fields for e in exc.errors) else "")
        if any(e.field == "content_type" for e in exc.errors):
            hint += "\n`journeybot library types` lists the content types and the names each is accepted under."
        raise Failure(str(exc) + hint) from exc
    if left_out:
        click.echo(f"Left out the columns journeybot does not use: {', '.join(sorted(left_out))}.", err=True)
    engine = runtime(ctx).engine
    show = len(records) >= PROGRESS_THRESHOLD
    with tqdm(total=len(records), disable=not show, unit="asset", desc="importing", file=sys.stderr) as bar:
        result = import_records(engine, records, actor, progress=bar.update)
    click.echo(f"Imported {path.name}: {result.summary()}.")


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
@click.pass_context
def library_import(ctx, file: Path, fmt: str | None, actor: str, ignore_other_columns: bool) -> None:
    """Import assets from FILE (.csv, .jsonl, .json, .yaml); all rows or none, upsert by URL."""
    if not file.is_file():
        raise Failure(f"no such file: {file}")
    _import(ctx, file, fmt, actor, ignore_other_columns)


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
    stage, content_type = _stage_option(stage), _type_option(content_type)
    with session_scope(runtime(ctx).engine) as session:
        assets = list_assets(session, stage=stage, content_type=content_type, language=_language_option(lang), tag=tag,
                             include_archived=include_archived)
    if as_json:
        click.echo(json.dumps([a.public_dict() for a in assets], ensure_ascii=False, indent=2))
        return
    if not assets:
        click.echo("No assets match. `journeybot library seed` loads the sample library.")
        return
    for a in assets:
        flag = " (archived)" if a.archived else ""
        click.echo(f"{a.id:>5}  {a.content_type:<18} {','.join(a.stages):<24} {a.language:<5} {a.title}{flag}")


@library.command("types")
@click.option("--json", "as_json", is_flag=True)
def library_types(as_json: bool) -> None:
    """The content types an asset can have, their usual stages and the names each is accepted under."""
    rows = [{"key": ct.key, "label": ct.label, "stages": list(ct.stages),
             "names": other_names(ct)} for ct in CONTENT_TYPES]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['key']:<18} {row['label']:<26} {', '.join(row['stages']):<24} {', '.join(row['names'][:6])}")
    click.echo("\nA longer name that holds one of these is that type (\"Webinar recording\", \"API docs\"); "
               "one that holds the names of two types is refused.")


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


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx) -> None:
    """Apply schema migrations (also done automatically on every start)."""
    runtime(ctx).engine  # noqa: B018  (building the engine migrates)
    click.echo("Database schema is up to date.")


def main() -> None:
    try:
        cli(standalone_mode=True)
    except (DatabaseURLError, EmbedderError) as exc:  # settings that cannot work: say which, no traceback
        click.echo(f"journeybot: error: {exc}", err=True)
        sys.exit(2)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        click.echo(f"journeybot: error: the database cannot be reached ({reason}); check DATABASE_URL", err=True)
        sys.exit(1)
