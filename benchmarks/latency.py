"""Warm `recommend` latency on synthetic libraries of growing size (default embedder).

Synthetic assets are variations of the sample library (each sample asset rewritten with a
different customer, region and focus), so texts are realistic and the index has real vectors.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import numpy as np

from content_library.db import make_engine, migrate
from content_library.files import SAMPLE_LIBRARY, import_records, read_file
from content_library.validation import AssetInput
from recommender.embedder import DEFAULT_EMBEDDER, load_embedder
from recommender.engine import Recommender

ASKS = [
    "VP Ops at a 200-person carrier, comparing us with two vendors, asked for case studies",
    "mtg w/ CFO re: PO, wants payback numbers",
    "客户想要报价，老板要看投资回报",
    "клиент только что подписал договор, нужно обучить диспетчеров",
    "happy customer offered to refer us to a partner",
    "small fleet owner, trucks run empty, never heard of us",
]
REGIONS = ["Texas", "Bavaria", "Ontario", "Guangdong", "Siberia", "Lombardy", "Queensland", "Gujarat"]
FOCUS = ["cold chain", "flatbed", "intermodal", "last mile", "LTL", "hazmat", "port drayage", "cross-border"]


def synthetic_library(n: int, seed: int = 7) -> list[AssetInput]:
    rng = random.Random(seed)
    base = read_file(SAMPLE_LIBRARY)
    out = []
    for i in range(n):
        a = base[i % len(base)]
        region, focus = rng.choice(REGIONS), rng.choice(FOCUS)
        out.append(AssetInput(
            title=f"{a.title} — {focus}, {region} #{i}", url=f"https://synthetic.example/{i}",
            content_type=a.content_type, stages=list(a.stages),
            description=f"{a.description} Edition for {focus} operators in {region}.",
            tags=[*a.tags, focus.lower().replace(" ", "-")], language=a.language, owner=a.owner,
        ))
    return out


def time_recommend(rec: Recommender, asks: list[str], repeats: int, warm_up: int | None = None) -> list[float]:
    """Milliseconds per warm `recommend`, each ask `repeats` times, after answering the first
    `warm_up` asks (all of them by default) once untimed."""
    for ask in asks[:warm_up]:
        rec.recommend(ask)
    timings = []
    for _ in range(repeats):
        for ask in asks:
            started = time.perf_counter()
            rec.recommend(ask)
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def run(sizes: list[int], repeats: int = 30) -> list[dict]:
    embedder = load_embedder(DEFAULT_EMBEDDER)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            engine = make_engine(f"sqlite:///{Path(tmp) / f'lib{n}.db'}")
            migrate(engine)
            import_records(engine, synthetic_library(n), "bench")
            rec = Recommender(engine, embedder, Path(tmp) / f"index{n}")
            t0 = time.perf_counter()
            rec.sync()
            build = time.perf_counter() - t0
            timings = time_recommend(rec, ASKS, repeats)
            embed = []
            for ask in ASKS:
                t = time.perf_counter()
                embedder.embed_queries([ask])
                embed.append((time.perf_counter() - t) * 1000)
            rows.append({"assets": n, "build_s": build, "p50": float(np.percentile(timings, 50)),
                         "p95": float(np.percentile(timings, 95)), "embed_p50": float(np.median(embed)),
                         "n": len(timings)})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| assets | index build (s) | recommend p50 (ms) | recommend p95 (ms) | of which query embedding p50 (ms) | asks |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['assets']:,} | {r['build_s']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | "
                     f"{r['embed_p50']:.1f} | {r['n']} |")
    return "\n".join(lines)
