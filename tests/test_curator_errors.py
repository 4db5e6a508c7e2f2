"""Corpus mistakes a volunteer curator makes, each answered in plain words with the line and the fix; and the
same message from `ask` as from `validate`."""

from __future__ import annotations

from pathlib import Path

import pytest
from record_edit import field_line, set_field

from ldn_bot.frontends.cli import main


def validate(site: Path, capsys) -> tuple[int, list[str]]:
    code = main(["--config", str(site / "bot_config.yaml"), "corpus", "validate"])
    return code, capsys.readouterr().out.splitlines()


def ask(site: Path, capsys, question: str = "does ldn help fibromyalgia") -> tuple[int, str]:
    code = main(["--config", str(site / "bot_config.yaml"), "ask", question])
    return code, capsys.readouterr().err


RECORD = "corpus/studies/younger-2013.yaml"


@pytest.mark.parametrize("key, raw, says", [
    ("title", "title: Low-dose naltrexone: a pilot trial", 'put the whole value in double quotes, '
     'title: "Low-dose naltrexone: a pilot trial"'),
    ("comparator", "comparator:\n\t- placebo", "has a tab; YAML indents with spaces only: replace the tab with "
     "spaces"),
    ("comparator", "comparator: placebo\n  country: US", "indented differently from the lines around it"),
    ("title", "title: [LDN] in fibromyalgia", 'is read as a list: if \'title\' is text, put it in double quotes, '
     'title: "[LDN] in fibromyalgia"'),
    ("title", 'title: "The FINAL trial" of LDN', "put the whole value inside the quotes"),
    ("conditions", "conditions: - fibromyalgia", "put each entry on its own line under 'conditions:', starting "
     "with '- '"),
])
def test_yaml_syntax_errors_say_the_line_and_the_fix(site, capsys, key, raw, says):
    path = site / RECORD
    line = field_line(path, key)
    set_field(path, key, raw_text=raw)
    code, lines = validate(site, capsys)
    assert code == 1
    mine = [l for l in lines if l.startswith(f"{path}:")]
    assert mine and mine[0].startswith(f"{path}:{line + (1 if chr(9) in raw or '  country' in raw else 0)}: "
                                       "error: malformed YAML: "), mine
    assert says in mine[0] and "mapping values" not in mine[0] and "token" not in mine[0]
    _, err = ask(site, capsys)  # ask says the same, in one line
    assert says in err and err.count("\n") == 1


def test_a_hash_in_a_value_is_a_comment_unless_quoted(site, capsys):
    path = site / RECORD
    set_field(path, "comparator", raw_text="comparator: placebo #2 arm")
    code, lines = validate(site, capsys)
    assert code == 1
    assert f"{path}:{field_line(path, 'comparator')}: error: the value of 'comparator' stops at the '#'" \
        in "\n".join(lines)
    assert 'comparator: "placebo #2 arm"' in "\n".join(lines)


def test_a_list_written_as_text_gets_plain_words(site, capsys):
    path = site / RECORD
    set_field(path, "conditions", raw_text="conditions: fibromyalgia, chronic pain")
    code, lines = validate(site, capsys)
    assert code == 1
    text = "\n".join(lines)
    assert "must be a list, but it is written as one piece of text" in text
    assert "conditions: [fibromyalgia, chronic pain]" in text and " str" not in text


def test_a_number_where_text_belongs_says_quote_it_in_ask_as_in_validate(site, capsys):
    path = site / "corpus/studies/cree-2010.yaml"
    set_field(path, "pmid", raw_text="pmid: 20695007")
    _, lines = validate(site, capsys)
    hint = "field 'pmid' must be text: put it in quotes, pmid: '20695007'"
    assert any(l.endswith(hint) for l in lines)
    code, err = ask(site, capsys, "does ldn help multiple sclerosis")
    assert code == 2 and hint in err and f"{path}:{field_line(path, 'pmid')}" in err and "not int" not in err


@pytest.mark.parametrize("written, meant", [
    ("randomised controlled trial", "randomized controlled trial"),
    ("Randomised Crossover Trial", "randomized crossover trial"),
    ("systematic reveiw", "systematic review"),
])
def test_did_you_mean_covers_designs_with_british_spellings(site, capsys, written, meant):
    path = site / RECORD
    set_field(path, "design", written)
    code, lines = validate(site, capsys)
    assert code == 1
    assert any(f"unknown design '{written}'" in l and f"Did you mean '{meant}'?" in l for l in lines), lines


def test_did_you_mean_for_conditions_is_by_spelling_not_shared_words(site, capsys):
    path = site / RECORD
    set_field(path, "conditions", ["fibromyalgia", "multiple system atrophy", "crohnes disease", "fibromyalgiia",
                                   "chrons diseas"])
    _, lines = validate(site, capsys)
    said = {l.split("new condition ")[1].split("'")[1]: l for l in lines if "new condition '" in l}
    assert "Did you mean" not in said["multiple system atrophy"]  # shares words with multiple sclerosis: no
    assert "Did you mean 'crohn's disease'?" in said["crohnes disease"]
    assert "Did you mean 'fibromyalgia'?" in said["fibromyalgiia"]
    assert "Did you mean 'crohn's disease'?" in said["chrons diseas"]  # close to an alias: its condition


def test_a_condition_written_as_an_alias_still_counts_in_its_tally(site, capsys, config):
    from dataclasses import replace

    from ldn_bot.config import load_config
    from ldn_bot.engine.engine import Engine

    settings = load_config(site / "bot_config.yaml")
    before = Engine(settings).answer("does ldn help fibromyalgia").headline
    path = site / RECORD  # Younger 2013, a fibromyalgia crossover trial
    set_field(path, "conditions", ["FMS"])
    code, lines = validate(site, capsys)
    assert code == 0
    assert any("condition 'FMS' is another name for 'fibromyalgia'" in l and ": warning: note:" in l for l in lines)
    settings = replace(settings)
    after = Engine(settings).answer("does ldn help fibromyalgia")
    assert after.headline == before and any(c.label == "Younger 2013" for c in after.citations)
