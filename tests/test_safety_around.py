"""Safety in what members say around the words (issue 18): an absence foreseen "in case I'm not here" in nine
languages, being away at an occasion, an aid given away because the member got better, a class of opioids left
years ago, and the strength or form of the first pills asked after an opioid was named."""

from __future__ import annotations

import pytest
from safety_helpers import crisis, no_crisis, warned


@pytest.mark.parametrize("question", [
    "wrote letters to my kids in case im not around next month",
    "ya escribi cartas para mis hijos por si no estoy el mes que viene",
    "j'ai ecrit des lettres a mes enfants au cas ou je ne serais plus la le mois prochain",
    "ho scritto lettere ai miei figli nel caso non ci fossi piu il mese prossimo",
    "escrevi cartas para os meus filhos caso eu nao esteja mais aqui no mes que vem",
])
def test_letters_left_in_case_the_member_is_no_longer_here_get_the_crisis_reply(engine, question):
    assert crisis(engine, question)


def test_an_absence_with_an_occasion_to_be_at_gets_no_crisis_reply(engine):
    assert no_crisis(engine, "in case im not around next week im at my sisters wedding, can someone post the doses")


def test_an_aid_given_away_because_the_member_got_better_gets_no_crisis_reply(engine):
    assert no_crisis(engine, "gave away my wheelchair and shower stool, dont need them anymore since ldn!!")
    assert crisis(engine, "gave away my cat and all my books, dont need them anymore")


@pytest.mark.parametrize("question", [
    "been off all opioids for 5 years now, can i start ldn at 1.5mg",
    "vor 10 jahren hatte ich nach einer op tramal, seitdem nie wieder. welche dosis ldn soll ich nehmen",
])
def test_an_opioid_left_years_ago_gets_no_opioid_warning(engine, question):
    assert not warned(engine, "opioid_interaction", question)


def test_getting_off_opioids_is_still_taking_them(engine):
    assert warned(engine, "opioid_interaction", "trying to get off all opioids before i start ldn, what dose")


def test_the_strength_or_form_of_the_first_pills_keeps_the_opioid_warning(engine):
    assert warned(engine, "opioid_interaction", "im on codeine for my back", "ok thanks",
                  "what strength should the first capsules be")
