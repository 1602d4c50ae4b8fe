"""Scale: libraries of 1k, 10k and 100k synthetic assets — index build, warm `recommend` latency,
resident memory, and the approximate (HNSW) index's recall@10 against exact search.

Embedding 100,000 documents with e5 takes about 100 minutes on 2 cores, so document vectors here
are *synthesised from real ones*: `--base` synthetic asset texts are embedded with e5, and every
asset's vector is a random mix of two of them plus a little noise (normalised). Queries are real
asks embedded with e5, and everything after the embedding — BM25 over the real synthetic texts,
faiss, stage fit, ranking — runs as in production. The embedding part of an index build is
reported as measured per document × assets.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from benchmarks.latency import ASKS, synthetic_library, time_recommend
from benchmarks.recommend_quality import load_queries
from content_library.db import make_engine, migrate, session_scope
from content_library.editing import find_asset, update
from content_library.files import import_records
from recommender.embedder import DEFAULT_EMBEDDER, load_embedder
from recommender.engine import Recommender
from recommender.ranking import AssetView
from recommender.vector_index import EXACT_SEARCH_LIMIT, HNSW_EF_SEARCH, HNSW_M


class MixedVectors:
    """Documents: synthesised vectors looked up by text; queries: the real embedder."""

    def __init__(self, real, vectors: dict[str, np.ndarray]):
        self.real, self.vectors = real, vectors
        self.model_id, self.dim = real.model_id + "+synthetic-documents", real.dim

    def embed_queries(self, texts):
        return self.real.embed_queries(texts)

    def embed_documents(self, texts):
        """Synthesised vectors for the generated assets; an edited text is embedded for real."""
        return np.stack([self.vectors[t] if t in self.vectors else self.real.embed_documents([t])[0]
                         for t in texts]).astype(np.float32)


def synthesise(base: np.ndarray, n: int, seed: int = 3, noise: float = 0.02) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, len(base), n), rng.integers(0, len(base), n)
    lam = rng.uniform(0.55, 1.0, (n, 1)).astype(np.float32)
    v = lam * base[a] + (1 - lam) * base[b] + rng.normal(0, noise, (n, base.shape[1])).astype(np.float32)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(sizes: list[int], base_count: int = 1500, repeats: int = 10) -> tuple[list[dict], dict]:
    embedder = load_embedder(DEFAULT_EMBEDDER)
    base_records = synthetic_library(base_count, seed=11)
    texts = [AssetView(0, r.title, r.url, r.description, r.content_type, tuple(r.stages), tuple(r.tags),
                       r.language).document_text() for r in base_records]
    t0 = time.perf_counter()
    base = embedder.embed_documents(texts)
    per_doc = (time.perf_counter() - t0) / len(texts)
    asks = [q.text for q in load_queries()] + ASKS
    rows = []
    recall_info: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            records = synthetic_library(n)
            docs = [AssetView(0, r.title, r.url, r.description, r.content_type, tuple(r.stages), tuple(r.tags),
                              r.language).document_text() for r in records]
            vectors = synthesise(base, n)
            # Title vectors: each asset's document vector moved a little (titles repeat across the
            # synthetic assets; the last one written wins, as any stand-in would do here).
            titles = vectors + np.random.default_rng(5).normal(0, 0.05, vectors.shape).astype(np.float32)
            titles /= np.linalg.norm(titles, axis=1, keepdims=True)
            fake = MixedVectors(embedder, {**{r.title: v for r, v in zip(records, titles, strict=True)},
                                           **dict(zip(docs, vectors, strict=True))})
            engine = make_engine(f"sqlite:///{Path(tmp) / f'lib{n}.db'}")
            migrate(engine)
            import_records(engine, records, "bench")
            rec = Recommender(engine, fake, Path(tmp) / f"index{n}")
            before = rss_mb()
            t = time.perf_counter()
            rec.sync()
            build = time.perf_counter() - t
            timings = time_recommend(rec, asks, repeats, warm_up=5)
            if n > EXACT_SEARCH_LIMIT:  # before any edit, while the vectors are the synthesised ones
                recall_info = recall(rec, vectors, embedder.embed_queries(asks), n)
            refresh = []
            for k in range(3):  # one asset edited (as from Slack), then the next ask's catch-up
                with session_scope(engine) as session:
                    update(session, find_asset(session, str(1 + k)), "bench", description=f"Edited in the benchmark ({k}).")
                t = time.perf_counter()
                rec.refresh_if_stale()
                refresh.append(time.perf_counter() - t)
            kind = f"HNSW (M={HNSW_M}, efSearch={HNSW_EF_SEARCH})" if n > EXACT_SEARCH_LIMIT else "exact (flat)"
            rows.append({"assets": n, "index": kind, "build_s": build, "embed_s": per_doc * n,
                         "p50": float(np.percentile(timings, 50)), "p95": float(np.percentile(timings, 95)),
                         "refresh_s": float(np.median(refresh)),
                         "rss_mb": rss_mb(), "rss_growth_mb": rss_mb() - before,
                         "index_mb": 2 * n * embedder.dim * 4 / 2**20})  # text and title vectors
            rec.index.vectors.index.reset()
            engine.dispose()
    return rows, recall_info


def recall(rec: Recommender, vectors: np.ndarray, queries: np.ndarray, n: int, k: int = 10) -> dict:
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    ids = np.arange(1, n + 1)  # asset ids are 1..n in insertion order on a fresh database
    hits, times_exact, times_hnsw = [], [], []
    for q in queries:
        t = time.perf_counter()
        _, truth = exact.search(q[None, :], k)
        times_exact.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        found = rec.index.vectors.search(q, k)
        times_hnsw.append((time.perf_counter() - t) * 1000)
        hits.append(len({int(ids[i]) for i in truth[0]} & {i for i, _ in found}) / k)
    return {"assets": n, "recall": float(np.mean(hits)), "hnsw_p50": float(np.median(times_hnsw)),
            "exact_p50": float(np.median(times_exact)), "queries": len(queries)}


def table(rows: list[dict], info: dict) -> str:
    lines = ["| assets | index | build: embedding (measured/doc × n) | build: the rest (s) | recommend p50 (ms) | "
             "recommend p95 (ms) | catch-up after one edit (s) | vectors (MB) | peak RSS (MB) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['assets']:,} | {r['index']} | {r['embed_s'] / 60:.0f} min | {r['build_s']:.1f} | "
                     f"{r['p50']:.1f} | {r['p95']:.1f} | {r['refresh_s']:.2f} | {r['index_mb']:.0f} | "
                     f"{r['rss_mb']:.0f} |")
    if info:
        lines.append(f"\nHNSW at {info['assets']:,} assets: recall@10 against exact search {info['recall']:.3f} "
                     f"over {info['queries']} asks [goal ≥ 0.95]; search p50 {info['hnsw_p50']:.2f} ms "
                     f"(exact: {info['exact_p50']:.2f} ms).")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    rows, info = run([int(s) for s in args.sizes.split(",")])
    print(table(rows, info))
