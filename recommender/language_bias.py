"""The part of a cosine that only says which language a document is in.

A multilingual embedder puts an ask closer to every document in the ask's own language than to
documents in another one, whatever they are about: with the default embedder on the sample library,
a Chinese ask's cosine to the Chinese assets is on average about 0.06 above its cosine to the
English ones, more than the spread of its cosines over the whole library (standard deviation about
0.04); for a Russian ask the gap is about 0.025 against 0.02. Ranking then prefers the ask's language twice — once through that hidden offset, whose
size differs for every pair of languages, and once through the explicit language bonus — and a
prospect who asks for a sandbox gets three unrelated Chinese assets before the English free trial.

The offset for one ask and one language is the ask's cosine to that language's centroid (the mean
of its documents' vectors) less its cosine to the centroid of the whole library; taking it off every
document of that language leaves what the document is about. A language with few documents has a
centroid that is mostly their topics, not their language, so its offset is shrunk toward zero:
by n / (n + prior_documents) for n documents (RankingConfig.language_prior_documents).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from content_library.languages import base_language
from recommender.config import DEFAULT


def language_directions(vectors: np.ndarray, languages: list[str],
                        prior_documents: int = DEFAULT.language_prior_documents) -> dict[str, np.ndarray]:
    """For each language (base code), the vector whose dot product with an ask's vector is that
    language's offset: its shrunk centroid less the library's centroid. `vectors` are unit document
    vectors (one row per document, a sample of the library will do), `languages` their languages;
    `prior_documents` documents of a language count as much as the assumption "no offset"."""
    if len(vectors) == 0:
        return {}
    overall = vectors.mean(axis=0)
    rows: dict[str, list[int]] = defaultdict(list)
    for row, language in enumerate(languages):
        rows[base_language(language)].append(row)
    return {language: (vectors[members].mean(axis=0) - overall) * (len(members) / (len(members) + prior_documents))
            for language, members in rows.items()}
