"""What the ask wants inside its stage, read from what the prospect or customer did.

A stage says which shelf of the library fits; the behaviour in the text says which asset on it. A
customer who "posted about us on LinkedIn, nobody asked" is an advocate to send a review request or
the advocacy programme, one who "wants to speak at the user conference" the call for speakers, one
who "answers questions in the forum" the community; a customer with an outage wants the knowledge
base, one with new hires the onboarding guide and training. Each intent names the content types
that serve it, the stage it belongs to and the words that show it (folded text, '*' for a prefix,
as the stage cues). Ranking gives the types a small bonus where the intent's stage is likely
(recommender.ranking, RankingConfig.implied_type_bonus).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from recommender.cues import PRICE_WORDS_RU, TOLD_PEERS, alternation, cue_pattern, negated
from recommender.textnorm import as_written, fold, is_han

if TYPE_CHECKING:
    from recommender.ranking import AssetView


@dataclass(frozen=True)
class Intent:
    name: str
    stage: str
    content_types: tuple[str, ...]
    phrases: tuple[str, ...]
    # Whether it tells assets of its stage apart: every awareness asset is for learning, so "learn"
    # names the stage's types but matches no asset in particular (asset_intents).
    specific: bool = True


INTENTS: tuple[Intent, ...] = (
    # -- advocacy ---------------------------------------------------------------------------------
    Intent("public praise", "advocacy", ("review_request", "advocacy_program"), (
        "posted about us", "posted on linkedin", "linkedin post", "praised us", "raving", "raves about", "tagged us",
        "shout-out", "shoutout", "nobody asked", "no one asked", "unprompted", "unsolicited",
        "发帖", "发文", "發文", "朋友圈", "没人请", "自发", "написал* пост", "без просьбы", "lobt uns", "gelobt",
        "linkedin-post", "sin que nadie", "sans qu'on", "sem ninguém pedir", "お願いしてない", "お願いしていない")),
    Intent("review", "advocacy", ("review_request",), (
        "g2", "capterra", "trustradius", "write a review", "leave a review", "review site*", "写评价", "寫評價",
        "写评论", "留评价", "оставить отзыв", "написать отзыв", "bewertung abgeben", "bewertung schreiben",
        "rezension", "reseña*", "laisser un avis", "avaliação", "レビュー", "口コミ", "bewertung", "review", "评价",
        "отзыв*", "omr")),
    Intent("speak", "advocacy", ("event",), (
        "speak at", "speaking at", "give a talk", "submit* a talk", "call for speakers", "call for papers", "keynote",
        "present at", "panel", "user conference", "演讲", "上台", "大会上", "年会上", "выступ*", "доклад*",
        "vortrag*", "referent*", "anwendertreffen", "ponente", "charla", "intervenir", "conférence", "palestra",
        "登壇", "講演", "bigger stage", "on stage", "speaker*", "讲者", "讲师", "bühne", "redner*", "спикер*",
        "на сцене")),
    Intent("refer", "advocacy", ("referral_program",), (
        "refer*", "introduce us", "intro us", "referral bonus", "推荐", "转介绍", "介绍给", "рекоменд*", "порекоменд*",
        "weiterempf*", "empfiehlt", "empfehl*", "empfohlen", "recomend*", "parrain*", "recommand*", "紹介", "indicou", "indicar",
        *TOLD_PEERS, "told a friend", "old colleague", "former colleague", "ehemalige* kolleg*", "前同事", "老同事",
        "бывш* коллег*")),
    Intent("reference", "advocacy", ("advocacy_program", "case_study"), (
        "reference*", "take calls", "talk to prospects", "speak with prospects", "case study", "their story",
        "featured", "testimonial*", "案例", "采访", "参观", "кейс*", "референс*", "referenzkunde*", "referenz",
        "anwenderbericht", "caso de éxito", "témoignage*", "depoimento*", "事例", "talk to other", "speak to other",
        "happy to talk", "happy to speak", "reference call*", "referenzgespräch*", "mit interessenten sprechen",
        "referenzkunde*", "hear from a real user", "walk them through", "zeigen, was sie", "zeigen was sie",
        "готов* рассказать", "поговорить с потенциальн*", "愿意跟", "愿意和", "願意跟", "接待参观", "对外宣传",
        "对外讲", "宣传一下", "标杆", "tell anyone", "öffentlich")),
    Intent("community", "advocacy", ("community",), (
        "community", "forum", "user group", "slack group", "answer* questions", "社区", "论坛", "論壇", "社群",
        "用户群", "交流群", "сообществ*", "форум*", "comunidad", "foro", "communauté", "comunidade",
        "コミュニティ", "フォーラム", "ユーザー会", "answers questions", "answers other", "helps other users",
        "helps other customers", "other customers' questions", "fragen anderer", "hilft anderen", "帮其他用户",
        "帮别的用户", "帮其他客户", "群里", "群组里", "解答问题", "отвечает новичкам", "помогает другим",
        "отвечает на вопросы", "чат пользователей", "telegram-чат", "kundenforum", "anwenderforum", "nutzerforum",
        "fragen von anderen", "用户群", "用戶群", "使用者社群", "认识其他", "互相交流", "交流一下", "教其他",
        "meet other users", "meet other customers", "andere anwender")),
    Intent("advisory", "advocacy", ("advocacy_program",), (
        "advisory board", "beta program*", "champion*", "ambassador*", "顾问委员会", "大使", "амбассадор*",
        "botschafter*", "beirat", "embajador*", "ambassadeur*", "アンバサダー")),
    Intent("perks", "advocacy", ("loyalty_program",), (
        "perk*", "reward*", "loyalty", "积分", "奖励", "бонус*", "prämie*", "recompensa*", "récompense*", "特典")),
    # -- retention --------------------------------------------------------------------------------
    Intent("support problem", "retention", ("knowledge_base", "faq"), (
        "outage", "bug*", "error*", "ticket*", "not working", "broken", "crash*", "keeps failing", "宕机", "故障",
        "报错", "工单", "出错", "收不到", "打不开", "登不上", "闪退", "сбой*", "ошибк*", "не работает", "тикет*", "störung*", "fehler*",
        "caída", "panne*", "erreur*", "障害", "エラー", "不具合", "hasn't updated", "not syncing", "out of sync",
        "stopped syncing", " ausfall*", " ausfäll*", "stillstand", "läuft nicht", "geht nicht", "不同步", "没同步", "同步失败", "一直显示", "synchronisiert nicht",
        "не синхронизир*", "掉线", "断了", "never show up", "don't show up", "not showing", "missing",
        "disappeared", "verschwunden", "durchgerutscht", "пропал*", "不见了", "escalat*", "eskalation*", "宕了",
        "挂了", "崩了", "rejected", "bounced", "被退回", "被退", "被拒", "退回来", "abgelehnt", "zurückgewiesen",
        "отклоня*", "отклонен*", "rechazad*", "rejeté*", "rejeitad*", "差し戻", "went down", "was down", "go down", "goes down", "gone down", "went offline", "down for", "helpdesk", "help desk", "fehlermeldung*")),
    Intent("new users", "retention", ("onboarding_guide", "training"), (
        "onboard*", "new hires", "new users", "new team", "new staff", "new site", "set up", "setup", "get started",
        "rollout", "roll out", "go-live", "kickoff", "kick-off", "implementation plan", "上线", "启动会",
        "einführung", "新员工", "新同事", "新团队", "开通", "новых сотрудник*",
        "новых пользовател*", "настро*", "neue mitarbeiter*", "einarbeitung", "neue standort*", "nuevos usuarios",
        "nouveaux utilisateurs", "novos usuários", "新入社員", "新しい拠点",
        # A new owner of the account who does not know the tool (the champion left).
        "new admin*", "new owner", "champion left", "doesn't know the platform",
        "doesn't know the tool", "don't know the platform", "doesn't really know", "neue* admin*", "neue* ansprechpartner*",
        "kennt das tool nicht", "kennt die plattform nicht", "接手", "新负责人", "新的负责人", "新来的",
        "不熟悉", "новый админ*", "новая админ*", "новый ответственн*", "не знает систем*", "nuevo responsable",
        "nueva responsable", "nouveau responsable", "nouvelle responsable", "novo responsável", "nova responsável",
        "後任", "引き継")),
    Intent("training", "retention", ("training",), (
        "training", "certif*", "academy", "培训", "обуч*", "schulung*", "capacitación", "formación", "formation",
        "treinamento", "研修", "トレーニング")),
    Intent("export", "retention", ("knowledge_base",), (
        "export*", "migrat*", "data out", "导出", "迁移", "выгруз*", "экспорт*", "exportier*", "exportar",
        "exporter", "エクスポート", "datenexport", "datenmitnahme", "archive", "带走", "汇出", "umstell*")),
    Intent("renewal", "retention", ("faq", "loyalty_program", "pricing"), (
        "renewal", "renew*", "price increase*", "price rise", "uplift", "涨价", "续约", "续费", "續約", "涨了",
        "preisanpassung*", "verlängerung", "teurer", "leave the contract early", "exit fee", "termination fee",
        "early termination", "before the contract end*", "выйти из договора", "досрочн* расторж*", "提前终止",
        "提前解约", "违约金", "vorzeitig kündigen", "résiliation anticipée", "продлен*",
        "повышени* цен*", "vertragsverlängerung", "preiserhöhung*", "renovación", "renouvellement", "renovação",
        "契約更新", "値上げ")),
    Intent("expand", "retention", ("case_study", "pricing", "proposal_template"), (
        "another department", "other department*", "another team", "other team*", "another site", "more seats",
        "more licen*", "extra seats", "additional seats", "upsell", "up-sell", "expand*", "expansion", "roll it out to",
        "新部门", "其他部门", "别的部门", "另一个部门", "其他事业部", "加购", "增购", "扩容", "加账号", "其他部門",
        "別的部門", "加購", "другой отдел", "других отдел*", "ещё лицензи*", "доп* лицензи*", "докуп*", "апсейл*",
        "расширени*", "weitere lizenzen", "zusätzliche lizenzen", "andere abteilung*", "weitere abteilung*",
        "otro departamento", "más licencias", "autre service", "autre département", "licences supplémentaires",
        "outro departamento", "mais licenças", "他部署", "別の部署", "追加ライセンス", "横展開")),
    Intent("updates", "retention", ("newsletter",), (
        "newsletter", "subscribe to", "sign up for updates", "product update*", "release notes", "what's new",
        "stay up to date", "keep up with", "订阅", "訂閱", "通讯", "简报", "更新通知", "第一时间知道", "рассылк*",
        "подписаться", "abonnier*", "auf dem laufenden", "boletín", "suscrib*", "lettre d'information", "s'abonner",
        "boletim", "assinar", "メルマガ", "ニュースレター", "最新情報")),
    Intent("adoption", "retention", ("training", "onboarding_guide"), (
        "adoption", "usage dropped", "usage is down", "logins", "not using", "stopped using", "使用率", "活跃度",
        "不用了", "не пользуются", "перестали пользоваться", "nutzung", "uso ha caído", "n'utilisent plus",
        "利用率", "使われていない")),
    # -- decision ---------------------------------------------------------------------------------
    Intent("security review", "decision", ("datasheet", "faq", "proposal_template"), (
        "security review", "security questionnaire", "soc 2", "soc2", "iso 27001", "gdpr", "dpa", "pen test",
        "安全评估", "安全审查", "等保", "безопасност*", "datenschutz*", "sicherheit*", "seguridad", "sécurité",
        "segurança", "セキュリティ")),
    Intent("business case", "decision", ("roi_calculator", "proposal_template"), (
        "roi", "business case", "payback", "justify", "投资回报", "回本", "окупаем*", "обоснован*",
        "paperwork", "msa", "sla", "vendor setup", "写报告", "立项报告", "上会", "geschäftsführung",
        "vorstand", "freigabe", "board",
        "wirtschaftlichkeit", "amortis*", "retorno", "rentabilité", "費用対効果")),
    Intent("try it", "decision", ("free_trial",), (
        "own data", "their own data", "own contracts", "own files", "hands-on", "hands on", "test it", "try it",
        "try out", "sandbox", "eigenen daten", "eigenen verträge*", "selbst testen", "selbst ausprobieren",
        "ausprobieren", "testen", "auf herz und nieren", "试用", "自己试", "亲自试", "用自己的", "試用", "попробова*",
        "протестир*", "на своих данных", "probar", "essayer", "testar", "試して", "試用")),
    Intent("assessment", "decision", ("consultation",), (
        "assessment", "readiness", "consultation", "scoping", "workshop", "现状评估", "评估一下", "诊断", "咨询",
        "beratung*", "bestandsaufnahme", "консультац*", "аудит*", "diagnóstico", "evaluación", "diagnostic",
        "consultoria", "アセスメント", "診断")),
    Intent("price", "decision", ("pricing",), (
        "how much", "cost", "costs", "price*", "pricing", "paketpreise", "preise", "kosten", "多少钱", "价格",
        "angebot", "preisseite", "quote",
        "费用", "报价", "сколько стоит", "стоимост*", *PRICE_WORDS_RU, "cuánto cuesta", "precio*", "combien", "prix",
        "quanto custa", "preço*", "料金", "価格")),
    Intent("discount", "decision", ("promotion",), (
        "discount", "promo*", "special offer", "aktion", "rabatt", "nachlass", "优惠", "折扣", "活动价", "скидк*",
        "акци*", "descuento", "remise", "desconto", "割引", "キャンペーン")),
    Intent("see it live", "decision", ("demo",), (
        "see it live", "walk them through", "walkthrough", "vorführ*", "live sehen", "演示", "讲解",
        "демонстрац*", "показать продукт", "demostración", "démonstration", "demonstração", "デモ", "完整演示",
        "系统操作", "操作一遍", "走一遍")),
    # -- consideration ----------------------------------------------------------------------------
    Intent("look around alone", "consideration", ("demo_video",), (
        "what it looks like", "see the product", "look at the product", "without a sales call", "on their own time",
        "recorded", "wie es aussieht", "ohne vertriebstermin", "ohne termin", "长什么样", "长啥样", "产品介绍",
        "不想约", "как выглядит", "без звонка", "sin llamada", "sans rendez-vous", "sem reunião")),
    Intent("independent opinion", "consideration", ("review",), (
        "independent", "ratings", "third-party", "third party", "analyst*", "unabhängig*", "bewertungen",
        "第三方", "评测", "评分", "независим*", "рейтинг*", "отзывы", "reseñas", "avis clients", "avaliações",
        "第三者", "評判", "口碑", "别人的评价", "用户评价", "客户评价", "what others say", "word of mouth",
        "peer review*", "was andere sagen", "что говорят", "lo que dicen", "ce qu'en disent", "o que dizem")),
    Intent("compare", "consideration", ("comparison_guide",), (
        "compar*", "vs", "versus", "alternative*", "differen*", "对比", "比较", "区别", "сравн*", "отлич*",
        "vergleich*", "unterschied*", "比較", "違い")),
    Intent("proof", "consideration", ("case_study", "review"), (
        "similar compan*", "others like them", "companies like them", "peers", "同行", "同类", "похож*",
        "ähnliche", "andere kunden", "empresas similares", "entreprises similaires", "同業")),
    Intent("requirements", "consideration", ("datasheet", "buying_guide"), (
        "requirements", "integrat*", "specs", "rfp", "需求", "接口", "集成", "требовани*", "интеграц*",
        "anforderung*", "schnittstelle*", "lastenheft", "requisitos", "cahier des charges", "要件")),
    # -- awareness --------------------------------------------------------------------------------
    Intent("learn", "awareness", ("how_to_guide", "ebook", "blog_post", "research_report"), (
        "what is", "learn", "understand", "trend*", "benchmark*", "了解", "是什么", "趋势", "что такое",
        "тренд*", "разобраться", "was ist", "verstehen", "qué es", "qu'est-ce", "とは"), specific=False),
)


INTENT_BY_NAME = {intent.name: intent for intent in INTENTS}

# What each specific intent is, in the words an answer and the digest use ("Asks for: exporting
# their data").
LABELS: dict[str, str] = {
    "public praise": "praising us in public", "review": "writing a review", "speak": "speaking at an event",
    "refer": "referring others", "reference": "being a reference or a customer story",
    "community": "the user community", "advisory": "a customer advisory board or beta",
    "perks": "loyalty perks", "support problem": "help with a support problem", "new users": "setting up new users",
    "training": "training", "export": "exporting their data", "renewal": "a renewal, price or contract question",
    "adoption": "getting people to use it", "updates": "news and product updates",
    "assessment": "an assessment or consultation", "expand": "rolling it out to more teams", "security review": "a security or data-protection review",
    "business case": "a business case or the paperwork", "try it": "trying it on their own data",
    "price": "the price", "discount": "a discount or offer", "see it live": "a live demo",
    "look around alone": "seeing the product on their own", "independent opinion": "independent reviews",
    "compare": "a comparison", "proof": "proof from similar companies", "requirements": "requirements and integrations",
}


def label_of(intent: str) -> str:
    """The intent in an answer's words (LABELS), or its name."""
    return LABELS.get(intent, intent)


