"""Recommendation quality on the hand-labelled query set: nDCG@5 and stage precision@5.

Compared in one run: journeybot's hybrid recommender with each available embedder, and two
baselines — plain BM25 and plain dense search (default embedder), neither aware of stages.
"""

from __future__ import annotations

import math
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from content_library.db import make_engine, migrate
from content_library.files import SAMPLE_LIBRARY, import_records, read_file
from content_library.languages import base_language
from recommender.embedder import EmbedderError, load_embedder
from recommender.engine import Recommender
from recommender.training import load_or_train

QUERIES = Path(__file__).resolve().parent / "data" / "queries.yaml"
# Asks written later (see its header): whether the first set's figures carry over to asks written afterwards.
SECOND_QUERIES = Path(__file__).resolve().parent / "data" / "queries_second.yaml"
# The sample library's language versions (written from the library alone), for nDCG per content.
VERSIONS = Path(__file__).resolve().parent / "data" / "versions_freightline.yaml"
BASE = "https://freightline.example/"
SPEED: dict[str, dict[str, float]] = {}  # embedder -> load time, ms per document, query p50
K = 5


@dataclass
class Query:
    id: str
    lang: str
    stage: str
    text: str
    relevant: dict[str, int]


def same_language(q: Query, languages: dict[str, str]) -> dict[str, int]:
    """The ask's grades for assets in its own language only (`languages`: URL -> language). nDCG@5
    on these asks how well journeybot orders what the prospect reads natively; the gap to the full
    figure is what the grades of other-language assets (a translation graded 1) account for."""
    own = base_language(q.lang)
    return {u: g for u, g in q.relevant.items() if base_language(languages.get(u, "")) == own}


def load_queries(path: Path = QUERIES) -> list[Query]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Query(r["id"], r["lang"], r["stage"], r["text"], {BASE + k: v for k, v in r["relevant"].items()})
            for r in rows]


