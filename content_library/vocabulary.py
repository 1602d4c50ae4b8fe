"""The closed vocabularies the library is tagged with: canonical journey stages and content types.

Both come from the seed articles on the customer journey (HubSpot's five phases, the Russian
funnel article's per-stage tactics, the Chinese B2B three-stage model). Each content type names
the stage(s) it usually serves: that is the prior used when an asset carries no stage tags of its
own. Aliases in English, Chinese and Russian let people type the names they already use.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from content_library.languages import SPACED_LETTER, has_han
from content_library.placeholders import says_nothing

STAGES: tuple[str, ...] = ("awareness", "consideration", "decision", "retention", "advocacy")


@dataclass(frozen=True)
class ContentType:
    key: str
    label: str
    stages: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    team: bool = False  # defined by the team (content_library.content_types), not shipped


CONTENT_TYPES: tuple[ContentType, ...] = (
    # Awareness: educational content that helps a prospect diagnose a problem.
    ContentType("how_to_guide", "How-to guide", ("awareness",),
                ("how-to", "how to", "guide", "tutorial", "how-to article", "指南", "教程", "操作指南", "攻略", "руководство", "инструкция", "гайд", "how-tos", "leitfaden", "anleitung", "ratgeber")),
    ContentType("ebook", "Ebook", ("awareness",), ("e-book", "book", "电子书", "электронная книга", "электронные книги")),
    ContentType("whitepaper", "Whitepaper", ("awareness", "consideration"),
                ("white paper", "white-paper", "白皮书", "белая книга", "официальный документ")),
    ContentType("blog_post", "Blog post", ("awareness",), ("blog", "article", "post", "博客", "博客文章", "文章", "блог", "статья", "blogartikel", "blogbeitrag", "fachbeitrag")),
    ContentType("infographic", "Infographic", ("awareness",), ("信息图", "信息图表", "инфографика")),
    ContentType("video", "Explainer video", ("awareness",),
                ("explainer", "explainer video", "视频", "解释性视频", "видео", "обучающее видео", "影片", "erklärvideo")),
    ContentType("course", "Free course", ("awareness",), ("free course", "课程", "免费课程", "курс", "бесплатный курс")),
    ContentType("research_report", "Research report", ("awareness",),
                ("report", "research", "survey report", "研究数据", "研究报告", "分析报告", "исследование", "отчёт", "отчет", "studie", "marktstudie")),
    ContentType("event", "Event", ("awareness", "consideration"),
                ("conference", "meetup", "活动", "活动信息", "会议", "мероприятие", "конференция", "veranstaltung", "konferenz", "messe")),
    # Consideration: product marketing content that helps compare offerings.
    ContentType("comparison_guide", "Comparison guide", ("consideration",),
                ("comparison", "comparison chart", "vs", "competitor comparison", "side-by-side", "side by side",
                 "feature matrix", "feature comparison", "battlecard", "对比", "比较", "产品比较", "对比表", "功能对比",
                 "сравнение", "сравнительная таблица", "таблица сравнения", "vergleich", "anbietervergleich", "gegenüberstellung")),
    ContentType("case_study", "Case study", ("consideration", "decision"),
                ("customer story", "success story", "customer success story", "案例", "案例研究", "成功案例", "кейс", "пример из практики", "история успеха", "客户故事", "fallstudie", "referenzbericht", "erfolgsgeschichte", "anwenderbericht")),
    ContentType("webinar", "Webinar", ("consideration",), ("product webinar", "网络研讨会", "研讨会", "вебинар")),
    ContentType("product_listicle", "Product listicle", ("consideration",), ("listicle", "top list", "产品清单", "подборка")),
    ContentType("buying_guide", "Buying guide", ("consideration",),
                ("buyer's guide", "buyers guide", "selection guide", "购买指南", "选型指南", "гид покупателя", "руководство по выбору", "kaufberatung", "auswahlhilfe", "einkaufsführer")),
    ContentType("datasheet", "Datasheet", ("consideration",),
                ("data sheet", "spec sheet", "product sheet", "tech specs", "integration list", "产品手册", "规格表", "技术规格",
                 "паспорт", "спецификация", "технические характеристики", "datenblatt", "produktblatt", "produktbroschüre")),
    ContentType("faq", "FAQ", ("consideration", "retention"),
                ("faqs", "questions", "常见问题", "часто задаваемые вопросы", "чаво", "häufige fragen")),
    ContentType("demo_video", "Demo video", ("consideration",),
                ("recorded demo", "demo recording", "on-demand demo", "interactive demo", "clickable demo",
                 "product video", "product tour", "演示视频", "演示录像", "демонстрационное видео", "запись демо",
                 "演示影片", "产品介绍影片", "产品影片", "产品介绍视频", "产品视频", "produktvideo", "produkttour",
                 "запись демонстрации")),
    ContentType("review", "Third-party review", ("consideration",),
                ("analyst report", "third-party review", "testimonial", "reviews", "评测", "第三方评测", "用户评价", "分析师报告", "отзыв", "обзор")),
    # Decision: make the purchase easy.
    # A plain "demo" is the live one ("wants a demo next week"); a recorded one is named as such
    # ("watched the recorded demo", a demo video: consideration) and the longer name wins.
    ContentType("demo", "Live demo", ("decision",),
                ("demo", "live demo", "free demo", "demo request", "product demo", "walkthrough", "walk-through",
                 "demonstration", "démo", "演示", "免费演示", "демо", "демку", "демка", "демки", "живая демонстрация", "демонстрация", "vorführung", "live-demo")),
    ContentType("free_trial", "Free trial", ("decision",),
                ("trial", "sign-up", "signup", "trial account", "test account", "sandbox", "test drive",
                 "试用", "免费试用", "测试账号", "测试环境", "пробный период", "триал", "тестовый доступ",
                 "пробный доступ", "демо-доступ", "testversion", "testzugang", "testphase")),
    ContentType("consultation", "Consultation", ("decision",), ("free consultation", "assessment", "咨询", "免费咨询", "консультация", "beratung", "beratungsgespräch", "erstberatung")),
    ContentType("pricing", "Pricing", ("decision",), ("pricing page", "price list", "quote", "价格", "报价", "价格单", "цены", "прайс", "стоимость", "preise", "preisliste", "preisangebot")),
    ContentType("roi_calculator", "ROI calculator", ("decision", "consideration"),
                ("roi", "payback", "calculator", "tco calculator", "ROI计算器", "投资回报", "投资回报计算器", "калькулятор",
                 "калькулятор roi", "окупаемость", "roi-rechner", "wirtschaftlichkeitsrechner", "amortisationsrechner")),
    ContentType("promotion", "Promotion", ("decision",),
                ("offer", "discount", "coupon", "promo", "优惠", "折扣", "促销", "купон", "скидка", "акция", "rabatt", "sonderangebot")),
    ContentType("proposal_template", "Proposal / business case", ("decision",),
                ("business case", "proposal", "procurement pack", "security pack", "商业方案", "方案书", "建议书", "коммерческое предложение", "кп", "бизнес-кейс", "angebot")),
    # Retention: onboarding and ongoing service so customers do not churn.
    ContentType("onboarding_guide", "Onboarding guide", ("retention",),
                ("onboarding", "getting started", "setup guide", "入门指导", "入门指南", "上手指南", "新手指南", "快速入门", "онбординг",
                 "руководство по началу работы", "быстрый старт", "erste schritte", "einführungsleitfaden", "einrichtungsanleitung")),
    ContentType("knowledge_base", "Knowledge base", ("retention",),
                ("kb", "help center", "documentation", "docs", "知识库", "帮助中心", "帮助文档", "база знаний", "документация", "справочный центр", "центр помощи", "hilfeartikel", "hilfe-center", "wissensdatenbank", "dokumentation", "handbuch")),
    ContentType("training", "Training", ("retention",), ("customer training", "academy", "certification", "培训", "обучение", "тренинг", "schulung", "schulungen", "zertifizierung", "akademie")),
    ContentType("newsletter", "Customer newsletter", ("retention",),
                ("product update", "release notes", "newsletter", "月简报", "产品更新", "рассылка", "новости продукта")),
    ContentType("survey", "Survey", ("retention", "advocacy"),
                ("nps", "nps survey", "feedback survey", "questionnaire", "调查", "问卷", "净推荐值", "опрос", "анкета", "umfrage", "kundenbefragung", "fragebogen")),
    # Advocacy: make it easy for happy customers to promote the brand.
    ContentType("referral_program", "Referral program", ("advocacy",),
                ("referral", "refer a friend", "推荐计划", "推荐", "转介绍", "реферальная программа", "рекомендация", "referral programme", "empfehlungsprogramm", "empfehlungsprämie")),
    ContentType("community", "Community", ("advocacy",), ("forum", "user group", "discord", "社区", "用户社区", "сообщество", "комьюнити", "anwendergruppe", "nutzergruppe")),
    ContentType("review_request", "Review request", ("advocacy",),
                ("review ask", "testimonial request", "g2 review", "邀请评价", "评价邀请", "запрос отзыва", "обмен отзывами", "leave a review", "leave us a review", "write a review", "write us a review", "review link", "bewertung abgeben", "bewertung schreiben", "rezension", "写评价", "留评价", "оставить отзыв")),
    ContentType("loyalty_program", "Loyalty program", ("advocacy", "retention"),
                ("loyalty", "perks", "rewards", "忠诚度计划", "会员计划", "программа лояльности", "treueprogramm", "bonusprogramm")),
    ContentType("advocacy_program", "Customer advocacy program", ("advocacy",),
                ("champions", "advisory board", "customer advisory board", "ambassador", "客户倡导", "品牌大使", "амбассадор", "программа адвокатов", "referenzprogramm", "botschafterprogramm", "kundenbeirat")),
)

# Every content type in use: the shipped ones, then those the team defined (content_library.
# content_types keeps them in the database and installs them here with `install_team_types`).
CONTENT_TYPE_BY_KEY: dict[str, ContentType] = {ct.key: ct for ct in CONTENT_TYPES}
_team_types: tuple[ContentType, ...] = ()
_generation = 0


def content_types() -> tuple[ContentType, ...]:
    """The shipped content types, then the team's own."""
    return CONTENT_TYPES + _team_types