@dataclass(frozen=True)
class Want:
    """A specific intent the ask shows, the words that show it, and whether any asset of the library
    serves it (its title, description or tags show it: asset_intents)."""

    intent: str
    words: str
    in_library: bool

    @property
    def label(self) -> str:
        return label_of(self.intent)


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], ...]:
    return tuple(alternation(cue_pattern(p) for p in intent.phrases) for intent in INTENTS)


def intents_in(text: str, stages: set[str] | frozenset[str]) -> dict[str, str]:
    """The intents of `stages` whose words the text shows (name -> the words, as written); a negated
    phrase ("no outage since") does not count."""
    folded = fold(text)
    shown = as_written(text, folded)
    found: dict[str, str] = {}
    for intent, pattern in zip(INTENTS, _compiled(), strict=True):
        if intent.stage not in stages:
            continue
        for match in pattern.finditer(folded):
            if match.end() > match.start() and not negated(folded, match.start(), is_han(match.group(0)[0])):
                found[intent.name] = shown[match.start():match.end()].strip()
                break
    return found


def content_types_for(shown: dict[str, str]) -> dict[str, str]:
    """The content types that serve the intents `shown` (intents_in: name -> words), each type with
    the words of the first intent that names it."""
    found: dict[str, str] = {}
    for name, words in shown.items():
        for key in INTENT_BY_NAME[name].content_types:
            found.setdefault(key, words)
    return found


