import pytest

from content_library.vocabulary import (
    CONTENT_TYPES,
    LIBRARY_TYPE_NAMES,
    STAGES,
    UnknownName,
    parse_content_type,
    parse_stage,
    parse_stages,
    stage_prior,
)
from recommender.stages import CANONICAL, FRAMEWORKS, display


@pytest.mark.parametrize(
    "name, stage",
    [
        ("awareness", "awareness"), ("Attention", "awareness"), ("认知", "awareness"), ("认知阶段", "awareness"),
        ("Информированность", "awareness"),
        ("interest", "consideration"), ("Search", "consideration"), ("考虑", "consideration"),
        ("Рассмотрение", "consideration"), ("preference", "decision"), ("偏好阶段", "decision"),
        ("purchase", "decision"), ("Action", "decision"), ("приобрести", "decision"),
        ("post-purchase", "retention"), ("留存", "retention"), ("этап удержания", "retention"),
        ("loyalty", "advocacy"), ("share", "advocacy"), ("advocate", "advocacy"), ("拥护", "advocacy"),
        ("Адвокатура", "advocacy"), ("  Decision Stage ", "decision"),
    ],
)
def test_stage_names_of_every_framework_and_language(name, stage):
    assert parse_stage(name) == stage


@pytest.mark.parametrize("name, stage", [
    ("Top of funnel", "awareness"), ("attract", "awareness"), ("middle-of-the-funnel", "consideration"),
    ("nurture", "consideration"), ("bottom of funnel", "decision"), ("Decision-making", "decision"),
    ("post-sale", "retention"), ("Renewal", "retention"), ("upsell", "retention"), ("customer success", "retention"),
    ("delight", "retention"), ("Удержание клиентов", "retention"), ("续约", "retention"), ("referrals", "advocacy"),
    ("рекомендации", "advocacy"),
])
def test_the_stage_words_libraries_use(name, stage):
    """A library's own stage column ("Top of funnel", "Post-sale") imports instead of exiting 2."""
    assert parse_stage(name) == stage


@pytest.mark.parametrize("name, stage", [
    ("Stage 1 - Awareness", "awareness"), ("2. Consideration", "consideration"), ("Stage 3: Decision", "decision"),
    ("4) Retention", "retention"), ("Phase 5 - Advocacy", "advocacy"), ("Awareness (TOFU)", "awareness"),
    ("第三阶段：决策", "decision"), ("Этап 2. Рассмотрение", "consideration"), ("Step 2: Interest", "consideration"),
])
def test_a_funnels_numbering_and_notes_around_a_stage_name(name, stage):
    assert parse_stage(name) == stage


@pytest.mark.parametrize("name", ["Stage 1", "1", "Step 2"])
def test_a_number_alone_is_no_stage(name):
    with pytest.raises(UnknownName):
        parse_stage(name)


def test_unknown_stage_suggests_the_closest():
    with pytest.raises(UnknownName) as err:
        parse_stage("desicion")
    assert err.value.suggestions == ["decision"]
    assert "Did you mean 'decision'" in str(err.value)


def test_parse_stages_keeps_canonical_order_without_duplicates():
    assert parse_stages("share; attention,awareness") == ["awareness", "advocacy"]
    assert parse_stages("Interest/Consideration | Intent") == ["consideration", "decision"]


@pytest.mark.parametrize("given, stages", [
    ("Awareness & Consideration", ["awareness", "consideration"]), ("awareness and consideration", ["awareness", "consideration"]),
    ("Consideration -> Decision", ["consideration", "decision"]), ("Awareness → Consideration", ["awareness", "consideration"]),
    ("认知和考虑", ["awareness", "consideration"]), ("认知、考虑", ["awareness", "consideration"]),
    ("All stages", list(STAGES)), ("Full funnel", list(STAGES)), (["all"], list(STAGES)), ("все этапы", list(STAGES)),
    ("N/A", []), ("-", []), (["tbd"], []), ("awareness; -", ["awareness"]), ("null", []), ("N / A", []), ("待定", []),
    (["Consideration & Decision", "retention"], ["consideration", "decision", "retention"]),
])
def test_the_stage_lists_libraries_write(given, stages):
    """"All stages" is every stage; "N/A" gives none (the content type's prior then applies)."""
    assert parse_stages(given) == stages