def team_types() -> tuple[ContentType, ...]:
    return _team_types


def generation() -> int:
    """Bumped whenever the team's types change: caches built from the vocabulary key on it."""
    return _generation


def install_team_types(types: tuple[ContentType, ...] | list[ContentType]) -> bool:
    """Make `types` the team's content types in this process (a type of a shipped key is ignored:
    the shipped vocabulary cannot be redefined). True when that changed anything."""
    global _team_types, _generation, _CONTENT_TYPE_NAMES
    shipped = {ct.key for ct in CONTENT_TYPES}
    new = tuple(ct for ct in types if ct.key not in shipped)
    if new == _team_types:
        return False
    _team_types = new
    CONTENT_TYPE_BY_KEY.clear()
    CONTENT_TYPE_BY_KEY.update({ct.key: ct for ct in content_types()})
    _CONTENT_TYPE_NAMES = _content_type_names()
    _name_patterns.cache_clear()
    _generation += 1
    return True


def type_label(key: str) -> str:
    """A content type's label ("Case study"); an unknown key as it is."""
    ct = CONTENT_TYPE_BY_KEY.get(key)
    return ct.label if ct else key

# Names teams give these types in their own libraries and CMS exports ("Solution brief", "Press
# release", "Battle card"): accepted wherever a content type is given (import files, /content,
# --type) and recognised in a new asset's title, each mapped to the type that serves the same
# purpose. Unlike the aliases above they are not stage cues: in a prospect description
# "checklist" or "workshop" says little about the stage.
LIBRARY_TYPE_NAMES: dict[str, tuple[str, ...]] = {
    "how_to_guide": ("checklist", "playbook", "worksheet", "toolkit", "tip sheet", "best practices guide",
                     "template", "чек-лист", "чеклист", "检查清单", "шаблон", "шаблоны", "模板"),
    "blog_post": ("press release", "news article", "news", "company news", "пресс-релиз", "новости", "新闻稿"),
    "video": ("animated video", "whiteboard video"),
    "course": ("online course", "e-learning", "elearning", "masterclass", "мастер-класс"),
    "research_report": ("benchmark report", "trend report", "industry report", "state of the industry report"),
    "event": ("trade show", "workshop", "live event", "virtual event", "in-person event", "roundtable", "summit",
              "hackathon", "выставка", "展会", "峰会"),
    "comparison_guide": ("battle card", "competitive comparison", "vs page", "comparison page", "competitor analysis",
                         "competitive analysis"),
    "case_study": ("client story", "customer case", "customer success story video"),
    "webinar": ("webcast", "web seminar", "online seminar"),
    "buying_guide": ("buyer guide", "evaluation guide", "rfp template", "requirements checklist"),
    "datasheet": ("solution brief", "product brief", "one pager", "one-pager", "fact sheet", "brochure",
                  "product brochure", "catalog", "catalogue", "product catalog", "брошюра", "каталог", "产品介绍",
                  "产品彩页", "产品目录"),
    "faq": ("q&a", "q & a", "questions and answers"),
    "demo_video": ("interactive tour", "self-guided tour"),
    "review": ("award", "customer testimonial", "video testimonial", "analyst review", "g2 badge", "review badge"),
    "proposal_template": ("rfp response", "security questionnaire", "order form", "contract template",
                          "statement of work"),
    "promotion": ("special offer", "limited offer"),
    "onboarding_guide": ("getting started guide", "quick start guide", "quickstart", "implementation guide",
                         "setup checklist", "welcome kit", "welcome email"),
    "knowledge_base": ("help article", "knowledge base article", "kb article", "support article", "user guide",
                       "user manual", "wiki", "руководство пользователя", "用户手册", "使用手册"),
    "newsletter": ("email newsletter", "changelog", "product digest"),
    "referral_program": ("affiliate program",),
    "advocacy_program": ("champion program", "champions program", "reference program", "customer reference program",
                         "ambassador program"),
}


