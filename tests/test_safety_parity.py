"""Every language says every crisis concept: a concept that the crisis detectors name (the `crisis` and `support`
rules, the learned layer's `needs`) and English defines has phrases in each of the other eight lexicons, so a
member in crisis is read by the same concepts in Spanish, Polish or Turkish as in English. A concept that is
English by nature (a spelling trick, an English idiom) is listed below with why."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

LEXICONS = Path(__file__).resolve().parent.parent / "corpus" / "safety"
LANGUAGES = ("es", "fr", "de", "pt", "it", "nl", "pl", "tr")

ENGLISH_ONLY: dict[str, str] = {
    "ctb_literal": "'catch the bus' read literally: the English community's 'ctb' has no other-language form",
    "death_emoji": "emoji are the same in every language: en.yaml's lines read every message",
}


def _named_by_the_crisis_detectors(rules) -> set[str]:
    """The concepts the crisis and support rules require (never the ones they need absent) and the learned
    crisis rule's `needs`, as the engine loaded them."""
    names = {n.removesuffix("*2").lstrip("~") for r in rules.rules if r.id in ("crisis", "support")
             for combo in r.concepts for part in combo.concepts for n in part.split("|")}
    return names | set(rules.learned.thresholds["crisis"].needs)


@cache  # each file is read once a run: ten lexicons of up to 150 kB, asked for by every language's test
def _lexicon(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}


def _concepts(lang: str) -> dict[str, list[str]]:
    return {c: list(p or []) for c, p in (_lexicon(LEXICONS / f"{lang}.yaml").get("concepts") or {}).items()}


def test_the_crisis_detectors_name_concepts_english_defines(engine):
    assert len(_named_by_the_crisis_detectors(engine.safety) & set(_concepts("en"))) >= 80


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_crisis_concept_english_defines_has_phrases_in_each_language(engine, lang):
    english = {c for c, p in _concepts("en").items() if p}
    # concepts a file for every language defines (medicine shapes, drugs, devices)
    shared = {c for path in LEXICONS.glob("*.yaml") if "language" not in (data := _lexicon(path))
              for c in data.get("concepts") or {}}
    wanted = (_named_by_the_crisis_detectors(engine.safety) & english) - shared - set(ENGLISH_ONLY)
    theirs = _concepts(lang)
    missing = sorted(c for c in wanted if not theirs.get(c))
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
def test_a_new_concept_holds_in_every_language_by_the_lexicon_alone(lexicon_only, lang):
    for message in SAID_IN_EACH_LANGUAGE[lang]:
        assert "crisis" in [r.id for r in lexicon_only.safety.check(message)], message
