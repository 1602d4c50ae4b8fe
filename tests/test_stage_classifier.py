"""The trained stage classifier: languages, mixed histories, misleading keywords, doubt, evidence,
and learning from stored corrections."""

import logging
from types import SimpleNamespace

import pytest

from content_library.vocabulary import STAGES
from recommender import training
from recommender.training import (
    SHIPPED_MODEL,
    Example,
    TrainedClassifier,
    fingerprint,
    load_examples,
    load_or_train,
    model_path,
)


@pytest.fixture(scope="session")
def trained(e5, tmp_path_factory):
    return load_or_train(e5, tmp_path_factory.mktemp("clf"), [])


def test_shipped_model_is_trained_on_the_current_training_set(e5):
    expected = fingerprint(e5.model_id, load_examples())
    assert TrainedClassifier.load(SHIPPED_MODEL, e5, expected) is not None, (
        "recommender/data/stage_model.npz is stale: run `python -m recommender.training`")


def test_training_set_covers_every_stage_and_language_variant():
    """Every label in every language of the training set (the first set's four and round 2's six
    more), at least 10 descriptions of each stage per language."""
    examples = load_examples()
    languages = {"en", "zh-hans", "zh-hant", "ru", "de", "es", "fr", "ja", "pt", "it"}
    assert {e.lang for e in examples} == languages
    for stage in (*STAGES, "no_signal"):
        counts = {lang: sum(e.stage == stage and e.lang == lang for e in examples) for lang in languages}
        assert min(counts.values()) >= (8 if stage == "no_signal" else 10), (stage, counts)


@pytest.mark.parametrize(
    "text, stage",
    [
        ("CFO asked for a quote for 40 trucks and a 2-year discount", "decision"),          # en
        ("潜在客户第一次听说我们，正在了解行业里怎么减少空驶", "awareness"),                  # zh-hans
        ("客戶在三家廠商之間比較，要我們的成功案例", "consideration"),                       # zh-hant
        ("клиент подключился месяц назад, новым логистам нужно обучение", "retention"),      # ru
        ("customer loves us and offered to be a reference for the Globex deal", "advocacy"),
        ("mtg w/ proc re: PO, legal redlines back tmrw", "decision"),                         # CRM shorthand
        ("Compared us against 2 vendrs, wants case studys", "consideration"),                # typos
        ("客户想要报价 asap, budget approved", "decision"),                                   # mixed languages
    ],
)
def test_each_language_and_style(trained, text, stage):
    result = trained.classify(text)
    assert result.stage == stage and not result.no_signal


@pytest.mark.parametrize(
    "text, stage",
    [
        ("compared three vendors in Q1, now legal is redlining our MSA", "decision"),
        ("signed in January after a long evaluation; now their admins need setup help", "retention"),
        ("watched our recorded demo while comparing vendors, asked how we differ from RouteMax", "consideration"),
        ("existing customer wants a demo to train the new staff they just hired", "retention"),
        ("our happy customer offered to join the prospect's demo next week and vouch for us", "advocacy"),
        # Who wants to talk decides it: a prospect asking to hear from customers is still comparing,
        # a customer offering to talk to prospects is an advocate.
        ("Head of logistics at a dairy co-op, they've narrowed it to us and RouteMax, want to hear from "
         "a customer like them", "consideration"),
        ("客户在我们和另一家之间做选择，想和我们的老客户聊聊", "consideration"),
        ("our happy customer said she'd take calls from prospects", "advocacy"),
        # A negated renewal is still about keeping the customer.
        ("Клиент снизил активность, есть риск, что не продлит контракт", "retention"),
        ("подписался на рассылку после статьи про дефицит водителей", "awareness"),
        # A signature months ago and a stalled rollout is a customer to keep, not a deal to close;
        # a customer co-writing a story with us is an advocate, though the words say "case study".
        ("signed in March, still hasn't rolled out to the second warehouse, champion left the company", "retention"),
        ("QBR coming up with Acme, want to show them usage and savings so far", "retention"),
        ("customer wants to co-author a case study about the savings they got", "advocacy"),
        # A contract already signed (or paid) is followed by setting up, not by deciding.
        ("contract signed on Friday, their IT asks how to set up user accounts and permissions", "retention"),
        ("客户上周签了合同，想知道怎么快速让司机用起来", "retention"),
        ("Подписали договор на прошлой неделе, хотят быстро подключить водителей", "retention"),
        # Salespeople say "customer" and «клиент» of prospects too: one who asks for a case study is
        # reading it (consideration); one who agrees to be in it is an advocate.
        ("customer asks for a case study", "consideration"),
        ("Клиент хочет кейс", "consideration"),
        ("客户想要一个成功案例", "consideration"),
        ("customer agreed to be featured in a case study", "advocacy"),
        ("Клиент согласился стать героем кейса", "advocacy"),
        ("老客户愿意接受采访，讲讲使用效果", "advocacy"),
        # A prospect who wants to interview customers is still choosing; being interviewed is advocacy.
        ("prospect wants to interview two of our customers before choosing a vendor", "consideration"),
        ("潜在客户想采访几家我们的老客户再做决定", "consideration"),
        ("customer agreed to be interviewed for our blog", "advocacy"),
        # A customer who wants to meet its peers (read as consideration or retention before the cues).
        ("their dispatch lead wants to connect with peers at other carriers who use us and swap tips", "advocacy"),
        ("客户的调度主管想认识其他用户，互相交流经验", "advocacy"),
        # A demo or a trial asked for is a decision (read as retention before the demo and trial
        # names and examples, "customer ... for their team" sounding like training); a demo to train
        # an existing customer's staff is not, nor a recording watched while comparing.
        ("customer wants a demo next week for their ops team", "decision"),
        ("they want a sandbox account to test with their own loads before deciding", "decision"),
        ("Хотят тестовый доступ на две недели, чтобы прогнать свои рейсы", "decision"),
        ("existing customer wants a demo of the new reporting module for their new hires", "retention"),
        ("Посмотрели запись демо, теперь собирают требования для выбора платформы", "consideration"),
    ],
)
def test_latest_signal_and_misleading_keywords(trained, text, stage):
    assert trained.classify(text).stage == stage


