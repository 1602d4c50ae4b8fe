"""What the ask wants inside its stage (recommender.intents) and how ranking uses it."""

import numpy as np
import pytest

from recommender.config import DEFAULT
from recommender.intents import (
    INTENTS,
    LABELS,
    asset_intents,
    distinctive,
    implied_content_types,
    intents_in,
    served,
    wants,
)
from recommender.ranking import AskContext, AssetView, Candidate, rank

ALL = {"awareness", "consideration", "decision", "retention", "advocacy"}


@pytest.mark.parametrize("text, content_type", [
    ("customer posted on LinkedIn about the audit, nobody asked", "review_request"),
    ("she wants to speak at the user conference", "event"),
    ("answers questions in our forum every week", "community"),
    ("wants to refer two peers, is there a bonus?", "referral_program"),
    ("outage yesterday, tickets piling up", "knowledge_base"),
    ("saw their tracking site go down for 3 hours", "knowledge_base"),
    ("20 new hires next month need to get started", "onboarding_guide"),
    ("Kunde will seine Daten exportieren", "knowledge_base"),
    ("在用户大会上演讲", "event"),
    ("用户说手机上收不到审批提醒", "knowledge_base"),
    ("Die Admin-Kollegin beantwortet im Kundenforum Fragen von anderen Kunden", "community"),
    ("told his CSM he's happy to talk to other retailers about it", "advocacy_program"),
    ("said he'd happily do it again on a bigger stage", "event"),
    ("客户反馈两边状态不同步", "knowledge_base"),
    ("will das vor der Unterschrift mit den eigenen Verträgen auf Herz und Nieren prüfen", "free_trial"),
    ("fragt, ob die Aktion für den Mittelstand noch gilt", "promotion"),
    ("想先看看產品大概長什麼樣子,還不想約業務來講解", "demo_video"),
    ("wants some independent validation (ratings) before the shortlist", "review"),
    ("hat von sich aus angeboten, uns eine Bewertung zu schreiben", "review_request"),
    ("they saw the uplift in the renewal notice", "faq"),
    ("把稽核紀錄全部匯出帶走", "knowledge_base"),
    ("photos taken in the garage never show up", "knowledge_base"),
    ("her old colleague just took over QA at a plant nearby", "referral_program"),
    ("customer asked what it costs to leave the contract early", "loyalty_program"),
    ("Kunde meldet seit Montag einen Systemausfall im Lager", "knowledge_base"),
    ("Die Kundin möchte uns einem Partner empfehlen", "referral_program"),
    ("their finance department wants in too, maybe 40 more seats", "case_study"),
    ("客户的采购部门也想用,问能不能加购账号", "pricing"),
    ("their champion left, the new finance manager doesn't really know the platform", "onboarding_guide"),
    ("老客户问能不能订阅我们的产品更新", "newsletter"),
    ("Kunde meldet, dass das Portal seine Rechnungen zurückgewiesen hat", "knowledge_base"),
    ("before sign-off they want a readiness assessment of their current process", "consultation"),
    ("老板比较相信口碑,不太信厂商自己说的", "review"),
    ("客户愿意推荐同行,顺便问有没有什么奖励", "loyalty_program"),  # 有没有 asks; it does not negate
])
def test_behaviour_names_the_content_that_serves_it(text, content_type):
    assert content_type in implied_content_types(text, ALL)


def test_only_the_likely_stages_intents_count_and_negation_cancels():
    assert "event" not in implied_content_types("she wants to speak at the user conference", {"decision"})
    assert "knowledge_base" not in implied_content_types("no outage since the upgrade", {"retention"})
    assert "loyalty_program" not in implied_content_types("他们还没有什么奖励", {"advocacy"})


def test_every_intent_names_known_content_types_and_stages():
    from content_library.vocabulary import CONTENT_TYPE_BY_KEY

    for intent in INTENTS:
        assert intent.stage in ALL and intent.phrases
        assert all(key in CONTENT_TYPE_BY_KEY for key in intent.content_types), intent.name


def _asset(i, content_type):
    return AssetView(i, f"asset {i}", f"https://x.example/{i}", "", content_type, ("advocacy",), (), "en")