@pytest.mark.parametrize(
    "name, key",
    [("case study", "case_study"), ("ROI", "roi_calculator"),
     ("免费试用", "free_trial"), ("база знаний", "knowledge_base"), ("How-To Guide", "how_to_guide"),
     ("white paper", "whitepaper"), ("referral", "referral_program")],
)
def test_content_type_aliases(name, key):
    assert parse_content_type(name) == key


@pytest.mark.parametrize(
    "name, key",
    [("Case studies", "case_study"), ("Webinars", "webinar"), ("Whitepapers", "whitepaper"), ("FAQs", "faq"),
     ("ROI calculators", "roi_calculator"), ("Communities", "community"), ("business cases", "proposal_template"),
     ("Solution Brief", "datasheet"), ("One-pager", "datasheet"), ("Press release", "blog_post"),
     ("Battle card", "comparison_guide"), ("Trade show", "event"), ("Help articles", "knowledge_base"),
     ("Getting started guide", "onboarding_guide"), ("Security questionnaire", "proposal_template"),
     ("Interactive demo", "demo_video"), ("Q&A", "faq"), ("Champion program", "advocacy_program"),
     ("Брошюра", "datasheet"), ("用户手册", "knowledge_base"), ("Templates", "how_to_guide"), ("Шаблоны", "how_to_guide"),
     ("模板", "how_to_guide"), ("Wiki", "knowledge_base"), ("Masterclass", "course"), ("Hackathon", "event"),
     ("Competitor analysis", "comparison_guide"), ("Product catalog", "datasheet"), ("G2 badge", "review"),
     ("News", "blog_post"), ("Statement of work", "proposal_template"), ("Welcome email", "onboarding_guide"),
     ("Affiliate program", "referral_program")],
)
def test_the_names_libraries_give_their_content_types(name, key):
    """A CMS export says "Case studies" or "Solution brief": the import takes it, not exit 2."""
    assert parse_content_type(name) == key


@pytest.mark.parametrize("name, key", [
    ("Webinar recording", "webinar"), ("On-demand webinars", "webinar"), ("Community forum", "community"),
    ("API docs", "knowledge_base"), ("User conference", "event"), ("Competitive battlecard", "comparison_guide"),
    ("Customer case studies", "case_study"), ("ROI calculator tool", "roi_calculator"), ("产品演示", "demo"),
    ("产品演示视频", "demo_video"), ("客户案例", "case_study"), ("Вебинар в записи", "webinar"),
    ("产品demo", "demo"), ("客户case study", "case_study"), ("webinar回放", "webinar"),  # English inside Chinese
    ("Кейс клиента", "case_study"), ("Integration guide", "how_to_guide"),
])
def test_a_longer_name_that_holds_one_type_is_that_type(name, key):
    """A library's "Webinar recording" imports as a webinar instead of failing the whole file."""
    assert parse_content_type(name) == key


@pytest.mark.parametrize("name, key", [
    ("Tutorial video", "how_to_guide"), ("Help center article", "knowledge_base"),
    ("Onboarding checklist", "onboarding_guide"), ("Video case study", "case_study"), ("Кейс (видео)", "case_study"),
    ("Post-purchase survey", "survey"), ("客户案例视频", "case_study"), ("Explainer video", "video"), ("Guide", "how_to_guide"),
    ("Onboarding template", "onboarding_guide"), ("ROI template", "roi_calculator"), ("RFP template", "buying_guide"),
    ("Proposal template", "proposal_template"),
])
def test_a_form_gives_way_to_the_type_beside_it(name, key):
    """"video", "article", "post", "checklist" say the form; the other name says what it is for."""
    assert parse_content_type(name) == key


