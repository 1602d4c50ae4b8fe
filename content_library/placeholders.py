"""The words a spreadsheet cell holds for "nothing given" ("N/A", "TBD", "-", 无, «не указан»).

One set for every column that may be left open: a language cell saying so is detected from the
text, a stage cell saying so takes the content type's prior.
"""

from __future__ import annotations

# "nan" is what a data-frame export writes for an empty cell.
NOTHING_GIVEN = frozenset({
    "", "-", "—", "–", "?", "n/a", "na", "nan", "none", "null", "nil", "unknown", "tbd", "tba", "tbc",
    "не указан", "не указано", "нет", "无", "未知", "待定",
})


def says_nothing(value: str) -> bool:
    """Whether a cell's value is one of the NOTHING_GIVEN words (case and spacing aside: "N / A")."""
    words = " ".join(value.strip().lower().split())
    return words in NOTHING_GIVEN or words.replace(" ", "") in NOTHING_GIVEN
