"""The keyword index behind a *why* line: which of the ask's words it shows as the match."""

import numpy as np

from recommender.lexical import BM25Index


def _index(texts: list[str]) -> BM25Index:
    index = BM25Index()
    index.build(list(range(1, len(texts) + 1)), texts)
    return index


def test_a_why_shows_the_telling_words_not_fillers_or_words_every_asset_has():
    library = [f"Onboarding guide {n}: who does what in the first week, for the carrier platform" for n in range(8)]
    library += ["Hazmat routing checklist: who signs off, week by week, on the carrier platform",
                "Pricing for the carrier platform, who pays what"]
    index = _index(library)
    words = index.query_words("Who wants the hazmat routing checklist this week for the carrier platform?")
    shown = index.matched_terms(words, 8)
    assert "hazmat" in shown and "routing" in shown and "checklist" in shown
    assert not {"Who", "week", "this"} & set(shown)  # filler words
    assert not {"carrier", "platform"} & set(shown)  # in every asset: they tell none apart


def test_a_small_library_still_shows_its_shared_words():
    index = _index(["ROI calculator for carriers", "ROI guide for carriers"])
    assert index.matched_terms(index.query_words("ROI for carriers"), 0) == ("ROI", "carriers")


def test_a_word_is_common_or_rare_among_the_assets_of_its_own_language():
    # Six English assets, three Chinese ones that all say 客户 (customer): among Chinese assets 客户 is
    # a common word and lifts none of them much; only the word they do not share tells them apart.
    english = [f"Referral programme {n}: refer a peer, get a reward" for n in range(6)]
    chinese = ["客户故事计划:分享您的客户经验", "客户社区:与其他客户交流", "客户推荐奖励计划"]
    texts = english + chinese
    ids = list(range(1, len(texts) + 1))
    by_language = BM25Index()
    by_language.build(ids, texts, languages={i: ("zh" if i > len(english) else "en") for i in ids})
    pooled = BM25Index()
    pooled.build(ids, texts, languages=dict.fromkeys(ids, "en"))  # as if every asset were one language
    ask = "客户问有没有推荐奖励"
    assert by_language.scores(ask)[6:].argmax() == pooled.scores(ask)[6:].argmax() == 2
    # The shared word weighs less where it is common among the Chinese assets than across the library.
    shared = by_language.scores("客户")[6:].max(), pooled.scores("客户")[6:].max()
    assert shared[0] < shared[1]
    # Without languages, the script stands in for them: the same weights.
    unnamed = BM25Index()
    unnamed.build(ids, texts)
    assert np.allclose(unnamed.scores(ask), by_language.scores(ask))
