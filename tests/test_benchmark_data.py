"""The benchmarks' labelled data stays consistent with the libraries it grades, and the per-content
nDCG counts a page in several languages as one item."""

import math

import pytest
import yaml

from benchmarks import recommend_quality as rq
from benchmarks import second_library as sl
from content_library.files import SAMPLE_LIBRARY, read_file
from content_library.languages import base_language


def _urls(path) -> dict[str, str]:
    """URL -> language of every asset of a library file, read and validated as an import reads it."""
    return {r.url: r.language for r in read_file(path)}


def test_second_library_is_a_valid_import_and_its_labels_name_its_assets():
    library = _urls(sl.LIBRARY)
    asks, group = sl.load()
    assert len(library) == 63 and len(asks) == 30
    assert set(group) <= set(library)
    assert {u for a in asks for u in a["relevant"]} <= set(library)
    assert {a["stage"] for a in asks} == {"awareness", "consideration", "decision", "retention", "advocacy"}
    # A version group holds one page per language: two members in one language would be two pages.
    members: dict[str, list[str]] = {}
    for url, key in group.items():
        members.setdefault(key, []).append(base_language(library[url]))
    assert all(len(langs) == len(set(langs)) >= 2 for langs in members.values())


def test_sample_library_versions_and_labels_name_its_assets():
    library = _urls(SAMPLE_LIBRARY)
    group = rq.load_groups(yaml.safe_load(rq.VERSIONS.read_text(encoding="utf-8")))
    assert set(group) <= set(library)
    for path in (rq.QUERIES, rq.SECOND_QUERIES):
        assert {u for q in rq.load_queries(path) for u in q.relevant} <= set(library)


@pytest.fixture
def pricing():
    group = rq.load_groups([["pricing", "zh/pricing", "ru/pricing"]], base="")
    return group, {"zh/pricing": 2, "pricing": 1, "tools/roi": 2}


def test_per_content_ndcg_counts_language_versions_once(pricing):
    group, relevant = pricing
    # The Chinese page with its versions folded under it, then the calculator: everything there is.
    assert rq.per_content_ndcg(["zh/pricing", "tools/roi"], relevant, group) == pytest.approx(1.0)
    # Per file the English version is a separate grade-1 item, so the same list falls short.
    assert rq.ndcg(["zh/pricing", "tools/roi"], relevant) < 0.95
    # Showing the English version again gains nothing per content, and pushes the calculator down.
    again = rq.per_content_ndcg(["zh/pricing", "pricing", "tools/roi"], relevant, group)
    assert again < 0.95
    assert rq.per_content_ndcg(["tools/roi", "ru/pricing"], relevant, group) == pytest.approx(1.0)


def test_per_content_ndcg_without_versions_is_plain_ndcg():
    relevant = {"a": 2, "b": 1}
    for ranked in (["a", "b"], ["b", "x", "a"], ["x"]):
        assert math.isclose(rq.per_content_ndcg(ranked, relevant, {}), rq.ndcg(ranked, relevant))


def test_per_file_grades_give_unlabelled_versions_one(pricing):
    group, relevant = pricing
    grades = sl.per_file_grades(relevant, group)
    assert grades == {"zh/pricing": 2, "pricing": 1, "ru/pricing": 1, "tools/roi": 2}


def test_other_languages_set_holds_languages_the_classifier_was_not_trained_on():
    """The 40-item set was written for languages outside the first training set; round 2 trains
    six of them, so the benchmark reports the untrained ones (Korean, Polish, Ukrainian) apart."""
    from benchmarks.stage_classifier import OTHER_LANGUAGES, untrained
    from content_library.languages import detect_language
    from recommender.training import load_examples

    other, trained = load_examples(OTHER_LANGUAGES), {base_language(e.lang) for e in load_examples()}
    assert len(other) == 40 and {e.stage for e in other} == {"awareness", "consideration", "decision", "retention",
                                                              "advocacy"}
    assert {e.lang for e in untrained(other)} == {"ko", "pl", "uk"} and not {e.lang for e in untrained(other)} & trained
    assert all(detect_language(e.text) == e.lang for e in other)


