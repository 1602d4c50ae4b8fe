"""Recommendation behaviour on the shipped sample library with the default (real) embedder."""

import dataclasses

import pytest

from bot.app.asks import Asks, Origin
from content_library.db import make_engine, migrate
from content_library.files import import_records
from recommender.config import DEFAULT
from recommender.engine import Recommender
from recommender.query import MAX_TEXT, EmptyQuery, Filters
from recommender.ranking import AskContext, AssetView, Candidate, rank, stage_fit
from recommender.training import load_or_train


@pytest.fixture(scope="module")
def sample_recommender(tmp_path_factory, sample_records, e5):
    path = tmp_path_factory.mktemp("rec")
    engine = make_engine(f"sqlite:///{path / 'db.sqlite'}")
    migrate(engine)
    import_records(engine, sample_records, "test")
    rec = Recommender(engine, e5, path / "index", load_or_train(e5, path, []))
    rec.sync()
    return rec


@pytest.mark.parametrize(
    "text, stage, expected_types",
    [
        ("VP Ops at a 200-person carrier, comparing us with two vendors, asked for case studies",
         "consideration", {"case_study", "comparison_guide"}),
        ("CFO wants pricing and an ROI model before she signs", "decision", {"pricing", "roi_calculator"}),
        ("客户想要报价，并且问我们的投资回报率", "decision", {"pricing", "roi_calculator"}),
        ("клиент только что подписал договор, нужно обучить диспетчеров", "retention",
         {"training", "onboarding_guide"}),
        ("Happy customer for two years, offered to refer us to a partner carrier", "advocacy",
         {"referral_program", "advocacy_program"}),
    ],
)
def test_stage_fit_assets_for_plain_descriptions(sample_recommender, text, stage, expected_types):
    rec = sample_recommender.recommend(text, k=5)
    assert rec.stage.stage == stage
    assert len(rec.items) == 5
    assert all(stage in item.asset.stages for item in rec.items[:3])
    assert expected_types & {item.asset.content_type for item in rec.items}
    assert all(item.why for item in rec.items)


def test_stage_override_filters_and_reranks(sample_recommender):
    rec = sample_recommender.recommend("CFO wants pricing", k=5, filters=Filters(stage="retention"))
    assert rec.stage.overridden and rec.stage.stage == "retention"
    assert all("retention" in i.asset.stages for i in rec.items)


def test_filters_by_type_language_and_tag(sample_recommender):
    assert {i.asset.content_type for i in sample_recommender.recommend(
        "anything for a carrier", filters=Filters(content_type="case_study")).items} == {"case_study"}
    assert {i.asset.language for i in sample_recommender.recommend(
        "pricing please", filters=Filters(language="ru")).items} == {"ru"}
    items = sample_recommender.recommend("finance team", filters=Filters(tags=("persona:cfo",))).items
    assert items and all("persona:cfo" in i.asset.tags for i in items)


def test_no_match_with_impossible_filters_returns_no_items(sample_recommender):
    rec = sample_recommender.recommend("pricing", filters=Filters(language="fr"))
    assert rec.items == [] and rec.stage.stage in rec.stage.probabilities


def test_a_text_with_nothing_about_the_prospect_gets_no_assets_until_a_stage_is_named(sample_recommender):
    rec = sample_recommender.recommend("hi")
    assert rec.stage.no_signal and rec.stage.unsure and rec.items == [] and rec.match_strength is None
    assert rec.to_dict()["no_signal"] is True and rec.to_dict()["items"] == []
    typed = sample_recommender.recommend("hi", filters=Filters(content_type="case_study"))
    assert not typed.stage.no_signal and typed.stage.unsure and typed.items
    chosen = sample_recommender.recommend("hi", filters=Filters(stage="decision"))
    assert not chosen.stage.no_signal and chosen.items
    assert all("decision" in i.asset.stages for i in chosen.items)
    qid = asks_of(sample_recommender).ask("hi", Origin("test")).query_id
    from sqlmodel import Session

    from content_library.models import QueryLog
    with Session(sample_recommender.index.engine) as session:
        assert session.get(QueryLog, qid).no_signal is True


def asks_of(recommender) -> Asks:
    """The salesperson's use cases over this recommender (they log asks and store corrections)."""
    return Asks(recommender.index.engine, lambda: recommender)


def test_pages_do_not_repeat(sample_recommender):
    first = sample_recommender.recommend("comparing vendors", k=5)
    second = sample_recommender.recommend("comparing vendors", k=5, offset=5)
    assert not {i.asset.id for i in first.items} & {i.asset.id for i in second.items}


