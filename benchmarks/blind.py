"""The stage classifier on the blind set, beside the dev set: per language, per difficulty, with
the baselines, how often it says it is unsure, how often it is wrong when it does not, and its
expected calibration error.

`data/blind/stage_blind_r11.yaml` was written by helper sessions told only the seed articles' stage
definitions, and frozen before the changes it measures (round 10; see data/blind/README.md).
`stage_blind_r2.yaml` to `_r10.yaml` were written the same way for earlier
rounds; later changes were chosen on them, so they are no longer blind and are shown as such. The
dev set (`data/stage_dev.yaml`) was written by journeybot's authors: the gap between the columns is what this benchmark is for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.metrics import f1_score

from benchmarks.stage_classifier import DEV_SET, keyword_sheet, zero_shot
from content_library.vocabulary import STAGES
from recommender.classifier import CueClassifier
from recommender.embedder import DEFAULT_EMBEDDER, load_embedder
from recommender.training import load_examples, train

BLIND = Path(__file__).resolve().parent / "data" / "blind" / "stage_blind_r2.yaml"
BLIND_R3 = BLIND.with_name("stage_blind_r3.yaml")
BLIND_R4 = BLIND.with_name("stage_blind_r4.yaml")
BLIND_R5 = BLIND.with_name("stage_blind_r5.yaml")
BLIND_R6 = BLIND.with_name("stage_blind_r6.yaml")
BLIND_R7 = BLIND.with_name("stage_blind_r7.yaml")
BLIND_R8 = BLIND.with_name("stage_blind_r8.yaml")
BLIND_R9 = BLIND.with_name("stage_blind_r9.yaml")
BLIND_R10 = BLIND.with_name("stage_blind_r10.yaml")
BLIND_R11 = BLIND.with_name("stage_blind_r11.yaml")
BINS = 10


@dataclass
class Item:
    text: str
    stage: str
    lang: str
    difficulty: str


def load_blind(path: Path = BLIND) -> list[Item]:
    return [Item(d["text"], d["stage"], d["lang"], d["difficulty"]) for d in yaml.safe_load(path.read_text("utf-8"))]


def load_dev() -> list[Item]:
    return [Item(e.text, e.stage, e.lang, "dev") for e in load_examples(DEV_SET)]


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    return float(f1_score(gold, predicted, labels=list(STAGES), average="macro", zero_division=0))


def expected_calibration_error(confidence: np.ndarray, right: np.ndarray, bins: int = BINS) -> float:
    """Sum over equal-width confidence bins of |accuracy − mean confidence|, weighted by the bin's share."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    return float(sum(abs(right[which == b].mean() - confidence[which == b].mean()) * (which == b).mean()
                     for b in range(bins) if (which == b).any()))


def honesty(results, items: list[Item]) -> dict[str, float]:
    right = np.array([r.stage == i.stage for r, i in zip(results, items, strict=True)])
    unsure = np.array([r.unsure for r in results])
    confidence = np.array([r.confidence for r in results])
    return {"unsure": float(unsure.mean()),
            "wrong_unsure": float((~right[unsure]).mean()) if unsure.any() else float("nan"),
            "wrong_sure": float((~right[~unsure]).mean()) if (~unsure).any() else float("nan"),
            "wrong_sure_share": float((~right & ~unsure).mean()),
            "ece": expected_calibration_error(confidence, right)}


def groups(items: list[Item]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {"all": list(range(len(items)))}
    for key in [i.lang for i in items] + [i.difficulty for i in items]:
        out.setdefault(key, [n for n, i in enumerate(items) if key in (i.lang, i.difficulty)])
    return out


def run() -> dict:
    embedder = load_embedder(DEFAULT_EMBEDDER)
    model = train(embedder, load_examples())
    standin = CueClassifier(embedder)
    sets = {"dev": load_dev(), "round-2 set (tuned on in rounds 3-4)": load_blind(),
            "round-3 set (tuned on in round 4)": load_blind(BLIND_R3),
            "round-4 set (tuned on in round 4's second pass)": load_blind(BLIND_R4),
            "round-5 set (tuned on in round 6)": load_blind(BLIND_R5),
            "round-6 set (tuned on in round 6's second pass)": load_blind(BLIND_R6),
            "round-7 set (tuned on in round 7)": load_blind(BLIND_R7),
            "round-8 set (tuned on in round 8)": load_blind(BLIND_R8),
            "round-9 set (read at the end of round 8)": load_blind(BLIND_R9), "round-10 set (tuned on in round 10)": load_blind(BLIND_R10),
            "blind r11": load_blind(BLIND_R11)}
    baselines = {"keyword sheet": keyword_sheet, "zero-shot e5": zero_shot(embedder),
                 "stand-in (cues + prototypes)": lambda ts: [standin.classify(t).stage for t in ts]}
    out: dict = {"train_examples": model.examples, "sets": {}}
    for name, items in sets.items():
        texts, gold = [i.text for i in items], [i.stage for i in items]
        results = [model.classify(t) for t in texts]
        predicted = {"journeybot": [r.stage for r in results]}
        predicted.update({b: list(f(texts)) for b, f in baselines.items()})
        scores = {system: {g: macro_f1([gold[n] for n in idx], [p[n] for n in idx])
                           for g, idx in groups(items).items()} for system, p in predicted.items()}
        confusion = {(g, p): 0 for g in STAGES for p in STAGES}
        for g, r in zip(gold, results, strict=True):
            confusion[(g, r.stage)] += 1
        out["sets"][name] = {"n": len(items), "scores": scores, "honesty": honesty(results, items),
                             "counts": {g: len(idx) for g, idx in groups(items).items()}, "confusion": confusion}
    return out


def table(result: dict) -> str:
    lines = [f"Trained on {result['train_examples']} examples.", ""]
    for name, data in result["sets"].items():
        keys = list(data["counts"])
        lines += [f"**{name}** ({data['n']} items) — macro-F1", "",
                  "| system | " + " | ".join(f"{k} ({data['counts'][k]})" for k in keys) + " |",
                  "|---|" + "---|" * len(keys)]
        for system, scores in data["scores"].items():
            lines.append(f"| {system} | " + " | ".join(f"{scores[k]:.3f}" for k in keys) + " |")
        h = data["honesty"]
        lines += ["", f"journeybot on {name}: unsure on {h['unsure']:.1%} (wrong among unsure {h['wrong_unsure']:.1%}), "
                      f"wrong among sure {h['wrong_sure']:.1%} ({h['wrong_sure_share']:.1%} of all answers), "
                      f"ECE {h['ece']:.3f}.", ""]
        lines += ["| gold \\ answered | " + " | ".join(STAGES) + " |", "|---|" + "---|" * len(STAGES)]
        for g in STAGES:
            lines.append(f"| {g} | " + " | ".join(str(data["confusion"][(g, p)]) for p in STAGES) + " |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run()))
