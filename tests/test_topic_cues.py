"""The library's own subject (recommender.topic_cues): cue words its assets use in many stages
say what an ask is about, not how far along the prospect is."""

from content_library.db import make_engine, migrate
from content_library.files import import_records
from content_library.validation import AssetInput
from recommender.engine import Recommender
from recommender.ranking import AssetView
from recommender.topic_cues import asset_cues, topic_cues
from recommender.training import load_or_train

# A contract-management vendor: "contract", "signature" and 审批 are in assets of every stage.
CONTRACTS = [
    ("What is contract lifecycle management?", "Contract basics for small legal teams.", "blog_post", ["awareness"]),
    ("Why contracts stall in approval", "How contract approval chains slow deals.", "ebook", ["awareness"]),
    ("Contract tools compared", "Shared drives vs a contract repository.", "comparison_guide", ["consideration"]),
    ("How Corden signs supplier contracts faster", "A retailer's contract story.", "case_study", ["consideration"]),
    ("Pricing", "Plans for contract volume of every size.", "pricing", ["decision"]),
    ("Free trial", "Upload your own contracts and try e-signature.", "free_trial", ["decision"]),
    ("Onboarding checklist", "Import your contract register in week one.", "onboarding_guide", ["retention"]),
    ("合同审批配置", "在钉钉里配置合同审批流。", "knowledge_base", ["retention"]),
    ("Champions programme", "Customers who share their contract playbooks.", "advocacy_program", ["advocacy"]),
    ("Write a review", "Tell peers how you manage contracts with us.", "review_request", ["advocacy"]),
    ("合同审批效率报告", "各行业合同审批的时间对比。", "research_report", ["awareness"]),
    ("审批流对比", "OA审批和专业合同审批的区别。", "comparison_guide", ["consideration"]),
    ("审批模块演示", "预约合同审批的线上演示。", "demo", ["decision"]),
    ("推荐有礼", "把合同管理经验推荐给同行,双方各得奖励。", "referral_program", ["advocacy"]),
    ("Contract renewal reminders", "Never miss a contract renewal date again.", "newsletter", ["retention"]),
]


def _view(i, title, description, content_type, stages, language="en"):
    return AssetView(i, title, f"https://c.example/{i}", description, content_type, tuple(stages), (), language)


def test_cues_used_across_many_stages_are_the_librarys_subject():
    views = [_view(i, *a) for i, a in enumerate(CONTRACTS)]
    topic = topic_cues((asset_cues(v), v.stages, v.base_language) for v in views)
    assert {"contract", "合同"} <= topic
    # A cue of one stage's assets only is a stage cue still ("pricing", "trial" are content types anyway).
    assert "onboard*" not in topic


def test_a_languages_own_assets_decide_its_subject_words():
    """研究 (a clinical study) in half of an eClinical vendor's Chinese assets is its subject, though
    the Chinese assets are a fifth of the library."""
    stages = ["awareness", "consideration", "decision", "retention", "advocacy"]
    english = [_view(i, f"Guide {i}", "Trial operations made simple.", "how_to_guide", [stages[i % 5]]) for i in range(40)]
    chinese = [_view(100 + i, f"资料{i}", "临床研究的数据管理。" if i < 5 else "数据管理。", "blog_post",
                     [stages[i % 5]], "zh") for i in range(10)]
    topic = topic_cues((asset_cues(v), v.stages, v.base_language) for v in english + chinese)
    assert "研究" in topic
    # Too few assets in a language say nothing about its subject.
    assert "研究" not in topic_cues((asset_cues(v), v.stages, v.base_language) for v in english + chinese[:8])


def test_a_library_without_one_subject_has_no_topic_cues(sample_records):
    views = [_view(i, r.title, r.description, r.content_type, r.stages) for i, r in enumerate(sample_records)]
    assert topic_cues((asset_cues(v), v.stages, v.base_language) for v in views) == frozenset()


def test_the_subjects_words_are_no_evidence_for_a_stage(tmp_path, e5):
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    migrate(engine)
    import_records(engine, [AssetInput(t, f"https://c.example/{n}", c, s, d,
                                       language="zh" if any("\u4e00" <= ch <= "\u9fff" for ch in t) else "en")
                            for n, (t, d, c, s) in enumerate(CONTRACTS)], "test")
    rec = Recommender(engine, e5, tmp_path / "index", load_or_train(e5, tmp_path, []))
    rec.sync()
    assert "contract" in rec.index.topic
    text = "GC at a 250-person staffing firm asked me whether a contract can legally be e-signed at all"
    assert "contract" not in {e.phrase.lower() for e in rec.classify(text).evidence}
    # The same words, asked of a library with no such subject, are a decision cue.
    assert "contract" in {e.phrase.lower() for e in rec.pipeline.classifier.classify(text).evidence}
    # An approval inside the product the customer runs is a support question, not a purchase step.
    stuck = rec.classify("客户反馈:钉钉里审批早就通过了,但系统里合同状态一直显示“审批中”,已经两天了。")
    assert stuck.stage == "retention"


def test_the_index_keeps_each_assets_intents_in_step_with_the_database(tmp_path, fake_embedder):
    engine = make_engine(f"sqlite:///{tmp_path / 'i.db'}")
    migrate(engine)

    def put(title, description):
        import_records(engine, [AssetInput(title, "https://i.example/kb", "Knowledge base", ["retention"],
                                           description)], "test")

    import_records(engine, [AssetInput(f"Customer newsletter {n}", f"https://i.example/news/{n}", "Customer newsletter",
                                       ["retention"], "What shipped this month.") for n in range(3)], "test")
    put("Export your data", "Every record, as CSV.")
    rec = Recommender(engine, fake_embedder, tmp_path / "index")
    rec.sync()
    asset_id = next(i for i, a in rec.assets.items() if a.url.endswith("/kb"))
    assert rec.index.intents[asset_id] == {"export"}
    put("Outage playbook", "What to do when the system is down.")  # the same URL: an edit
    rec.sync()
    assert rec.index.intents[asset_id] == {"support problem"}
