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
from recommender.cues import find_cues
from recommender.embedder import Embedder
from recommender.stages import CANONICAL

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
            "probabilities": {s: round(p, 4) for s, p in self.probabilities.items()},
            "evidence": [{"phrase": e.phrase, "stage": e.stage} for e in self.evidence],
        }


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = np.exp(logits - logits.max())
    return z / z.sum()


class CueClassifier:
    """Cue sheet + zero-shot similarity to the stage descriptions."""

    def __init__(self, embedder: Embedder, zero_shot_scale: float = 25.0, recency: float = 1.0,
                 neighbours: int = 3) -> None:
        self.embedder = embedder
        self.zero_shot_scale = zero_shot_scale
        self.recency = recency
        self.neighbours = neighbours
        exemplars = yaml.safe_load(EXEMPLARS.read_text(encoding="utf-8"))
        texts, labels = [], []
        for stage in STAGES:
            texts.append(f"{CANONICAL[stage].label}: {CANONICAL[stage].description}")
            labels.append(stage)
            texts.extend(exemplars[stage])
            labels.extend([stage] * len(exemplars[stage]))
        # Exemplars are embedded as queries: they are written like the descriptions they are compared with.
        self._prototypes = embedder.embed_queries(texts)
        self._labels = np.asarray([STAGES.index(s) for s in labels])

    def zero_shot(self, vector: np.ndarray) -> np.ndarray:
        """Per stage: mean cosine of the `neighbours` closest prototypes, centred and scaled."""
        sims = self._prototypes @ vector.ravel()
        per_stage = np.array([np.sort(sims[self._labels == i])[-self.neighbours:].mean() for i in range(len(STAGES))])
        return (per_stage - per_stage.mean()) * self.zero_shot_scale

    def classify(self, text: str, vector: np.ndarray | None = None) -> StageResult:
        if vector is None:
            vector = self.embedder.embed_queries([text])[0]
        logits = self.zero_shot(vector)
        hits = find_cues(text)
        length = max(len(text), 1)
        for hit in hits:
            position = hit.start / length  # 0 at the start, 1 at the end
            logits[STAGES.index(hit.stage)] += hit.weight * (1.0 + self.recency * position)
        probs = _softmax(logits)
        order = np.argsort(-probs)
        top, second = float(probs[order[0]]), float(probs[order[1]])
        stage = STAGES[int(order[0])]
        evidence = [Evidence(h.phrase, h.stage) for h in hits]
        # Evidence for the chosen stage first, then the rest; no phrase twice.
        evidence.sort(key=lambda e: e.stage != stage)
        evidence = list({e.phrase.lower(): e for e in evidence}.values())
        return StageResult(
            stage=stage,
            confidence=top,
            probabilities={s: float(p) for s, p in zip(STAGES, probs, strict=False)},
            unsure=top < UNSURE_CONFIDENCE or top - second < UNSURE_MARGIN,
            evidence=evidence,
        )
