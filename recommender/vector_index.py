"""The faiss vector index: a derived cache of the database, keyed by asset id.

It is saved in the data directory next to a JSON manifest holding the model id, the dimension and
a content hash per asset id. At start-up `sync()` compares the manifest with the database and
rebuilds the index when the file is missing, unreadable or from another model, or applies an
incremental update (add / re-embed / remove) when only some assets changed.
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

log = logging.getLogger(__name__)
# Above this many vectors an HNSW graph replaces exact search (approximate; see the README).
EXACT_SEARCH_LIMIT = 50_000
# HNSW settings, chosen on 100k vectors synthesised from e5 embeddings (benchmarks/scale.py):
# M=32/efConstruction=80/efSearch=128 gave recall@10 0.84; these give 0.96-0.98 at 2-4 ms a search.
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 200, 512


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


class VectorIndex:
    def __init__(self, embedder: Embedder, directory: Path) -> None:
        self.embedder = embedder
        self.directory = Path(directory)
        slug = "".join(ch if ch.isalnum() else "_" for ch in embedder.model_id)[:80]
        self.index_path = self.directory / f"{slug}.faiss"
        self.manifest_path = self.directory / f"{slug}.json"
        self.hashes: dict[int, str] = {}
        self.index: faiss.Index = self._empty()

    # -- construction ---------------------------------------------------------------------------
    def _empty(self) -> faiss.Index:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.embedder.dim))

    def _write(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        manifest = {
            "model_id": self.embedder.model_id,
            "dim": self.embedder.dim,
            "count": int(self.index.ntotal),
            "fingerprint": fingerprint(self.embedder.model_id, self.hashes),
            "hashes": {str(k): v for k, v in self.hashes.items()},
        }
        # Write both files to temporary names, then rename: a crash never leaves a half-written pair.
        fd, tmp_index = tempfile.mkstemp(dir=self.directory, suffix=".faiss.tmp")
        os.close(fd)
        faiss.write_index(self.index, tmp_index)
        fd, tmp_manifest = tempfile.mkstemp(dir=self.directory, suffix=".json.tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump(manifest, fh)
        os.replace(tmp_index, self.index_path)
        os.replace(tmp_manifest, self.manifest_path)

    def _load(self) -> str | None:
        """Load the saved index; return why it cannot be used, or None when it loaded."""
        if not self.index_path.exists() or not self.manifest_path.exists():
            return "no saved index"
        try:
            manifest = json.loads(self.manifest_path.read_text())
            index = faiss.read_index(str(self.index_path))
        except Exception as exc:  # faiss raises RuntimeError, json ValueError; both mean unreadable
            return f"saved index unreadable ({exc.__class__.__name__})"
        if manifest.get("model_id") != self.embedder.model_id or index.d != self.embedder.dim:
            return f"saved index is from another model ({manifest.get('model_id')})"
        hashes = {int(k): v for k, v in manifest.get("hashes", {}).items()}
        if index.ntotal != len(hashes) or manifest.get("fingerprint") != fingerprint(self.embedder.model_id, hashes):
            return "saved index does not match its manifest"
        inner = faiss.downcast_index(index.index) if hasattr(index, "index") else None
        if isinstance(inner, faiss.IndexHNSWFlat):
            inner.hnsw.efSearch = HNSW_EF_SEARCH  # the search setting is ours, not the saved file's
        self.index, self.hashes = index, hashes
        return None

    def rebuild(self, documents: dict[int, tuple[str, str]]) -> None:
        """documents: asset id -> (content hash, text to embed)."""
        ids = sorted(documents)
        vectors = self.embedder.embed_documents([documents[i][1] for i in ids]) if ids else None
        index = self._empty() if len(ids) <= EXACT_SEARCH_LIMIT else self._hnsw()
        if ids:
            index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))
        self.index = index
        self.hashes = {i: documents[i][0] for i in ids}
        self._write()

    def _hnsw(self) -> faiss.Index:
        hnsw = faiss.IndexHNSWFlat(self.embedder.dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        return faiss.IndexIDMap2(hnsw)

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
            return SyncReport("loaded", "up to date")
        if stale:
            try:
                self.index.remove_ids(np.asarray(stale, dtype=np.int64))
            except RuntimeError:  # graph indexes (HNSW) cannot remove vectors: rebuild instead
                self.rebuild(documents)
                return SyncReport("rebuilt", "library changed", added=len(documents))
            for i in stale:
                self.hashes.pop(i, None)
        if new:
            vectors = self.embedder.embed_documents([documents[i][1] for i in new])
            self.index.add_with_ids(vectors, np.asarray(new, dtype=np.int64))
            self.hashes.update({i: documents[i][0] for i in new})
        self._write()
        removed = len(set(stale) - set(new))
        log.info("vector index updated: %d re-embedded, %d removed", len(new), removed)
        return SyncReport("updated", "library changed", added=len(new), removed=removed)

    # -- search ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.index.ntotal)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-k (asset id, cosine) for one query vector, optionally only among `allowed` ids."""
        if len(self) == 0 or k <= 0:
            return []
        params = None
        if allowed is not None:
            if len(allowed) == 0:
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64)))
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), min(k, len(self)), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=False) if i != -1]
