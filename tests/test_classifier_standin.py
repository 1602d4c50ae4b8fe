"""The stand-in stage classifier: cue evidence, negation, Traditional Chinese, latest signal wins."""

import pytest

from recommender.classifier import CueClassifier, StageResult
from recommender.cues import find_cues, requested_content_types


def phrases(text):
    return [(h.stage, h.phrase) for h in find_cues(text)]


def test_evidence_is_in_the_texts_own_words_and_language():
    assert phrases("КП отправили, ждём согласования бюджета") == [
        ("decision", "КП"), ("decision", "согласования"), ("decision", "бюджета")]
    assert ("decision", "報價") in phrases("客戶已經決定用我們，要報價單")  # Traditional Chinese, shown as written


@pytest.mark.parametrize("text", ["we are not comparing vendors yet", "ещё не ищет поставщика", "还没有预算", "还没试用过"])
def test_negated_cues_do_not_count(text):
    assert phrases(text) == []


@pytest.mark.parametrize("text, phrase", [("客户问能不能先试用一个月", "试用"), ("有没有试用版", "试用"),
                                          ("對方在考慮要不要試用", "試用")])
def test_a_chinese_a_not_a_question_is_not_a_negation(text, phrase):
    """能不能 / 有没有 / 要不要 ask whether; 不 and 没 there do not negate what follows."""
    assert ("decision", phrase) in phrases(text)


@pytest.mark.parametrize("text, phrase", [("won't renew unless support improves", "renew"),
                                          ("есть риск, что не продлит контракт", "продлит"), ("客户说不续约了", "续约")])
def test_a_negated_renewal_is_still_a_retention_signal(text, phrase):
    """A customer who may not renew is a retention case all the more."""
    assert phrases(text) == [("retention", phrase)]


def test_every_negation_proof_cue_is_on_the_cue_sheet():
    from recommender.cues import BEHAVIOUR_CUES, NEGATION_PROOF

    assert all(c in BEHAVIOUR_CUES[stage] for stage, cues in NEGATION_PROOF.items() for c in cues)


def test_subscribing_to_a_newsletter_is_not_signing():
    assert phrases("подписался на рассылку после статьи") == [
        ("awareness", "подписался на рассылку"), ("awareness", "статьи")]  # an article, in the genitive
    assert phrases("готовы подписать договор") == [("decision", "подписать"), ("decision", "договор")]


@pytest.mark.parametrize("text, phrase", [
    ("contract signed on Friday, IT asks about user accounts", "contract signed"),
    ("客户上周签了合同", "签了合同"), ("合約簽好了", "簽好了"),
    ("Подписали договор на прошлой неделе", "Подписали договор"), ("клиент уже оплатил", "уже оплатил"),
])
def test_a_signature_already_made_is_a_retention_cue(text, phrase):
    assert phrases(text)[0] == ("retention", phrase)


@pytest.mark.parametrize("text, phrase", [
    ("they will sign next week", "sign"), ("客户准备下周签合同", "签合同"), ("будут подписывать договор", "подписывать"),
])
def test_a_signature_still_ahead_stays_a_decision_cue(text, phrase):
    assert phrases(text)[0] == ("decision", phrase)


@pytest.mark.parametrize("text, left", [
    ("they're on RouteMax today, contract ends next spring, want to see how we're different",
     [("consideration", "how we're different")]),
    ("using us for three years, their contract expires in March", [("retention", "using us for")]),
    ("客户用了我们三年了，合同明年到期，要谈续约", [("retention", "用了我们"), ("retention", "续约")]),
    ("Клиент на системе конкурента, договор заканчивается в марте", [("consideration", "системе конкурента")]),
])
def test_a_contract_that_ends_is_no_decision_cue(text, left):
    """Whose contract ends (ours: a renewal; another vendor's: a window to switch) is for the words
    around it to say; the contract is no purchase being decided."""
    assert phrases(text) == left


@pytest.mark.parametrize("text, left", [
    ("their current vendor raised prices 30%, they're looking at replacing it", [("consideration", "replacing it")]),
    ("现在的供应商涨价了，客户想换", [("consideration", "供应商"), ("consideration", "想换")]),
    ("поставщик поднял цены, клиент ищет замену", [("consideration", "поставщик"), ("consideration", "замену")]),
])
def test_a_price_that_went_up_is_no_decision_cue(text, left):
    assert phrases(text) == left


@pytest.mark.parametrize("text, phrase", [
    ("three years with us, they brought us two new carriers", "brought us"),
    ("老客户又给我们带来了新客户", "带来了新客户"),
    ("Клиент привёл к нам двух партнёров", "привёл к нам"),
])
def test_a_customer_who_brought_us_customers_is_an_advocate(text, phrase):
    assert ("advocacy", phrase) in phrases(text)


