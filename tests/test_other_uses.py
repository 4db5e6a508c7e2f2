"""Issue 19 through the engine and the CLI: tallies count trials, not papers; only LDN counts in an answer about LDN,
other uses of naltrexone are named on one fixed line and answered when asked; a conference abstract says so.

Expected counts come from the records (their `trial`, `dose_class`, `publication_type`), not fixed numbers.
"""

from __future__ import annotations

import json

import pytest

from ldn_bot.corpus.evidence import by_trial, counts_as_ldn, use_phrase
from ldn_bot.engine.plans import CONTROLLED, is_human
from ldn_bot.frontends.cli import main
from ldn_bot.render.text import SUMMARY_CHARS, render_summary


def short(answer) -> str:
    return render_summary(answer)[:SUMMARY_CHARS]


def ldn_trials(engine, condition: str) -> list:
    return [s for s in engine.studies.values() if s.reviewed and condition in s.conditions and is_human(s)
            and s.evidence_level in CONTROLLED and counts_as_ldn(s)]


def test_fibromyalgia_counts_the_final_trial_once_and_cites_both_papers(engine):
    answer = engine.answer("Does LDN help fibromyalgia?")
    first = short(answer).splitlines()[0]
    trials = ldn_trials(engine, "fibromyalgia")
    final = [s for s in trials if s.trial and s.trial.startswith("FINAL")]
    assert len(final) == 2  # Bruun 2024 and Bruun 2025
    assert f"{len(by_trial(trials))} controlled trials in people" in first
    assert "1 trial, reported in 2 papers (FINAL)" in first
    assert {s.label for s in final} <= {c.label for c in answer.citations}


def test_back_pain_counts_only_ldn_and_names_the_oxycodone_trial_on_one_line(engine):
    webster = engine.studies.get("Webster 2006")
    if webster is None:
        pytest.skip("the Webster 2006 record is not in the corpus yet")
    assert webster.dose_class == "ultra_low"
    answer = engine.answer("does LDN help back pain?")
    text = render_summary(answer)
    first = text.splitlines()[0]
    condition = next(c for c in webster.conditions if first.lower().startswith(c))
    assert f"{len(by_trial(ldn_trials(engine, condition)))} controlled trial" in first
    assert "Webster" not in first
    assert not any(line.head and line.head.startswith("Webster 2006") for line in answer.key_lines)
    line = [x.text for x in answer.key_lines if x.text.startswith("Also ")]
    assert line and "ultra-low-dose naltrexone combined with oxycodone, a different use:" in line[0]
    assert "Webster 2006" in line[0]


def test_naltrexone_with_oxycodone_is_answered_from_the_ultra_low_dose_trials(engine):
    ultra = {s.label for s in engine.studies.values() if s.reviewed and s.dose_class == "ultra_low"}
    if not ultra:
        pytest.skip("no ultra-low-dose record in the corpus yet")
    answer = engine.answer("does naltrexone with oxycodone work?")
    assert answer.status == "answered"
    assert "opioid_interaction" in answer.safety  # the warning still comes first
    cited = {c.label for c in answer.citations}
    assert cited and cited <= ultra
    studies = [s for s in engine.studies.values() if s.label in ultra]
    heading = f"{use_phrase('ultra_low', studies)[:1].upper()}{use_phrase('ultra_low', studies)[1:]}"
    text = short(answer)
    # the tally says it is a different use; when the warning leaves room for one line only (900 characters with
    # the disclaimer), the trial's own design line says it: ultra-low dose with an opioid
    assert (heading in text and "a different use from LDN" in text) or (
        len(render_summary(answer)) <= 900 and "ultra-low dose with an opioid" in text)


def test_asking_whether_to_combine_gets_the_warning_not_the_trials(engine):
    answer = engine.answer("can I take ldn with my oxycodone?")
    assert answer.status == "safety" and not answer.citations


def test_a_cited_conference_abstract_says_so_in_the_answer_and_the_json(engine, capsys):
    abstracts = [s for s in engine.studies.values() if s.reviewed and s.publication_type == "conference_abstract"
                 and is_human(s)]
    if not abstracts:
        pytest.skip("no conference abstract in the corpus")
    study = min(abstracts, key=lambda s: len([x for x in engine.studies.values() if s.conditions[0] in x.conditions]))
    question = f"does ldn help {study.conditions[0]}?"
    answer = engine.answer(question)
    cited = next(c for c in answer.citations if c.label == study.label)
    assert "conference abstract" in cited.design_line
    assert f"{study.label} — {cited.design_line}" in render_summary(answer) or \
        f"{study.label} ({cited.design_line}" in render_summary(answer)
    assert main(["ask", "--json", question]) == 0
    data = json.loads(capsys.readouterr().out)
    entry = next(c for c in data["citations"] if c["label"] == study.label)
    assert entry["publication_type"] == "conference_abstract"


def test_how_good_is_the_evidence_overall_leads_with_a_review_of_the_whole_field(engine):
    answer = engine.answer("honestly, how good is the evidence overall? is any of this real?")
    assert answer.status == "answered"
    first_cited = answer.key_lines[0].head or ""
    reviews = [s for s in engine.studies.values() if s.reviewed and "review" in s.evidence_level
               and len(s.conditions) >= 4]
    assert any(first_cited.startswith(s.label) for s in reviews), first_cited


@pytest.mark.parametrize("question", [
    "is there anything on naltrexone mixed INTO oxycodone? my back pain doc mentioned oxytrex",
    "was oxycodone with a tiny bit of naltrexone mixed in ever tested",
])
def test_naltrexone_mixed_into_an_opioid_is_answered_from_that_uses_trials(engine, question):
    answer = engine.answer(question)
    assert answer.status == "answered"
    first = [engine.studies[c.label] for c in answer.citations[:2] if c.label in engine.studies]
    assert first and all(s.dose_class == "ultra_low" for s in first)
    assert "ultra-low" in short(answer).lower()


def test_a_use_set_aside_is_not_the_use_asked(engine):
    answer = engine.answer("biggest actual randomized trial of LDN itself (not the oxycodone combo thing)?")
    assert answer.citations and engine.studies[answer.citations[0].label].dose_class == "low"
