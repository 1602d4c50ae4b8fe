"""Plain-text rendering of answers for the CLI and the local console."""

from __future__ import annotations

import re
import textwrap

from content_library.vocabulary import CONTENT_TYPE_BY_KEY, STAGES
from recommender.service import Recommendation
from recommender.stages import display


def format_confidence(confidence: float) -> str:
    """A model is never certain: show at most 99%."""
    return f"{min(confidence, 0.99):.0%}"


# The reply to a text that says nothing about the prospect's stage ("hi", a name, "call at 3pm"), before
# the example and how to name a stage where it is read.
NO_SIGNAL = ("That doesn't tell me where the prospect is: nothing about who they are or what they've done "
             "or asked for.")
EXAMPLE = "VP Ops at a 200-person carrier, comparing us with two vendors, asked for case studies"


EMPTY_LIBRARY = ("The content library is empty: `journeybot library seed` loads the sample library, "
                 "`journeybot library import FILE` your own.")


def render_recommendation(rec: Recommendation, framework: str = "canonical", offset: int = 0,
                          pick: str = "--stage NAME", library_empty: bool = False) -> str:
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
        if s.evidence:
            lines.append("  Evidence: " + "; ".join(f"“{e.phrase}” → {e.stage}" for e in s.evidence[:6]))
    if not rec.items:
        lines.append(EMPTY_LIBRARY if library_empty else
                     "No matching assets in the library. Try fewer filters, or ask a marketer to add content.")
        return "\n".join(lines)
    lines.append("")
    for n, item in enumerate(rec.items, start=offset + 1):
        a = item.asset
        type_label = CONTENT_TYPE_BY_KEY[a.content_type].label if a.content_type in CONTENT_TYPE_BY_KEY else a.content_type
        lines.append(f"{n}. {a.title}  [{type_label} · {a.language}]")
        lines.append(f"   {a.url}")
        if item.versions:
            lines.append("   also in: " + ", ".join(f"{v.language} {v.url}" for v in item.versions))
        lines.append(textwrap.fill(f"why: {item.why}", width=100, initial_indent="   ", subsequent_indent="   "))
    return "\n".join(lines)


_LINK = re.compile(r"<([^<>|]+)\|([^<>]*)>")


def mrkdwn_to_text(text: str) -> str:
    """Slack mrkdwn as terminal text: `<url|label>` → `label (url)`, `<@U1>` kept, entities decoded."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1).replace('&amp;', '&')})", text)
    text = re.sub(r"(?<!\w)\*([^*\n]+)\*(?!\w)", r"\1", text)
    text = text.replace("\u2022", "-")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
