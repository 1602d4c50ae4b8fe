"""Words every front door uses the same way in its answers."""

from __future__ import annotations

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
