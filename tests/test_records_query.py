"""Questions across studies as record queries: filters and an aggregate read from many wordings, answered from the
record fields of a small fixture corpus; then through the engine on the bundled corpus."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from ldn_bot.corpus.models import Study
from ldn_bot.engine.records_query import RecordSearch, load_record_lexicon
from ldn_bot.engine.understand import load_understanding
from ldn_bot.render.text import SUMMARY_CHARS, render_summary

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BASE = Study(label="X", title=None, authors=(), year=2020, journal=None, pmid=None, doi=None, url=None,
             design="randomized controlled trial", evidence_level="randomized trial", species="human",
             conditions=(), n=None, dose="4.5 mg", duration=None, comparator="placebo", summary="A study.",
             key_findings=(), adverse_events=None, article_note=None, cited_in_article=False, verified=True,
             reviewed=True, result="It found what it found.", direction="benefit")


def study(label: str, conditions: tuple[str, ...], **fields: object) -> Study:
    return replace(BASE, label=label, conditions=conditions, year=int(label.split()[-1]), **fields)  # type: ignore


FIXTURE = [
    study("Fib 2024", ("fibromyalgia",), n=99, direction="no_difference", trial="BIG (NCT1)"),
    study("Fib 2025", ("fibromyalgia",), n=92, direction="no_difference", trial="BIG (NCT1)"),
    study("Fib 2013", ("fibromyalgia",), n=31, design="randomized crossover trial", evidence_level="crossover trial"),
    study("Fib 2009", ("fibromyalgia",), n=10, design="open-label pilot", evidence_level="pilot study"),
    study("Crohn 2011", ("crohn's disease",), n=40),
    study("Kids 2013", ("crohn's disease",), n=14, population="children aged 8-17"),
    study("Skin 2017", ("psoriasis",), n=15, design="case series", evidence_level="case series"),
    study("Ms 2010", ("multiple sclerosis",), n=500, direction="harm"),
    study("Detox 2009", ("opioid dependence",), n=200, direction="no_difference", dose_class="very_low"),
    study("Abstract 2015", ("multiple sclerosis",), n=20, design="case series", evidence_level="case series",
          publication_type="conference_abstract"),
]
GROUPS = {"fibromyalgia": "pain", "crohn's disease": "gut", "psoriasis": "skin", "multiple sclerosis": "neurological",
          "opioid dependence": "other"}


@pytest.fixture(scope="module")
def records() -> RecordSearch:
    return RecordSearch(FIXTURE, GROUPS, load_record_lexicon(CORPUS), {"psoriasis": ("psoriasis", "plaque psoriasis")})


@pytest.fixture(scope="module")
def understanding():
    return load_understanding(CORPUS)


def ask(records: RecordSearch, understanding, question: str, conditions: list[str] | None = None):
    intent = understanding.read(question)
    return records.plan(records.read(question, intent), intent, conditions or [])


@pytest.mark.parametrize("question", [
    "which trials found nothing?", "which rcts didn't pan out", "any trials that flopped?",
    "list the placebo-controlled trials that failed", "were there any trials with no benefit?",
    # a hedge or stress between the words, and the result said of the trials themselves
    "which trials found basically nothing??", "which trials didn't really work", "what were the negative trials",
    "the placebo trials that showed absolutely nothing?", "trials where it was no better than placebo",
])
def test_the_null_trials_are_one_query_however_asked(records, understanding, question):
    plan = ask(records, understanding, question)
    assert plan is not None and plan.kind == "records"
    # the null and harmful controlled trials of LDN; never a positive one, never a detox dose nobody asked about
    assert [s.label for s in plan.studies] == ["Ms 2010", "Fib 2024", "Fib 2025"]
    # Fib 2024 and Fib 2025 report one trial: 2 trials, in 3 papers
    assert plan.headline == "Controlled trials that found no benefit over the comparator: 2 (reported in 3 papers)."


def test_a_dose_class_is_listed_only_when_asked(records, understanding):
    plan = ask(records, understanding, "any very low dose studies that found nothing?")
    assert plan is not None and [s.label for s in plan.studies] == ["Detox 2009"]


def test_a_group_of_conditions_lists_its_trials(records, understanding):
    plan = ask(records, understanding, "any placebo controlled trial for gut stuff?")
    assert plan is not None and [s.label for s in plan.studies] == ["Crohn 2011", "Kids 2013"]
    assert plan.headline and "gut conditions" in plan.headline


def test_no_match_in_a_group_says_so_and_shows_what_there_is(records, understanding):
    plan = ask(records, understanding, "is there any placebo-controlled trial for skin conditions?")
    assert plan is not None and plan.headline == "The corpus has no controlled trials on skin conditions."
    # ... and never stops there as if the group had no studies at all
    assert [s.label for s in plan.studies] == ["Skin 2017"]
    assert any("Studies on skin conditions: 1." in p.text for p in plan.points)


def test_a_condition_named_by_the_group_words_gives_way_to_the_group(records, understanding):
    plan = ask(records, understanding, "which trials on plaque psoriasis failed?", ["psoriasis"])
    assert plan is not None and "psoriasis" in (plan.headline or "")  # a real condition stays the subject


def test_the_largest_is_picked_within_the_subject(records, understanding):
    plan = ask(records, understanding, "which placebo-controlled trial on fibro that failed was the biggest?",
               ["fibromyalgia"])
    assert plan is not None and plan.kind == "study" and plan.studies[0].label == "Fib 2024"  # not Ms 2010 (n=500)


def test_the_largest_in_a_population(records, understanding):
    plan = ask(records, understanding, "biggest trial in kids?")
    assert plan is not None and plan.studies[0].label == "Kids 2013"


def test_people_in_all_count_a_trial_reported_twice_once(records, understanding):
    plan = ask(records, understanding, "how many people did the fibro trials enrol in total?", ["fibromyalgia"])
    assert plan is not None and plan.headline is not None
    # BIG is reported in two papers (99 and 92): counted once, at its largest; 99 + 31 = 130
    assert "130 people took part in all" in plan.headline
    assert "2 trials reported in 3 papers" in plan.headline
    assert re.match(r"[^:]*: 2 \(", plan.headline), plan.headline  # the count is of trials, not papers
    assert all(re.search(rf"{s.label} \([^)]*n=\d+", plan.points[0].text) for s in plan.studies)


def test_how_many_studies_counts_records(records, understanding):
    plan = ask(records, understanding, "how many studies are there on MS?", ["multiple sclerosis"])
    assert plan is not None and (plan.headline or "").startswith("Studies on multiple sclerosis: 2")


def test_publication_type_filter(records, understanding):
    plan = ask(records, understanding, "are any of the studies only conference abstracts?")
    assert plan is not None and [s.label for s in plan.studies] == ["Abstract 2015"]


@pytest.mark.parametrize("question, conditions", [
    ("does ldn help fibro?", ["fibromyalgia"]),  # a condition's question is the efficacy plan's
    ("what dose did the trials use?", []),
    ("how many trials did that review include?", []),  # what one review holds
    ("did the patches cause skin problems in the long covid study?", ["long covid"]),  # an outcome, not a group
])
def test_questions_that_are_not_record_queries(records, understanding, question, conditions):
    assert ask(records, understanding, question, conditions) is None


def test_engine_answers_the_null_trials_from_the_records(engine):
    answer = engine.answer("which trials found nothing?")
    assert answer.status == "answered" and answer.plan == "records"
    summary = render_summary(answer).rsplit("\n\n", 1)[0]
    assert len(summary) <= SUMMARY_CHARS
    shown = [c for c in answer.citations if c.label in summary]
    assert shown, summary
    for c in shown:  # every study listed is a null controlled trial, and shows its design and size
        s = engine.studies[c.label]
        assert s.direction in ("no_difference", "harm") and s.evidence_level in ("randomized trial", "crossover trial")
        assert re.search(re.escape(c.label) + r" \((randomized|crossover)[^)]*n=\d+", summary)


def test_engine_lists_a_group_trial_it_has(engine):
    answer = engine.answer("any placebo controlled trial for a skin condition or is it all case reports?")
    assert answer.status == "answered"
    summary = render_summary(answer)
    trials = [s for s in engine.studies.values() if s.evidence_level in ("randomized trial", "crossover trial")
              and any(engine.records.groups.get(c) == "skin" for c in s.conditions)]
    assert trials and all(s.label in summary[:SUMMARY_CHARS] for s in trials[:1])
    assert "no controlled trial" not in summary.lower()


def test_the_request_carries_the_record_filters_and_aggregate(engine):
    request = engine.request("honestly which ldn trials for gut stuff didn't pan out?")
    assert (request.filters.design, request.filters.direction, request.filters.group) == ("trial", "null", "gut")
    assert request.aggregate == "list"
    assert engine.request("how many studies on MS?").aggregate == "count"


def ms_named(text: str) -> list[str]:
    """A stand-in for the query parser: the conditions a span names, here MS by either of its names."""
    return ["multiple sclerosis"] if re.search(r"\bms\b|multiple sclerosis", text, re.I) else []


@pytest.mark.parametrize("question", [
    "any trials in a nerve condition? (not ms, i know those)",
    "any neuro trials other than ms",
    "besides MS, which neurological conditions had a trial?",
    "neuro stuff apart from multiple sclerosis - any trials?",
])
def test_a_condition_left_out_is_not_listed(records, understanding, question):
    from ldn_bot.engine.exclusions import Exclusions

    cut, excluded = Exclusions(load_record_lexicon(CORPUS).exclusion_cues, ms_named).cut(question)
    assert excluded == ("multiple sclerosis",) and not re.search(r"\bms\b|sclerosis", cut, re.I)
    intent = understanding.read(cut)
    plan = records.plan(records.read(cut, intent, exclude=excluded), intent, [])
    # the only neurological study is on MS: none is left, and the answer says so rather than listing MS
    assert plan is not None and all("multiple sclerosis" not in s.conditions for s in plan.studies)
    assert "neurological" in (plan.headline or "")


def test_a_word_after_not_that_is_no_condition_name_leaves_nothing_out(records):
    from ldn_bot.engine.exclusions import Exclusions

    exclusions = Exclusions(load_record_lexicon(CORPUS).exclusion_cues, ms_named)
    for question in ("does ldn not work for ms?", "is ldn not for ms patients?"):
        assert exclusions.cut(question) == (question, ())


def test_engine_leaves_out_the_condition_the_member_already_knows(engine):
    answer = engine.answer("any nerve/neuro condition with a placebo trial? (not ms, i know those)")
    assert answer.status == "answered" and answer.plan == "records"
    summary = render_summary(answer)[:SUMMARY_CHARS]
    listed = [c.label for c in answer.citations if c.label in summary]
    assert listed and not any("multiple sclerosis" in " ".join(engine.studies[x].conditions) for x in listed)
    assert all(engine.studies[x].evidence_level in ("randomized trial", "crossover trial") for x in listed)


def test_engine_lists_the_null_trials_in_a_members_words(engine):
    answer = engine.answer("which ldn trials found basically nothing?? want the honest list")
    assert answer.status == "answered" and answer.plan == "records"
    assert "no benefit over the comparator" in render_summary(answer)[:SUMMARY_CHARS]


@pytest.mark.parametrize("question, expected", [
    ("which trials had more than 50 people?", ["Ms 2010", "Fib 2024", "Fib 2025"]),
    ("any rcts with 95+ patients", ["Ms 2010", "Fib 2024"]),
    ("trials with at least 100 participants?", ["Ms 2010"]),
])
def test_a_size_asked_keeps_the_studies_larger_than_it(records, understanding, question, expected):
    plan = ask(records, understanding, question)
    assert plan is not None and [s.label for s in plan.studies] == expected


def test_long_term_data_lists_the_studies_that_ran_a_year_or_more_longest_first(records, understanding):
    long_ones = [replace(BASE, label="Long 2016", conditions=("multiple sclerosis",), duration="charts over 50 months",
                         evidence_level="observational", design="retrospective cohort"),
                 replace(BASE, label="Year 2017", conditions=("multiple sclerosis",), evidence_level="observational",
                         duration="2 years before vs 2 years after", design="register-based study"),
                 replace(BASE, label="Short 2010", conditions=("multiple sclerosis",), duration="8 weeks")]
    search = RecordSearch(long_ones, GROUPS, load_record_lexicon(CORPUS))
    for question in ("any long term data on ms? like years not weeks", "ms studies that followed people for years"):
        intent = understanding.read(question)
        plan = search.plan(search.read(question, intent), intent, ["multiple sclerosis"])
        assert plan is not None and [s.label for s in plan.studies] == ["Long 2016", "Year 2017"], question
        assert "a year or more" in (plan.headline or "")
    # "safe long term?" asks about side effects: no list of long studies
    intent = understanding.read("is it safe long term? any studies")
    assert search.plan(search.read("is it safe long term? any studies", intent), intent, []) is None


def test_a_list_counts_a_trial_reported_twice_once(records, understanding):
    plan = ask(records, understanding, "which fibro trials found nothing?", ["fibromyalgia"])
    assert plan is not None and plan.headline is not None
    # Fib 2024 and Fib 2025 report one trial (BIG): 1 trial, both papers still listed
    assert re.search(r": 1 \(reported in 2 papers\)\.$", plan.headline), plan.headline
    assert {"Fib 2024", "Fib 2025"} <= {s.label for s in plan.studies}


@pytest.mark.parametrize("question", ["was ldn ever tested head to head against another med in a study?",
                                      "any trials of ldn vs other drugs rather than placebo"])
def test_engine_lists_studies_with_an_active_comparator(engine, question):
    answer = engine.answer(question)
    assert answer.status == "answered" and answer.plan == "records"
    summary = render_summary(answer)[:SUMMARY_CHARS]
    shown = [engine.studies[c.label] for c in answer.citations if c.label in summary]
    assert shown and "placebo" not in (shown[0].comparator or "").lower()
    assert "another drug or treatment" in summary
