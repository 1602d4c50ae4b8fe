"""Generalisation check: journeybot on a library and asks from another industry.

`data/library_bastion.yaml` (an email-security vendor, 63 assets in English, Chinese and Russian)
and `data/queries_bastion.yaml` (30 labelled asks) were written together, before journeybot was
run on them, and nothing in journeybot is chosen by them. The Freightline sets tune nothing either,
but every ranking change of the past was looked at on them; this set has not been.

Two nDCG@5 figures, because the library holds language versions of some pages:
- per file: every URL is an item; a version in another language of a labelled asset counts 1
  (the first set's rule), so folding it under "also in" costs its place;
- per content: the versions of a page are one item, graded by the best of them; a version shown
  again lower down counts nothing (it is the same content).
And how well journeybot tells versions apart (its rule against the groups written with the
library): every cross-language pair of one content type, found or not.
"""

from __future__ import annotations

import itertools
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from benchmarks.recommend_quality import K, load_groups, ndcg, per_content_ndcg, stage_precision
from content_library.db import make_engine, migrate
from content_library.files import import_records, read_file
from content_library.languages import base_language
from recommender.config import DEFAULT
from recommender.embedder import load_embedder
from recommender.engine import Recommender
from recommender.ranking import may_be_versions, same_page
from recommender.training import load_or_train

DATA = Path(__file__).resolve().parent / "data"
LIBRARY = DATA / "library_bastion.yaml"
QUERIES = DATA / "queries_bastion.yaml"
BASE = "https://bastion.example/"


@dataclass(frozen=True)
class BlindLibrary:
    """A blind library and its asks (data/blind/README.md), newest first below."""

    title: str
    name: str  # data/blind/library_<name>.yaml and queries_<name>.yaml
    base: str

    @property
    def library(self) -> Path:
        return DATA / "blind" / f"library_{self.name}.yaml"

    @property
    def queries(self) -> Path:
        return DATA / "blind" / f"queries_{self.name}.yaml"


BLIND_LIBRARIES = (
    BlindLibrary("Blind library, round 11: RateHarbor (hotel revenue management), asks in en / de / zh",
                 "rateharbor", "https://rateharbor.example/"),
    BlindLibrary("Round 10's library: Rostaline (clinical workforce scheduling), read at the start and end of round 9",
                 "rostaline", "https://rostaline.example/"),
    BlindLibrary("Round 9's library: Vatora (indirect tax and e-invoicing software), read at the end of round 8",
                 "vatora", "https://vatora.example/"),
    BlindLibrary("Round 8's library: Tolerix (quality management for manufacturers); the round-8 changes were "
                 "chosen on it", "tolerix", "https://tolerix.example/"),
    BlindLibrary("Round 7's library: Furrowly (farm management software); the round-7 changes were chosen on it",
                 "furrowly", "https://furrowly.example/"),
    BlindLibrary("Round 6's library: TrialVista (eClinical software); round 6's second pass was chosen on it",
                 "trialvista", "https://trialvista.example/"),
    BlindLibrary("Round 5's library: Clausewise (contract management); the round-6 changes were chosen on it",
                 "clausewise", "https://clausewise.example/"),
    BlindLibrary("Round 4's library: Trussline (construction software); round 4's second pass was chosen on it",
                 "trussline", "https://trussline.example/"),
    BlindLibrary("Round 3's library: HaccpFlow (food safety); the round-4 changes were chosen on it",
                 "haccpflow", "https://haccpflow.example/"),
    BlindLibrary("Round 2's library: Gridwell (energy management); rounds 3-4 chose changes on it",
                 "gridwell", "https://gridwell.example/"),
)


def load(queries: Path = QUERIES, base: str = BASE) -> tuple[list[dict], dict[str, str]]:
    """The asks (URLs made absolute) and each versioned URL's group (its first member)."""
    data = yaml.safe_load(queries.read_text(encoding="utf-8"))
    base = data.get("base", base)
    group = load_groups(data["versions"], base)
    asks = [{**a, "relevant": {base + u: g for u, g in a["relevant"].items()}} for a in data["asks"]]
    return asks, group


def per_file_grades(relevant: dict[str, int], group: dict[str, str]) -> dict[str, int]:
    """The first set's rule: an unlabelled version of a labelled asset counts 1."""
    grades = dict(relevant)
    for url in relevant:
        for other, g in group.items():
            if g == group.get(url) and other not in grades:
                grades[other] = 1
    return grades