def normalise_name(text: str) -> str:
    """Lower-case, NFKC-fold, and collapse spaces, dashes and underscores to one space."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s_\-]+", " ", text)


def other_names(ct: ContentType) -> list[str]:
    """The names a content type is accepted under besides its key and label: aliases, then library
    names, each once."""
    return list(dict.fromkeys([*ct.aliases, *LIBRARY_TYPE_NAMES.get(ct.key, ())]))


def accepted_names(ct: ContentType) -> tuple[str, ...]:
    """Every name a content type is accepted under: key, label, aliases, library names."""
    return (ct.key, ct.label, *other_names(ct))


def _content_type_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for ct in content_types():
        for name in accepted_names(ct):
            names.setdefault(normalise_name(name), ct.key)
    return names


_CONTENT_TYPE_NAMES = _content_type_names()


class UnknownName(ValueError):
    """A name that is not in a closed vocabulary; carries the closest valid names. `ambiguous`: the
    name holds the names of several (the suggestions), and which one is meant is not for us to pick."""

    def __init__(self, kind: str, value: str, suggestions: list[str], ambiguous: bool = False, typo: bool = False):
        """`typo`: the value is a near spelling of a valid name (the first suggestion)."""
        self.kind, self.value, self.suggestions, self.ambiguous, self.typo = kind, value, suggestions, ambiguous, typo
        names = ", ".join(repr(s) for s in suggestions)
        if ambiguous:
            message = f"{kind} {value!r} names more than one {kind} ({names}); give one of them"
        else:
            message = f"unknown {kind} {value!r}." + (f" Did you mean {names}?" if suggestions else "")
        super().__init__(message)


def closest(value: str, choices: list[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """Up to `n` choices like `value`, best first: those nearly as close as the best one (a clear
    typo gets one suggestion, not three)."""
    name = normalise_name(value)
    scored = [(difflib.SequenceMatcher(None, name, c).ratio(), c)
              for c in difflib.get_close_matches(name, choices, n=n, cutoff=cutoff)]
    best = max((score for score, _ in scored), default=0.0)
    return [c for score, c in scored if score >= best - 0.15]


def _singular(name: str) -> str:
    """The name with its last English word in the singular: "case studies" → "case study"."""
    for plural, single in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("s", "")):
        if name.endswith(plural) and name.isascii() and len(name) > len(plural) + 2 and not name.endswith("ss"):
            return name[: -len(plural)] + single
    return name


def _name_pattern(name: str) -> re.Pattern[str]:
    """A content type's name inside a longer one: whole words (an English word may touch Chinese
    characters: "产品demo"), the last English word also in the plural ("Customer case studies");
    Chinese names anywhere in it."""
    body = re.escape(name)
    if has_han(name):
        return re.compile(body)
    if name.isascii() and name[-1].isalpha():
        body = f"{re.escape(name[:-1])}(?:y|ies)" if name.endswith("y") else f"{body}(?:s|es)?"
    return re.compile(rf"(?<!{SPACED_LETTER}){body}(?!{SPACED_LETTER})")


@lru_cache(maxsize=1)
def _name_patterns() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, name, type key) per accepted name; compiled on first use, not at import (400 patterns
    every process would compile, for the few that meet a name that is no exact one)."""
    return tuple((_name_pattern(name), name, key) for name, key in _CONTENT_TYPE_NAMES.items() if len(name) > 1)