@pytest.mark.parametrize("text, found, requested", [
    ("客户要case study和pricing", [("consideration", "case study"), ("decision", "pricing")],
     {"case_study", "pricing"}),
    ("客户想看demo，下周签contract", [("decision", "demo"), ("decision", "contract")], {"demo"}),
    ("他们在compare三家供应商", [("consideration", "compare"), ("consideration", "供应商")], set()),
    ("客户signed了，要onboarding", [("decision", "signed"), ("retention", "onboarding")], {"onboarding_guide"}),
    ("Клиент хочет demo и прайс", [("decision", "demo"), ("decision", "прайс")], {"demo", "pricing"}),
])
def test_english_words_between_chinese_characters_are_words(text, found, requested):
    assert phrases(text) == found
    assert set(requested_content_types(text)) == requested


@pytest.mark.parametrize("text", ["客户还没有compare过", "客户不要demo", "客户没有signed"])
def test_an_english_word_negated_the_chinese_way_does_not_count(text):
    assert phrases(text) == []


def test_a_contract_being_decided_stays_a_decision_cue():
    assert phrases("legal is reviewing the contract") == [("decision", "legal"), ("decision", "contract")]
    assert phrases("采购在走合同流程")[-1][0] == "decision"
    assert phrases("юристы согласовывают договор")[-1] == ("decision", "договор")
    # 合同…到期 spans a few characters, not a clause: a signed contract is still a retention cue.
    assert phrases("合同签了之后服务到期") == [("retention", "合同签了")]


def test_a_signature_not_yet_made_is_not_a_retention_cue():
    assert all(stage != "retention" for stage, _ in phrases("haven't signed the contract yet") + phrases("还没签合同"))


@pytest.mark.parametrize("text, stage, phrase", [
    ("their CTO is torn between building it in-house and buying", "consideration", "torn between"),
    ("the committee can't decide between the last two", "consideration", "can't decide"),
    ("客户还在两家之间犹豫", "consideration", "犹豫"),
    ("Клиент не может определиться с системой", "consideration", "не может определиться"),
    ("their admin wants to connect with peers who run the same setup", "advocacy", "connect with peers"),
    ("power user would love to meet other users at the meetup", "advocacy", "meet other users"),
    ("老客户想认识其他用户", "advocacy", "认识其他用户"),
    ("Клиент хочет пообщаться с другими пользователями", "advocacy", "пообщаться с другими пользователями"),
    # A prospect who wants to hear from customers is still choosing.
    ("prospect wants to hear from a customer before choosing", "consideration", "hear from a customer"),
])
def test_undecided_prospects_and_customers_meeting_their_peers(text, stage, phrase):
    assert (stage, phrase) in phrases(text)


def test_russian_customer_and_review_wording():
    assert phrases("Действующий клиент, продление через квартал") == [
        ("retention", "Действующий клиент"), ("retention", "продление")]
    assert phrases("надо провести квартальную встречу") == [("retention", "квартальную встречу")]
    assert phrases("просят спецификацию") == [("consideration", "спецификацию")]


@pytest.mark.parametrize("text, content_type", [
    ("пришлите базу знаний", "knowledge_base"),                  # база знаний, accusative
    ("клиент просит сравнительную таблицу", "comparison_guide"),  # сравнительная таблица
    ("хотят программу лояльности", "loyalty_program"),
    ("CTO wants a side-by-side on features", "comparison_guide"),
    ("IT wants the integration list", "datasheet"),
    ("客户要一份功能对比表", "comparison_guide"),
    ("客户问能不能先试用一个月", "free_trial"),  # 问 (asks) and 能不能 (can or can't) ask for it
    ("можно демо на следующей неделе?", "demo"),
    # The ROI calculator by what reps call it in each language, and 想 (want) as a request word.
    ("Финдиректор просит посчитать окупаемость", "roi_calculator"),
    ("財務長想看投資回報的計算", "roi_calculator"),
    ("CFO wants to see the payback", "roi_calculator"),
    # The everyday Chinese and Russian names of types English names were there for.
    ("клиент просит истории успеха похожих компаний", "case_study"),
    ("客户想要几个客户故事", "case_study"),
    ("пришлите бизнес-кейс для финдиректора", "proposal_template"),
    ("нужен гайд по снижению порожних пробегов", "how_to_guide"),
    ("просят руководство по выбору системы", "buying_guide"),
    ("新客户要快速入门的资料", "onboarding_guide"),
    ("где справочный центр?", "knowledge_base"),
])
def test_content_types_asked_for_in_other_words_and_inflections(text, content_type):
    assert content_type in requested_content_types(text)