def test_probabilities_and_evidence(trained):
    result = trained.classify("КП отправили, юристы согласовывают договор")
    assert result.stage == "decision" and not result.unsure
    assert abs(sum(result.probabilities.values()) - 1) < 1e-5 and set(result.probabilities) == set(STAGES)
    assert [e.phrase for e in result.evidence if e.stage == "decision"][:2] == ["КП", "юристы"]
    assert 0.5 < result.confidence <= max(result.probabilities.values())


@pytest.mark.parametrize("text, stage", [("КП до пятницы", "decision"), ("need a quote for 120 trucks by Friday", "decision"),
                                         ("报价单明天发", "decision"), ("onboarding call moved to Thu", "retention")])
def test_terse_notes_with_a_date_still_carry_their_stage(trained, text, stage):
    """A calendar-like note that names a stage signal is not a note without one."""
    result = trained.classify(text)
    assert result.stage == stage and not result.unsure and result.confidence > 0.5


@pytest.mark.parametrize("text", ["had a call with Priya from Umbrella Corp", "帮我找点东西发给王总", "что отправить Петру?"])
def test_unsure_when_the_description_says_nothing_about_the_stage(trained, text):
    result = trained.classify(text)
    assert result.unsure and result.confidence < 0.5 and result.no_signal
    assert result.stage in STAGES and result.runner_up() != result.stage


@pytest.mark.parametrize("text", ["anything on cold chain visibility?", "请发一些关于空驶的资料",
                                  "send me a case study", "есть что-нибудь про холодовую цепь?"])
def test_a_topic_without_a_stage_is_still_a_request(trained, text):
    """Only a text with nothing to go on asks back; one that names a topic or a content type is answered."""
    assert not trained.classify(text).no_signal


def test_corrections_change_the_model_at_the_next_retrain(e5, trained, tmp_path, monkeypatch):
    probe = "they want the Zentrix compliance binder for the audit"
    assert trained.classify(probe).stage != "retention"
    corrections = [Example(t, "retention", "correction") for t in (
        "customer needs the Zentrix compliance binder", "Zentrix binder for their auditors please",
        "send the Zentrix compliance binder to the client", "client asks for Zentrix binder again")]
    retrained = load_or_train(e5, tmp_path, corrections)
    assert retrained.classify(probe).stage == "retention"
    assert retrained.examples == trained.examples + 4
    assert model_path(tmp_path, e5).exists()

    def no_training(*args, **kwargs):
        raise AssertionError("should have loaded the saved model")

    monkeypatch.setattr(training, "train", no_training)
    assert load_or_train(e5, tmp_path, corrections).fingerprint == retrained.fingerprint


def test_unreadable_saved_model_is_ignored_and_retrained(e5, tmp_path, caplog):
    corrections = [Example("zyx binder", "retention")]
    path = model_path(tmp_path, e5)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a model")
    with caplog.at_level(logging.WARNING):
        model = load_or_train(e5, tmp_path, corrections)
    assert model.examples == len(load_examples()) + 1
    assert "ignoring unreadable classifier model" in caplog.text


def _setting(c: float, accuracy: float, n: int = 500):
    return SimpleNamespace(c=c, accuracy=accuracy, logits=[None] * n)