def run(embedder_spec: str = "e5", library: Path = LIBRARY, queries: Path = QUERIES, base: str = BASE) -> dict:
    asks, group = load(queries, base)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        engine = make_engine(f"sqlite:///{workdir / 'bastion.db'}")
        migrate(engine)
        import_records(engine, read_file(library), "bench")
        embedder = load_embedder(embedder_spec)
        rec = Recommender(engine, embedder, workdir / "index", load_or_train(embedder, workdir, []))
        rec.sync()
        rows: dict[str, list[tuple[float, ...]]] = defaultdict(list)
        baseline: dict[str, list[float]] = defaultdict(list)
        for ask in asks:
            r = rec.recommend(ask["text"], k=K)
            urls = [i.asset.url for i in r.items]
            row = (ndcg(urls, per_file_grades(ask["relevant"], group)),
                   per_content_ndcg(urls, ask["relevant"], group),
                   stage_precision([i.asset.stages for i in r.items], ask["stage"]),
                   float(r.stage.stage == ask["stage"]))
            for key in ("all", base_language(ask["lang"]), ask["stage"]):
                rows[key].append(row)
            bm25 = rec.index.lexical.scores(ask["text"])
            lexical = [rec.assets[int(rec.index.lexical.ids[p])].url for p in np.argsort(-bm25)[:K]]
            vector = embedder.embed_queries([ask["text"]])[0]
            dense = [rec.assets[i].url for i, _ in rec.index.vectors.search(vector, K)]
            for name, ranked in (("bm25", lexical), ("dense", dense)):
                baseline[f"{name} file"].append(ndcg(ranked, per_file_grades(ask["relevant"], group)))
                baseline[f"{name} content"].append(per_content_ndcg(ranked, ask["relevant"], group))
        pairs = _version_pairs(rec, group, base)
    metrics = {key: [float(np.mean(column)) for column in zip(*values, strict=True)] for key, values in rows.items()}
    return {"metrics": metrics, "counts": {k: len(v) for k, v in rows.items()},
            "baselines": {k: float(np.mean(v)) for k, v in baseline.items()}, "pairs": pairs}


def _version_pairs(rec: Recommender, group: dict[str, str], base: str) -> dict[str, list[tuple[str, str, float]]]:
    """Every pair that may be versions (ranking.may_be_versions): whether journeybot's rule
    (ranking.same_page, as in ranking.is_version) calls them versions, against the written groups."""
    views = list(rec.assets.values())
    found: dict[str, list[tuple[str, str, float]]] = {"right": [], "merged distinct": [], "missed": [], "kept apart": []}
    for a, b in itertools.combinations(views, 2):
        if not may_be_versions(a, b):
            continue
        cosine = float(rec.index.vectors.vector(a.id) @ rec.index.vectors.vector(b.id))
        truth = a.url in group and group.get(a.url) == group.get(b.url)
        said = same_page(a, b, cosine)
        kind = {(True, True): "right", (False, True): "merged distinct", (True, False): "missed",
                (False, False): "kept apart"}[(truth, said)]
        found[kind].append((a.url.removeprefix(base), b.url.removeprefix(base), round(cosine, 3)))
    return found


def table(result: dict) -> str:
    m, n = result["metrics"], result["counts"]
    lines = ["| asks | n | nDCG@5 per file | nDCG@5 per content | stage P@5 | stage accuracy |",
             "|---|---|---|---|---|---|"]
    for key in ("all", "en", "zh", "ru", "de", "awareness", "consideration", "decision", "retention", "advocacy"):
        if key in m:
            lines.append(f"| {key} | {n[key]} | " + " | ".join(f"{v:.3f}" for v in m[key]) + " |")
    b = result["baselines"]
    lines += ["", "| baseline (all asks) | nDCG@5 per file | nDCG@5 per content |", "|---|---|---|",
              f"| BM25 only | {b['bm25 file']:.3f} | {b['bm25 content']:.3f} |",
              f"| dense only | {b['dense file']:.3f} | {b['dense content']:.3f} |", ""]
    pairs = result["pairs"]
    lines.append(f"Language versions (cosine ≥ {DEFAULT.translation}, or one URL but for a language mark), over {sum(map(len, pairs.values()))} cross-language "
                 f"pairs of one type: {len(pairs['right'])} versions found, {len(pairs['missed'])} missed, "
                 f"{len(pairs['merged distinct'])} distinct pairs taken for versions.")
    for kind in ("missed", "merged distinct"):
        for a, b_, cosine in sorted(pairs[kind], key=lambda p: -p[2]):
            lines.append(f"- {kind}: {a} / {b_} ({cosine})")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run()))