# Names that say what form an asset takes more than what it is for: beside the name of another type
# they give way to it ("Tutorial video" is a how-to guide, "Help center article" the knowledge base,
# "Onboarding checklist" an onboarding guide), alone they are their own type ("Explainer video",
# "Integration guide").
_FORM_NAMES = frozenset(normalise_name(n) for n in (
    "video", "видео", "视频", "article", "статья", "文章", "post", "blog", "блог", "博客", "guide", "指南",
    "руководство", "report", "отчёт", "отчет", "报告", "book", "checklist", "чек-лист", "чеклист", "检查清单",
    "template", "шаблон", "模板"))


def content_types_named_in(name: str) -> list[str]:
    """The content types whose accepted names occur in `name` (normalised), longest name first. A
    name found inside a longer one found there does not count ("demo" in "demo video"), nor a name
    of a form (_FORM_NAMES) beside the name of another type."""
    spans = [(m.start(), m.end(), alias, key) for pattern, alias, key in _name_patterns() for m in pattern.finditer(name)]
    maximal = [(start, end, alias, key) for start, end, alias, key in spans
               if not any(s <= start and end <= e and e - s > end - start for s, e, _, _ in spans)]
    purposes = {key for _, _, alias, key in maximal if alias not in _FORM_NAMES}
    if purposes:
        maximal = [span for span in maximal if span[3] in purposes]
    maximal.sort(key=lambda span: span[0] - span[1])
    return list(dict.fromkeys(key for *_, key in maximal))


