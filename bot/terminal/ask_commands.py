"""`journeybot recommend`, `classify`, `classifier …` and `chat`: the salesperson's use cases from a terminal."""

from __future__ import annotations

import json
import sys

import click

from bot.app.asks import Origin
from bot.app.text import shorten
from bot.app.wording import EMPTY_LIBRARY, EXAMPLE, LEARNS, NO_SIGNAL, evidence_sentence, format_confidence
from bot.terminal.jsonl import each_line
from bot.terminal.options import (
    Failure,
    description_file_option,
    description_text,
    language_option,
    runtime,
    stage_option,
    type_option,
)
from bot.terminal.render import render_recommendation
from recommender.query import MAX_TEXT, EmptyQuery, Filters, prepare_text
from recommender.stages import display

CLI = Origin("cli")


@click.command()
@click.argument("text", required=False)
@click.option("--k", "k", default=5, show_default=True, type=click.IntRange(1, 50), help="How many assets.")
@click.option("--stage", help="Use this stage instead of the classifier's (any framework's name).")
@click.option("--type", "content_type", help="Only this content type (e.g. 'case study', pricing).")
@click.option("--lang", help="Only assets in this language (en, zh, ru, … or a name: English, 中文).")
@click.option("--tag", "tags", multiple=True, help="Only assets with this tag (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--jsonl", is_flag=True, help='Batch: read {"id", "text"} lines on stdin, write one JSON line each.')
@description_file_option
@click.pass_context
def recommend(ctx, text, k, stage, content_type, lang, tags, as_json, jsonl, file) -> None:
    """Recommend assets for a prospect described in TEXT (- or --file: call notes of several lines)."""
    filters = Filters(stage_option(stage), type_option(content_type, ctx), language_option(lang), tuple(tags))
    asks = runtime(ctx).local_asks
    if jsonl:
        if text or file:
            raise Failure("give either TEXT or --jsonl (lines on stdin), not both")
        each_line(lambda items: [
            {"id": item_id, "stage": rec.stage.stage, "confidence": round(rec.stage.confidence, 4),
             "unsure": rec.stage.unsure, "no_signal": rec.stage.no_signal, "items": [i.to_dict() for i in rec.items]}
            for (item_id, _), rec in zip(items, asks.ask_many([t for _, t in items], CLI, k=k, filters=filters),
                                         strict=True)])
        return
    text = description_text(text, file)
    if not text or not text.strip():
        raise Failure('describe the prospect, e.g. journeybot recommend "CFO asked for pricing and an ROI model"')
    try:
        rec = asks.ask(text, CLI, k=k, filters=filters)
    except EmptyQuery as exc:
        raise Failure(str(exc)) from exc
    if rec.truncated:
        click.echo(f"journeybot: warning: the text is over {len(rec.text):,} characters; only the start was used",
                   err=True)
    if as_json:
        if rec.library_empty:
            click.echo(f"journeybot: warning: {EMPTY_LIBRARY}", err=True)
        click.echo(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_recommendation(rec, runtime(ctx).framework))