@pytest.mark.parametrize("name, types", [
    ("Training course", {"training", "course"}), ("Product demo video", {"demo", "demo_video"}),
    ("Demo day event", {"demo", "event"}),
])
def test_a_name_that_holds_two_types_is_refused_with_both(name, types):
    with pytest.raises(UnknownName) as err:
        parse_content_type(name)
    assert set(err.value.suggestions) == types
    assert "names more than one content type" in str(err.value) and "give one of them" in str(err.value)


@pytest.mark.parametrize("name", ["process", "analysis", "glass", "podcast", "slide deck", "Implementation plan",
                                  "Landing page"])
def test_what_is_not_a_content_type_stays_unknown(name):
    with pytest.raises(UnknownName):
        parse_content_type(name)


def test_library_type_names_are_their_own_types_and_not_stage_cues():
    from recommender.cues import find_cues
    for key, names in LIBRARY_TYPE_NAMES.items():
        assert all(parse_content_type(n) == key for n in names), key
    # "checklist" names a guide in a library, but says nothing about a prospect's stage.
    assert find_cues("they asked for the checklist and a workshop") == []


@pytest.mark.parametrize("name", ["podcast", "slide deck", "process", "analysis"])
def test_no_far_fetched_suggestion_for_what_is_no_content_type(name):
    with pytest.raises(UnknownName) as err:
        parse_content_type(name)
    assert err.value.suggestions == [] and "Did you mean" not in str(err.value)


@pytest.mark.parametrize("typo, key", [("webinr", "webinar"), ("infografic", "infographic"), ("knowlege base",
                                       "knowledge_base"), ("refferal program", "referral_program")])
def test_a_misspelt_content_type_gets_the_type(typo, key):
    with pytest.raises(UnknownName) as err:
        parse_content_type(typo)
    assert err.value.suggestions[0] == key


@pytest.mark.parametrize("name, keys", [("program", ["referral_program", "loyalty_program", "advocacy_program"]),
                                       ("Programs", ["referral_program", "loyalty_program", "advocacy_program"]),
                                       ("sheet", ["how_to_guide", "datasheet"])])
def test_a_word_of_longer_type_names_suggests_their_types(name, keys):
    with pytest.raises(UnknownName) as err:
        parse_content_type(name)
    assert err.value.suggestions == keys


def test_unknown_content_type_suggests_keys():
    with pytest.raises(UnknownName) as err:
        parse_content_type("case studdy")
    assert err.value.suggestions[0] == "case_study"


def test_every_stage_has_content_types_and_every_type_has_a_known_prior():
    for ct in CONTENT_TYPES:
        assert ct.stages and set(ct.stages) <= set(STAGES)
        assert stage_prior(ct.key) == ct.stages
    for stage in STAGES:
        assert any(stage in ct.stages for ct in CONTENT_TYPES), stage


def test_every_framework_labels_every_stage_and_display_names_both():
    for framework in FRAMEWORKS.values():
        assert set(framework.labels) == set(STAGES)
    assert display("advocacy", "aisas") == "Share (Advocacy)"
    assert display("decision", "canonical") == "Decision"
    assert set(CANONICAL) == set(STAGES)


@pytest.mark.parametrize("title, key", [
    ("Solution brief: Bastion for Microsoft 365", "datasheet"),
    ("Admin setup checklist for new accounts", "onboarding_guide"),  # not the awareness checklist
    ("The TMS buyer's guide - requirements checklist", "buying_guide"),
    ("Press release: Freightline opens a Warsaw office", "blog_post"),
])
def test_a_new_assets_title_suggests_its_type(title, key):
    from recommender.suggest import content_type_in
    assert content_type_in(title) == key