def parse_content_type(value: str) -> str:
    """Map a content type name or alias (any supported language, singular or plural) to its key, or
    raise UnknownName. A longer name that holds the names of one type only is that type
    ("Webinar recording" is a webinar); one that holds several is refused with those types."""
    name = normalise_name(value)
    key = _CONTENT_TYPE_NAMES.get(name) or _CONTENT_TYPE_NAMES.get(_singular(name))
    if key is not None:
        return key
    named = content_types_named_in(name)
    if len(named) == 1:  # "Webinar recording", "Community forum", "API docs", "产品演示"
        return named[0]
    if named:  # "Onboarding video", "Help center article": a guess would mis-tag it
        raise UnknownName("content type", value, named, ambiguous=True)
    # Only a near spelling is suggested: among hundreds of short names a loose match is a false
    # friend ("podcast" is no "post", "slide deck" no "side by side").
    suggestions = closest(value, list(_CONTENT_TYPE_NAMES), cutoff=0.75)
    # A typo is a spelling within two letters of a valid name ("case studdy", "webinr"); "use case"
    # is as close to "business case" by ratio, but is a name of its own.
    typo = any(abs(len(s) - len(name)) <= 2 for s in suggestions)
    # A word that several types' names share names a family ("program": referral, loyalty, advocacy
    # programs; "sheet": tip sheet, data sheet): its members are suggested. A word of one type's names
    # only ("analysis" of "competitor analysis") is no such family, and suggests nothing by itself.
    words = {f" {name} ", f" {_singular(name)} "}
    family = [known for known in _CONTENT_TYPE_NAMES if any(w in f" {known} " for w in words)]
    if len({_CONTENT_TYPE_NAMES[known] for known in family}) > 1:
        suggestions += family
    # Suggest canonical keys, not the alias that happened to be closest.
    keys = list(dict.fromkeys(_CONTENT_TYPE_NAMES[s] for s in suggestions))[:3]
    raise UnknownName("content type", value, keys, typo=typo)


def stage_prior(content_type: str) -> tuple[str, ...]:
    """The stages a content type usually serves (used when an asset has no stage tags)."""
    return CONTENT_TYPE_BY_KEY[content_type].stages


def name_key(name: str) -> str:
    """A name as the vocabulary compares it: normalised, its last English word singular."""
    return _singular(normalise_name(name))


# --- Stage names --------------------------------------------------------------------------------
# Canonical stage names in the seed languages, plus every framework's own stage names, all map to
# the canonical stage they correspond to.