def test_empty_and_overlong_text(sample_recommender):
    with pytest.raises(EmptyQuery):
        sample_recommender.recommend("   \n\t ")
    for wordless in ("???", "!!! …", "🙏🙏"):
        with pytest.raises(EmptyQuery, match="in words"):
            sample_recommender.recommend(wordless)
    assert sample_recommender.recommend("CFO? ROI!").items  # a word or two is enough
    rec = sample_recommender.recommend("pricing " * 3000)
    assert rec.truncated and len(rec.text) == MAX_TEXT and rec.items


def test_mixed_history_latest_signal_wins(sample_recommender):
    rec = sample_recommender.recommend("compared three vendors in Q1, now legal is redlining our MSA")
    assert rec.stage.stage == "decision"
    phrases = {e.phrase.lower() for e in rec.stage.evidence if e.stage == "decision"}
    assert {"legal", "msa"} <= phrases


def test_query_log_records_the_ask(sample_recommender):
    from sqlmodel import Session, select

    from content_library.models import QueryLog

    rec = asks_of(sample_recommender).ask("pricing for a CFO", Origin("test", user="U1", channel="C1"))
    qid = rec.query_id
    with Session(sample_recommender.index.engine) as session:
        entry = session.exec(select(QueryLog).where(QueryLog.id == qid)).one()
    assert entry.asset_ids == [i.asset.id for i in rec.items] and entry.slack_user == "U1"
    assert entry.predicted_stage == rec.stage.stage


def test_a_picked_stage_is_stored_only_when_it_corrects_a_prediction(sample_recommender):
    from sqlmodel import Session

    from content_library.repository import list_corrections

    def count():
        with Session(sample_recommender.index.engine) as session:
            return len(list_corrections(session))

    asks, origin = asks_of(sample_recommender), Origin("test")
    before = count()
    silent = asks.ask("hi", origin)
    assert silent.stage.no_signal
    assert asks.choose_stage(silent.query_id, "decision", origin)[1] is False  # nothing was predicted
    pricing = asks.ask("CFO wants pricing", origin)
    assert pricing.stage.stage == "decision"
    rec, stored = asks.choose_stage(pricing.query_id, "decision", origin)  # the same stage: a choice
    assert stored is False and rec.stage.overridden
    assert count() == before
    rec, stored = asks.choose_stage(pricing.query_id, "retention", origin)
    assert stored is True and count() == before + 1
    assert all("retention" in i.asset.stages for i in rec.items)


# -- ranking, pure -----------------------------------------------------------------------------------
def _view(i, ctype, stages):
    return AssetView(i, f"t{i}", f"https://x/{i}", "", ctype, tuple(stages), (), "en")


def test_stage_fit_is_relative_to_the_top_stage():
    probs = {"awareness": 0.1, "consideration": 0.6, "decision": 0.3, "retention": 0.0, "advocacy": 0.0}
    assert stage_fit(_view(1, "case_study", ["consideration", "decision"]), probs) == (1.0, "consideration")
    assert stage_fit(_view(2, "pricing", ["decision"]), probs) == (0.5, "decision")


def test_rank_prefers_stage_fit_then_spreads_content_types():
    probs = {"awareness": 0.0, "consideration": 1.0, "decision": 0.0, "retention": 0.0, "advocacy": 0.0}
    cands = [
        Candidate(_view(1, "case_study", ["consideration"]), dense=0.90),
        Candidate(_view(2, "case_study", ["consideration"]), dense=0.89),
        Candidate(_view(3, "comparison_guide", ["consideration"]), dense=0.88),
        Candidate(_view(5, "blog_post", ["awareness"]), dense=0.86),
        Candidate(_view(4, "pricing", ["decision"]), dense=0.95, lexical=3.0),
    ]
    items = rank(cands, probs, k=5)
    assert [i.asset.id for i in items] == [1, 3, 2, 4, 5]
    assert "shown for its topic" in items[3].why
    assert rank(cands, probs, k=2, offset=2)[0].asset.id == 2


def test_diverse_order_picks_what_a_full_greedy_scan_picks():
    """The early-stopping scan must choose exactly what re-scoring every remaining item would."""
    import random

    from recommender.config import DEFAULT
    from recommender.ranking import RankedItem, diverse_order

    rng = random.Random(5)
    for _ in range(200):
        items = [RankedItem(_view(i, rng.choice(["a", "b", "c"]), ["awareness"]), round(rng.uniform(0, 1), 2),
                            0.0, 1.0, "awareness", "") for i in range(rng.randint(1, 25))]
        ordered = sorted(items, key=lambda r: (-r.score, r.asset.id))
        remaining, expected, counts = list(ordered), [], {}
        while remaining and len(expected) < 8:
            best = max(remaining, key=lambda r: r.score - DEFAULT.same_type_penalty * counts.get(r.asset.content_type, 0))
            remaining.remove(best)
            expected.append(best)
            counts[best.asset.content_type] = counts.get(best.asset.content_type, 0) + 1
        assert [r.asset.id for r in diverse_order(ordered, 8)] == [r.asset.id for r in expected]


