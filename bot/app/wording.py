"""Words every front door uses the same way in its answers."""

from __future__ import annotations

from collections.abc import Callable

from recommender.classifier import Evidence
from recommender.intents import Want
from recommender.query import has_words

# The reply to a text that says nothing about the prospect's stage ("hi", a name, "call at 3pm"), before
# the example and how to name a stage where it is read.
NO_SIGNAL = ("That doesn't tell me where the prospect is: nothing about who they are or what they've done "
             "or asked for.")
EXAMPLE = "VP Ops at a 200-person carrier, comparing us with two vendors, asked for case studies"
# What a stored stage correction does, and how to take one back (said wherever one is stored).
LEARNS = ("The classifier learns from it the next time journeybot starts (or at `journeybot classifier "
          "retrain`), for everyone's descriptions; `journeybot classifier corrections` lists the stored "
          "corrections and `journeybot classifier forget ID` takes one back.")
EMPTY_LIBRARY = ("The content library is empty: `journeybot library seed` loads the sample library, "
                 "`journeybot library import FILE` your own.")
HELP_WORDS = {"help", "?", "usage", "帮助", "幫助", "помощь", "справка"}


def format_confidence(confidence: float) -> str:
    """A model is never certain: show at most 99%."""
    return f"{min(confidence, 0.99):.0%}"


def is_help(text: str) -> bool:
    """Whether the text asks how to ask: empty, a help word, or no word at all ("???", emoji)."""
    return not has_words(text) or text.strip().lower() in HELP_WORDS


def wants_sentence(wants: list[Want], stage_label: str) -> str | None:
    """What the ask specifically wants, said as the answer's last note; where the library has
    nothing about it, that first ("Nothing in the library is about exporting their data …")."""
    if not wants:
        return None
    missing = [w for w in wants if not w.in_library]
    if missing:
        what = " or ".join(w.label for w in missing[:2])
        words = ", ".join(f"“{w.words}”" for w in missing[:2])
        return (f"Nothing in the library is about {what} yet ({words}), so these are the closest "
                f"{stage_label.lower()} assets; the weekly gap digest counts the ask.")
    return "Asks for: " + "; ".join(f"{w.label} (“{w.words}”)" for w in wants[:3]) + "."


def evidence_sentence(evidence: list[Evidence], stage: str, stage_name: Callable[[str], str],
                      phrase: Callable[[str], str] = lambda p: p, limit: int = 6) -> str | None:
    """The evidence line: the words for the chosen stage first, then, set apart, those that point
    to another ("against it"), so a retention answer whose only cue is “конкуренту” → consideration
    does not read as its reason."""
    if not evidence:
        return None
    shown = evidence[:limit]
    own = [f"“{phrase(e.phrase)}” → {stage_name(e.stage)}" for e in shown if e.stage == stage]
    other = [f"“{phrase(e.phrase)}” → {stage_name(e.stage)}" for e in shown if e.stage != stage]
    head = ("Evidence: " + "; ".join(own)) if own else \
        f"Evidence: no words for {stage_name(stage)}; judged on the overall meaning"
    return head + (f" (against it: {'; '.join(other)})" if other else "")