_STAGE_ALIASES: dict[str, tuple[str, ...]] = {
    # The seed articles' frameworks (see recommender/stages.py), in three languages, then the stage
    # words teams put in their own libraries' stage columns: funnel positions, HubSpot's flywheel
    # (attract / engage / delight), customer-success terms.
    "awareness": ("aware", "attention", "discovery", "意识", "认知", "注意", "意識", "認知", "осознание",
                  "осведомленность", "осведомлённость", "информированность", "знакомство", "внимание",
                  "осознания", "осведомленности", "tofu", "top of funnel", "top of the funnel", "attract",
                  "education", "привлечение", "认识", "了解"),
    "consideration": ("consider", "interest", "search", "evaluation", "考虑", "兴趣", "搜索", "考慮", "興趣",
                      "рассмотрение", "рассмотрения", "интерес", "поиск", "оценка", "mofu", "middle of funnel",
                      "middle of the funnel", "nurture", "evaluate", "engage", "comparison", "выбор", "сравнение",
                      "评估", "比较"),
    "decision": ("decide", "action", "purchase", "preference", "intent", "决策", "行动", "购买", "偏好", "決策",
                 "購買", "решение", "решения", "действие", "покупка", "покупки", "приобрести", "приобретение", "bofu",
                 "bottom of funnel", "bottom of the funnel", "close", "closing", "buy", "decision making",
                 "conversion", "negotiation", "сделка", "закрытие сделки", "成交", "签约"),
    "retention": ("retain", "post purchase", "post-purchase", "onboarding", "留存", "购后", "購後", "留存阶段",
                  "удержание", "удержания", "после покупки", "post sale", "post sales", "renewal", "renew",
                  "expansion", "upsell", "cross sell", "adoption", "customer success", "delight", "implementation",
                  "удержание клиентов", "продление", "внедрение", "续约", "复购", "增购", "客户成功"),
    "advocacy": ("advocate", "loyalty", "share", "promoter", "忠诚", "拥护", "分享", "忠誠", "擁護",
                 "адвокатура", "лояльность", "лояльности", "пропаганда", "рекомендация", "loyal", "referral",
                 "referrals", "evangelism", "рекомендации", "口碑", "转介绍"),
}


def _stage_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for stage in STAGES:
        names[stage] = stage
        for alias in _STAGE_ALIASES[stage]:
            names.setdefault(normalise_name(alias), stage)
    return names


_STAGE_NAMES = _stage_names()
_STAGE_SUFFIXES = re.compile(r"(\s*(stage|phase)|阶段|階段|期)$|^(этап|стадия)\s+")
# A funnel's numbering and notes around the name: "Stage 1 - Awareness", "2. Consideration",
# "Stage 3: Decision", "第三阶段：决策", "Awareness (TOFU)".
_STAGE_NUMBER = re.compile(r"^(?:(?:stage|phase|step|этап|стадия|шаг)\s*)?\d+\s*[.:)]?\s*|^第\S{1,2}(?:阶段|階段|步)[:：]?\s*")
_STAGE_NOTE = re.compile(r"\s*[(（\[].*[)）\]]$")


def parse_stage(value: str) -> str:
    """Map a stage name in any supported framework or language to its canonical stage."""
    name = normalise_name(value)
    bare = _STAGE_NOTE.sub("", _STAGE_NUMBER.sub("", name)).strip(" :：")
    for candidate in dict.fromkeys((name, bare)):
        stage = _STAGE_NAMES.get(candidate) or _STAGE_NAMES.get(_STAGE_SUFFIXES.sub("", candidate).strip())
        if stage is not None:
            return stage
    suggestions = list(dict.fromkeys(_STAGE_NAMES[s] for s in closest(value, list(_STAGE_NAMES))))
    raise UnknownName("stage", value, suggestions or list(STAGES))


# What a library's stage column says for an asset that serves every stage (a brand video, the
# company overview), and for one whose stage it does not give (the content type's prior then).
_ALL_STAGES = frozenset({"all", "all stages", "any", "any stage", "every stage", "full funnel", "whole funnel",
                         "все", "все этапы", "любой", "全部", "所有阶段", "全阶段", "全部阶段"})
_STAGE_SEPARATORS = re.compile(r"->|=>|→|[;,，；/|&+>、]|\s(?:and|и)\s|和")


def _says_none(value: str) -> bool:
    return says_nothing(value) or not normalise_name(value).strip()


def parse_stages(values: list[str] | str) -> list[str]:
    """Parse a list (or a string separated by ';', ',', '/', '|', '&', '→', 'and', …) of stage
    names, canonical order, no duplicates. "All stages" is every stage; "N/A" none (so the type's
    prior applies)."""
    if isinstance(values, str):
        values = [values]
    names = [part for v in values if not _says_none(v) for part in _STAGE_SEPARATORS.split(v) if not _says_none(part)]
    if any(normalise_name(v) in _ALL_STAGES for v in names):
        return list(STAGES)
    stages = {parse_stage(v) for v in names}
    return [s for s in STAGES if s in stages]
