"""Is this already a customer? Words that say who the text is about, apart from how far along it is.

Retention and advocacy are stages of a customer; awareness, consideration and decision of a buyer
who has not bought yet. Texts often say which in so many words — "prospect", "lead", 潜在客户,
«потенциальный клиент», Interessent on one side; "existing customer", "customer since 2021", a
renewal, 老客户, «действующий клиент», Bestandskunde on the other — and the same request means a
different stage on either side ("wants a case study": a prospect reading one, a customer being
one). The stage cues (recommender/cues.py) say how far along; these two features say whose story it
is, so the classifier can weigh the two apart. Matched like cues: folded text, '*' for a prefix.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from recommender.cues import alternation, cue_pattern, elsewhere, negated
from recommender.textnorm import as_written, fold, is_han

RELATIONSHIP_CUES: dict[str, tuple[str, ...]] = {
    "prospect": (
        # Not "lead" alone ("ops lead", "lead time"), nor "cold" or "inbound" (cold chain, inbound freight).
        "prospect", "prospects", "prospective", "new lead", "inbound lead", "warm lead", "hot lead", "cold lead",
        "not a customer", "not yet a customer", "not our customer", "not signed yet", "haven't signed",
        "hasn't signed", "before they sign", "before signing", "before buying", "before they buy",
        "潜在客户", "潜客", "意向客户", "准客户", "新线索", "线索", "还没签", "尚未签约", "未签约", "还没买", "还没合作",
        "потенциальн* клиент*", "лид", "лида", "лиды", "ещё не клиент*", "еще не клиент*", "до подписания",
        "пока не купил*", "пока не подписал*",
        "interessent*", "potenzielle* kunde*", "noch kein kunde", "noch nicht kunde",
        "prospecto*", "cliente potencial", "clientes potenciales", "posible cliente", "todavía no es cliente",
        "client potentiel", "clients potentiels", "pas encore client*",
        "見込み客", "見込み顧客", "見込顧客", "商談中", "未契約",
        "cliente em potencial", "potencial cliente", "ainda não é cliente",
        "cliente potenziale", "potenziale cliente", "non ancora cliente",
        # Referred to us: someone else's customer story brought them.
        "referred by", "was referred", "were referred", "referral from", "по рекомендации", "推荐来的", "介绍来的",
        # A former customer, back to look again.
        "former customer", "ex-customer", "used to be a customer", "left us for", "left us in", "бывш* клиент*",
        "ушли от нас", "ehemalige* kunde*", "ex cliente", "excliente", "ancien client", "ex-cliente", "元顧客",
        "跟我们解约", "跟我們解約", "和我们解约", "和我們解約",
        "auf empfehlung", "wurde uns empfohlen", "referred by our customer", "referred by a customer",
        "referred by one of our customers", "recommandé par notre client", "recommandé par un client",
        "recommandée par notre client", "recomendado por nuestro cliente", "recomendado por un cliente",
        "recomendada por nuestro cliente", "indicado por nosso cliente", "indicado por um cliente",
        "indicada por nosso cliente", "empfohlen von unserem kunden", "empfohlen von einem kunden",
        # "Not ours" in each team's shorthand, and a former customer who stopped.
        "not ours", "not our client", "not a client", "nicht kunde", "kein kunde", "nicht unser kunde",
        "não é cliente", "no es cliente", "pas client", "不是我们的客户", "不是我們的客戶", "不是我们客户",
        "非客户", "非客戶", "唔係我哋客", "唔係我哋嘅客", "当社未取引", "未取引", "取引なし", "не наш клиент",
        "停用我们", "停用了我们", "转别家", "轉別家", "没跟我们续约", "沒跟我們續約", "没再续约", "沒再續約",
        "since they walked", "since they left us",
    ),
    "customer": (
        "existing customer", "current customer", "our customer", "customer since", "client since",
        "been with us", "been using us", "using us for", "been using our", "they use our", "their account",
        "their subscription", "their licence*", "their license*", "their seats", "renewal", "renew*", "churn*",
        "since they bought", "since signing", "after go-live", "went live", "since go-live",
        "老客户", "现有客户", "已有客户", "我们的客户", "和我们合作", "与我们合作", "跟我们合作", "用了我们", "在用我们", "续约", "续费", "上线后",
        "已签约", "签约后", "已经签了", "合作多年",
        "действующ* клиент*", "текущ* клиент*", "наш клиент", "работают с нами", "давно с нами", "продлени*",
        "продлит*", "продлевать", "подключились",
        "bestandskunde*", "kunde seit", "unser kunde", "unsere kundin", "vertragsverlängerung",
        "nutzen uns seit", "seit dem go-live",
        "cliente actual", "cliente desde", "nuestro cliente", "renovación",
        "client existant", "client actuel", "client depuis", "notre client", "renouvellement",
        "既存顧客", "既存のお客様", "既存客", "導入済み", "契約更新", "ご契約中",
        "cliente atual", "cliente desde", "nosso cliente", "renovação",
        "cliente attuale", "nostro cliente", "rinnovo",
        # How long they have been with us ("on our platform 2 years", 签约两年的, «с нами 2 года», ご利用4年目).
        "on our platform", "using our platform", "with us since", "with us for", "customer for", "client for",
        "live since", "been live", "they renewed", "renewed last", "account history",
        "签约*年", "合作*年的", "用我们的系统", "已经在用", "上线*个月", "上線*個月", "簽約*年",
        "с нами * год*", "с нами * лет", "уже * год* с нами", "на нашей платформе", "пользуются нашей", "клиент с 20*",
        "ご利用中", "ご利用*年目", "利用中のお客様", "導入*年目",
        "usa nuestra plataforma", "usan nuestra plataforma", "es cliente", "nuestra clienta",
        "nutzt uns seit", "nutzen uns seit", "seit * jahren kunde", "nutzt unsere plattform",
        "utilise notre", "utilisent notre", "chez nous depuis", "usa nossa plataforma", "cliente há",
        # Already using us, or signed with us just now.
        "already uses us", "already using us", "already use us", "already on our", "ya nos usa*", "ya nos utiliza*",
        "já usa a plataforma", "já usam a plataforma", "já usa o nosso", "nutzt uns schon", "nutzen uns schon",
        "nutzt uns bereits", "nutzen uns bereits", "déjà chez nous", "用得很好", "用得不错", "用得挺好",
        "刚签完", "刚签了", "刚签约", "已经在用我们", "уже работают с нами", "уже пользуются",
        "すでに導入", "既に導入",
    ),
}
SIDES = tuple(RELATIONSHIP_CUES)


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], ...]:
    return tuple(alternation(cue_pattern(c) for c in RELATIONSHIP_CUES[side]) for side in SIDES)


def patterns() -> list[str]:
    """The regular expressions the features are made of (part of the classifier's fingerprint)."""
    return [p.pattern for p in _compiled()]


def _matches(folded: str) -> list[tuple[int, re.Match[str]]]:
    """(side index, match) of every phrase that counts. A customer phrase does not count inside a
    prospect one ("not our customer"), after a negation ("never been our customer") or with another
    vendor after it ("renewal with the incumbent")."""
    prospect = list(_compiled()[0].finditer(folded))
    found = [(0, m) for m in prospect]
    for m in _compiled()[1].finditer(folded):
        if (any(p.start() < m.end() and m.start() < p.end() for p in prospect)
                or negated(folded, m.start(), is_han(m.group(0)[0])) or elsewhere(folded, m.end(), m.start())):
            continue
        found.append((1, m))
    return found


def relationship_scores(text: str, recency: float = 1.0) -> np.ndarray:
    """(prospect, customer): the number of each side's phrases, a later one counting up to
    (1 + recency) times an earlier one, as the stage cues do (the latest news wins)."""
    folded = fold(text)
    scores = np.zeros(len(SIDES), dtype=np.float32)
    for side, match in _matches(folded):
        scores[side] += 1.0 + recency * match.start() / max(len(folded), 1)
    return scores


def relationship_phrases(text: str) -> dict[str, list[str]]:
    """Each side's phrases as written (for the evidence shown)."""
    folded = fold(text)
    shown = as_written(text, folded)
    out: dict[str, list[str]] = {side: [] for side in SIDES}
    for side, match in sorted(_matches(folded), key=lambda f: f[1].start()):
        out[SIDES[side]].append(shown[match.start():match.end()])
    return out