def implied_content_types(text: str, likely_stages: set[str]) -> dict[str, str]:
    """Content types the ask's behaviour calls for (key -> the words that show it), from the intents
    of `likely_stages`."""
    return content_types_for(intents_in(text, likely_stages))


def asset_intents(view: AssetView) -> frozenset[str]:
    """The intents an asset serves: those of its own stages that its title, description or tags
    show ("Export your study data" → export, "Speak at the user summit" → speak). Ranking gives an
    asset a bonus where it serves an intent the ask shows (RankingConfig.intent_match_bonus), so
    that inside one content type the outage article comes before the export guide."""
    text = f"{view.title}. {view.description}. {view.tag_text}"
    return frozenset(name for name in intents_in(text, frozenset(view.stages)) if INTENT_BY_NAME[name].specific)


def served(intents: Mapping[int, frozenset[str]]) -> frozenset[str]:
    """Every intent some asset serves (`intents`: asset id -> asset_intents)."""
    return frozenset().union(*intents.values()) if intents else frozenset()


def wants(shown: dict[str, str], stage: str, in_library: frozenset[str]) -> list[Want]:
    """The specific intents of `stage` among those `shown` (intents_in: name -> words), each saying
    whether the library serves it (`in_library`: served)."""
    return [Want(name, words, name in in_library) for name, words in shown.items()
            if INTENT_BY_NAME[name].stage == stage and INTENT_BY_NAME[name].specific]


# An intent that more than this share of the assets of its stage show tells none of them apart (in a
# library whose every comparison guide talks of integrations, "integration" picks no asset).
DISTINCTIVE_SHARE = 0.3


def distinctive(intents: Mapping[int, frozenset[str]], stages: Mapping[int, tuple[str, ...]]
                ) -> dict[int, frozenset[str]]:
    """Each asset's intents (asset id -> asset_intents) less those shown by more than
    DISTINCTIVE_SHARE of the assets that serve the intent's stage (`stages`: asset id -> its stages)."""
    served = Counter(stage for asset_stages in stages.values() for stage in set(asset_stages))
    shown = Counter(name for names in intents.values() for name in names)
    common = {name for name, n in shown.items() if n > DISTINCTIVE_SHARE * served[INTENT_BY_NAME[name].stage]}
    return {i: names - common for i, names in intents.items()}