@pytest.mark.parametrize("text, language", [
    ("asked for a pricing sheet in Russian", "ru"), ("need the Chinese version of the case study", "zh"),
    ("Chinese-speaking ops team", "zh"), ("客户要英文版的报价", "en"), ("请用俄语发资料", "ru"),
    ("Клиенту нужно на английском", "en"), ("англоязычный клиент", "en"), ("not in English please, in Russian", "ru"),
    ("CFO wants pricing", None), ("客户不会说英语", None), ("doesn't speak English", None),
    ("in China they ship a lot", None),
])
def test_a_language_named_for_the_content(text, language):
    from recommender.cues import requested_language

    assert requested_language(text) == language


def test_longest_overlapping_cue_wins():
    assert phrases("新簽約客戶需要入門指南") == [("retention", "新簽約"), ("retention", "入門指南")]


def test_requested_content_types_are_recognised_in_three_languages():
    assert requested_content_types("asked for case studies and a datasheet") == {
        "case_study": "case studies", "datasheet": "datasheet"}
    assert "roi_calculator" in requested_content_types("需要ROI计算器")
    assert "knowledge_base" in requested_content_types("где база знаний?")
    # A mention without a request word before it is no request.
    assert requested_content_types("окупаемость понятна, обсуждаем договор") == {}


@pytest.mark.parametrize("text, requested", [
    ("Der Kunde braucht eine Preisliste und eine Fallstudie", {"pricing", "case_study"}),
    ("Habt ihr ein Datenblatt für das Gateway?", {"datasheet"}),
    ("Gibt es eine Schulung für neue Admins?", {"training"}),
    ("asked where she can leave us a review", {"review_request"}),
    ("客户愿意帮我们写评价，有链接吗？要写评价的页面", {"review_request"}),
    # Named without a request word: no request.
    ("Die Fallstudie hat ihm gefallen, jetzt redet er mit dem Einkauf", set()),
])
def test_requested_content_types_in_german_and_the_ask_to_review(text, requested):
    assert set(requested_content_types(text)) == requested


@pytest.fixture(scope="module")
def classifier(e5):
    return CueClassifier(e5)


@pytest.mark.parametrize(
    "text, stage",
    [
        ("compared three vendors in Q1, now legal is redlining our MSA", "decision"),
        ("signed last month, now they need onboarding for the warehouse team", "retention"),
        ("客户刚开始研究如何降低运输成本，还不了解我们", "awareness"),
        ("Довольный клиент готов порекомендовать нас партнёрам", "advocacy"),
    ],
)
def test_stage_per_language_and_mixed_history(classifier, text, stage):
    result = classifier.classify(text)
    assert result.stage == stage
    assert abs(sum(result.probabilities.values()) - 1.0) < 1e-6
    assert result.evidence and result.evidence[0].stage == stage


def test_text_without_signals_is_flagged_unsure(classifier):
    result = classifier.classify("spoke to Dana today")
    assert result.unsure
    assert result.stage in result.probabilities and result.runner_up() != result.stage


def test_forced_result_is_certain():
    forced = StageResult.forced("retention")
    assert forced.overridden and forced.confidence == 1.0 and not forced.unsure
    assert forced.to_dict()["probabilities"]["retention"] == 1.0


def test_a_product_in_use_is_retention_only_when_it_is_ours():
    """在用 sits inside 现在用 (now using) and 在用户社区 (in the user community): only the forms that
    say the product is in use count; another vendor's product in place is a consideration cue."""
    assert ("retention", "在用") not in phrases("对方现在用的是别家的系统")
    assert ("consideration", "别家") in phrases("对方现在用的是别家的系统")
    assert all(stage != "retention" for stage, _ in phrases("这个客户经常在用户社区回答别人的问题"))
    assert ("retention", "一直在用") in phrases("客户一直在用我们的调度模块")
    assert ("consideration", "replacing it") in phrases("their vendor raised prices, they're replacing it")
    assert phrases("how long is the migration from their current system?") == []
    assert ("consideration", "системе конкурента") in phrases("Клиент сейчас работает на системе конкурента")


def test_a_plain_demo_is_the_live_one_and_a_recording_is_not():
    assert requested_content_types("customer wants a demo next week") == {"demo": "demo"}
    assert phrases("they watched the recorded demo") == [("consideration", "recorded demo")]
    assert phrases("Посмотрели запись демо") == [("consideration", "запись демо")]
    assert requested_content_types("can we get them a sandbox account?") == {"free_trial": "sandbox"}
