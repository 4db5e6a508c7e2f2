"""The opioid warning is about opioids the member takes, in eight languages: a relative's opioid named in the
bare form ("mi marido con tramadol") and years clean of a drug ("5 anos limpio de heroina") keep it away, while
the member's own opioid still gets it. Wordings written for this test, in no eval set."""

from __future__ import annotations

import pytest
from safety_helpers import warned

# language: (someone else's opioid, use long past, the member's own opioid)
CASES = {
    "es": ("mi padre con morfina desde la operacion, yo quiero empezar ldn para la fibro",
           "llevo 6 anos limpio de heroina y me interesa la ldn para el dolor",
           "tomo tramadol para la espalda todos los dias, puedo empezar ldn?"),
    "fr": ("mon copain prenant du tramadol, moi je voudrais commencer la ldn pour ma fibro",
           "5 ans sans heroine maintenant, je voudrais essayer la ldn",
           "je prends du tramadol tous les jours, c est compatible avec la ldn ?"),
    "de": ("mein Vater ist auf Morphin seit der OP, ich selbst will LDN gegen Fibro probieren",
           "seit 4 Jahren clean von Heroin, hilft LDN bei Schmerzen?",
           "ich nehme jeden Tag Tramadol gegen Rueckenschmerzen, geht LDN dazu?"),
    "pt": ("meu pai com morfina desde a cirurgia, eu quero comecar ldn pra fibromialgia",
           "8 anos limpo de heroina, a ldn ajuda na dor?",
           "tomo tramadol todo dia pra coluna, posso comecar ldn?"),
    "it": ("mia madre con la morfina dopo l operazione, io vorrei iniziare ldn per la fibromialgia",
           "5 anni pulito dall eroina, ldn aiuta per il dolore?",
           "prendo tramadol ogni giorno per la schiena, posso iniziare ldn?"),
    "nl": ("mijn moeder is op morfine sinds de operatie, ik wil zelf ldn proberen voor fibro",
           "al 3 jaar clean van heroine, helpt ldn bij pijn?",
           "ik slik elke dag tramadol voor mijn rug, mag ldn erbij?"),
    "pl": ("moj tata jest na morfinie po operacji, a ja chce zaczac ldn na fibromialgie",
           "5 lat czysty od heroiny, czy ldn pomaga na bol?",
           "biore tramadol codziennie na kregoslup, czy moge zaczac ldn?"),
    "tr": ("babamin tramadol ilaci var, ben fibromiyalji icin ldn denemek istiyorum",
           "4 yildir temizim eroin yok artik, ldn agriya iyi gelir mi?",
           "her gun tramadol kullaniyorum, ldn ile birlikte alabilir miyim?"),
}


@pytest.mark.parametrize("lang", sorted(CASES))
def test_someone_elses_or_long_past_opioid_gets_no_warning_but_own_opioid_does(engine, lang):
    other, long_past, own = CASES[lang]
    assert not warned(engine, "opioid_interaction", other)
    assert not warned(engine, "opioid_interaction", long_past)
    assert warned(engine, "opioid_interaction", own)


@pytest.mark.parametrize("question", [
    "ich als frau unter tramadol, darf ich ldn nehmen?",
    "sou mulher com tramadol ha anos, posso tomar ldn?",
    "als vrouw op tramadol, kan ik ldn proberen?",
])
def test_the_member_describing_themselves_with_their_own_opioid_still_gets_the_warning(engine, question):
    # "frau", "mulher", "vrouw" read as a relative only after "my" ("meine frau unter tramadol")
    assert warned(engine, "opioid_interaction", question)
