"""Which language a text is in: asks and assets in languages beyond English, Chinese and Russian."""

from pathlib import Path

import pytest
import yaml

from content_library.languages import base_language, detect_language, language_neutral_url

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("text, language", [
    ("VP Ops at a 200-person carrier, comparing us with two vendors, asked for case studies", "en"),
    ("mtg w/ CFO re: PO next wk", "en"),
    ("hi", "en"),
    ("", "en"),
    # Names with particles stay English.
    ("call with Jose de la Cruz", "en"),
    ("meeting with Van der Berg Logistics re: pricing", "en"),
    ("客户想要报价，老板要看投资回报", "zh"),
    ("客戶在比較幾家供應商，想看產品對比", "zh"),
    ("客户要英文版的ROI calculator", "zh"),
    ("КП отправили, клиент просит цены по тарифам", "ru"),
    ("Клієнт просить комерційну пропозицію та ціни на 40 вантажівок", "uk"),
    # Japanese writes Han characters too: its kana decide.
    ("見込み客は3社のTMSを比較していて、導入事例を見たいと言っています", "ja"),
    ("아직 우리를 모르는 운송회사 대표, 공차 운행이 너무 많다고 고민 중", "ko"),
    ("Director de operaciones de una transportista, nos está comparando con dos proveedores", "es"),
    ("Cliente muito satisfeito quer participar da comunidade e indicar outros clientes", "pt"),
    ("Le client veut un essai gratuit avant de signer le contrat", "fr"),
    ("Sehr zufriedener Kunde, würde uns gerne an andere Spediteure weiterempfehlen", "de"),
    # English event words in a German ask: the German function words decide.
    ("Brenner Metallbau würde gern beim Anwendertreffen einen Vortrag halten. Wo finde ich den Call for Speakers?",
     "de"),
    ("Il cliente vuole una prova gratuita prima di firmare il contratto", "it"),
    ("De klant wil een gratis proefperiode voordat hij het contract tekent", "nl"),
    ("Nowy klient od tygodnia, administrator pyta, gdzie znaleźć instrukcję", "pl"),
    ("Ο πελάτης θέλει δοκιμή", "el"),
])
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_every_labelled_description_is_detected_in_its_own_language():
    """The training and dev sets label each description's language (en, zh-hans, zh-hant, ru):
    none of the ~900 English, Chinese and Russian texts, shorthand included, is taken for another."""
    wrong = []
    for path in (ROOT / "recommender" / "data" / "stage_train.yaml", ROOT / "benchmarks" / "data" / "stage_dev.yaml"):
        for by_language in yaml.safe_load(path.read_text(encoding="utf-8")).values():
            for language, texts in by_language.items():
                wrong += [(language, t) for t in texts if detect_language(t) != base_language(language)]
    assert wrong == []


@pytest.mark.parametrize(
    "url, language, neutral",
    [
        ("https://x.example/zh/tools/roi", "zh", "https://x.example/tools/roi"),
        ("https://x.example/tools/roi", "en", "https://x.example/tools/roi"),
        ("https://x.example/en-us/tools/roi/", "en", "https://x.example/tools/roi"),
        ("https://x.example/zh_CN/tools/roi", "zh-hans", "https://x.example/tools/roi"),
        ("https://ru.x.example/tools/roi", "ru", "https://x.example/tools/roi"),
        ("https://X.example/tools/roi?lang=zh-CN&utm=1", "zh", "https://x.example/tools/roi?utm=1"),
        # Only the asset's own language is a mark: an English page under /it/ (the IT team) keeps it.
        ("https://x.example/it/security", "en", "https://x.example/it/security"),
        ("https://www.x.example/roi", "en", "https://www.x.example/roi"),
    ],
)
def test_language_neutral_url(url, language, neutral):
    assert language_neutral_url(url, language) == neutral
