"""Every language says every crisis concept: a concept that the crisis detectors name (the `crisis` and `support`
rules, the learned layer's `needs`) and English defines has phrases in each of the other eight lexicons, so a
member in crisis is read by the same concepts in Spanish, Polish or Turkish as in English. A concept that is
English by nature (a spelling trick, an English idiom) is listed below with why."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
LANGUAGES = ("es", "fr", "de", "pt", "it", "nl", "pl", "tr")

ENGLISH_ONLY: dict[str, str] = {
    "ctb_literal": "'catch the bus' read literally: the English community's 'ctb' has no other-language form",
    "death_emoji": "emoji are the same in every language: en.yaml's lines read every message",
}


def _named_by_the_crisis_detectors() -> set[str]:
    data = yaml.safe_load((CORPUS / "safety.yaml").read_text(encoding="utf-8"))
    names: set[str] = set()
    for rule in data["rules"]:
        if rule["id"] not in ("crisis", "support"):
            continue
        for combo in rule.get("concepts") or []:
            head = str(combo).split(" - ")[0]
            for part in head.replace(">", "+").replace("&", "+").split("+"):
                names.update(n.strip().removesuffix("*2").lstrip("~") for n in part.split("|"))
    names.update(data["learned"]["rules"]["crisis"].get("needs") or [])
    return {n for n in names if n}


def _concepts(lang: str) -> dict[str, list[str]]:
    data = yaml.safe_load((CORPUS / "safety" / f"{lang}.yaml").read_text(encoding="utf-8"))
    return {c: list(p or []) for c, p in (data.get("concepts") or {}).items()}


def test_the_crisis_detectors_name_concepts_english_defines():
    assert len(_named_by_the_crisis_detectors() & set(_concepts("en"))) >= 80


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_crisis_concept_english_defines_has_phrases_in_each_language(lang):
    english = {c for c, p in _concepts("en").items() if p}
    shared = set()  # concepts a language-neutral file defines (medicine shapes, drugs, devices)
    for path in (CORPUS / "safety").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "language" not in data:
            shared.update(data.get("concepts") or {})
    wanted = (_named_by_the_crisis_detectors() & english) - shared - set(ENGLISH_ONLY)
    missing = sorted(c for c in wanted if not _concepts(lang).get(c))
    assert missing == [], f"{lang}.yaml has no phrases for: {', '.join(missing)}"


# language: (standing at a drop now, a goodbye from someone who could not hold on), written for this test
SAID_IN_EACH_LANGUAGE = {
    "es": ("estoy ahora parada en el puente", "adiós a todos, perdón por no aguantar más"),
    "pt": ("to agora parado na ponte", "adeus a todos, desculpem por não ter aguentado"),
    "fr": ("je suis là sur le pont", "adieu tout le monde, désolée de ne pas avoir tenu"),
    "de": ("ich stehe jetzt auf der Brücke", "tschüss zusammen, ich kann nicht mehr durchhalten"),
    "it": ("sono seduta sul cornicione adesso", "scusate se non ce l'ho fatta, addio a tutti"),
    "nl": ("ik sta nu op de brug", "doei allemaal, ik kan het niet meer volhouden"),
    "pl": ("stoję teraz na moście", "żegnajcie wszyscy, nie dam rady dłużej"),
    "tr": ("şu an köprüde duruyorum, bu gece bitiyor", "hoşça kalın, daha fazla dayanamıyorum"),
}


@pytest.mark.parametrize("lang", sorted(SAID_IN_EACH_LANGUAGE))
def test_a_new_concept_holds_in_every_language_by_the_lexicon_alone(engine, lang):
    real = engine.safety.learned
    engine.safety.learned = None
    try:
        for message in SAID_IN_EACH_LANGUAGE[lang]:
            assert "crisis" in [r.id for r in engine.safety.check(message)], message
    finally:
        engine.safety.learned = real
