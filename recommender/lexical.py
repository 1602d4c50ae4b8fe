"""BM25 keyword search with a tokeniser that works for English, Russian and Chinese.

Latin and Cyrillic words are lower-cased and lightly stemmed (suffix stripping for English,
prefix truncation for Russian); Han characters become unigrams and bigrams, so Chinese needs no
word segmenter. Scores come from a sparse document-term matrix, so a query is one sparse column sum.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

import numpy as np
from scipy import sparse

from content_library.languages import FUNCTION_WORDS
from recommender.textnorm import fold, is_han

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[а-яё0-9]+|[\u3400-\u9fff\uf900-\ufaff]+")
_EN_SUFFIXES = ("ations", "ation", "ingly", "ing", "ers", "ies", "ied", "ed", "es", "er", "ly", "s")
_STOP = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "how", "i", "in", "is", "it", "its", "of", "on", "or", "our", "that", "the", "their", "they", "this", "to", "was", "we", "what", "with", "you", "your", "us", "them", "want", "wants", "asked", "ask", "need", "needs", "looking", "about", "any", "some", "do", "does", "и", "в", "во", "на", "с", "со", "по", "для", "как", "что", "это", "у", "о", "об", "от", "из", "за", "к", "не", "но", "а", "же", "ли", "мы", "они", "он", "она", "их"]
)

# Words a *why* line never shows as the match: they match many assets and explain none ("who",
# "week", "team"). BM25 still counts them (weighted down by their document frequency).
_NOT_SHOWN = FUNCTION_WORDS | frozenset(
    ["week", "weeks", "month", "months", "day", "days", "year", "years", "today", "yesterday", "tomorrow", "time", "people", "person", "company", "companies", "team", "teams", "call", "calls", "said", "says", "told", "get", "got", "also", "new", "like", "one", "two", "three", "just", "still", "really", "very", "much", "more", "back", "next", "last", "first", "other", "others", "thing", "things", "way", "lot", "well", "make", "made", "know", "going", "want"])
# ... nor a word found in more than this share of the library's documents.
_SHOWN_SHARE = 0.4
_SHARE_FROM = 10  # documents: in a library of three, every word is in a third of it


def _is_cyrillic(ch: str) -> bool:
    return "а" <= ch <= "я" or ch == "ё"


def _script_of(tokens: list[str]) -> str:
    """A document's script where its language is not given: Han, Cyrillic or Latin, the commonest."""
    counts = Counter("han" if is_han(t[0]) else "cyrillic" if _is_cyrillic(t[0]) else "latin" for t in tokens)
    return counts.most_common(1)[0][0] if counts else "latin"


@functools.lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    if word.isdigit():
        return word
    if _is_cyrillic(word[0]):
        return word[:6] if len(word) > 6 else word
    for suffix in _EN_SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for match in _TOKEN.finditer(fold(text)):
        piece = match.group(0)
        if is_han(piece[0]):
            tokens.extend(piece)
            tokens.extend(piece[i:i + 2] for i in range(len(piece) - 1))
        elif piece not in _STOP and len(piece) > 1:
            tokens.append(_stem(piece))
    return tokens


