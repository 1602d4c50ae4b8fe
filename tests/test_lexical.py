"""The keyword index behind a *why* line: which of the ask's words it shows as the match."""

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
