"""Plain-text rendering of answers for the CLI and the local console."""

from __future__ import annotations

import textwrap

from bot.app.wording import (
    EMPTY_LIBRARY,
    EXAMPLE,
    NO_SIGNAL,
    evidence_sentence,
    format_confidence,
    wants_sentence,
)
from content_library.vocabulary import STAGES, type_label
from recommender.query import Recommendation
from recommender.stages import display


def render_recommendation(rec: Recommendation, framework: str = "canonical", offset: int = 0,
                          pick: str = "--stage NAME") -> str:
    """An answer as text; `pick` is how the reader names a stage here (an option, a console command)."""
    s = rec.stage
    lines = []
    if rec.truncated:
        lines.append(f"(Your description was longer than {len(rec.text):,} characters; only the start was used.)")
    if s.no_signal:
        names = ", ".join(display(stage, framework) for stage in STAGES)
        lines.append("Stage: can't tell from this description.")
        lines.append(textwrap.fill(f"{NO_SIGNAL} Describe them, e.g. “{EXAMPLE}”, or name a stage with {pick} ({names}).",
                                   width=100, initial_indent="  ", subsequent_indent="  "))
        return "\n".join(lines)
    if s.overridden:
        lines.append(f"Stage: {display(s.stage, framework)} (as you chose)")
    else:
        lines.append(f"Stage: {display(s.stage, framework)} — confidence {format_confidence(s.confidence)}")
        if s.unsure:
            lines.append(
                f"  Not sure: it could also be {display(s.runner_up(), framework)}. "
                f"Showing {display(s.stage, framework)} content; pick a stage to re-rank."
            )
        evidence = evidence_sentence(s.evidence, s.stage, str)
        if evidence:
            lines.append("  " + evidence)
    if not rec.items:
        lines.append(EMPTY_LIBRARY if rec.library_empty else
                     "No matching assets in the library. Try fewer filters, or ask a marketer to add content.")
        return "\n".join(lines)
    wants = wants_sentence(rec.wants, display(s.stage, framework))
    if wants:
        lines.append(textwrap.fill(wants, width=100, initial_indent="  ", subsequent_indent="  "))
    lines.append("")
    for n, item in enumerate(rec.items, start=offset + 1):
        a = item.asset
        lines.append(f"{n}. {a.title}  [{type_label(a.content_type)} · {a.language}]")
        lines.append(f"   {a.url}")
        if item.versions:
            lines.append("   also in: " + ", ".join(f"{v.language} {v.url}" for v in item.versions))
        lines.append(textwrap.fill(f"why: {item.why}", width=100, initial_indent="   ", subsequent_indent="   "))
    return "\n".join(lines)


def render_digest(d, fmt: str = "text") -> str:
    """The content-gap digest as text, markdown or JSON."""
    import json

    from bot.app.digest import render_lines

    if fmt == "json":
        return json.dumps(d.to_dict(), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        return "\n".join(render_lines(d, "-", lambda s: f"**{s}**"))
    return "\n".join(render_lines(d))