def test_an_implied_type_ranks_first_among_equals_and_says_why():
    cands = [Candidate(_asset(1, "community"), dense=0.8, vector=np.eye(3)[0]),
             Candidate(_asset(2, "review_request"), dense=0.8, vector=np.eye(3)[1])]
    probs = {"awareness": 0.0, "consideration": 0.0, "decision": 0.0, "retention": 0.1, "advocacy": 0.9}
    plain = rank(cands, probs, k=2)
    assert [i.asset.id for i in plain] == [1, 2]  # a tie: the lower id first
    items = rank(cands, probs, k=2, ask=AskContext(implied={"review_request": "nobody asked"}))
    assert [i.asset.id for i in items] == [2, 1]
    assert "the kind of content that serves “nobody asked”" in items[0].why and "serves" not in items[1].why
    assert items[0].score - items[1].score == pytest.approx(DEFAULT.implied_type_bonus)


@pytest.mark.parametrize("title, description, stages, expected", [
    ("Export your study data", "Take every form and audit trail with you, in CSV or SAS.", ("retention",), {"export"}),
    ("Speak at the Harvest Summit", "Our call for speakers is open until May.", ("advocacy",), {"speak"}),
    ("System status", "Live status and the history of every outage.", ("retention",), {"support problem"}),
    ("Sicherheitsdatenblatt", "SOC 2, ISO 27001 und Datenschutz auf einen Blick.", ("decision",), {"security review"}),
    # An intent of a stage the asset does not serve is not its own: this "review" is a security one.
    ("Security review checklist", "What your security review will ask.", ("decision",), {"security review"}),
    # Every awareness asset is for learning: "learn" singles none out.
    ("What is CAPA?", "Learn what corrective action means.", ("awareness",), set()),
])
def test_an_asset_serves_the_intents_of_its_stages_that_its_text_shows(title, description, stages, expected):
    view = AssetView(1, title, "https://x.example/1", description, "knowledge_base", stages, (), "en")
    assert asset_intents(view) == expected


def test_the_asks_intents_are_those_of_the_likely_stages():
    text = "customer's system went down yesterday and they want to export their data"
    assert set(intents_in(text, {"retention"})) == {"support problem", "export"}
    assert intents_in(text, {"advocacy"}) == {}


def test_an_asset_serving_the_asks_intent_ranks_first_within_its_type():
    def kb(i, title):
        view = AssetView(i, title, f"https://x.example/{i}", "", "knowledge_base", ("retention",), (), "en")
        return Candidate(view, dense=0.8, vector=np.eye(3)[i], intents=asset_intents(view))

    cands = [kb(1, "Export your data"), kb(2, "What to do in an outage")]
    probs = {"awareness": 0.0, "consideration": 0.0, "decision": 0.0, "retention": 0.9, "advocacy": 0.1}
    assert [i.asset.id for i in rank(cands, probs, k=2)] == [1, 2]
    ask = AskContext(intents=intents_in("their system was down all morning", {"retention"}))
    items = rank(cands, probs, k=2, ask=ask)
    assert [i.asset.id for i in items] == [2, 1]
    assert items[0].score - items[1].score == pytest.approx(DEFAULT.intent_match_bonus)
    # Only the asset that is about the want "answers" it; the other is of a type that serves it.
    ask = AskContext(intents={"support problem": "was down"}, implied={"knowledge_base": "export"})
    why = {i.asset.id: i.why for i in rank(cands, probs, k=2, ask=ask)}
    assert "it answers “was down”" in why[2] and "the kind of content that serves “export”" in why[1]


def test_an_intent_most_assets_of_its_stage_show_tells_none_apart():
    stages = {i: ("consideration",) for i in range(10)}
    intents = {i: frozenset({"requirements"}) for i in range(5)} | {5: frozenset({"compare", "requirements"})}
    intents |= {i: frozenset() for i in range(6, 10)}
    kept = distinctive(intents, stages)
    assert kept[5] == {"compare"} and kept[0] == frozenset()  # 6 of 10 show "requirements": too common


def test_what_the_ask_wants_says_whether_the_library_serves_it():
    text = "existing customer, their system went down and now they want to export everything"
    shown = intents_in(text, {"retention"})
    found = wants(shown, "retention", served({1: frozenset({"support problem"}), 2: frozenset()}))
    assert [(w.intent, w.words, w.in_library) for w in found] == [("support problem", "went down", True),
                                                                  ("export", "export", False)]
    assert found[1].label == "exporting their data"
    # Another stage's intents, and the unspecific "learn", are no want of this one.
    assert wants(shown, "advocacy", frozenset()) == []
    assert wants(intents_in("wants to learn what a TMS is", {"awareness"}), "awareness", frozenset()) == []
    assert served({}) == frozenset()


def test_every_specific_intent_has_words_for_the_answer():
    assert {i.name for i in INTENTS if i.specific} <= set(LABELS)
