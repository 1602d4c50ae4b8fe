"""Words every front door uses the same way in its answers."""

from __future__ import annotations

from recommender.intents import Want
from recommender.query import has_words

# The reply to a text that says nothing about the prospect's stage ("hi", a name, "call at 3pm"), before
# the example and how to name a stage where it is read.
NO_SIGNAL = ("That doesn't tell me where the prospect is: nothing about who they are or what they've done "
             "or asked for.")
EXAMPLE = "VP Ops at a 200-person carrier, comparing us with two vendors, asked for case studies"
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
