"""The library's own subject: stage cue words that its assets use in many stages.

A cue such as "contract", "signature" or 审批 (approval) is a purchase step for most products, but a
contract-management vendor's every asset is about contracts, signatures and approvals, whatever
stage it serves. In an ask to such a library the word says what the ask is about, not how far along
the prospect is ("a GC asking whether contracts may be signed digitally" is reading up), so the
classifier leaves these cues out for that library. Content types asked for are never left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from recommender.cues import CueHit, cue_of, find_cues

if TYPE_CHECKING:
    from recommender.ranking import AssetView

# A cue is the library's subject when, among the assets in one language (at least GROUP_MIN of them),
# at least this share and this many use it, and those assets serve at least this many stages. Per
# language, so that a library whose Chinese assets are a sixth of it still has Chinese subject words
# (研究, a clinical study, for an eClinical vendor). The shipped sample library has none.
TOPIC_SHARE = 0.06
TOPIC_MIN_ASSETS = 5
TOPIC_MIN_STAGES = 3
GROUP_MIN = 10


def behaviour_cue(hit: CueHit) -> str | None:
    """The cue a behaviour hit matched (its key), or None for a content type or a weightless hit."""
    return None if hit.content_type or not hit.weight else cue_of(hit.stage, hit.phrase)


def asset_cues(view: AssetView) -> frozenset[str]:
    """The behaviour cues in an asset's title and description."""
    return frozenset(c for h in find_cues(f"{view.title}. {view.description}") if (c := behaviour_cue(h)))


def topic_cues(assets: Iterable[tuple[frozenset[str], tuple[str, ...], str]]) -> frozenset[str]:
    """The behaviour cues used by many of the assets of one language, across several stages; each
    asset given as its asset_cues, its stages and its base language."""
    used: Counter[tuple[str, str]] = Counter()
    stages: dict[tuple[str, str], set[str]] = defaultdict(set)
    sizes: Counter[str] = Counter()
    for cues, served, language in assets:
        sizes[language] += 1
        for cue in cues:
            used[language, cue] += 1
            stages[language, cue].update(served)
    return frozenset(cue for (language, cue), n in used.items()
                     if sizes[language] >= GROUP_MIN and n >= max(TOPIC_MIN_ASSETS, TOPIC_SHARE * sizes[language])
                     and len(stages[language, cue]) >= TOPIC_MIN_STAGES)


def without_topic(hits: list[CueHit], topic: frozenset[str]) -> list[CueHit]:
    """The hits less those of the library's subject."""
    return [h for h in hits if behaviour_cue(h) not in topic] if topic else hits
