"""Stage cue sheet: phrases in English, Chinese and Russian that signal a journey stage.

Written from the seed articles' stage definitions (what a prospect does and asks for at each
stage) and their per-stage content lists. Matching is on NFKC-lower-cased text; a cue ending in
'*' matches any word that starts with it (so 'сравнива*' covers сравнивают, сравнивает, …).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from content_library.vocabulary import CONTENT_TYPES

# stage -> (weight, phrases). Behaviour cues weigh more than content asked for.
BEHAVIOUR_CUES: dict[str, tuple[str, ...]] = {
    "awareness": (
        "research*", "learning about", "learn more about", "just starting", "early stage", "early days",
        "pain point*", "struggl*", "not sure what", "doesn't know us", "does not know us", "never heard",
        "first touch", "cold lead", "inbound lead", "top of funnel", "curious", "exploring the problem",
        "what is a", "educat*", "downloaded", "read our blog", "trying to understand", "problem with",
        "了解", "刚开始", "痛点", "初步", "研究", "不知道", "不了解", "第一次接触", "潜在客户", "问题",
        "изуча*", "узнать", "только начина*", "первый контакт", "не знают нас", "не знает нас", "проблем*",
        "разобраться", "интересуется",
    ),
    "consideration": (
        "compar*", " vs ", "versus", "evaluat*", "shortlist*", "alternative*", "option*", "vendors",
        "competitor*", "rfp", "rfi", "case stud*", "reviews", "which is better", "pros and cons",
        "weighing", "looking at other", "two vendors", "three vendors", "bake-off", "requirements",
        "比较", "对比", "选型", "评估", "供应商", "竞品", "案例", "哪家", "考虑", "方案",
        "сравнива*", "выбира*", "вариант*", "поставщик*", "конкурент*", "кейс*", "альтернатив*", "оценива*",
        "тендер*",
    ),
    "decision": (
        "pricing", "price*", "quote", "proposal", "budget approv*", "contract", "msa", "legal", "redlin*",
        "procurement", "purchase order", "po", "sign*", "negotiat*", "discount", "roi", "business case",
        "sign-off", "signoff", "ready to buy", "ready to move", "final", "security review", "paperwork",
        "close this", "closing", "commit*", "trial", "cfo",
        "报价", "价格", "合同", "采购", "签约", "签合同", "预算", "试用", "折扣", "谈判", "付款", "下单",
        "цен*", "стоимост*", "кп", "коммерческое предложение", "договор*", "закуп*", "бюджет*", "скидк*",
        "счет", "счёт", "подпис*", "согласова*", "юрист*",
    ),
    "retention": (
        "onboard*", "new customer", "just signed", "recently signed", "since signing", "signed last", "renewal", "renew*", "churn*",
        "support ticket*", "adoption", "training", "new staff", "new hires", "implementation", "go-live",
        "go live", "existing customer", "current customer", "complain*", "usage dropped", "rollout",
        "already a customer", "since they bought", "after purchase",
        "续约", "上线", "培训", "新客户", "老客户", "流失", "投诉", "使用中", "已购买", "实施", "续费",
        "продлен*", "внедрен*", "обуч*", "только что подписал*", "недавно подписал*", "подключил*", "отток*", "жалоб*", "уже клиент*", "наш клиент", "новых сотрудник*",
        "поддержк*",
    ),
    "advocacy": (
        "referr*", "refer ", "reference call*", "testimonial*", "promoter*", "nps", "happy customer",
        "loves us", "love us", "champion*", "speak at", "community", "recommend us", "recommended us",
        "write a review", "leave a review", "introduce us", "advocat*", "case study with us",
        "推荐", "转介绍", "口碑", "评价", "社区", "满意", "介绍给", "分享",
        "рекоменд*", "отзыв*", "доволь*", "довол*", "сообществ*", "амбассадор*", "порекоменд*",
    ),
}
BEHAVIOUR_WEIGHT = 1.0
CONTENT_WEIGHT = 0.6


@dataclass(frozen=True)
class CueHit:
    stage: str
    phrase: str  # as written in the text
    start: int
    weight: float


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _pattern(cue: str, plural: bool = False) -> str:
    """Regex for one cue: whole words, '*' for a prefix, optional English plural, Han as substring."""
    cue = _fold(cue)
    prefix = cue.endswith("*")
    body = re.escape(cue.rstrip("*").strip())
    if any("\u3400" <= ch <= "\u9fff" for ch in cue):
        return body
    lead = "" if cue.startswith(" ") else r"(?<!\w)"
    if prefix:
        return lead + body + r"\w*"
    if cue.endswith(" "):
        return lead + body + " "
    return lead + body + (r"(?:s|es)?" if plural and cue.isascii() else "") + r"(?!\w)"


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[str, float, re.Pattern[str]]]:
    compiled: list[tuple[str, float, re.Pattern[str]]] = []
    for stage, cues in BEHAVIOUR_CUES.items():
        compiled.append((stage, BEHAVIOUR_WEIGHT, re.compile("|".join(_pattern(c) for c in cues))))
    for ct in CONTENT_TYPES:
        names = [n for n in (ct.label, *ct.aliases) if len(n) > 2 or any("\u3400" <= ch <= "\u9fff" for ch in n)]
        pattern = re.compile("|".join(_pattern(n, plural=True) for n in names))
        for stage in ct.stages[:1]:  # a content type asked for signals its main stage
            compiled.append((stage, CONTENT_WEIGHT, pattern))
    return compiled


def find_cues(text: str) -> list[CueHit]:
    folded = _fold(text)
    hits: list[CueHit] = []
    taken: set[int] = set()
    for stage, weight, pattern in _compiled():
        for match in pattern.finditer(folded):
            span = range(match.start(), match.end())
            if weight < BEHAVIOUR_WEIGHT and any(i in taken for i in span):
                continue
            taken.update(span)
            # NFKC folding can change lengths (full-width forms); fall back to the folded words then.
            phrase = text[match.start():match.end()] if len(text) == len(folded) else match.group(0)
            phrase = phrase.strip()
            hits.append(CueHit(stage, phrase, match.start(), weight))
    return sorted(hits, key=lambda h: h.start)
