"""Stage classification: the prospect's journey stage from a free-text description.

`CueClassifier` is the stand-in the foundation ships until the trained classifier lands: it adds
up stage cues found in the text (later cues weigh more, so the latest signal wins when the history
is mixed) and the text's embedding similarity to each stage's description and a few hand-written
prototype descriptions per stage (nearest neighbours), then turns the sum into probabilities with
a softmax. The evidence is the cue phrases as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from content_library.vocabulary import STAGES
from recommender.cues import CueHit, find_cues
from recommender.embedder import Embedder
from recommender.stages import CANONICAL
from recommender.topic_cues import without_topic

EXEMPLARS = Path(__file__).resolve().parent / "data" / "stage_exemplars.yaml"
UNSURE_CONFIDENCE = 0.45
UNSURE_MARGIN = 0.12


@dataclass(frozen=True)
class Evidence:
    phrase: str
    stage: str


@dataclass
class StageResult:
    stage: str
    confidence: float
    probabilities: dict[str, float]
    unsure: bool
    evidence: list[Evidence] = field(default_factory=list)
    overridden: bool = False
    # The description says nothing about the prospect's stage ("hi", a name, "call at 3pm"): `stage`
    # is then only the likeliest of five near-equal guesses, and journeybot asks for more instead.
    no_signal: bool = False

    def runner_up(self) -> str:
        ranked = sorted(self.probabilities, key=self.probabilities.get, reverse=True)
        return ranked[1]

    @classmethod
    def forced(cls, stage: str) -> StageResult:
        """The result when a person names the stage: certain, with no evidence needed."""
        return cls(stage, 1.0, {s: float(s == stage) for s in STAGES}, False, [], overridden=True)

    def to_dict(self) -> dict:
        return {
            "stage": self.stage,
            "confidence": round(self.confidence, 4),
            "unsure": self.unsure,
            "no_signal": self.no_signal,
            "probabilities": {s: round(p, 4) for s, p in self.probabilities.items()},
            "evidence": [{"phrase": e.phrase, "stage": e.stage} for e in self.evidence],
        }


def softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def cue_scores(hits: list[CueHit], length: int, recency: float = 1.0) -> np.ndarray:
    """Per stage, the weight of its cues; a cue at the end of the text counts (1 + recency) times
    one at the start, so the latest signal wins when the history is mixed."""
    scores = np.zeros(len(STAGES), dtype=np.float32)
    for hit in hits:
        scores[STAGES.index(hit.stage)] += hit.weight * (1.0 + recency * hit.start / max(length, 1))
    return scores


def evidence_for(hits: list[CueHit], stage: str) -> list[Evidence]:
    """The cue phrases, those for the chosen stage first; no phrase twice, none that weighs nothing."""
    evidence = sorted((Evidence(h.phrase, h.stage) for h in hits if h.weight), key=lambda e: e.stage != stage)
    return list({e.phrase.lower(): e for e in evidence}.values())


def result_from(probs: np.ndarray, hits: list[CueHit], unsure: bool | None = None) -> StageResult:
    order = np.argsort(-probs)
    top, second = float(probs[order[0]]), float(probs[order[1]])
    stage = STAGES[int(order[0])]
    if unsure is None:
        unsure = top < UNSURE_CONFIDENCE or top - second < UNSURE_MARGIN
    return StageResult(stage, top, {s: float(p) for s, p in zip(STAGES, probs, strict=True)}, unsure,
                       evidence_for(hits, stage))


class Prototypes:
    """Each stage's definition and hand-written prototype descriptions, embedded once."""

    def __init__(self, embedder: Embedder, neighbours: int = 3, vectors: np.ndarray | None = None) -> None:
        """`vectors`: the prototypes already embedded with this embedder (a saved model carries them)."""
        self.neighbours = neighbours
        exemplars = yaml.safe_load(EXEMPLARS.read_text(encoding="utf-8"))
        texts, labels = [], []
        for stage in STAGES:
            texts.append(f"{CANONICAL[stage].label}: {CANONICAL[stage].description}")
            labels.append(stage)
            texts.extend(exemplars[stage])
            labels.extend([stage] * len(exemplars[stage]))
        # Embedded as queries: they are written like the descriptions they are compared with.
        if vectors is not None and len(vectors) != len(texts):
            vectors = None  # saved for other exemplars: embed again
        self.vectors = embedder.embed_queries(texts) if vectors is None else np.asarray(vectors, dtype=np.float32)
        self.labels = np.asarray([STAGES.index(s) for s in labels])

    def similarity(self, vectors: np.ndarray) -> np.ndarray:
        """(n, 5): per stage, the mean cosine of the `neighbours` closest prototypes."""
        sims = np.atleast_2d(vectors) @ self.vectors.T
        return np.stack(
            [np.sort(sims[:, self.labels == i], axis=1)[:, -self.neighbours:].mean(axis=1) for i in range(len(STAGES))],
            axis=1,
        )


class CueClassifier:
    """The stand-in: cue sheet + nearest-prototype similarity, no training. Kept as a baseline."""

    def __init__(self, embedder: Embedder, zero_shot_scale: float = 25.0, recency: float = 1.0) -> None:
        self.embedder = embedder
        self.zero_shot_scale = zero_shot_scale
        self.recency = recency
        self.prototypes = Prototypes(embedder)

    def classify(self, text: str, vector: np.ndarray | None = None, topic: frozenset[str] = frozenset()) -> StageResult:
        if vector is None:
            vector = self.embedder.embed_queries([text])[0]
        sims = self.prototypes.similarity(vector)[0]
        hits = without_topic(find_cues(text), topic)
        logits = (sims - sims.mean()) * self.zero_shot_scale + cue_scores(hits, len(text), self.recency)
        return result_from(softmax(logits), hits)
