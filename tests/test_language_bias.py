"""The language offset of a cosine, taken off so that ranking compares what documents are about."""

import numpy as np

from content_library.languages import base_language
from recommender.config import DEFAULT
from recommender.language_bias import language_directions

PRIOR_DOCUMENTS = DEFAULT.language_prior_documents


def _unit(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_language_whose_documents_share_a_direction_has_that_offset_taken_off():
    rng = np.random.default_rng(0)
    topics = rng.normal(size=(40, 16))
    language = np.zeros(16)
    language[0] = 3.0  # every Chinese document leans the same way, whatever its topic
    vectors = _unit(np.vstack([topics[:20], topics[20:] + language]))
    languages = ["en"] * 20 + ["zh-hant"] * 10 + ["zh"] * 10  # one base language for zh and zh-hant
    directions = language_directions(vectors, languages)
    assert set(directions) == {"en", "zh"}
    ask = _unit([language])[0]  # an ask that only shares the language
    assert directions["zh"] @ ask > 0.2 > 0 > directions["en"] @ ask
    # After the offsets the Chinese documents' lead over the English ones is what the shrinkage
    # leaves of it: with 20 documents each, PRIOR_DOCUMENTS / (20 + PRIOR_DOCUMENTS).
    adjusted = vectors @ ask - np.asarray([directions[base_language(lang)] @ ask for lang in languages])
    raw_gap = (vectors[20:] @ ask).mean() - (vectors[:20] @ ask).mean()
    assert np.isclose(adjusted[20:].mean() - adjusted[:20].mean(), raw_gap * PRIOR_DOCUMENTS / (20 + PRIOR_DOCUMENTS),
                      rtol=1e-4)


def test_a_language_with_few_documents_keeps_most_of_its_cosines():
    vectors = _unit([[1, 0, 0], [0, 1, 0], [0, 1, 0.1], [0, 0.9, 0.2]])
    directions = language_directions(vectors, ["es", "en", "en", "en"])
    raw = vectors[0] - vectors.mean(axis=0)
    assert np.allclose(directions["es"], raw * 1 / (1 + PRIOR_DOCUMENTS))


def test_an_empty_library_has_no_offsets():
    assert language_directions(np.zeros((0, 4), dtype=np.float32), []) == {}
