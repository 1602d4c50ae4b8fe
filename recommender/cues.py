"""Stage cue sheet: phrases in English, Chinese and Russian that signal a journey stage.

Written from the seed articles' stage definitions (what a prospect does and asks for at each
stage) and their per-stage content lists. Matching is on NFKC-lower-cased text; a cue ending in
'*' matches any word that starts with it (so 'сравнива*' covers сравнивают, сравнивает, …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from content_library.languages import SPACED_LETTER
from content_library.vocabulary import content_types, generation, team_types
from recommender.textnorm import as_written, fold, is_han

# Russian case forms of «цена» (price): a bare «цен*» is a prefix of «центр» and «ценность». A
# decision cue, and the words of the price intent (recommender.intents).
PRICE_WORDS_RU = ("цена", "цены", "цене", "цену", "ценой", "ценам", "ценами", "ценах", "ценник*", "ценообразован*")
# A customer telling peers about us: an advocacy cue, and the words of the referral intent.
TOLD_PEERS = ("told a peer", "told peers", "told his peers", "told her peers", "told colleagues", "von uns erzählt",
              "рассказал* о нас", "рассказал* про нас", "向同行推荐", "跟同行推荐")

# stage -> (weight, phrases). Behaviour cues weigh more than content asked for.
BEHAVIOUR_CUES: dict[str, tuple[str, ...]] = {
    "awareness": (
        "research*", "learning about", "learn more about", "just starting", "early stage", "early days",
        "pain point*", "struggl*", "not sure what", "doesn't know us", "does not know us", "never heard",
        "first touch", "early-stage", "basics", "before they even think about", "cold lead", "inbound lead", "top of funnel", "curious", "exploring the problem",
        "what is a", "educat*", "downloaded", "read our blog", "trying to understand", "problem with",
        "discovery call", "intro call", "early research", "not looking yet", "just heard",
        "了解", "刚开始", "痛点", "初步", "研究", "不知道", "不了解", "第一次接触", "潜在客户", "问题", "没听说",
        "изуча*", "узнать", "только начина*", "первый контакт", "не знают нас", "не знает нас", "проблем*",
        "разобраться", "интересуется", "не слышал*", "тренд*",
        # Subscribing to a newsletter is reading, not signing ("подписался на рассылку" is not "подписал").
        "subscribed to", "signed up for our newsletter", "signed up for the newsletter",
        "подписал* на рассылку", "подписал* на блог", "подписал* на наш*", "подписка на рассылку",
        "订阅了", "关注了公众号",
        # German: reading up, no project yet.
        "informiert sich", "informieren sich", "recherchier*", "erst mal verstehen", "erstmal verstehen",
        "steht noch am anfang", "stehen noch am anfang", "noch keine lösung", "erste infos",
        # Spanish, French, Portuguese, Japanese: reading up, a first contact, no project.
        "se está informando", "está investigando", "quiere entender", "primer contacto", "sin proyecto",
        "todavía no busca", "se renseigne", "veut comprendre", "premier contact", "pas de projet",
        "ne cherche pas encore", "está pesquisando", "quer entender", "primeiro contato", "sem projeto",
        "ainda não procura", "情報収集", "勉強中", "初回接触", "まだ検討前",
    ),
    "consideration": (
        "compar*", " vs ", "versus", "evaluat*", "shortlist*", "alternative*", "option*", "vendors",
        "competitor*", "rfp", "rfi", "case stud*", "reviews", "which is better", "pros and cons",
        "weighing", "looking at other", "two vendors", "three vendors", "bake-off", "requirements",
        "stack up", "differentiat*", "spec sheet", "narrowed", "narrowing", "choosing between", "deciding between",
        "down to two", "down to three",
        # Another vendor's product in use, and a replacement looked for. The incumbent alone ("their
        # current system", 现有系统) is no cue: prospects ask about migrating off it at every stage.
        "switching from", "switch from", "moving off", "move off", "replace their", "replacing their", "replacing it",
        "uses a competitor", "using a competitor", "on a competitor",
        "在用竞品", "用竞品", "别家", "换掉", "想换", "替换", "换系统", "更换系统",
        # Reading reviews is choosing (writing one is advocacy).
        "reading reviews", "read reviews", "leyendo reseñas", "lee reseñas", "читает отзывы", "читал* отзывы",
        "lit des avis", "lendo avaliações", "liest bewertungen", "看评价", "看了评价", "口コミを見", "レビューを読",
        "систем* конкурента", "замен*", "перейти с", "переход с",
        # How we differ from what they have or what else they look at.
        "how we're different", "how we are different", "how we differ", "what makes us different", "differences",
        "区别", "有什么不同", "отличия", "чем отлича*", "чем мы отлича*",
        # Still undecided between options: "torn between building and buying", "can't decide".
        "torn between", "undecided", "can't decide", "cannot decide", "can not decide", "still deciding",
        "犹豫", "纠结", "拿不定主意", "举棋不定", "не могут определиться", "не может определиться", "колеблются",
        # A prospect asking to hear from customers (a customer offering to talk is advocacy).
        "speak with one of our customers", "talk to one of our customers", "speak with our customers",
        "talk to our customers", "hear from a customer", "hear from customers", "connect them with a customer",
        "比较", "对比", "选型", "评估", "供应商", "竞品", "案例", "哪家", "考虑", "方案", "几家", "之间选", "之间做选择",
        "сравнива*", "выбира*", "вариант*", "поставщик*", "конкурент*", "кейс*", "альтернатив*", "оценива*",
        "тендер*", "спецификаци*", "техническ* задани*", "шорт-лист*", "шортлист*", "сузили",
        # German: comparing vendors and approaches.
        "vergleich*", "anbieter", "alternativ*", "shortlist", "lastenheft", "anforderungskatalog", "evaluier*",
        "marktüberblick", "fallstudie*", "wie machen das andere",
        # Spanish, French, Portuguese, Japanese: comparing vendors, a shortlist, a tender.
        "comparativa", "comparativo", "comparatif", "evaluando", "avaliando", "évaluent", "proveedores",
        "fournisseurs", "fornecedores", "lista corta", "casos de éxito", "caso de éxito", "cas client*",
        "licitación", "appel d'offres", "cahier des charges", "licitação", "cases de sucesso",
        "比較", "他社", "競合", "選定", "相見積", "導入事例", "検討中",
    ),
    "decision": (
        "pricing", "price*", "quote", "proposal", "budget approv*", "contract", "msa", "legal", "redlin*",
        "procurement", "purchase order", "po", "sign*", "negotiat*", "discount", "roi", "business case",
        "sign-off", "signoff", "ready to buy", "ready to move", "final", "security review", "paperwork",
        "close this", "closing", "commit*", "trial", "try it", "try out", "hands-on", "pilot", "poc",
        "proof of concept", "payback", "ready to sign",
        "报价", "价格", "合同", "采购", "签约", "签合同", "预算", "试用", "折扣", "谈判", "付款", "下单", "回本",
        "试点", "打折",
        *PRICE_WORDS_RU, "стоимость внедрения", "кп", "попробова*", "перед покупкой", "пилот*", "коммерческое предложение", "договор*", "закуп*", "бюджет*", "скидк*",
        "счет", "счёт", "подпис*", "согласова*", "юрист*", "протокол разногласий",
        # German: the purchase itself.
        # Not "Preis*" or "Vertrag*" alone: a Preiserhöhung or a Vertragsverlängerung is a customer's.
        "angebot", "preisliste", "preisangebot", "vertragsentwurf", "einkauf", "budgetfreigabe", "budget freigegeben", "freigabe", "testphase",
        "pilotprojekt", "testen", "ausprobieren", "probelauf", "pilotieren",
        # Chinese: the internal approval of the purchase (立项 = a project approved, with its budget).
        # Not a bare 审批 or 走流程: a contract's or an expense's approval inside a product the customer
        # already runs (钉钉里审批通过了, 合同审批走OA) is no purchase step.
        "立项", "报批", "立項", "采购审批", "预算审批", "立项审批", "采购流程", "走采购", "采购走流程",
        # Spanish, French, Portuguese, Japanese: the purchase itself (not a bare "contrato": whose
        # contract it is, and whether it ends, is said around it).
        "cotización", "propuesta económica", "firmar el contrato", "orden de compra", "prueba gratuita",
        "devis", "proposition commerciale", "signer le contrat", "bon de commande", "essai gratuit",
        "cotação", "proposta comercial", "assinar o contrato", "pedido de compra", "teste grátis",
        "見積", "稟議", "発注", "決裁", "値引き", "契約書", "トライアル",
        # The security and data-protection review before signing, in every language.
        "security questionnaire", "security review", "questionnaire sécu*", "questionnaire de sécurité",
        "cuestionario de seguridad", "questionário de segurança", "sicherheitsfragebogen", "security-review",
        "avv", "auftragsverarbeitung*", "セキュリティチェックシート", "安全问卷", "安全评估问卷", "資安問卷",
        "опросник по безопасности", "анкет* по информационной безопасности",
        "unterschreib*", "unterzeichn*", "rabatt", "bestellung", "vergabe", "datenschutzprüfung",
        # Chosen: "the clinical team is set on us", 选定了我们; signing by the boss, 签字.
        "set on us", "is set on", "chose us", "picked us", "selected us", "went with us", "chosen us",
        "选定", "定了用我们", "决定用我们", "签字", "haben sich für uns entschieden", "sich für uns entschieden",
        "nos eligieron", "nous ont choisis", "nos escolheram",
        # Payment terms negotiated before signing.
        "in two payments", "split the payment", "payment terms", "pay in instalments", "pay in installments",
        "en dos pagos", "dos pagos", "en plusieurs fois", "paiement en deux", "em duas vezes", "parcelar",
        "ratenzahlung", "zahlungsziel", "in raten", "分期付款", "分两期", "分三期", "分期", "рассрочк*", "分割払い",
        "em 2x", "em 3x", "em 3 vezes", "em três vezes",
        # The buyer's own checks and paperwork before the order: their penetration test, our billing
        # details, the board's one page.
        "pentest", "pen test", "penetration test", "billing address", "billing details", "endereço de cobrança",
        "dados de faturamento", "datos de facturación", "adresse de facturation", "rechnungsadresse", "реквизит*",
        "开票信息", "開票資訊", "發票資訊", "cnpj", "役員会", "取締役会",
        # A price or the paperwork of a public purchase asked for (a contrato menor, an ajuste direto,
        # a bid bond), and an annual price for a term.
        "preço", "preços", "precio", "precios", "grille tarifaire", "ajuste direto", "contrato menor",
        "declaración responsable", "documentos de habilitação", "contratação pública", "gabarit de soumission",
        "обеспечени* заявки", "извещени* о закупке", "年額", "支払い条件", "3年契約", "複数年契約",
    ),
    "retention": (
        "onboard*", "new customer", "just signed", "recently signed", "since signing", "signed last", "renewal", "renew*", "churn*",
        "support ticket*", "adoption", "training", "new staff", "new hires", "implementation", "go-live",
        "go live", "existing customer", "current customer", "complain*", "usage dropped", "rollout",
        "already a customer", "since they bought", "after purchase", "went live", "kickoff", "kick-off",
        "customer since", "has been using", "using us for", "qbr", "quarterly business review", "rolled out", "roll out",
        "rolling out",
        "business review", "health check",
        "续约", "上线", "培训", "新客户", "老客户", "流失", "投诉", "使用中", "已购买", "实施", "续费", "新签约",
        # Not a bare 在用 or 用了: they sit inside 现在用 (now using), 在用户社区 (in the user
        # community) and a competitor's "用了三年".
        "已经在用", "一直在用", "在用我们", "正在使用", "使用半年", "用了我们", "用了半年", "用了一年", "用了两年",
        "продлен*", "внедрен*", "обуч*", "только что подписал*", "недавно подписал*", "подключил*", "отток*", "жалоб*", "уже клиент*", "наш клиент", "новых сотрудник*",
        "поддержк*", "новый клиент", "нового клиента", "новому клиенту", "пользуется", "продлени*",
        "продли*", "продлят", "продлев*", "действующ* клиент*", "текущ* клиент*", "онбординг*", "квартальн* встреч*",
        "季度回顾", "季度业务回顾",
        # A contract already signed or paid: what follows is setting up, not deciding ("signed last
        # week, wants the drivers using it"); a signing still ahead stays a decision cue ("sign*").
        "contract signed", "contract was signed", "contract is signed", "signed the contract last",
        "signed the contract on", "already signed the", "after signing", "already paid", "invoice paid",
        "paid the invoice", "just bought", "deal closed", "closed the deal", "closed won", "closed-won",
        "签了合同", "签完合同", "合同签了", "合同已签", "已签约", "已签合同", "已经签约", "已经签了", "刚签约",
        "刚签了", "刚签完", "签约后", "签约之后", "签约以后", "已付款", "已经付款", "付完款", "款已付", "签好了", "签好合同",
        "已成交", "刚买了", "刚购买",
        # Signed on a day already past: "signed Thursday, kickoff is Monday".
        "signed yesterday", "signed today", "signed this week", "signed on monday", "signed on tuesday",
        "signed on wednesday", "signed on thursday", "signed on friday", "signed monday", "signed tuesday",
        "signed wednesday", "signed thursday", "signed friday", "have signed", "has signed", "unterschrieben",
        "hat unterschrieben", "haben unterschrieben", "vertrag ist unterschrieben",
        "подписали договор", "подписали контракт", "договор подписан", "контракт подписан", "уже подписал*",
        "после подписания", "уже оплатил*", "счёт оплачен", "счет оплачен", "оплатили счёт", "оплатили счет",
        "сделку закрыли", "сделка закрыта", "только что купил*",
        # German: keeping a customer, trouble included.
        # Not bare "Verlängerung" (a trial extended), "kündig*" or "Preiserhöhung": another vendor's
        # contract is cancelled and another vendor's price goes up as often as ours (NEUTRAL_CUES).
        "vertragsverlängerung", "störung", "ausfall", "support-ticket*", "beschwer*", "droht mit kündigung",
        "drohen mit kündigung", "will kündigen", "wollen kündigen", "möchte kündigen", "kündigung angedroht",
        "schulung", "go-live", "bestandskunde*", "seit dem go-live",
        # Spanish, French, Portuguese, Japanese: already a customer, trouble included.
        "ya es cliente", "renovación", "capacitación", "puesta en marcha", "incidencia*", "déjà client",
        "renouvellement", "panne", "réclamation*", "já é cliente", "renovação", "implantação",
        "treinamento", "reclamaç*", "既存顧客", "契約更新", "導入後", "運用中", "障害", "解約", "利用率",
        # Something of ours that does not work for them (another vendor's is caught by elsewhere()).
        "报错", "闪退", "登不上", "收不到通知", "打不开", "收不到", "用不了", "显示不出来",
        # Errors in our product, and our system down.
        "error message*", "keep getting errors", "keep hitting", "getting errors", "throws an error", "helpdesk",
        "help desk", "fehlermeldung*", "ошибка в системе", "系统报错", "宕了", "宕机", "挂了", "崩了", "went down",
        "was down", "is down",
        # What leaving the contract early costs: a customer weighing an exit.
        "before the contract end*", "stopped before the contract", "terminate early", "early termination",
        "exit fee", "termination fee", "cancel early", "leave the contract early", "get out of the contract",
        "out of their contract early", "выйти из договора", "досрочн* расторж*", "расторгнуть договор*",
        "расторжени* договор*", "提前终止", "提前解约", "提前解除", "违约金", "vorzeitig kündigen",
        "vorzeitige kündigung", "vorzeitig aussteigen", "sortir du contrat", "résiliation anticipée",
        "résilier avant", "rescindir el contrato", "cancelar antes", "rescisão antecipada", "途中解約", "中途解約",
        # Their logins to our product falling off.
        "logins", "log-ins", "logins down", "connexions", "acessos caíram", "accesos cayeron", "uso caiu", "uso cayó",
        "dejaron de usar", "pararam de usar", "n'utilisent plus", "ログイン数", "ログインが減", "利用が減", "登录量",
        "登录次数", "没人登录", "很少登录", "登入次數", "沒人登入", "логин*", "перестали заходить",
        "nutzung eingebrochen", "nutzung geht zurück", "kaum noch eingeloggt",
        # Our product out of step with their other systems: a sync that stopped, a status that hangs.
        "hasn't updated", "has not updated", "haven't updated", "not syncing", "stopped syncing", "out of sync",
        "sync is broken", "sync failed", "不同步", "没同步", "同步失败", "一直显示", "synchronisiert nicht",
        "sync funktioniert nicht", "не синхронизир*", "перестал* синхронизир*",
        # Usage told as counts or silence: "3 of 40 have ever logged in", «0 активных юзеров».
        "ever logged in", "have logged in", "logged in since", "active users", "активных юзер*",
        "активных пользовател*", "не заходил*", "活跃用户", "没人用", "没怎么用", "沒人用", "aktive nutzer",
        "usuarios activos", "utilisateurs actifs", "usuários ativos", "アクティブユーザー",
        # A customer's other department, site or subsidiary wanting it too: the customer grows (what it
        # asks for, a case study for its field, is a prospect's request, but whose request decides).
        "another team wants", "also wants to use", "also want to use", "want to use it too", "wants to use it too",
        "roll it out to", "也想用", "也想导入", "也想導入", "也要導入", "推广到", "扩展到", "ещё один отдел",
        "еще один отдел", "хотят подключить", "will auch ran", "wollen auch ran", "weiteren standort",
        "ausrollen auf", "quiere sumarse", "quieren sumarse", "también quiere usar", "veut aussi l'utiliser",
        "部門にも", "にも展開", "quer usar também", "querem usar também",
        "upsell*", "up-sell*", "cross-sell*", "допродаж*", "кросс-продаж*", "增购", "加购", "扩容",
        "zusätzliche lizenzen", "weitere lizenzen", "auch einsteigen", "licencias adicionales",
        "licences supplémentaires", "licenças adicionais", "追加ライセンス",
        # Our incident: the customer wants the post-mortem.
        "post-mortem", "postmortem", "постмортем*", "incident report", "事故报告", "故障报告", "事故報告",
        "informe del incidente", "rapport d'incident", "relatório do incidente", "störungsbericht", "障害報告",
        "instabilidade", "fora do ar", "saiu do ar", "ログイン率",
    ),
    "advocacy": (
        "referr*", "refer ", "reference call*", "testimonial*", "promoter*", "nps", "happy customer",
        "loves us", "love us", "champion*", "speak at", "community", "recommend us", "recommended us",
        "write a review", "leave a review", "introduce us", "advocat*", "case study with us", "talk to other*",
        "speak to other*", "happily", "vouch", "share tips", "share their experience", "co-author*", "co-write",
        "co-present*", "joint case study", "совместн* кейс*", "联合案例", "volunteered for the panel",
        "volunteered for a panel", "volunteered to speak", "volunteered to present", "offered to speak",
        "推荐", "转介绍", "口碑", "评价", "社区", "满意", "介绍给", "分享", "分享经验", "交流群",
        "рекоменд*", "отзыв*", "доволь*", "довол*", "сообществ*", "амбассадор*", "порекоменд*", "делит* опытом",
        "делиться опытом",
        # A customer who wants to meet its peers (a prospect who wants to hear from customers is
        # choosing: "hear from a customer" above is a consideration cue).
        "meet other users", "meet other admins", "meet other customers", "connect with other users",
        "connect with other customers", "connect with peers", "network with other", "peer group",
        "exchange ideas with other", "compare notes with other", "swap tips", "swap best practices", "swap notes",
        "认识其他用户", "和其他用户交流", "同行交流", "用户交流会",
        "пообщаться с другими пользовател*", "общаться с другими пользовател*", "познакомиться с другими клиент*",
        # The customer as the subject of content (a case study, an interview, a video testimonial), not
        # its reader: "agreed to be featured in a case study" is advocacy, "asked for a case study" is not.
        # Only the forms where the customer is the one interviewed: a prospect who wants "to interview
        # two of your customers" (采访, «взять интервью») is still choosing.
        "featured in", "be featured", "feature them", "feature their", "be interviewed", "interviewed for",
        "do an interview", "give an interview", "agreed to an interview", "tell their story",
        "share their story", "write up their", "be a reference", "as a reference", "become a reference",
        "做成案例", "做案例", "做成功案例", "做个案例", "当案例", "接受采访", "接受访谈", "受访", "推荐视频",
        "героем кейса", "героями кейса", "стать героем", "дать интервью", "дал* интервью", "видеоотзыв*",
        "записать отзыв*",
        # A customer who offers to speak for us at an event (an event the prospect attends is awareness).
        "call for speakers", "call for papers", "speaker slot", "give a talk", "submit a talk", "keynote at our",
        "speak at our", "present at our", "在用户大会上分享", "上台分享", "做演讲", "выступить на нашей", "выступить с докладом",
        "подал* доклад", "подал* заявку на доклад", "доклад на нашу", "доклад на нашей",
        # A customer who has brought us new customers.
        "brought us", "brought in new customer*", "sent us a lead", "sent us leads",
        "sent us a referral", "带来了新客户", "带来新客户", "介绍了新客户", "帮我们介绍",
        "привел* нам", "привёл нам", "привел* к нам", "привёл к нам", "привел* новых клиент*", "привёл новых клиент*",
        # German and English: praise, referrals and talks on the customer's own initiative.
        # Not bare "empfohlen": "wurde uns empfohlen" is a referred prospect.
        "weiterempfohlen", "weiterempfehl*", "empfiehlt uns", "hat uns empfohlen", "bewertung abgeben",
        "zufrieden", "um eine bewertung", "eine bewertung auf", "satisfait", "satisfaite", "satisfaits",
        "satisfecho", "satisfecha", "satisfechos", "satisfeito", "satisfeita", "satisfeitos", "満足",
        "vortrag halten",
        "referenzkunde*", "als referenz", "raving", "raves about", "tagged us",
        "shout-out", "shoutout", "praised us", "posted about us",
        # Praise nobody asked for, a talk put forward, a story written up, peers helped in the forum.
        "nobody asked", "no one asked", "unprompted", "unsolicited", "without being asked", "submitted a talk",
        "submits a talk", "submitted a session", "proposal to speak", "talk proposal", "speaker proposal",
        "written up as", "user forum", "community forum", "没人请", "没人让", "没有人请", "自发", "写成案例",
        "写成客户案例", "用户论坛", "使用者論壇", "使用者论坛", "論壇", "社群", "без просьбы", "без всякой просьбы",
        "кейс про", "кейс о ", "форум*",
        # Spanish, French, Portuguese, Japanese.
        "nos recomendó", "nos recomendaron", "sin que nadie se lo pidiera", "reseña*", "testimonio*", "ponente",
        "nous a recommandé*", "sans qu'on lui demande", "témoignage*", "ambassadeur*", "parrainage",
        "nos indicou", "nos recomendou", "sem ninguém pedir", "depoimento*", "口コミ", "登壇", "お願いしてない",
        "お願いしていない", "頼んでいない", "自発的",
        # A top score given unasked, and a story to be told in public.
        "gave us a 10", "gave us 10", "gave us a 9", "eine 10 gegeben", "打了10分", "打了满分", "打满分",
        "поставил* 10", "поставил* нам 10", "told publicly", "tell it publicly", "talk publicly", "share it publicly",
        "对外讲", "对外分享", "上台", "@了我们", "@我们", "发了条朋友圈", "发朋友圈", "投稿", "メンション",
        "ユーザー会の幹事", "幹事", "紹介してくれ", "publicó en linkedin", "nos mencionó", "nos etiquetó", "postou",
        "nos marcou", "mencionou a gente", "a publié sur linkedin", "nous a tagués", "nous a mentionnés", "öffentlich erzählen", "öffentlich zeigen", "vor publikum",
        # A customer who helps other customers or users, unasked, and one who tells peers about us.
        "answers questions", "answers other", "helps other users", "helps other customers", "helping other users",
        "helping other customers", "other customers' questions", "fragen anderer", "hilft anderen kunden",
        "hilft anderen nutzern", "帮其他用户", "帮别的用户", "帮其他客户", "帮别的客户", "отвечает новичкам",
        "помогает другим пользовател*", "помогает другим клиент*", "отвечает на вопросы других",
        *TOLD_PEERS, "bigger stage", "on stage", "bühne",
        # Moderating or answering in our forum, writing tutorials for other users.
        "moderator*", "moderates", "moderiert", "модератор*", "版主", "modérateur*", "moderador*", "答疑",
        "帮新用户", "responde dúvida*", "responde preguntas", "répond aux questions", "wrote a tutorial",
        "escreveu um tutorial", "a écrit un tutoriel", "escribió un tutorial",
        # A post in their own channel nobody asked for, an abstract put to a conference.
        "никто не просил", "никто его не просил", "никто её не просил", "никто ее не просил",
        "никто их не просил", "в своём канале", "в своем канале", "у себя в телеграм*", "у себя в канале",
        "in their newsletter", "on their blog", "on his blog", "on her blog", "a publié un fil", "published a thread",
        "abstract", "presentado al congreso", "ponencia", "submitted an abstract", "abstract eingereicht",
        # Beta and the advisory board.
        "advisory board", "customer advisory", "顾问委员会", "顧問委員會", "консультативн* совет*", "kundenbeirat",
        "beirat", "conselho consultivo", "consejo asesor", "comité consultatif", "beta program*", "beta tester*",
        "内测", "ベータ",
        # Their own story told as ours.
        "当我们的案例", "當我們的案例", "當案例", "可以具名", "su caso de éxito", "leur cas client", "事例インタビュー",
        "リファレンスコール", "取材",
    ),
}
# Cues of the sheet above whose negation says the same stage: a customer who may not renew ("won't
# renew", "не продлит", "不续约") is a retention case all the more.
NEGATION_PROOF: dict[str, tuple[str, ...]] = {
    "retention": ("renew*", "renewal", "продли*", "продлят", "продлев*", "продлен*", "продлени*", "续约", "续费"),
}
# Phrases that hold a cue word but say nothing of the stage by themselves: a contract that ends is
# ours (a renewal ahead: "using us for three years, contract ends in March") or another vendor's (a
# window to switch: "on RouteMax today, contract ends next spring"), and the words around it tell
# which. Matched like cues, so "contract" (decision) inside them does not count, and then dropped.
NEUTRAL_CUES: tuple[str, ...] = (
    "contract end*", "contract expir*", "contract is up", "contract runs out", "contract term end*",
    "end of their contract", "end of the contract", "their contract is up",
    "合同*到期", "合同*结束", "合约*到期", "vertrag läuft", "läuft der vertrag", "vertragsende", "laufzeitende",
    "договор* заканчива*", "договор* истека*", "договор* конча*", "срок договора", "окончани* договор*",
    # Likewise a price that went up: whose price (another vendor's, driving a switch, or ours, at a
    # renewal) is said around it; "raised prices" asks for no price list.
    "raised prices", "raised their prices", "raised the price", "raising prices", "raising their prices",
    "price increase*", "price hike*", "涨价", "提价", "价格上涨", "поднял* цен*", "повысил* цен*", "повышени* цен*",
    "рост цен*", "preiserhöhung*", "kündig*", "verlängerung",
    "subida de precio*", "aumento de precio*", "aumento de preço*", "hausse de prix", "augmentation de prix",
    "augmentation des prix", "aumento dos preços",
    # Asking how satisfied a customer is says nothing of advocacy: "хотим понять, насколько они довольны".
    "насколько они довольны", "насколько довольны", "довольны ли", "how happy they are", "how satisfied",
    "whether they're happy", "whether they are happy", "是否满意", "满不满意", "wie zufrieden",
    # A prospect referred by a customer is not the advocate: the referrer is ("referred by Acme",
    # «пришли по рекомендации», 老客户推荐来的, "auf Empfehlung von").
    "referred by", "was referred", "were referred", "got referred", "referral from", "referred to us",
    "по рекомендации", "порекомендовал* нас им", "推荐来的", "介绍来的", "推荐过来", "介绍过来", "经人介绍",
    "auf empfehlung", "empfehlung von", "wurde uns empfohlen", "wurden uns empfohlen",
    "por recomendación", "sur recommandation", "por indicação", "紹介で",
)
BEHAVIOUR_WEIGHT = 1.0
CONTENT_WEIGHT = 0.6
# Content-type names that are everyday words too: they name the type asked for, not a stage.
WEIGHTLESS_NAMES = frozenset({"post"})


@dataclass(frozen=True)
class CueHit:
    stage: str
    phrase: str  # as written in the text
    start: int
    weight: float
    content_type: str | None = None  # set when the cue is a content type the prospect asked for


def _spaced(pattern: str) -> str:
    """`pattern` with its word boundaries and word runs (\\w) taken as letters of spaced scripts
    (SPACED_LETTER: "客户要case study", "下周签contract")."""
    return (pattern.replace(r"(?<!\w)", f"(?<!{SPACED_LETTER})").replace(r"(?!\w)", f"(?!{SPACED_LETTER})")
            .replace(r"\w*", SPACED_LETTER + "*"))


# A cue right after a negation does not count: "not comparing vendors yet", "ещё не ищет поставщика".
_NEGATION_WORDS = re.compile(_spaced(
    r"(?<!\w)(not|no|never|without|haven't|hasn't|didn't|don't|doesn't|isn't|aren't|won't|не|нет|никогда|без)"
    r"(?!\w)[^.;!?,]{0,25}$"
))
_NEGATION_HAN = re.compile(r"(不|没|没有|还没|未|无|尚未)[\u3400-\u9fff]{0,2}$")


def negated(folded: str, start: int, han: bool) -> bool:
    """Whether the cue at `start` follows a negation; an English word inside Chinese ("还没有compare")
    is negated the Chinese way too."""
    before = folded[max(0, start - 30):start]
    if not han and _NEGATION_WORDS.search(before):
        return True
    before = before.rstrip()
    if not han and not (before and is_han(before[-1])):
        return False
    match = _NEGATION_HAN.search(before)
    return bool(match) and not _a_not_a(folded, max(0, start - 30) + match.start(1), match.group(1))


# Another vendor or tool right after a customer's word: the renewal, the years of use are theirs,
# and the text is about a prospect ("their renewal with the incumbent", "has been using spreadsheets").
_ELSEWHERE = re.compile(
    r"^\s+(a |an |the |their |its )?(competitor\w*|incumbent|other vendor|another vendor|excel|spreadsheets?|google sheets)"
    r"|^[^.;!?,]{0,12}(?<!\w)(with|from|on|of|at)\s+(a |an |the |their |its )?"
    r"(competitor|incumbent|other vendor|another vendor|current vendor|current provider|old vendor|"
    r"excel|spreadsheets?|google sheets)"
    r"|^[^。；！？,，]{0,6}(竞品|别家|其他厂商|其他供应商|原供应商)"
    r"|^[^.;!?,]{0,12}(?<!\w)(с|у) (конкурент\w*|другим поставщик\w*|текущим поставщик\w*|текущим вендор\w*|"
    r"нынешним вендор\w*|другим вендор\w*)"
    r"|^[^.;!?]{0,40}(?<!\w)(the |their )?incumbent"
    r"|^[^.;!?,]{0,12}(?<!\w)(bei|mit) (dem |einem )?(wettbewerb\w*|konkurrenz\w*|anderen anbieter\w*|altanbieter\w*)")


# ... or the vendor they have now before it ("their current vendor raises prices at renewal",
# 现在用的那家ERP续费涨了30%, «текущий поставщик», "leur éditeur actuel").
_ELSEWHERE_BEFORE = re.compile(
    r"(?<!\w)((current|existing|old|incumbent|present|another|other) (vendor|provider|supplier|tool|system|platform|solution)"
    r"|their vendor|competitor\w*|incumbent|proveedor actual|éditeur actuel|fournisseur actuel|prestataire actuel"
    r"|fornecedor atual|текущ\w* поставщик\w*|нынешн\w* поставщик\w*|jetzig\w* anbieter\w*|aktuell\w* anbieter\w*"
    r"|bisherig\w* anbieter\w*)[^.;!?]{0,50}$"
    r"|(现在用的|现有的|目前用的|原来的|現在用的|目前用的|現有的|竞品|競品|现在的|現在的|目前的|而家个|而家嘅|原厂)"
    r"[^。；！？.;!?]{0,20}$"
    r"|(?<!\w)(erp|crm|sistema|ferramenta|plataforma|software|proveedor|herramienta|logiciel|outil|système|fornecedor)"
    r" (atual|actual|actuel|actuelle)[^.;!?]{0,50}$"
    r"|(?<!\w)(bisherig\w*|текущ\w* вендор\w*|нынешн\w* вендор\w*)[^.;!?]{0,50}$"
    r"|(現在の(ベンダー|システム)|今使っている)[^。！？]{0,20}$")


def elsewhere(folded: str, end: int, start: int | None = None) -> bool:
    """Whether another vendor or tool follows the phrase ending at `end` in the same clause (or,
    given its `start`, comes before it there)."""
    return bool(_ELSEWHERE.search(folded[end:end + 60])) or (
        start is not None and bool(_ELSEWHERE_BEFORE.search(folded[max(0, start - 80):start])))


def _a_not_a(folded: str, at: int, negator: str) -> bool:
    """Whether the 不 or 没 at `at` asks a question rather than negates: 能不能 (can or can't),
    要不要, 是不是, 有没有 — the same character on both sides ("客户问能不能先试用" asks for a trial)."""
    after = at + 1  # 有没有: the character after 没, whether the match was 没 or 没有
    return (negator[0] in ("不", "没") and at > 0 and after < len(folded)
            and is_han(folded[at - 1]) and folded[at - 1] == folded[after])


def cue_pattern(cue: str, plural: bool = False) -> str:
    """Regex for one cue: whole words, '*' for a prefix (inside a Chinese cue: up to four characters),
    optional English plural, Han as substring."""
    cue = fold(cue)
    prefix = cue.endswith("*")
    body = re.escape(cue.rstrip("*").strip())
    if any(is_han(ch) for ch in cue):
        # Chinese has no spaces: a '*' inside stands for a few characters ("合同*到期": 合同明年到期),
        # not the rest of the clause.
        return body.replace(r"\*", r"\w{0,4}")
    body = body.replace(r"\*", SPACED_LETTER + "*")
    lead = "" if cue.startswith(" ") else f"(?<!{SPACED_LETTER})"
    if prefix:
        return lead + body + SPACED_LETTER + "*"
    if cue.endswith(" "):
        return lead + body + " "
    if plural and cue.isascii():
        body = body[:-1] + "(?:y|ies)" if cue.endswith("y") else body + "(?:s|es)?"
    elif plural:  # Cyrillic: every word inflects (кейсы, кейсов; «база знаний» → «базу знаний»), with
        # the letters of case endings only: «цены» is not a prefix of «центра».
        body = r"\ ".join(_russian_stem(word) + _RUSSIAN_INFLECTION for word in cue.strip().split())
    return lead + body + f"(?!{SPACED_LETTER})"


_RUSSIAN_ENDING = re.compile(r"[аяоеёиыуюйь]{1,2}$")
_RUSSIAN_INFLECTION = "[аяоеёиыуюйьмхв]{0,3}"


def _russian_stem(word: str) -> str:
    """The word without its final vowels (the part Russian declension keeps), regex-escaped."""
    stem = _RUSSIAN_ENDING.sub("", word) if len(word) >= 4 else word
    return re.escape(stem)


def alternation(names) -> re.Pattern[str]:
    # Longest first, so "入门指南" wins over "指南" and "just signed" over "sign*".
    return re.compile("|".join(sorted(names, key=len, reverse=True)))


def _compiled() -> list[tuple[str | None, float, str | None, re.Pattern[str], bool]]:
    return _compiled_for(generation())


@lru_cache(maxsize=2)
def _compiled_for(_generation: int) -> list[tuple[str | None, float, str | None, re.Pattern[str], bool]]:
    """(stage or None for NEUTRAL_CUES, weight, content type or None, pattern, whether a negated
    match still counts), for the vocabulary's generation: the team's own types are cues too."""
    compiled: list[tuple[str | None, float, str | None, re.Pattern[str], bool]] = [
        (None, 0.0, None, alternation(cue_pattern(c) for c in NEUTRAL_CUES), True)]
    for stage, cues in BEHAVIOUR_CUES.items():
        proof = set(NEGATION_PROOF.get(stage, ()))
        compiled.append((stage, BEHAVIOUR_WEIGHT, None, alternation(cue_pattern(c) for c in cues if c not in proof), False))
        if proof:
            compiled.append((stage, BEHAVIOUR_WEIGHT, None, alternation(cue_pattern(c) for c in cues if c in proof), True))
    for ct in content_types():
        names = [n.replace("*", "") if ct.team else n for n in (ct.label, *ct.aliases)]
        names = [n for n in names if len(n) > 2 or any(is_han(ch) for ch in n)]
        # A content type asked for signals the main stage it serves; a name that is also an everyday
        # word for what anyone does ("posts praise on LinkedIn") still names the type asked for, but
        # weighs nothing as a stage cue.
        compiled.append((ct.stages[0], CONTENT_WEIGHT, ct.key,
                         alternation(cue_pattern(n, plural=True) for n in names if n not in WEIGHTLESS_NAMES), False))
        if weightless := [n for n in names if n in WEIGHTLESS_NAMES]:
            compiled.append((ct.stages[0], 0.0, ct.key, alternation(cue_pattern(n, plural=True) for n in weightless),
                             False))
    return compiled


def patterns() -> list[str]:
    """Every regular expression of the shipped vocabulary that decides which cues a text has: the
    features change with them. The team's own types are cues at inference only: defining one does
    not make the shipped model stale."""
    team = {t.key for t in team_types()}
    shipped = [c for c in _compiled() if c[2] not in team]
    return [c[3].pattern for c in shipped] + [_NEGATION_WORDS.pattern, _NEGATION_HAN.pattern, _ELSEWHERE.pattern,
                                                   _ELSEWHERE_BEFORE.pattern]


@lru_cache(maxsize=4096)
def cue_of(stage: str, phrase: str) -> str:
    """The behaviour cue of `stage` that matched `phrase` (a hit's words), or the folded phrase."""
    folded = fold(phrase)
    return next((c for c in BEHAVIOUR_CUES.get(stage, ()) if re.fullmatch(cue_pattern(c), folded)), folded)


def find_cues(text: str) -> list[CueHit]:
    """Every cue in the text, in order, except negated ones. Where cues overlap, the longest wins
    (behaviour cues before content-type mentions of the same length)."""
    return list(_find_cues(text, generation()))


@lru_cache(maxsize=512)  # classification and ranking both read the same description's cues
def _find_cues(text: str, _generation: int) -> tuple[CueHit, ...]:
    folded = fold(text)
    shown = as_written(text, folded)
    found = []
    for stage, weight, content_type, pattern, negation_proof in _compiled():
        for match in pattern.finditer(folded):
            if match.end() > match.start() and (
                    negation_proof or not negated(folded, match.start(), is_han(match.group(0)[0]))) and not (
                    stage == "retention" and elsewhere(folded, match.end(), match.start())):
                found.append((match.start(), match.end(), stage, weight, content_type))
    found.sort(key=lambda f: (-(f[1] - f[0]), -f[3], f[0]))
    # A behaviour cue that is also a content type's name ("case studies") keeps both meanings.
    named = {(f[0], f[1]): f[4] for f in found if f[4]}
    taken: set[int] = set()
    hits: list[CueHit] = []
    for start, end, stage, weight, content_type in found:
        if taken.intersection(range(start, end)):
            continue
        taken.update(range(start, end))
        if stage is None:  # a NEUTRAL_CUES phrase: it only keeps the cue inside it from counting
            continue
        phrase = shown[start:end].strip()
        hits.append(CueHit(stage, phrase, start, weight, content_type or named.get((start, end))))
    return tuple(sorted(hits, key=lambda h: h.start))


# Words that turn a content type's mention into a request: "asked for case studies", "要报价",
# "просят кейсы", "问能不能试用", «можно демо?», "braucht eine Preisliste". "NPS 10" mentions a survey;
# it does not ask for one.
_REQUEST = re.compile(_spaced(
    r"(?<!\w)(ask\w*|want\w*|need\w*|send|share|request\w*|looking for|where|any|get|got|have|pls|please|"
    r"прос\w*|нуж\w*|хот\w*|хоч\w*|отправ\w*|пришл\w*|ищ\w*|где|есть ли|можно|"
    r"brauch\w*|möcht\w*|wollen|wünsch\w*|suche\w*|sucht\w*|schick\w*|sende\w*|gibt es|habt ihr|haben wir|"
    r"hätte\w*|fragt|fragen|frage|bitte|wo finde\w*|interessiert an)(?!\w)[^.;!?]{0,40}$"
    r"|(要|想|需要|发|有没有|求|找|给|问|能不能|能否|可不可以)[^。；！？.;!?]{0,12}$"
))


def requested_content_types(text: str) -> dict[str, str]:
    """Content types the text asks for (content type key -> the words used), e.g. 'case studies'
    in "asked for case studies"; a mention without a request word before it in the same clause
    does not count."""
    folded = fold(text)
    return {h.content_type: h.phrase for h in find_cues(text)
            if h.content_type and _REQUEST.search(folded[max(0, h.start - 60):h.start])}


# A language named for the content ("pricing in Russian", "要英文版", «на английском»): the rep
# writes in one language about a prospect who reads another. Words: language -> the names used.
_LANGUAGE_NAMES = {"ru": ("russian", "русск", "俄语", "俄文"), "zh": ("chinese", "mandarin", "китайск", "中文", "汉语"),
                   "en": ("english", "английск", "англо", "英文", "英语")}
_ASKED_LANGUAGE = re.compile(_spaced(
    r"(?<!\w)in (?P<en1>russian|chinese|mandarin|english)(?!\w)"
    r"|(?<!\w)(?P<en2>russian|chinese|english)[- ](?:version|translation|speaking|language)"
    r"|(?<!\w)на (?P<ru1>русском|китайском|английском)(?!\w)|(?<!\w)по-(?P<ru2>русски|китайски|английски)(?!\w)"
    r"|(?P<ru3>русско|китайско|англо)язычн"
    r"|(?P<zh1>俄语|俄文|中文|汉语|英文|英语)(?:版|的版本|资料|材料|文档)|用(?P<zh2>俄语|俄文|中文|英文|英语)"
))


def requested_language(text: str) -> str | None:
    """The language the text asks the content to be in ("ru", "zh", "en"), or None. A negated
    mention ("not in English") does not count; with several, the first counts."""
    folded = fold(text)
    for match in _ASKED_LANGUAGE.finditer(folded):
        if negated(folded, match.start(), is_han(match.group(0)[0])):
            continue
        name = next(g for g in match.groups() if g)
        return next(code for code, names in _LANGUAGE_NAMES.items() if any(name.startswith(n) for n in names))
    return None
