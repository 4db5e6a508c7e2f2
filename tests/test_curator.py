"""The curator's loop, as corpus/README.md describes it: a member's question goes unanswered (logged by
the REPL, listed by `gaps`), the curator runs `new-study`, fills in the template, `validate` passes and the
study answers the question at once. Plus `stats` and the refusals of `new-study`."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from record_edit import field_line, set_field

from ldn_bot.frontends.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(site: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(site / "bot_config.yaml"), *args])
    out, err = capsys.readouterr()
    return code, out, err


FILLED = {
    "title": "Low-dose naltrexone for chronic tinnitus: a fictional pilot study (test record)",
    "authors": ["Fixture A", "Example B"],
    "journal": "J Fict Med",
    "pmid": None,
    "doi": None,
    "design": "open-label pilot",
    "evidence_level": "pilot study",
    "conditions": ["tinnitus"],
    "n": 12,
    "dose": "4.5 mg nightly",
    "dose_class": "low",
    "result": "Tinnitus loudness fell in 7 of the 12 adults with chronic tinnitus on low-dose naltrexone, "
              "with no control group.",
    "direction": "benefit",
    "summary": "In a fictional open-label pilot study, 12 adults with chronic tinnitus took low-dose naltrexone "
               "4.5 mg nightly for 8 weeks. Tinnitus loudness fell in 7 of the 12 adults with chronic tinnitus "
               "while they took low-dose naltrexone.",
    "key_findings": ["Seven of 12 adults with chronic tinnitus rated their tinnitus quieter after 8 weeks of "
                     "low-dose naltrexone."],
    "reviewed": True,
}


def fill_in(path: Path) -> None:
    """What a curator does with the template: every TODO field filled in (its TODO note goes with it)."""
    for key, value in FILLED.items():
        set_field(path, key, value)


def ask(site: Path, capsys, question: str) -> dict:
    code, out, err = run(site, capsys, "ask", "--json", question)
    assert code == 0, err
    return json.loads(out)


def test_new_study_from_unanswered_question_to_answer(site, capsys):
    question = "Does LDN help tinnitus?"
    # 1. A member asks in the REPL; there is no evidence, and the question is logged for the curators.
    from ldn_bot.config import load_config
    from ldn_bot.engine.engine import Engine
    from ldn_bot.frontends.repl import run_repl

    engine = Engine(load_config(site / "bot_config.yaml"))
    out = io.StringIO()
    run_repl(engine, json_mode=True, stdin=io.StringIO(f"{question}\nDoes LDN help fibromyalgia?\n"), stdout=out)
    assert [json.loads(l)["status"] for l in out.getvalue().splitlines()] == ["no_evidence", "answered"]
    logged = [json.loads(l) for l in (site / "logs/questions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["question"], r["status"], r["source"]) for r in logged] == [(question, "no_evidence", "repl")]

    # 2. `gaps` puts it on the to-do list.
    code, out, _ = run(site, capsys, "gaps")
    assert code == 0 and f"1  {question}  (1 no evidence" in out

    # 3. new-study writes the template in the right place, which does not validate until filled in.
    code, out, _ = run(site, capsys, "corpus", "new-study", "Fixture 2025")
    path = site / "corpus/studies/fixture-2025.yaml"
    assert code == 0 and f"wrote {path}" in out
    template = path.read_text(encoding="utf-8")
    assert template.startswith("# Study record for Fixture 2025.") and "label: Fixture 2025\n" in template
    assert "year: 2025\n" in template and "reviewed: false" in template
    # Unfinished but unreviewed: a warning, and the bot keeps working without it.
    code, out, _ = run(site, capsys, "corpus", "validate")
    assert code == 0
    assert f"{path}:{field_line(path, 'reviewed')}: warning: not reviewed yet (14 fields still TODO)" in out
    assert ask(site, capsys, question)["status"] == "no_evidence"
    # Marked reviewed too early: every field still marked TODO is an error.
    path.write_text(template.replace("reviewed: false", "reviewed: true"), encoding="utf-8")
    code, out, _ = run(site, capsys, "corpus", "validate")
    assert code == 1
    assert f"{path}:{field_line(path, 'design')}: error: field 'design' still has a TODO: fill it in (one of: " \
        "systematic review," in out
    assert f"{path}:{field_line(path, 'n')}: error: field 'n' still has a TODO" in out
    assert f"{path}:{field_line(path, 'direction')}: error: field 'direction' still has a TODO: fill it in " \
        "(one of: benefit, no_difference," in out
    path.write_text(template, encoding="utf-8")

    # 4. Filled in and marked reviewed: validate passes (the new condition is flagged, not refused) ...
    fill_in(path)
    code, out, _ = run(site, capsys, "corpus", "validate")
    assert code == 0, out
    assert not [l for l in out.splitlines() if ": error: " in l]
    assert f"{path}:{field_line(path, 'conditions')}: warning: new condition 'tinnitus'" in out
    # ... and it is written in the corpus style, so --strict finds nothing else in it.
    code, out, _ = run(site, capsys, "corpus", "validate", "--strict")
    assert [l for l in out.splitlines() if l.startswith(f"{path}:")] == [
        l for l in out.splitlines() if l.startswith(f"{path}:") and "new condition 'tinnitus'" in l]

    # 5. ... and the very next question finds it: no rebuild, no restart.
    answer = ask(site, capsys, question)
    assert answer["status"] == "answered"
    assert answer["citations"][0]["label"] == "Fixture 2025"
    assert answer["citations"][0]["design"] == "open-label pilot" and answer["citations"][0]["n"] == 12


def test_template_left_half_done_is_caught(site, capsys):
    run(site, capsys, "corpus", "new-study", "Fixture 2025")
    path = site / "corpus/studies/fixture-2025.yaml"
    fill_in(path)
    set_field(path, "journal", "TODO abbreviated journal name")
    code, out, _ = run(site, capsys, "corpus", "validate")
    assert code == 1 and f"{path}:{field_line(path, 'journal')}: error: field 'journal' still has a TODO" in out


def test_new_study_refuses_to_overwrite(site, capsys):
    path = site / "corpus/studies/younger-2013.yaml"
    before = path.read_text(encoding="utf-8")
    code, _, err = run(site, capsys, "corpus", "new-study", "Younger 2013")
    assert code == 2 and "already exists; refusing to overwrite" in err and "Traceback" not in err
    assert path.read_text(encoding="utf-8") == before
    code, _, err = run(site, capsys, "corpus", "new-study", "Donahue 2011")
    assert code == 2 and "Donahue 2011a, Donahue 2011b" in err and "'Donahue 2011c'" in err
    assert not (site / "corpus/studies/donahue-2011.yaml").exists()


@pytest.mark.parametrize("label", ["Younger", "2013", "  "])
def test_new_study_needs_author_and_year(site, capsys, label):
    code, _, err = run(site, capsys, "corpus", "new-study", label)
    assert code == 2 and "Author Year" in err and "Traceback" not in err


def test_new_study_file_name_and_cited_flag(site, capsys):
    article = site / "corpus/documents/ldn-article.md"
    with article.open("a", encoding="utf-8") as f:
        f.write("\nOne more study is cited here (O'Brien-Smith 2021).\n")
    code, _, _ = run(site, capsys, "corpus", "new-study", "O'Brien-Smith 2021")
    path = site / "corpus/studies/o-brien-smith-2021.yaml"
    assert code == 0 and path.exists()
    text = path.read_text(encoding="utf-8")
    assert "cited_in_article: true" in text
    import yaml

    assert yaml.safe_load(text)["label"] == "O'Brien-Smith 2021"


def test_stats(site, capsys):
    code, out, _ = run(site, capsys, "corpus", "stats")
    assert code == 0
    n = len(list((ROOT / "corpus/studies").glob("*.yaml")))
    assert f"studies: {n} ({n} reviewed, 0 not yet reviewed" in out
    assert re.search(r"^documents: 1$", out, re.M)
    assert re.search(r"^chunks: \d+ \(\d+ article paragraphs, \d+ study records\)$", out, re.M)
    assert re.search(r"^index: \d+ chunks, \d+ distinct terms, \d+ tokens", out, re.M)
    assert re.search(r"^  fibromyalgia +\d+$", out, re.M) and re.search(r"^  case report +\d+$", out, re.M)
    code, out, _ = run(site, capsys, "corpus", "stats", "--json")
    data = json.loads(out)
    assert data["studies"] == n and data["by_design"]["randomized controlled trial"] >= 1
    assert sum(data["by_design"].values()) == n and data["index"]["terms"] > 100
    # What the studies found, per condition: the same line in text and JSON (an addition: no key renamed).
    summary = data["direction_summary"]["fibromyalgia"]
    assert "controlled trial" in summary and "no difference" in summary
    assert data["by_condition_direction"]["fibromyalgia"]["controlled trials"]["no_difference"] >= 1
    code, text, _ = run(site, capsys, "corpus", "stats")
    assert f"  fibromyalgia: {summary}\n" in text


def test_direction_summary_counts_reviewed_studies_by_design_and_direction(tmp_path, capsys):
    from ldn_bot.corpus.schema import template_record
    from ldn_bot.corpus.style import dump_record

    studies = tmp_path / "corpus/studies"
    studies.mkdir(parents=True)
    records = [  # (label, design, level, direction, reviewed)
        ("Alpha 2020", "randomized controlled trial", "randomized trial", "benefit", True),
        ("Beta 2021", "randomized controlled trial", "randomized trial", "no_difference", True),
        ("Gamma 2022", "randomized crossover trial", "crossover trial", "no_difference", True),
        ("Delta 2023", "systematic review", "systematic review", "mixed", True),
        ("Epsilon 2023", "open-label pilot", "pilot study", None, True),
        ("Zeta 2024", "randomized controlled trial", "randomized trial", "harm", False),  # not reviewed: not counted
    ]
    for label, design, level, direction, reviewed in records:
        record = template_record(label=label, title=None, authors=[], year=int(label[-4:]), journal=None,
                                 design=design, evidence_level=level, conditions=["fibromyalgia"], summary="A study.",
                                 key_findings=[], result="A result.", direction=direction, reviewed=reviewed)
        (studies / f"{label.lower().replace(' ', '-')}.yaml").write_text(dump_record(record), encoding="utf-8")
    code = main(["corpus", "stats", str(tmp_path / "corpus")])
    out, _ = capsys.readouterr()
    assert code == 0
    assert ("  fibromyalgia: 1 systematic review — 1 mixed; 3 controlled trials — 1 benefit, 2 no difference; "
            "1 pilot study — 1 direction not given\n") in out


def test_corpus_without_subcommand_shows_help(site, capsys):
    code, _, err = run(site, capsys, "corpus")
    assert code == 2 and "validate" in err and "new-study" in err


def test_cli_cold_start_does_not_import_curator_dependencies():
    import subprocess
    import sys

    code = ("import sys; from ldn_bot.frontends.cli import build_parser; build_parser(); "
            "print(','.join(m for m in ('yaml', 'rapidfuzz', 'ldn_bot.corpus.validate', 'ldn_bot.corpus.importing', "
            "'ldn_bot.logs') "
            "if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""
