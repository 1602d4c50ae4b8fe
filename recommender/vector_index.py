"""The faiss vector index: a derived cache of the database, keyed by asset id.

It is saved in the data directory next to a JSON manifest holding the model id, the dimension, a
content hash per asset id and the faiss label each asset's vector is stored under. At start-up
`sync()` compares the manifest with the database and rebuilds the index when the file is missing,
unreadable or from another model, or applies an incremental update (add / re-embed / remove) when
only some assets changed.

Small libraries are searched exactly; above EXACT_SEARCH_LIMIT vectors an HNSW graph takes over. A
graph cannot delete, so an asset that changes or leaves gets a tombstone (its old label is filtered
out of every search) and its new vector a fresh label; when tombstones pass COMPACT_SHARE of the
graph, it is rebuilt from the vectors it holds — re-embedding nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from recommender.embedder import Embedder
from recommender.threads import all_cores, one_query_at_a_time

log = logging.getLogger(__name__)
# Above this many vectors an HNSW graph replaces exact search (approximate; see the README).
EXACT_SEARCH_LIMIT = 50_000
# HNSW settings, chosen on 100k vectors synthesised from e5 embeddings (benchmarks/scale.py):
# M=32/efConstruction=80/efSearch=128 gave recall@10 0.84; these give 0.96-0.98 at 2-4 ms a search.
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 200, 512
# A search restricted to at most this many vectors scores them exactly, even in a graph index.
EXACT_SUBSET_LIMIT = 2_000
# A graph index is rebuilt from its own vectors once this share of it is tombstones.
COMPACT_SHARE = 0.25


@dataclass
class SyncReport:
    action: str  # "loaded", "rebuilt", "updated"
    reason: str
    added: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return f"index {self.action}: {self.reason} (+{self.added} / -{self.removed})"


def fingerprint(model_id: str, hashes: dict[int, str]) -> str:
    digest = hashlib.sha256(model_id.encode())
    for asset_id in sorted(hashes):
        digest.update(f"{asset_id}:{hashes[asset_id]};".encode())
    return digest.hexdigest()


def _bitmap(labels: np.ndarray, size: int) -> faiss.IDSelectorBitmap:
    mask = np.zeros(max(size, 1), dtype=bool)
    mask[labels] = True
    return faiss.IDSelectorBitmap(np.packbits(mask, bitorder="little"))


class VectorIndex:
    def __init__(self, embedder: Embedder, directory: Path) -> None:
        one_query_at_a_time()
        self.embedder = embedder
        self.directory = Path(directory)
        slug = "".join(ch if ch.isalnum() else "_" for ch in embedder.model_id)[:80]
        self.index_path = self.directory / f"{slug}.faiss"
        self.manifest_path = self.directory / f"{slug}.json"
        self.hashes: dict[int, str] = {}
        self.labels: dict[int, int] = {}  # asset id -> faiss label of its current vector
        self.next_label = 0
        self._set_index(self._flat())

    # -- construction ---------------------------------------------------------------------------
    def _flat(self) -> faiss.Index:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.embedder.dim))

    def _hnsw(self) -> faiss.Index:
        hnsw = faiss.IndexHNSWFlat(self.embedder.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        return faiss.IndexIDMap2(hnsw)

    def _set_index(self, index: faiss.Index) -> None:
        self.index = index
        inner = faiss.downcast_index(index.index)
        self.approximate = isinstance(inner, faiss.IndexHNSWFlat)
        if self.approximate:
            inner.hnsw.efSearch = HNSW_EF_SEARCH  # the search setting is ours, not a saved file's
        self._refresh_maps()

    def _refresh_maps(self) -> None:
        """Arrays translating asset ids <-> labels, and the live-label filter when tombstones exist."""
        size = max(self.labels, default=-1) + 1
        self._label_of = np.full(size, -1, dtype=np.int64)
        self._asset_of = np.full(self.next_label, -1, dtype=np.int64)
        if self.labels:
            assets = np.fromiter(self.labels.keys(), dtype=np.int64, count=len(self.labels))
            labels = np.fromiter(self.labels.values(), dtype=np.int64, count=len(self.labels))
            self._label_of[assets] = labels
            self._asset_of[labels] = assets
        live = np.flatnonzero(self._asset_of >= 0)
        self._live = _bitmap(live, self.next_label) if self.tombstones else None

    @property
    def tombstones(self) -> int:
        return int(self.index.ntotal) - len(self.labels)

    def _write(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        manifest = {
            "model_id": self.embedder.model_id,
            "dim": self.embedder.dim,
            "count": int(self.index.ntotal),
            "fingerprint": fingerprint(self.embedder.model_id, self.hashes),
            "hashes": {str(k): v for k, v in self.hashes.items()},
            "labels": {str(k): v for k, v in self.labels.items()},
            "next_label": self.next_label,
        }
        # Write both files to temporary names, then rename: a crash never leaves a half-written pair.
        fd, tmp_index = tempfile.mkstemp(dir=self.directory, suffix=".faiss.tmp")
        os.close(fd)
        faiss.write_index(self.index, tmp_index)
        fd, tmp_manifest = tempfile.mkstemp(dir=self.directory, suffix=".json.tmp")
        with os.fdopen(fd, "w") as fh:
            fh.write(json.dumps(manifest))  # dumps uses the C encoder; dump would not
        os.replace(tmp_index, self.index_path)
        os.replace(tmp_manifest, self.manifest_path)

    def _load(self) -> str | None:
        """Load the saved index; return why it cannot be used, or None when it loaded."""
        if not self.index_path.exists() or not self.manifest_path.exists():
            return "no saved index"
        try:
            manifest = json.loads(self.manifest_path.read_text())
            index = faiss.read_index(str(self.index_path))
            hashes = {int(k): str(v) for k, v in manifest.get("hashes", {}).items()}
            # Indexes saved before labels existed stored each vector under its asset id.
            labels = {int(k): int(v) for k, v in manifest.get("labels", {str(i): i for i in hashes}).items()}
            next_label = int(manifest.get("next_label", max(labels.values(), default=-1) + 1))
        except Exception as exc:  # faiss raises RuntimeError, json ValueError/TypeError: all unreadable
            return f"saved index unreadable ({exc.__class__.__name__})"
        if manifest.get("model_id") != self.embedder.model_id or index.d != self.embedder.dim:
            return f"saved index is from another model ({manifest.get('model_id')})"
        if (
            manifest.get("fingerprint") != fingerprint(self.embedder.model_id, hashes)
            or set(labels) != set(hashes)
            or index.ntotal != manifest.get("count")
            or index.ntotal < len(labels)
            or any(not 0 <= label < next_label for label in labels.values())
        ):
            return "saved index does not match its manifest"
        self.hashes, self.labels, self.next_label = hashes, labels, next_label
        self._set_index(index)
        return None

    def rebuild(self, documents: dict[int, tuple[str, str]]) -> None:
        """Re-embed every document. documents: asset id -> (content hash, text to embed)."""
        ids = sorted(documents)
        vectors = self.embedder.embed_documents([documents[i][1] for i in ids]) if ids else None
        self._build(ids, vectors, {i: documents[i][0] for i in ids})
        self._write()

    def _build(self, ids: list[int], vectors: np.ndarray | None, hashes: dict[int, str]) -> None:
        """A fresh index of the right kind for `ids`, labelled 0..n-1."""
        index = self._flat() if len(ids) <= EXACT_SEARCH_LIMIT else self._hnsw()
        if ids:
            with all_cores():
                index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.arange(len(ids)))
        self.hashes = hashes
        self.labels = {asset_id: label for label, asset_id in enumerate(ids)}
        self.next_label = len(ids)
        self._set_index(index)

    def _compact_if_due(self) -> str | None:
        """Rebuild from the held vectors when tombstones pile up or the library crossed the size
        where the other kind of index is the right one. Returns why, or None."""
        live = len(self.labels)
        if self.approximate and self.tombstones > COMPACT_SHARE * self.index.ntotal:
            reason = f"{self.tombstones} replaced vectors"
        elif self.approximate and live <= EXACT_SEARCH_LIMIT // 2:
            reason = f"library shrank to {live} assets: exact search"
        elif not self.approximate and live > EXACT_SEARCH_LIMIT:
            reason = f"library grew to {live} assets: approximate search"
        else:
            return None
        ids = sorted(self.labels)
        vectors = self.vectors(ids) if ids else None
        self._build(ids, vectors, dict(self.hashes))
        log.info("vector index compacted: %s", reason)
        return reason

    def sync(self, documents: dict[int, tuple[str, str]]) -> SyncReport:
        """Make the index match the database's active assets (id -> (hash, text))."""
        if not self.hashes:
            problem = self._load()
            if problem is not None:
                log.warning("rebuilding the vector index: %s", problem)
                self.rebuild(documents)
                return SyncReport("rebuilt", problem, added=len(documents))
        stale = [i for i, h in self.hashes.items() if documents.get(i, (None,))[0] != h]
        new = [i for i in documents if self.hashes.get(i) != documents[i][0]]
        if not stale and not new:
            if self._compact_if_due():
                self._write()
            return SyncReport("loaded", "up to date")
        # Embed first: if the model fails, the index is left as it was.
        vectors = self.embedder.embed_documents([documents[i][1] for i in new]) if new else None
        gone = [self.labels.pop(i) for i in stale]
        for i in stale:
            del self.hashes[i]
        if gone and not self.approximate:
            self.index.remove_ids(np.asarray(gone, dtype=np.int64))
        if new:
            labels = np.arange(self.next_label, self.next_label + len(new), dtype=np.int64)
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), labels)
            self.next_label += len(new)
            self.labels.update(zip(new, labels.tolist(), strict=True))
            self.hashes.update({i: documents[i][0] for i in new})
        if not self._compact_if_due():  # a compaction refreshes the maps itself
            self._refresh_maps()
        self._write()
        removed = len(set(stale) - set(new))
        log.info("vector index updated: %d (re-)embedded, %d removed", len(new), removed)
        return SyncReport("updated", "library changed", added=len(new), removed=removed)

    # -- reading --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.labels)

    def _labels_for(self, asset_ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(asset_ids, dtype=np.int64)
        ids = ids[(ids >= 0) & (ids < len(self._label_of))]
        labels = self._label_of[ids]
        return labels[labels >= 0]

    def vector(self, asset_id: int) -> np.ndarray:
        return self.index.reconstruct(self.labels[int(asset_id)])

    def vectors(self, asset_ids: list[int]) -> np.ndarray:
        labels = np.asarray([self.labels[int(i)] for i in asset_ids], dtype=np.int64)
        return self.index.reconstruct_batch(labels)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (asset id, cosine) for one query vector, optionally only among `allowed` ids."""
        if not self.labels or k <= 0:
            return []
        query = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        selector, count = self._live, len(self.labels)
        if allowed is not None:
            labels = self._labels_for(allowed)
            if len(labels) == 0:
                return []
            if self.approximate and len(labels) <= EXACT_SUBSET_LIMIT:
                return self._exact(query[0], labels, k)
            selector, count = _bitmap(labels, self.next_label), len(labels)
        params = faiss.SearchParameters(sel=selector) if selector is not None else None
        scores, labels = self.index.search(query, min(k, count), params=params)
        return [(int(self._asset_of[label]), float(score)) for label, score in zip(labels[0], scores[0], strict=True)
                if label >= 0 and self._asset_of[label] >= 0]

    def _exact(self, query: np.ndarray, labels: np.ndarray, k: int) -> list[tuple[int, float]]:
        scores = self.index.reconstruct_batch(labels) @ query
        top = np.argsort(-scores, kind="stable")[:k]
        return [(int(self._asset_of[labels[p]]), float(scores[p])) for p in top]