class BM25Index:
    """Okapi BM25 over documents keyed by external ids."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.ids: np.ndarray = np.zeros(0, dtype=np.int64)
        self._vocab: dict[str, int] = {}  # only grows: a term whose documents left matches nothing
        # id -> (term columns, term counts, length in tokens, the set of tokens, its language)
        self._docs: dict[int, tuple[np.ndarray, np.ndarray, int, frozenset[str], str]] = {}
        self._matrix = sparse.csc_matrix((0, 0), dtype=np.float32)
        self._tokens: list[frozenset[str]] = []
        self._share = np.zeros(0, dtype=np.float32)

    def build(self, ids: list[int], texts: list[str], languages: dict[int, str] | None = None) -> None:
        self._vocab, self._docs = {}, {}
        self.update(dict(zip(ids, texts, strict=True)), languages=languages)

    def update(self, texts: dict[int, str], removed=(), languages: dict[int, str] | None = None) -> None:
        """Add or replace the documents in `texts` (each in its language, `languages`: id -> code;
        the script of its words where not given), drop those in `removed`: only these are tokenised
        again; the weights (which depend on every document) are recomputed in bulk."""
        for asset_id in removed:
            self._docs.pop(asset_id, None)
        for asset_id, text in texts.items():
            tokens = tokenize(text)
            counts = Counter(tokens)
            columns = np.fromiter((self._vocab.setdefault(t, len(self._vocab)) for t in counts), dtype=np.int64,
                                  count=len(counts))
            language = (languages or {}).get(asset_id) or _script_of(tokens)
            self._docs[asset_id] = (columns, np.fromiter(counts.values(), dtype=np.float32, count=len(counts)),
                                    len(tokens), frozenset(counts), language)
        self._assemble()

    def _assemble(self) -> None:
        ids = sorted(self._docs)
        docs = [self._docs[i] for i in ids]
        self.ids = np.asarray(ids, dtype=np.int64)
        self._tokens = [d[3] for d in docs]
        n = len(docs)
        if n == 0:
            self._matrix = sparse.csc_matrix((0, len(self._vocab)), dtype=np.float32)
            return
        lengths = np.array([d[2] for d in docs], dtype=np.float32)
        avg = float(lengths.mean()) or 1.0
        rows = np.repeat(np.arange(n), [len(d[0]) for d in docs])
        cols = np.concatenate([d[0] for d in docs])
        tf = np.concatenate([d[1] for d in docs])
        df = np.bincount(cols, minlength=len(self._vocab)).astype(np.float32)
        # A term is rare or common among the documents of the languages it is written in: in a
        # library that is one-seventh Chinese, 客户 in most Chinese assets is a common word, not a rare
        # one that lifts every Chinese asset above the English page that answers a Chinese ask ("SAP",
        # in English and German assets, is counted among both).
        names, language = np.unique([d[4] for d in docs], return_inverse=True)
        written_in = sparse.csr_matrix((np.ones(len(cols), dtype=np.float32), (cols, language[rows])),
                                       shape=(len(self._vocab), len(names)))
        written_in.data[:] = 1.0  # duplicates summed: a term is in a language or not
        among = np.maximum(written_in @ np.bincount(language, minlength=len(names)).astype(np.float32), 1.0)
        self._share = df / among  # of each term's documents, for the *why* (matched_terms)
        idf = np.log(1.0 + (among - df + 0.5) / (df + 0.5))
        norm = self.k1 * (1 - self.b + self.b * lengths[rows] / avg)
        weights = idf[cols] * tf * (self.k1 + 1) / (tf + norm)
        self._matrix = sparse.csc_matrix((weights, (rows, cols)), shape=(n, len(self._vocab)), dtype=np.float32)

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def query_terms(self, text: str) -> list[str]:
        return [t for t in dict.fromkeys(tokenize(text)) if t in self._vocab]

    def scores(self, text: str) -> np.ndarray:
        """BM25 score of every document (aligned with `ids`)."""
        terms = self.query_terms(text)
        if not terms or len(self) == 0:
            return np.zeros(len(self), dtype=np.float32)
        cols = [self._vocab[t] for t in terms]
        return np.asarray(self._matrix[:, cols].sum(axis=1)).ravel()

    @staticmethod
    def top(scores: np.ndarray, n: int) -> np.ndarray:
        """Positions of the (at most) n best positive scores, best first, without sorting them all."""
        if len(scores) > n:
            best = np.argpartition(-scores, n)[:n]
            positions = best[np.argsort(-scores[best], kind="stable")]
        else:
            positions = np.argsort(-scores, kind="stable")
        return positions[scores[positions] > 0]

    def query_words(self, text: str) -> list[tuple[str, object]]:
        """The description's words as written, each with what a document must contain to match it:
        its stem (Latin/Cyrillic) or, for a run of Chinese, the folded run (matched pair by pair).
        Bare numbers are left out: "50" of a 50-person company matching "50 trucks" explains nothing."""
        words: list[tuple[str, object]] = []
        original = unicodedata.normalize("NFKC", text)
        folded = fold(original)
        same = len(folded) == len(original)  # zhconv can change lengths; then show the folded form
        for match in _TOKEN.finditer(folded):
            piece = original[match.start():match.end()] if same else match.group(0)
            if is_han(piece[0]):
                words.append((piece, ("han", match.group(0))))
            elif match.group(0) not in _STOP and len(piece) > 1 and not piece.isdigit():
                words.append((piece, _stem(match.group(0))))
        return words

    def matched_terms(self, query_words: list[tuple[str, object]], position: int) -> tuple[str, ...]:
        """Which of `query_words` occur in the document at `position` (for explanations).
        Chinese matches are shown as the longest runs of matching character pairs."""
        doc = self._tokens[position]
        out: list[str] = []
        for word, key in query_words:
            if isinstance(key, tuple):
                out.extend(_han_runs(word, doc, key[1]))
            elif key in doc and self._telling(word, key):
                out.append(word)
        return tuple(dict.fromkeys(out))

    def _telling(self, word: str, key: str) -> bool:
        """Whether a matched word explains anything: not a function or filler word, and not in most
        of the library's documents."""
        if fold(word) in _NOT_SHOWN or key in _NOT_SHOWN:
            return False
        column = self._vocab.get(key)
        if column is None or column >= len(self._share) or len(self) < _SHARE_FROM:
            return True
        return bool(self._share[column] <= _SHOWN_SHARE)


def _han_runs(piece: str, doc: set[str], folded: str) -> list[str]:
    """Longest runs of `piece` whose character pairs (folded) occur in the document."""
    runs, start = [], None
    for i in range(len(piece) - 1):
        if folded[i:i + 2] in doc:
            start = i if start is None else start
            end = i + 2
        elif start is not None:
            runs.append(piece[start:end])
            start = None
    if start is not None:
        runs.append(piece[start:end])
    return runs

