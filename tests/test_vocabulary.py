import pytest

from content_library.vocabulary import (
    CONTENT_TYPES,
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


def test_unknown_stage_suggests_the_closest():
    with pytest.raises(UnknownName) as err:
        parse_stage("desicion")
    assert err.value.suggestions == ["decision"]
    assert "Did you mean 'decision'" in str(err.value)


def test_parse_stages_keeps_canonical_order_without_duplicates():
    assert parse_stages("share; attention,awareness") == ["awareness", "advocacy"]


@pytest.mark.parametrize(
    "name, key",
    [("case study", "case_study"), ("ROI", "roi_calculator"),
     ("免费试用", "free_trial"), ("база знаний", "knowledge_base"), ("How-To Guide", "how_to_guide"),
     ("white paper", "whitepaper"), ("referral", "referral_program")],
)
def test_content_type_aliases(name, key):
    assert parse_content_type(name) == key


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