BLIND_HASHES = {
    "stage_blind_r2.yaml": "37800a50643b5effd43275435f4b465895514f046c526e03b3c5d18b1ad40020",
    "library_gridwell.yaml": "46b32f9aefb85fcf76f2ce9f9b276115a54a7d2e4be1148d8dd8204d4c8be717",
    "queries_gridwell.yaml": "d03efef58d223027cb86dd2e69d53831c8aa5f0e99ad992e874636174cbef73a",
    "stage_blind_r3.yaml": "83c6bb434978c06d99205c692eab1a1338918982fcb4f89432ba1f9532952c8b",
    "library_haccpflow.yaml": "e92f6edee0c092e7192ce1d32d2b353f3f5fa64a22c36aaaffb5aa95bd02fea1",
    "queries_haccpflow.yaml": "278edb95302df4518b9f530d1e5b46f85dcbffa3856d75a94486f6da702d48c4",
    "stage_blind_r4.yaml": "9d5fc486dedc13d21f0d437099c4354e894774f9f76475cd9a58fecace8444bb",
    "library_trussline.yaml": "104237aa510aeb2d6d09529f2866600d192acafc205f5e3fbfe0708000c7f5cb",
    "queries_trussline.yaml": "96357b7b9f58cca46fb67d7cf8fcd50c65a927674ffa4f68473e2c530dc0c064",
    "stage_blind_r5.yaml": "c18624808194e7abf26b066a5028b65c7a65679176d69ac6e1259f42b4428d6a",
    "library_clausewise.yaml": "0ffe42662e79fc6e443b06fa44b5259a6835691431cdda1d81c49c3f584c31f6",
    "queries_clausewise.yaml": "db104595640e392e6ba0e44a07b85272e303add96e943ea23008ce39e9faddc7",
    "stage_blind_r6.yaml": "5266c3b0c5b9c6c49338f469ae5e3c5dbb4df5535723125e8b8d6bf4f711d6da",
    "library_trialvista.yaml": "374f3c1c02d5fc94fec5c1a52e7d358f0ebdf6c95eef9eed90874918dfe3b073",
    "queries_trialvista.yaml": "584a7478e1318f66fb7d60e3c3d5b570a1f97c004395785521f53415483b3306",
    "stage_blind_r7.yaml": "bdf9c38011bc814335040c36a579e45d54a3b665428193fa146e9ed8c1e2d272",
    "library_furrowly.yaml": "859dd4f0d4c9eb4e03783b37acbe110350e52b35a3053a6fb181fefc25541837",
    "queries_furrowly.yaml": "e617e5017288cadc036f77f8fabda4a3d7aaa3ea0da5f19c248cc35256701598",
    "stage_blind_r8.yaml": "1b98e84220362bf8b30cf9909bdabf16681ca17be059fdc2e8e507e671449311",
    "library_tolerix.yaml": "212b9f69dc7a367a1cd8823b4abf9c6ca93effd1d2f4bee0ecd28b2105853cba",
    "queries_tolerix.yaml": "fa806ea8d2099bbce12ba61855534553eb41145fabaee76c92f1e26dc464d6a5",
    "stage_blind_r9.yaml": "59f837f4d11cfb7486c1751ba196279e84ae3ff6fde9723afd67366b0d191122",
    "library_vatora.yaml": "457e7353ca6eb1acd7eac5b35150cc886216320b430f1139bad8f84ed4aad38e",
    "queries_vatora.yaml": "6566e0f8cc81276411705e080755e4c639d1619767de56a2c147e304b738069d",
    "stage_blind_r10.yaml": "546fe527b56a43eca9d729f01dd7c245d2befe10ddb45d84aaaded9f972e129e",
    "library_rostaline.yaml": "7a5216f25fa278950db58a2b928d91932ca4ef7c3bafdaad2103380c72337101",
    "queries_rostaline.yaml": "653d7cd1c32b00a05c06034951dd29ca877d32b10eacc76a7eeefd17d8ba6c38",
    "stage_blind_r11.yaml": "2ed0ff5dc858b8d93305a276524dfccc9ec1eaf0aee283f517ddbdff10c2e980",
    "library_rateharbor.yaml": "0a414a042252f4bcbcf8c766c5193a7a16bfc537d6f6d92487ed8156dd72dda3",
    "queries_rateharbor.yaml": "7f11d4d4a9f1aba04937715e56ba2cd7c7d08afeec6dd44d7135c7c0cec8cd08",
}


@pytest.mark.parametrize("name", sorted(BLIND_HASHES))
def test_the_blind_sets_are_frozen(name):
    import hashlib
    from pathlib import Path

    path = Path(sl.__file__).parent / "data" / "blind" / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == BLIND_HASHES[name]


def _shingles(text: str) -> set[str]:
    import re

    folded = re.sub(r"\W+", "", text.lower())
    return {folded[i:i + 5] for i in range(max(1, len(folded) - 4))}


def test_no_training_description_is_an_evaluation_description_or_close_to_one():
    """Training data (every shipped file) never holds a dev, blind (every round's stage set and
    asks) or other-language item, nor a near copy of one (5-character shingles, Jaccard ≥ 0.6)."""
    from pathlib import Path

    from benchmarks.blind import load_blind, load_dev
    from benchmarks.stage_classifier import OTHER_LANGUAGES
    from recommender.training import DATA, load_examples

    blind = Path(sl.__file__).parent / "data" / "blind"
    stage_sets = sorted(blind.glob("stage_blind_r*.yaml"))
    asks = sorted(blind.glob("queries_*.yaml"))
    assert len(stage_sets) == len({n for n in BLIND_HASHES if n.startswith("stage_blind")}) >= 4 and len(asks) >= 4
    evaluation = [i.text for path in stage_sets for i in load_blind(path)]
    evaluation += [i.text for i in load_dev()]
    evaluation += [e.text for e in load_examples(OTHER_LANGUAGES)]
    evaluation += [a["text"] for path in asks for a in yaml.safe_load(path.read_text("utf-8"))["asks"]]
    held = [_shingles(t) for t in evaluation]
    close = []
    rounds = {name: len(sorted(Path(DATA, name).glob("*.yaml"))) for name in
              ("stage_train_round2", "stage_train_round4", "stage_train_round5", "stage_train_round6",
                           "stage_train_round7", "stage_train_round8", "stage_train_round9",
                           "stage_train_round10")}
    assert rounds == {"stage_train_round2": 5, "stage_train_round4": 4, "stage_train_round5": 4,
                      "stage_train_round6": 4, "stage_train_round7": 2,
                      "stage_train_round8": 2, "stage_train_round9": 5,
                      "stage_train_round10": 4}
    for example in load_examples():
        s = _shingles(example.text)
        for text, h in zip(evaluation, held, strict=True):
            if len(s & h) / len(s | h) >= 0.6:
                close.append((example.text, text))
    assert close == []