def test_the_settings_averaged_are_those_within_one_standard_error_of_the_best():
    """Accuracies a description or two apart are a tie the data cannot break: all of them are
    averaged; a clearly worse setting is not."""
    tried = [_setting(0.003, 0.90), _setting(0.01, 0.940), _setting(0.3, 0.947), _setting(1.0, 0.945)]
    assert [t.c for t in training.plateau(tried)] == [0.01, 0.3, 1.0]
    assert [t.c for t in training.plateau([_setting(0.01, 0.80), _setting(0.3, 0.95)])] == [0.3]


def test_the_feature_signature_follows_how_cues_are_matched(monkeypatch):
    """A change to the matching (not only to the cue lists) changes the features, so a saved model
    trained with the old matching is not used."""
    from recommender import training

    before = training.feature_signature()
    monkeypatch.setattr(training, "patterns", lambda: ["(?<!\\w)changed"])
    assert training.feature_signature() != before


@pytest.mark.parametrize("text, sides", [
    ("prospect keeps asking whether firms like them use us", (True, False)),
    ("潜在客戶想看案例", (True, False)),
    ("Interessent aus Bayern, noch kein Kunde", (True, False)),
    ("Действующий клиент, продление через квартал", (False, True)),
    ("Bestandskunde seit 2019, Verlängerung steht an", (False, True)),
    ("既存顧客の契約更新", (False, True)),
    # Words that look like it and are not: a role, a lead time, the cold chain, inbound freight.
    ("ops lead at a cold chain carrier asked about inbound freight lead times", (False, False)),
    # Negated, or another vendor's: a prospect all the same.
    ("never been our customer, wants pricing", (False, False)),
    ("not our customer yet, comparing three tools", (True, False)),
    ("their renewal with the incumbent is in May", (False, False)),
    ("客户和竞品合作了三年, 想换", (False, False)),
    ("referred by Acme, one of ours, wants a demo", (True, False)),
    ("Recommandé par notre client Maison Durand, il veut un essai gratuit", (True, False)),
    # The customer's name after "with" is still ours.
    ("renewal with Contoso in May, existing customer", (False, True)),
])
def test_the_words_that_say_whether_it_is_a_customer(text, sides):
    from recommender.relationship import relationship_scores

    prospect, customer = relationship_scores(text)
    assert (bool(prospect), bool(customer)) == sides


@pytest.mark.parametrize("text, stage", [
    ("Der Energieleiter hat uns schon dreimal an andere Kliniken weiterempfohlen", "advocacy"),
    ("Kunde ärgert sich über die Preiserhöhung und droht mit Kündigung", "retention"),
    ("Einkauf hat das Angebot, die Freigabe vom Budget kommt nächste Woche", "decision"),
])
def test_german_descriptions_by_what_they_say(trained, text, stage):
    """German has cues of its own: a customer threatening to cancel over a Preiserhöhung is one to keep
    (the Preiserhöhung alone says nothing: it may be another vendor's), not a price list asked for."""
    result = trained.classify(text)
    assert result.stage == stage and result.evidence and result.evidence[0].stage == stage


def test_role_words_and_everyday_words_are_not_evidence(trained):
    """A job title says nothing about the stage, nor "posts" (a blog post's name) about reading."""
    quote = trained.classify("CFO asked for a quote for 40 trucks")
    assert "quote" in [e.phrase for e in quote.evidence] and "CFO" not in [e.phrase for e in quote.evidence]
    praise = trained.classify("customer since 2021, posts praise about us on LinkedIn every month")
    assert praise.stage == "advocacy" and "posts" not in [e.phrase.lower() for e in praise.evidence]


def test_the_words_that_say_it_is_a_customer_are_shown_as_evidence(trained):
    result = trained.classify("existing customer, logins have dropped by half since the price rise")
    assert result.stage == "retention"
    assert "existing customer" in [e.phrase for e in result.evidence if e.stage == "retention"]


def test_a_retrain_embeds_only_what_the_shipped_vectors_lack(e5):
    """The training descriptions ship embedded: a retrain after a correction embeds the correction only."""
    texts = [e.text for e in load_examples()]
    asked: list[list[str]] = []

    class Counting:
        model_id, dim = e5.model_id, e5.dim

        def embed_queries(self, batch):
            asked.append(list(batch))
            return e5.embed_queries(batch)

    vectors = training.training_vectors(Counting(), texts + ["a brand-new correction"])
    assert asked == [["a brand-new correction"]] and vectors.shape == (len(texts) + 1, e5.dim)


def test_a_model_saved_by_an_earlier_version_is_stale_not_unreadable(e5, tmp_path, caplog):
    """A linear model from before the kernel one has other arrays: it is skipped quietly."""
    import json

    import numpy as np

    path = tmp_path / "old.npz"
    np.savez(path, coef=np.zeros((6, 394)), meta=np.array(json.dumps({"fingerprint": "old", "embedder": e5.model_id})))
    with caplog.at_level(logging.WARNING):
        assert TrainedClassifier.load(path, e5, "new") is None
    assert "unreadable" not in caplog.text