@click.command()
@click.argument("text", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--jsonl", is_flag=True, help='Batch: read {"id", "text"} lines on stdin, write one JSON line each.')
@description_file_option
@click.pass_context
def classify(ctx, text, as_json, jsonl, file) -> None:
    """The prospect's journey stage for TEXT (- or --file: several lines), with confidence and evidence."""
    asks = runtime(ctx).local_asks
    if jsonl:
        if text or file:
            raise Failure("give either TEXT or --jsonl (lines on stdin), not both")
        each_line(lambda items: [{"id": item_id, **result.to_dict()} for (item_id, _), result
                                 in zip(items, asks.classify_many([t for _, t in items]), strict=True)])
        return
    text = description_text(text, file)
    if not text or not text.strip():
        raise Failure('describe the prospect, e.g. journeybot classify "legal is redlining our MSA"')
    try:
        result = asks.classify(text)
    except EmptyQuery as exc:
        raise Failure(str(exc)) from exc
    if prepare_text(text)[1]:
        click.echo(f"journeybot: warning: the text is over {MAX_TEXT:,} characters; only the start was used", err=True)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    framework = runtime(ctx).framework
    if result.no_signal:
        click.echo(f"Can't tell the stage from this. {NO_SIGNAL} Describe them, e.g. “{EXAMPLE}”.")
        click.echo("If it is about a prospect at all, it reads most like:")
    else:
        click.echo(f"{display(result.stage, framework)} — confidence {format_confidence(result.confidence)}"
                   + (f" (unsure: could be {display(result.runner_up(), framework)})" if result.unsure else ""))
    for stage, p in sorted(result.probabilities.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {stage:<14} {p:6.1%}")
    top = max(result.probabilities.values())
    if not result.no_signal and result.confidence < top - 0.005:
        # Confidence is the top probability less the chance that the text says nothing of a stage.
        click.echo(f"  Confidence is below the top probability ({top:.1%}): it takes out the "
                   f"{1 - result.confidence / top:.0%} chance that the text says nothing about the stage.")
    if result.evidence and not result.no_signal:
        click.echo(evidence_sentence(result.evidence, result.stage, str, limit=len(result.evidence)))
    elif not result.no_signal:
        click.echo("Evidence: no explicit signal words; judged on the overall meaning.")


@click.group()
def classifier() -> None:
    """The stage classifier: corrections and retraining."""


@classifier.command("correct")
@click.argument("text")
@click.argument("stage")
@click.pass_context
def classifier_correct(ctx, text: str, stage: str) -> None:
    """Record that TEXT describes a prospect at STAGE (used at the next retrain)."""
    stage = stage_option(stage, "STAGE")
    try:
        correction = runtime(ctx).local_asks.correct(text, stage, CLI)
    except EmptyQuery as exc:
        raise Failure(str(exc)) from exc
    click.echo(f"Correction #{correction} stored. {LEARNS}")


@classifier.command("corrections")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def classifier_corrections(ctx, as_json: bool) -> None:
    """The stored stage corrections the classifier learns from."""
    rows = runtime(ctx).local_asks.corrections()
    if as_json:
        click.echo(json.dumps([{"id": c.id, "stage": c.stage, "predicted": c.predicted_stage, "source": c.source,
                                "user": c.user_id, "created_at": c.created_at.isoformat(), "text": c.text}
                               for c in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No stored corrections: the classifier runs on its shipped training data alone.")
        return
    for c in rows:
        click.echo(f"#{c.id:<5} {c.predicted_stage or '?':>13} → {c.stage:<13} {c.created_at:%Y-%m-%d} "
                   f"{c.source:<8} {shorten(c.text, 71)}")
    click.echo(f"{len(rows)} correction{'s' if len(rows) != 1 else ''}; `journeybot classifier forget ID` "
               "takes one back.")


@classifier.command("forget")
@click.argument("correction_id", type=int, metavar="ID")
@click.pass_context
def classifier_forget(ctx, correction_id: int) -> None:
    """Take back the stored correction ID (see `journeybot classifier corrections`)."""
    forgotten = runtime(ctx).local_asks.forget_correction(correction_id)
    if forgotten is None:
        raise Failure(f"there is no correction #{correction_id}; `journeybot classifier corrections` lists them")
    click.echo(f"Correction #{correction_id} ({forgotten.stage}) forgotten. The classifier drops it the next time "
               "journeybot starts, or now with `journeybot classifier retrain`.")


@classifier.command("retrain")
@click.pass_context
def classifier_retrain(ctx) -> None:
    """Retrain on the shipped examples plus every stored correction."""
    model = runtime(ctx).classifier(retrain=True)
    click.echo(f"Stage classifier retrained on {model.examples} examples.")


@click.command()
@click.pass_context
def chat(ctx) -> None:
    """A local console: describe a prospect, get the answer the Slack bot gives."""
    from bot.terminal.console import run_console

    rt = runtime(ctx)
    run_console(rt.local_asks, rt.content(local=True), rt.framework, sys.stdin, click.echo)