def ndcg(ranked_urls: list[str], relevant: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** relevant.get(u, 0) - 1) / math.log2(i + 2) for i, u in enumerate(ranked_urls[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def load_groups(groups: list[list[str]], base: str = BASE) -> dict[str, str]:
    """URL -> its version group (the group's first URL), for the URLs that have versions."""
    return {base + u: base + members[0] for members in groups for u in members}


def per_content_ndcg(ranked_urls: list[str], relevant: dict[str, int], group: dict[str, str], k: int = K) -> float:
    """nDCG@k with each group of language versions one item, graded by its best member and counted
    once: a version shown again lower down gains nothing (it is the same content), and a version
    named under "also in" instead of its own place loses nothing."""
    grades: dict[str, int] = {}
    for url, grade in relevant.items():
        key = group.get(url, url)
        grades[key] = max(grades.get(key, 0), grade)
    seen: set[str] = set()
    shown = []
    for url in ranked_urls[:k]:
        key = group.get(url, url)
        shown.append("" if key in seen else key)
        seen.add(key)
    return ndcg(shown, grades, k)


def stage_precision(ranked_stages: list[tuple[str, ...]], stage: str, k: int = K) -> float:
    top = ranked_stages[:k]
    return sum(stage in s for s in top) / k


def build(embedder_spec: str, workdir: Path) -> Recommender:
    engine = make_engine(f"sqlite:///{workdir / f'{embedder_spec}.db'}")
    migrate(engine)
    import_records(engine, read_file(SAMPLE_LIBRARY), "bench")
    started = time.perf_counter()
    embedder = load_embedder(embedder_spec)
    load_s = time.perf_counter() - started
    classifier = load_or_train(embedder, workdir, [])  # the shipped training set, no corrections
    rec = Recommender(engine, embedder, workdir / f"index-{embedder_spec}", classifier)
    started = time.perf_counter()
    rec.sync()
    per_doc = (time.perf_counter() - started) / max(len(rec.assets), 1) * 1000
    timings = []
    for q in load_queries():
        started = time.perf_counter()
        embedder.embed_queries([q.text])
        timings.append((time.perf_counter() - started) * 1000)
    SPEED[embedder_spec] = {"load_s": load_s, "doc_ms": per_doc, "query_p50_ms": float(np.percentile(timings, 50))}
    return rec


def evaluate(name: str, queries: list[Query], ranker, languages: dict[str, str]) -> dict[str, dict[str, float]]:
    """ranker(query) -> (list of (url, stages)), predicted stage or None. Returns metrics per language + all."""
    group = load_groups(yaml.safe_load(VERSIONS.read_text(encoding="utf-8")))
    per: dict[str, list[tuple[float, ...]]] = defaultdict(list)
    for q in queries:
        items, predicted = ranker(q)
        own = same_language(q, languages)
        urls = [u for u, _ in items]
        row = (
            ndcg(urls, q.relevant),
            stage_precision([s for _, s in items], q.stage),
            float(predicted == q.stage) if predicted else float("nan"),
            ndcg(urls, own) if own else float("nan"),
            per_content_ndcg(urls, q.relevant, group),
        )
        per[q.lang].append(row)
        per["all"].append(row)
    names = ("ndcg@5", "stage_p@5", "stage_acc", "ndcg@5_same_language", "ndcg@5_per_content")
    return {lang: {n: _mean(column) for n, column in zip(names, zip(*rows, strict=True), strict=True)}
            for lang, rows in per.items()}


def _mean(values) -> float:
    """Mean of the values that are numbers (NaN marks a figure a system or an ask does not have)."""
    present = [v for v in values if not math.isnan(v)]
    return float(np.mean(present)) if present else float("nan")


def run(embedders: list[str]) -> list[tuple[str, dict[str, dict[str, float]]]]:
    """Every system on the first query set; journeybot's hybrid ranking on the second set too."""
    queries, second = load_queries(), load_queries(SECOND_QUERIES)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for spec in embedders:
            try:
                rec = build(spec, workdir)
            except EmbedderError as exc:
                print(f"skipping embedder {spec}: {exc}")
                continue

            languages = {v.url: v.language for v in rec.assets.values()}

            def hybrid(q, rec=rec):
                r = rec.recommend(q.text, k=K)
                return [(i.asset.url, i.asset.stages) for i in r.items], r.stage.stage

            results.append((f"journeybot hybrid ({spec})", evaluate(spec, queries, hybrid, languages)))
            results.append((f"baseline: dense only ({spec})", evaluate("dense", queries, _dense(rec), languages)))
            if spec == embedders[0]:
                results.append(("baseline: BM25 only", evaluate("bm25", queries, _bm25(rec), languages)))
                results.append((f"journeybot hybrid ({spec}), second set", evaluate(spec, second, hybrid, languages)))
                results.append(("baseline: BM25 only, second set", evaluate("bm25", second, _bm25(rec), languages)))
    return results


def _bm25(rec: Recommender):
    def ranker(q):
        scores = rec.index.lexical.scores(q.text)
        views = [rec.assets[int(rec.index.lexical.ids[p])] for p in np.argsort(-scores)[:K]]
        return [(v.url, v.stages) for v in views], None
    return ranker


def _dense(rec: Recommender):
    def ranker(q):
        vector = rec.embedder.embed_queries([q.text])[0]
        views = [rec.assets[i] for i, _ in rec.index.vectors.search(vector, K)]
        return [(v.url, v.stages) for v in views], None
    return ranker


def table(results) -> str:
    langs = ["all", "en", "zh", "ru"]
    header = (f"| system | {' | '.join(f'nDCG@5 {lang}' for lang in langs)} | stage P@5 all | stage acc all "
              "| nDCG@5 all, same-language grades only | nDCG@5 all, per content |")
    lines = [header, "|" + "---|" * (len(langs) + 5)]
    for name, metrics in results:
        cells = " | ".join(f"{metrics[lang]['ndcg@5']:.3f}" for lang in langs)
        acc = metrics["all"]["stage_acc"]
        acc_cell = "—" if math.isnan(acc) else f"{acc:.3f}"
        lines.append(f"| {name} | {cells} | {metrics['all']['stage_p@5']:.3f} | {acc_cell} "
                     f"| {metrics['all']['ndcg@5_same_language']:.3f} | {metrics['all']['ndcg@5_per_content']:.3f} |")
    lines += ["", "| embedder | model load (s) | document embedding (ms/doc, index build) | query embedding p50 (ms) |",
              "|---|---|---|---|"]
    for spec, speed in SPEED.items():
        lines.append(f"| {spec} | {speed['load_s']:.2f} | {speed['doc_ms']:.1f} | {speed['query_p50_ms']:.1f} |")
    return "\n".join(lines)