def test_without_an_asset_in_the_asks_language_the_librarys_main_language_comes_next():
    probs = {"awareness": 0.0, "consideration": 0.0, "decision": 1.0, "retention": 0.0, "advocacy": 0.0}

    def view(i, language):
        return AssetView(i, f"t{i}", f"https://x/{i}", "", "roi_calculator", ("decision",), (), language)

    cands = [Candidate(view(1, "zh"), dense=0.90), Candidate(view(2, "en"), dense=0.89),
             Candidate(view(3, "ru"), dense=0.88), Candidate(view(4, "de"), dense=0.50)]
    assert [i.asset.id for i in rank(cands, probs, k=4, ask=AskContext(language="ru", fallback_language="en"))] == [3, 2, 1, 4]
    assert [i.asset.id for i in rank(cands, probs, k=3, ask=AskContext(language="ja", fallback_language="en"))][0] == 2
    assert [i.asset.id for i in rank(cands, probs, k=3, ask=AskContext(language="ja"))][0] == 1  # no main language known


def _versions_case():
    """A pricing page in English, its Russian and Chinese versions (near-identical vectors), and a
    different English asset of the same type (a distinct vector)."""
    import numpy as np

    probs = {"awareness": 0.0, "consideration": 0.0, "decision": 1.0, "retention": 0.0, "advocacy": 0.0}
    base = np.zeros(8, dtype=np.float32)
    base[0] = 1.0
    near = np.array([0.95, 0.31, 0, 0, 0, 0, 0, 0], dtype=np.float32)  # cosine 0.95 to base
    other = np.array([0.6, 0, 0.8, 0, 0, 0, 0, 0], dtype=np.float32)  # cosine 0.6: another asset

    def cand(i, language, vector, dense):
        view = AssetView(i, f"t{i}", f"https://x/{i}", "", "pricing", ("decision",), (), language)
        return Candidate(view, dense=dense, vector=vector / np.linalg.norm(vector))

    # The Russian version scores best on its own, as a cross-language match sometimes does.
    cands = [cand(1, "ru", near, 0.95), cand(2, "en", base, 0.70), cand(3, "zh", near, 0.90),
             cand(4, "en", other, 0.60)]
    return cands, probs


def test_an_asset_is_shown_once_in_the_asks_language_with_its_other_language_versions_beside_it():
    cands, probs = _versions_case()
    items = rank(cands, probs, k=4, ask=AskContext(language="en", fallback_language="en"))
    assert [i.asset.id for i in items] == [2, 4]  # the English page, then the other English asset
    assert [v.id for v in items[0].versions] == [1, 3] and items[1].versions == []
    assert [v["language"] for v in items[0].to_dict()["also_in"]] == ["ru", "zh"]


def test_for_a_russian_ask_the_english_version_stays_a_choice_and_the_chinese_one_is_folded():
    cands, probs = _versions_case()
    items = rank(cands, probs, k=4, ask=AskContext(language="ru", fallback_language="en"))
    assert [i.asset.id for i in items] == [1, 2, 4]  # Russian first; English is the library's main language
    assert [v.id for v in items[0].versions] == [3]
    assert items[1].versions == []  # the Chinese version is named once, under the first item it belongs to


def test_versions_under_one_path_but_for_a_language_mark_are_one_page_whatever_their_cosine():
    """Translated descriptions can drift below the cosine bar ("TMS ROI calculator" and
    "投资回报率（ROI）计算器"); the site's own layout (/zh/… beside /…) still says they are one page."""
    import numpy as np

    probs = {"awareness": 0.0, "consideration": 0.0, "decision": 1.0, "retention": 0.0, "advocacy": 0.0}

    def cand(i, url, language, vector, dense):
        view = AssetView(i, f"t{i}", url, "", "roi_calculator", ("decision",), (), language)
        return Candidate(view, dense=dense, vector=np.asarray(vector, dtype=np.float32))

    en, zh, other = [1.0, 0.0, 0.0], [0.8, 0.6, 0.0], [0.8, 0.0, 0.6]  # cosine 0.8 to the English page
    cands = [cand(1, "https://x.example/tools/roi", "en", en, 0.9),
             cand(2, "https://x.example/zh/tools/roi", "zh", zh, 0.85),
             cand(3, "https://x.example/zh/tools/tco", "zh", other, 0.8)]
    items = rank(cands, probs, k=3, ask=AskContext(language="en", fallback_language="en"))
    assert [i.asset.id for i in items] == [1, 3]  # another page in Chinese is no version of it
    assert [v.id for v in items[0].versions] == [2]


