"""Which language a text is written in: a best guess from its script, and for Latin script from its
most common short words. Used for an asset imported without a language, for the language of an ask
(its own-language assets come first) and for the digest's per-language gaps.

No model and no dictionary beyond a few dozen function words per language: descriptions are short,
often shorthand ("mtg w/ CFO re: PO"), and anything unsure is English, the usual language of a
library and of CRM notes. Returns a base ISO 639-1 code (Chinese is "zh", Simplified or Traditional).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from content_library.placeholders import says_nothing

# Script ranges -> language, checked by the share of letters in each.
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")  # Japanese hiragana and katakana
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_HAN_CHARS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_CHARS}]")
# A letter or digit of a script that spaces its words, for word boundaries in regular expressions. A
# Chinese character is a word character too, but reps and marketers write English words between
# Chinese ones without spaces ("客户要case study", "产品demo"): there the English word ends.
SPACED_LETTER = f"[^\\W{_HAN_CHARS}]"
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SCRIPTS = {
    "el": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"),
    "he": re.compile(r"[\u0590-\u05ff]"),
    "ar": re.compile(r"[\u0600-\u06ff\u0750-\u077f]"),
    "hi": re.compile(r"[\u0900-\u097f]"),
    "th": re.compile(r"[\u0e00-\u0e7f]"),
}
# Letters that only some Cyrillic alphabets have; the rest is Russian.
_CYRILLIC_LETTERS = (("be", re.compile(r"[ўЎ]")), ("uk", re.compile(r"[іїєґІЇЄҐ]")),
                     ("sr", re.compile(r"[ђћџљњјЂЋЏЉЊЈ]")))

# Function words of Latin-script languages. A word shared by two languages counts for both, so
# only the words one language has decide between them.
_FUNCTION_WORDS = {
    "en": "the and is are was with for to of they we our you their this that not but from have has "
          "wants asked about them it on at be will would can he she his her what how any need needs just who "
          "if or had been does did my me so get",
    "es": "el la los las que de y con para una por está están quiere nos del al su sus pero como "
          "es son muy también sobre ya tiene",
    "pt": "o os as que de e com para uma não está estão quer nos do da dos das seu sua mas como "
          "em é são muito também sobre já tem",
    "fr": "le la les des et est avec pour une un du que qui nous pas dans sur veut leur ses "
          "au aux sont très aussi déjà il elle ils notre nos vous à depuis mais chez cette ces",
    "de": "der die das und ist mit für ein eine nicht uns sie wir den dem auf zu von möchte will "
          "sind sehr auch schon noch ihr ihre ich er wo wie was im zum zur beim bei einen einem einer würde "
          "gern gerne haben hat kann können soll aber oder wenn dass über nach aus sich man gibt ob wird "
          "werden bitte unsere unser unseren ihren ihnen diese dieser keine kein mehr nur jetzt gerade",
    "it": "il lo la gli le che di e con per una un non del della sono vuole ci ha anche già molto "
          "sul nel",
    "nl": "de het een en is met voor van niet wij ons zij wil op te dat zijn ook al nog hun",
    "pl": "na się jest nie od że jak dla przed ale oraz są już czy ich gdzie pyta prosi",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
# Every language's function words together: words that say nothing about a topic ("who", "und").
FUNCTION_WORDS = frozenset().union(*_WORDS.values())
# Words that are also the particles of people's and companies' names ("Jose de la Cruz", "Van der
# Berg"): half a word each, so a name in an English note does not make it Spanish or Dutch.
_NAME_PARTICLES = frozenset({"de", "la", "el", "del", "da", "das", "dos", "do", "di", "du", "le", "van", "von",
                             "der", "den", "al", "y", "e", "o"})
_WORD = re.compile(r"[^\W\d_]+")
# Letters that settle a tie between Latin-script languages.
_LATIN_LETTERS = {"es": "ñ¿¡", "pt": "ãõ", "de": "ßäöü", "fr": "çèêœ", "it": "ì", "pl": "ąćęłńśźż"}


def detect_language(text: str) -> str:
    """The language `text` is most likely written in, as a base code: "en", "zh", "ru", "ja", "ko",
    "uk", "es", "de", "fr", "pl", … English when nothing points elsewhere."""
    letters = sum(1 for ch in text if ch.isalpha()) or 1
    kana, hangul = len(_KANA.findall(text)), len(_HANGUL.findall(text))
    han, cyrillic = len(_HAN.findall(text)), len(_CYRILLIC.findall(text))
    if kana and kana + han >= cyrillic:  # Japanese writes Han characters too; kana are its own
        return "ja"
    if hangul and hangul >= max(han, cyrillic):
        return "ko"
    if han and han >= cyrillic:
        return "zh"
    if cyrillic and cyrillic * 4 >= letters:
        return next((lang for lang, pattern in _CYRILLIC_LETTERS if pattern.search(text)), "ru")
    for lang, pattern in _SCRIPTS.items():
        if len(pattern.findall(text)) * 4 >= letters:
            return lang
    if cyrillic:
        return "ru"
    return _latin_language(text)


def _latin_language(text: str) -> str:
    words = _WORD.findall(text.lower())
    scores = {lang: sum(0.5 if w in _NAME_PARTICLES else 1.0 for w in words if w in vocabulary)
              for lang, vocabulary in _WORDS.items()}
    lowered = text.lower()
    for lang, marks in _LATIN_LETTERS.items():
        scores[lang] += 0.5 * sum(lowered.count(ch) for ch in marks)
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    # Two function words at least, and more than English: shorthand and names stay English.
    if best != "en" and scores[best] >= 2 and scores[best] > scores["en"]:
        return best
    return "en"


# Language names a library's language column may hold instead of a code ("English", "简体中文").
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("english", "английский", "英语", "英文"),
    "zh": ("chinese", "mandarin", "simplified chinese", "chinese simplified", "китайский", "中文", "汉语", "简体中文",
           "简体"),
    "zh-hant": ("traditional chinese", "chinese traditional", "繁體中文", "繁体中文", "繁體", "繁体"),
    "ru": ("russian", "русский", "俄语", "俄文"),
    "uk": ("ukrainian", "українська", "украинский"),
    "es": ("spanish", "español", "espanol", "испанский"),
    "pt": ("portuguese", "português", "portugues"),
    "fr": ("french", "français", "francais", "французский"),
    "de": ("german", "deutsch", "немецкий"),
    "it": ("italian", "italiano"),
    "nl": ("dutch", "nederlands"),
    "pl": ("polish", "polski"),
    "ja": ("japanese", "日本語", "日语"),
    "ko": ("korean", "한국어", "韩语"),
}
_CODE_BY_NAME = {name: code for code, names in LANGUAGE_NAMES.items() for name in names}


# A language name with a region or script after it: "English (US)", "Chinese (Traditional)",
# "Portuguese - Brazil". The region is dropped; for Chinese it says which script.
_NAME_AND_REGION = re.compile(r"(?P<name>[^()\[\]]+?)\s*(?:[(\[]\s*(?P<a>[^()\[\]]+?)\s*[)\]]|[-–—]\s+(?P<b>.+))")
_TRADITIONAL = frozenset({"traditional", "taiwan", "hong kong", "macau", "macao", "tw", "hk", "mo", "繁體", "繁体"})


def language_code(value: str) -> str:
    """A language column's value as a code: "English" → "en", "繁體中文" → "zh-hant", "English (US)"
    → "en", "Chinese (Traditional)" → "zh-hant", "zh_CN" → "zh-cn", "N/A" → "" (detect it);
    anything else lower-cased as it is (validation then checks it looks like a code)."""
    if says_nothing(value):  # no language given: it is detected from the text
        return ""
    name = " ".join(value.strip().lower().replace("_", "-").split())
    if name in _CODE_BY_NAME:
        return _CODE_BY_NAME[name]
    match = _NAME_AND_REGION.fullmatch(name)
    if match and match["name"] in _CODE_BY_NAME:
        code = _CODE_BY_NAME[match["name"]]
        return "zh-hant" if code == "zh" and (match["a"] or match["b"]) in _TRADITIONAL else code
    return name


# What a language code looks like once language_code has read it: "en", "zh-hant", "pt-br".
_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


def is_language_code(code: str) -> bool:
    """Whether `code` (as language_code returns it) looks like a language code: "klingon" does not."""
    return bool(_CODE.match(code))


def base_language(code: str) -> str:
    """A language code without its region or script: "zh-hant" → "zh", "en-us" → "en"."""
    return code.split("-")[0]


def has_han(text: str) -> bool:
    """Whether the text holds a Chinese character (Han ideograph)."""
    return _HAN.search(text) is not None


_LANGUAGE_PARAMS = frozenset({"lang", "language", "locale", "hl", "lng"})


def language_neutral_url(url: str, language: str) -> str:
    """The URL with the marks of its own language taken out: a path segment, a first host label or a
    lang/locale/hl parameter naming `language` ("/zh/tools/roi", "ru.example.com/roi", "?lang=zh-CN").
    Sites keep one page's translations under one path that way, so two assets of one type in two
    languages with the same neutral URL are one page in two languages, however differently their
    descriptions were written."""
    base = base_language(language.lower().replace("_", "-"))

    def names_it(part: str) -> bool:
        return base_language(part.lower().replace("_", "-")) == base

    parts = urlsplit(url.strip())
    labels = parts.netloc.lower().split(".")
    host = ".".join(labels[1:] if len(labels) > 2 and names_it(labels[0]) else labels)
    path = "/".join(s for s in parts.path.split("/") if s and not names_it(s))
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not (k.lower() in _LANGUAGE_PARAMS and names_it(v))])
    return urlunsplit((parts.scheme.lower(), host, "/" + path, query, ""))