@pytest.mark.parametrize("text, stage", [
    ("Legal sent redlines on the MSA, procurement wants a PO number, pricing and discount agreed, security "
     "review done, ready to sign, contract and proposal final, negotiating the quote, budget approved", "decision"),
    ("Юристы согласовали договор, закупки готовят счёт, скидку согласовали, бюджет утверждён, КП подписано, "
     "цена согласована, договор на подписи", "decision"),
    ("renewal in March; churn risk: renewal blocked, may not renew, renewal at risk, churn flagged, renewal call", "retention"),
])
def test_more_cues_than_any_training_text_still_count(trained, text, stage):
    """A text denser in cues than every training text is not read from the model's intercept alone."""
    assert trained.classify(text).stage == stage


def test_a_weightless_name_does_not_make_a_text_say_something(trained):
    assert trained.classify("hi, will post the meeting notes later").no_signal


@pytest.mark.parametrize("text, absent", [
    ("has been using spreadsheets for years, looking around", "retention"),
    ("Wettbewerber hat eine Preiserhöhung angekündigt", "retention"),
    ("referred by one of our customers, first call next week", "advocacy"),
    ("wurde uns von Müller empfohlen, will eine Demo", "advocacy"),
    # The vendor they have now, named before its renewal or price rise.
    ("their current vendor wants 20% more at renewal", "retention"),
    ("leur éditeur actuel augmente ses tarifs au renouvellement", "retention"),
    ("现在用的那套系统明年续费要涨价", "retention"),
    ("their current vendor charges an exit fee", "retention"),
    ("Bei Brenner läuft der Vertrag im März aus", "decision"),
    ("Действующий клиент, хотим понять, насколько они довольны", "advocacy"),
    # «цен*» was a prefix of «центр» and «ценность».
    ("руководитель колл-центра говорит, что ценность продукта очевидна", "decision"),
    # An approval inside the product the customer runs is no purchase step.
    ("钉钉里审批早就通过了,系统里状态一直显示审批中", "decision"),
])
def test_cues_that_belong_to_someone_else_do_not_count(text, absent):
    from recommender.cues import find_cues

    assert absent not in {h.stage for h in find_cues(text)}


@pytest.mark.parametrize("text, stage", [
    ("nos pidieron una cotización y quieren firmar el contrato este mes", "decision"),
    ("se renseigne sur le sujet, pas de projet pour l'instant", "awareness"),
    ("見積と稟議用の資料がほしいとのこと", "decision"),
    ("posted a LinkedIn thread about us, nobody asked him to", "advocacy"),
    ("submitted a talk for our user conference", "advocacy"),
    ("le RSSI du groupe a envoyé un questionnaire sécu de 80 questions", "decision"),
    ("Einkauf will vor der Unterschrift die AVV und einen Sicherheitsfragebogen", "decision"),
    ("公司规定要走立项审批", "decision"),
    ("Kunde hat uns in der Jahresumfrage eine 10 gegeben", "advocacy"),
    ("采购审批下周走完", "decision"),
    ("Harlow & Pike signed Thursday, kickoff is Monday", "retention"),
    ("contract status hasn't updated on their Salesforce opps since Friday", "retention"),
    ("客户说两边数据不同步", "retention"),
    ("整改通知在企业微信里收不到", "retention"),
    ("asked what the fee would be if they stopped before the contract end date", "retention"),
    ("спросила, во сколько обойдётся выйти из договора досрочно", "retention"),
    ("合同还剩一年,如果提前终止要付多少钱", "retention"),
    ("les connexions sont passées de 120 à 15 par semaine", "retention"),
    ("el fundador pregunta si el plan anual se puede pagar en dos pagos", "decision"),
    ("お客様の社長がXで投稿、うちのアカウントをメンション", "advocacy"),
    ("sites keep hitting edit check errors and are flooding their helpdesk", "retention"),
    ("昨天下午系统宕了快两个小时", "retention"),
    ("Our clinical team is set on TrialVista, the CFO wants the numbers", "decision"),
    ("老板簽字前想先看一次完整的系統操作", "decision"),
    ("early-stage prospect, wants to learn the basics before they even think about tools", "awareness"),
    ("руководитель аналитики подала доклад на нашу пользовательскую конференцию", "advocacy"),
    ("юрист прислал протокол разногласий", "decision"),
    ("their admin answers other customers' questions in every user call", "advocacy"),
    ("Der Leiter Recht hat auf einem Branchentreffen zwei Kollegen von uns erzählt", "advocacy"),
])
def test_cues_in_more_languages_and_advocacy_forms(text, stage):
    from recommender.cues import find_cues

    assert stage in {h.stage for h in find_cues(text)}