def test_a_language_asked_for_by_name_comes_first(sample_recommender):
    """A rep writing in English about a Russian-speaking prospect: "pricing in Russian"."""
    def first(text):
        item = sample_recommender.recommend(text, k=3).items[0]
        return item.asset.content_type, item.asset.language

    assert first("CFO asked for a pricing sheet") == ("pricing", "en")
    assert first("CFO asked for a pricing sheet in Russian") == ("pricing", "ru")
    assert first("CFO asked for a pricing sheet, Chinese version please") == ("pricing", "zh")


@pytest.mark.parametrize("text", [
    "見込み客は3社のTMSを比較していて、製品の比較表を見たいと言っています",  # Japanese: Han characters, but not Chinese
    "新規顧客の管理者が初期設定の方法を知りたがっています",
    "아직 우리를 모르는 운송회사 대표, 공차 운행이 너무 많다고 고민 중",
    "Sehr zufriedener Kunde, würde uns gerne an andere Spediteure weiterempfehlen",
])
def test_an_ask_in_a_language_the_library_lacks_gets_its_main_language(sample_recommender, text):
    """The sample library has nothing in Japanese, Korean or German: its main language (English)
    comes first, not whichever language the embedder places near the ask (Chinese, for these)."""
    items = sample_recommender.recommend(text, k=5).items
    assert [i.asset.language for i in items] == ["en"] * 5  # nothing in Chinese, which they cannot read
    assert not any(i.asset.language == "zh" and any(v.language == "en" for v in i.versions) for i in items)


def test_library_search_without_an_ask_language_lists_every_version():
    cands, probs = _versions_case()
    assert sorted(i.asset.id for i in rank(cands, probs, k=4)) == [1, 2, 3, 4]


def test_an_english_ask_gets_the_english_pricing_page_and_the_others_as_versions(sample_recommender):
    rec = sample_recommender.recommend("mtg w/ CFO re: PO next week, she wants pricing and the numbers on payback")
    pricing = [i for i in rec.items if i.asset.content_type == "pricing"]
    assert [i.asset.language for i in pricing] == ["en"]
    assert {v.language for v in pricing[0].versions} >= {"ru"}
    assert all(i.asset.language == "en" for i in rec.items)


def test_a_version_taking_a_picks_place_keeps_the_greedy_scan_exact():
    """For a Russian ask the Russian pricing page takes the English one's place; the English page
    (a readable version) must still be picked where its score puts it, not skipped by the scan's
    early stop."""
    import numpy as np

    from recommender.ranking import RankedItem, diverse_order

    def ranked(i, ctype, language, score, axis):
        vector = np.zeros(8, dtype=np.float32)
        vector[axis] = 1.0
        view = AssetView(i, f"t{i}", f"https://x/{i}", "", ctype, ("decision",), (), language)
        return RankedItem(view, score, 0.0, 1.0, "decision", "", vector)

    ordered = [ranked(1, "pricing", "en", 1.00, 0), ranked(2, "blog_post", "en", 0.97, 1),
               ranked(3, "blog_post", "en", 0.95, 2), ranked(4, "faq", "en", 0.70, 3),
               ranked(5, "pricing", "ru", 0.60, 0), ranked(6, "faq", "en", 0.50, 4)]
    picked = diverse_order(ordered, 6, "ru", frozenset({"ru", "en"}))
    # 5 in 1's place; then 2 (0.97); then 1 (1.00 - 0.08 = 0.92) before 3 (0.95 - 0.08 = 0.87).
    assert [r.asset.id for r in picked] == [5, 2, 1, 3, 4, 6]


def test_why_names_words_not_bare_numbers(sample_recommender):
    rec = sample_recommender.recommend(
        "CTO of a 50-person SaaS startup, heard about us at a conference, wants to understand what a TMS even does")
    whys = " ".join(i.why for i in rec.items)
    assert "“50”" not in whys and "“TMS”" in whys


