"""Stage classifier on the held-out dev set: macro-F1 per language variant, against baselines.

Baselines, measured in the same run: the keyword sheet alone (cue phrases from the seed articles'
stage and content-type lists; no cue → awareness), zero-shot similarity of the description to the
five stage definitions with the bundled MiniLM and with the default embedder, and the untrained
stand-in (cues + nearest stage prototypes). The trained classifier is trained on the shipped
training set only; the dev set (benchmarks/data/stage_dev.yaml) is never used for training or tuning.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from content_library.languages import base_language
from content_library.vocabulary import STAGES
from recommender.classifier import CueClassifier, cue_scores
from recommender.cues import find_cues
from recommender.embedder import DEFAULT_EMBEDDER, EmbedderError, load_embedder
from recommender.stages import CANONICAL
from recommender.training import load_examples, train

DEV_SET = Path(__file__).resolve().parent / "data" / "stage_dev.yaml"
# Descriptions in languages with no training example or cue (Spanish, Japanese, Polish, …).
OTHER_LANGUAGES = Path(__file__).resolve().parent / "data" / "stage_other_languages.yaml"
LANGS = ("en", "zh-hans", "zh-hant", "ru")


def keyword_sheet(texts):
    out = []
    for t in texts:
        scores = cue_scores(find_cues(t), len(t))
        out.append(STAGES[int(np.argmax(scores))] if scores.any() else "awareness")
    return out


def zero_shot(embedder):
    definitions = embedder.embed_documents([f"{CANONICAL[s].label}: {CANONICAL[s].description}" for s in STAGES])

    def predict(texts):
        return [STAGES[int(i)] for i in np.argmax(embedder.embed_queries(texts) @ definitions.T, axis=1)]
    return predict


def run() -> tuple[list[tuple[str, dict[str, float]]], dict[str, float]]:
    dev = load_examples(DEV_SET)
    texts, gold = [e.text for e in dev], [e.stage for e in dev]
    default = load_embedder(DEFAULT_EMBEDDER)
    systems = [("keyword sheet (cues only)", keyword_sheet)]
    try:
        systems.append(("zero-shot, bundled MiniLM", zero_shot(load_embedder("minilm"))))
    except EmbedderError as exc:
        print(f"skipping MiniLM: {exc}")
    systems.append((f"zero-shot, default embedder ({DEFAULT_EMBEDDER})", zero_shot(default)))
    standin = CueClassifier(default)
    systems.append(("stand-in: cues + stage prototypes", lambda ts: [standin.classify(t).stage for t in ts]))
    model = train(default, load_examples())
    results = [(name, _scores(dev, gold, predict(texts))) for name, predict in systems]
    for t in texts[:10]:  # warm-up
        model.classify(t)
    predictions, timings = [], []
    for t in texts:
        started = time.perf_counter()
        predictions.append(model.classify(t))
        timings.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    vectors = default.embed_queries(texts)
    batched = (time.perf_counter() - started) / len(texts) * 1000
    started = time.perf_counter()
    for t, v in zip(texts, vectors, strict=True):
        model.classify(t, v)
    without_embedding = (time.perf_counter() - started) / len(texts) * 1000
    results.append((f"journeybot trained classifier ({DEFAULT_EMBEDDER})", _scores(dev, gold, [p.stage for p in predictions])))
    wrong = np.array([p.stage != g for p, g in zip(predictions, gold, strict=True)])
    unsure = np.array([p.unsure for p in predictions])
    honesty = {
        "items": len(dev), "unsure_rate": float(unsure.mean()),
        "error_if_unsure": float(wrong[unsure].mean()) if unsure.any() else float("nan"),
        "error_if_sure": float(wrong[~unsure].mean()), "p50_ms": float(np.percentile(timings, 50)),
        "p95_ms": float(np.percentile(timings, 95)), "without_embedding_ms": without_embedding,
        "batched_ms": batched + without_embedding,
        "train_examples": model.examples,
    }
    other = load_examples(OTHER_LANGUAGES)
    honesty["other"] = _other(model, other)
    honesty["untrained"] = _other(model, untrained(other))
    return results, honesty


def untrained(examples):
    """The examples in languages the training set has no description in."""
    trained = {base_language(e.lang) for e in load_examples()}
    return [e for e in examples if base_language(e.lang) not in trained]


def _other(model, items) -> dict:
    found = [model.classify(e.text) for e in items]
    return {
        "items": len(items), "languages": len({e.lang for e in items}),
        "accuracy": float(np.mean([p.stage == e.stage for p, e in zip(found, items, strict=True)])),
        "macro_f1": f1_score([e.stage for e in items], [p.stage for p in found], labels=list(STAGES), average="macro"),
        "unsure_rate": float(np.mean([p.unsure for p in found])),
    }


def _scores(dev, gold, predicted) -> dict[str, float]:
    out = {"all": f1_score(gold, predicted, labels=list(STAGES), average="macro")}
    for lang in LANGS:
        idx = [i for i, e in enumerate(dev) if e.lang == lang]
        out[lang] = f1_score([gold[i] for i in idx], [predicted[i] for i in idx], labels=list(STAGES), average="macro")
    return out


def table(results, honesty) -> str:
    lines = ["| system | macro-F1 all | " + " | ".join(f"macro-F1 {lang}" for lang in LANGS) + " |",
             "|---|---|" + "---|" * len(LANGS)]
    for name, scores in results:
        lines.append(f"| {name} | {scores['all']:.3f} | " + " | ".join(f"{scores[lang]:.3f}" for lang in LANGS) + " |")
    lines.append("")
    lines.append(f"Trained classifier on {honesty['items']} dev items (trained on {honesty['train_examples']} examples): "
                 f"unsure on {honesty['unsure_rate']:.1%}; error rate {honesty['error_if_unsure']:.1%} when unsure vs "
                 f"{honesty['error_if_sure']:.1%} when sure. Warm time per item, one at a time: p50 "
                 f"{honesty['p50_ms']:.1f} ms, p95 {honesty['p95_ms']:.1f} ms, of which "
                 f"{honesty['without_embedding_ms']:.1f} ms is not the embedding; in one batch (as `classify --jsonl` "
                 f"runs): {honesty['batched_ms']:.1f} ms per item.")
    other, alone = honesty["other"], honesty["untrained"]
    lines.append("")
    lines.append(f"Languages outside the first training set ({other['items']} descriptions in {other['languages']} "
                 f"languages, {OTHER_LANGUAGES.name}): accuracy {other['accuracy']:.3f}, macro-F1 {other['macro_f1']:.3f}, "
                 f"unsure on {other['unsure_rate']:.1%}; of them, the {alone['items']} in the {alone['languages']} "
                 f"languages with no training example at all: accuracy {alone['accuracy']:.3f}, "
                 f"unsure on {alone['unsure_rate']:.1%}.")
    return "\n".join(lines)
