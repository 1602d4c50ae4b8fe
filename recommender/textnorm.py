"""Text folding shared by keyword matching and BM25: NFKC, lower case, Traditional → Simplified Chinese.

Folding Traditional Chinese onto Simplified lets a rep write 報價 and match assets and cues
written as 报价 (and the other way round). zhconv is pure Python and only runs on text with Han.
"""

from __future__ import annotations

import re
import unicodedata

import zhconv

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def fold(text: str) -> str:
    """Fold for matching. The length usually stays the same; callers that map positions back to the
    original text check that it did."""
    text = unicodedata.normalize("NFKC", text).lower()
    if _HAN.search(text):
        text = zhconv.convert(text, "zh-cn")
    return text


def as_written(text: str, folded: str) -> str:
    """The text to cut phrases from at `folded`'s positions: the original, so a phrase is shown as
    written, when folding kept the length; otherwise the folded text itself."""
    return text if len(folded) == len(text) else folded