def test_english_words_inside_a_chinese_description_count(sample_recommender):
    """Chinese reps write English terms without spaces ("客户要case study和pricing"): the terms are
    cues and requests as they are in an English sentence."""
    rec = sample_recommender.recommend("客户要case study和pricing")
    assert [e.phrase for e in rec.stage.evidence] and rec.stage.stage in ("consideration", "decision")
    top = [i.asset.content_type for i in rec.items[:2]]
    assert sorted(top) == ["case_study", "pricing"]
    assert all(i.asset.language == "zh" for i in rec.items[:2])


def test_a_chinese_ask_for_a_sandbox_gets_the_english_trial_before_unrelated_chinese_pages(sample_recommender):
    """The library has no Chinese free trial. The embedder puts every Chinese page nearer a Chinese
    ask than any English one; with that offset taken off (language_bias), the trial the prospect
    asked for comes before the Chinese pricing and ROI pages."""
    rec = sample_recommender.recommend("客户的IT想要一个sandbox测一下API，然后再决定")
    types = [i.asset.content_type for i in rec.items]
    assert "free_trial" in types[:3], types


def test_an_asset_in_a_language_the_prospect_cannot_read_comes_after_those_they_can():
    """A German ask in an English-Chinese library: the Chinese ebook loses other_language_penalty
    on top of the English one's fallback bonus, so it no longer stands among the first."""
    probs = {"awareness": 1.0, "consideration": 0.0, "decision": 0.0, "retention": 0.0, "advocacy": 0.0}

    def view(i, language):
        return AssetView(i, f"t{i}", f"https://x/{i}", "", "ebook", ("awareness",), (), language)

    cands = [Candidate(view(1, "zh"), dense=0.90), Candidate(view(2, "en"), dense=0.60),
             Candidate(view(3, "en"), dense=0.0)]
    ask = AskContext(language="en", fallback_language="en")
    assert [i.asset.id for i in rank(cands, probs, k=3, ask=ask)] == [2, 1, 3]
    without = dataclasses.replace(DEFAULT, other_language_penalty=0.0)
    assert [i.asset.id for i in rank(cands, probs, k=3, ask=ask, config=without)][0] == 1
    # A language the ask names by name is readable: no penalty for it.
    named = rank(cands, probs, k=3, ask=AskContext(language="en", fallback_language="en", requested_language="zh"))
    assert named[0].asset.id == 1


def test_a_type_asked_for_by_name_counts_whatever_its_stage():
    """A customer's new department asks for a case study and pricing: the named types come before the
    retention shelf, though their stages are a prospect's."""
    probs = {"awareness": 0.0, "consideration": 0.02, "decision": 0.02, "retention": 0.96, "advocacy": 0.0}
    cands = [Candidate(_view(1, "onboarding_guide", ["retention"]), dense=0.8),
             Candidate(_view(2, "case_study", ["consideration"]), dense=0.8),
             Candidate(_view(3, "knowledge_base", ["retention"]), dense=0.8)]
    plain = rank(cands, probs, k=3)
    assert plain[-1].asset.id == 2
    items = rank(cands, probs, k=3, ask=AskContext(requested={"case_study": "case study"}))
    assert items[0].asset.id == 2
    assert items[0].stage_fit == pytest.approx(DEFAULT.requested_type_fit)


def test_an_ask_whose_want_the_library_lacks_says_so_and_one_it_serves_names_it(sample_recommender):
    """The sample library has no export article: the answer says so instead of passing off the
    satisfaction survey as one. It does have a call for speakers."""
    export = sample_recommender.recommend("Existing customer, they want to export all their shipment data to CSV")
    assert export.stage.stage == "retention" and export.items
    assert [(w.intent, w.in_library) for w in export.wants] == [("export", False)]
    assert export.to_dict()["wants"] == [{"intent": "export", "label": "exporting their data", "words": "export",
                                          "in_library": False}]
    chinese = sample_recommender.recommend("老客户想把所有数据导出成Excel")
    assert [(w.intent, w.words, w.in_library) for w in chinese.wants] == [("export", "导出", False)]
    speak = sample_recommender.recommend("Happy customer wants to speak at our user conference")
    assert [(w.intent, w.in_library) for w in speak.wants] == [("speak", True)]
    assert speak.items[0].asset.content_type in {"event", "advocacy_program"}


def test_a_customers_new_department_gets_the_case_study_and_pricing_it_asked_for(sample_recommender):
    rec = sample_recommender.recommend("Existing customer, their finance team wants in too and asked for a case "
                                       "study and pricing for 20 more seats")
    assert rec.stage.stage == "retention"
    assert {"case_study", "pricing"} <= {i.asset.content_type for i in rec.items}
