"""`ldn-bot gaps`: the unanswered and 👎 questions, grouped when near-duplicates, with counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ldn_bot.frontends.cli import main
from ldn_bot.frontends.curator.gaps import parse_since
from ldn_bot.frontends.curator.grouping import group_gaps


def rec(question: str, day: str, **extra) -> dict:
    return {"time": f"{day}T12:00:00+00:00", "question": question, "status": "no_evidence", "labels": [],
            "source": "discord", **extra}


LOG = [
    rec("Does LDN help tinnitus?", "2025-01-03"),
    rec("does ldn help with tinnitus", "2025-02-10"),
    rec("Can low-dose naltrexone treat tinnitus?", "2025-03-01"),
    rec("Does LDN help tinnitus?", "2025-03-02", source="repl"),
    rec("Does LDN help eczema?", "2024-12-01"),
    rec("LDN for eczema", "2025-03-05"),
    rec("Is LDN safe in pregnancy?", "2024-06-01"),
    rec("What's the capital of Australia?", "2025-03-06", status="answered"),  # answered: not a gap
]
FEEDBACK = [
    rec("What dose of LDN for Hashimoto's?", "2025-03-03", status="answered", feedback="down", labels=["Toljan 2018"]),
    rec("LDN dose for hashimotos", "2025-03-04", status="answered", feedback="down", labels=["Toljan 2018"]),
    rec("Does LDN help fibromyalgia?", "2025-03-04", status="answered", feedback="up", labels=["Younger 2013"]),
]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "bot_config.yaml").write_text(
        f"corpus: {Path(__file__).resolve().parent.parent / 'corpus'}\ndisclaimer: Not medical advice.\n"
        "logs:\n  questions: logs/questions.jsonl\n  feedback: logs/feedback.jsonl\n", encoding="utf-8")
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "questions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in LOG) + "{torn line\n", encoding="utf-8")
    (logs / "feedback.jsonl").write_text("".join(json.dumps(r) + "\n" for r in FEEDBACK), encoding="utf-8")
    return tmp_path


def gaps(site: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(site / "bot_config.yaml"), "gaps", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_groups_near_duplicates_with_counts_most_frequent_first(site, capsys):
    code, out, _ = gaps(site, capsys, "--json")
    assert code == 0
    groups = json.loads(out)
    counts = [(g["count"], g["no_evidence"], g["thumbs_down"]) for g in groups]
    assert counts == [(4, 4, 0), (2, 2, 0), (2, 0, 2), (1, 1, 0)]
    tinnitus, eczema, hashimoto, pregnancy = groups
    assert tinnitus["question"] == "Does LDN help tinnitus?"  # the commonest wording represents the group
    assert set(tinnitus["variants"]) == {"Does LDN help tinnitus?", "does ldn help with tinnitus",
                                         "Can low-dose naltrexone treat tinnitus?"}
    assert tinnitus["first"].startswith("2025-01-03") and tinnitus["last"].startswith("2025-03-02")
    assert set(eczema["variants"]) == {"Does LDN help eczema?", "LDN for eczema"}
    assert hashimoto["cited_in_thumbs_down"] == ["Toljan 2018"]
    assert pregnancy["question"] == "Is LDN safe in pregnancy?"
    assert "capital of Australia" not in out and "fibromyalgia" not in out  # answered, or 👍


def test_text_output(site, capsys):
    code, out, _ = gaps(site, capsys)
    assert code == 0
    lines = out.splitlines()
    assert "9 unanswered or 👎 questions, in 4 groups" in lines[0]
    assert lines[2].startswith("4  Does LDN help tinnitus?  (4 no evidence, last 2025-03-02)")
    assert any("also: does ldn help with tinnitus" in l for l in lines)
    assert any("2 👎" in l for l in lines) and any("👎 answers cited: Toljan 2018" in l for l in lines)


def test_since_keeps_only_later_questions(site, capsys):
    code, out, _ = gaps(site, capsys, "--since", "2025-03-01", "--json")
    groups = json.loads(out)
    counts = {frozenset(g["variants"]): g["count"] for g in groups}
    assert counts == {
        frozenset({"Can low-dose naltrexone treat tinnitus?", "Does LDN help tinnitus?"}): 2,
        frozenset({"What dose of LDN for Hashimoto's?", "LDN dose for hashimotos"}): 2,
        frozenset({"LDN for eczema"}): 1,
    }
    assert not any(g["question"] == "Is LDN safe in pregnancy?" for g in groups)
    code, out, _ = gaps(site, capsys, "--since", "2030-01-01")
    assert code == 0 and out.startswith("No unanswered questions or 👎 feedback since 2030-01-01")


def test_since_accepts_spans_and_rejects_nonsense(site, capsys):
    now = datetime(2025, 3, 10, tzinfo=UTC)
    assert parse_since("7d", now) == datetime(2025, 3, 3, tzinfo=UTC)
    assert parse_since("2w", now) == datetime(2025, 2, 24, tzinfo=UTC)
    assert parse_since("2025-03-01") == datetime(2025, 3, 1, tzinfo=UTC)
    code, _, err = gaps(site, capsys, "--since", "last tuesday")
    assert code == 2 and "is not a date" in err and "Traceback" not in err


def test_limit_and_explicit_log(site, capsys):
    code, out, _ = gaps(site, capsys, "--limit", "1", "--log", str(site / "logs/questions.jsonl"))
    assert code == 0 and "Does LDN help tinnitus?" in out and "Hashimoto" not in out
    assert "... and 2 more groups" in out
    code, _, err = gaps(site, capsys, "--log", str(site / "nope.jsonl"))
    assert code == 2 and "log file not found" in err


def test_no_logs_yet(tmp_path, capsys):
    (tmp_path / "bot_config.yaml").write_text("disclaimer: x\n", encoding="utf-8")
    code = main(["--config", str(tmp_path / "bot_config.yaml"), "gaps"])
    out, _ = capsys.readouterr()
    assert code == 0 and out.startswith("No unanswered questions or 👎 feedback")


def test_different_topics_stay_apart():
    groups = group_gaps([rec(q, "2025-01-01") for q in
                         ("Does LDN help tinnitus?", "Does LDN help eczema?", "Does LDN help psoriasis?",
                          "Does LDN help pancreatic cancer?", "Does LDN help lung cancer?")])
    assert len(groups) == 5


def test_word_forms_group_together():
    groups = group_gaps([rec(q, "2025-01-01") for q in
                         ("ldn for aching joints", "LDN joint aches?", "LDN and vivid dreams",
                          "dreaming vividly on ldn", "LDN and thyroid", "LDN and thyroid cancer")])
    assert sorted(sorted(g.variants) for g in groups) == [
        ["LDN and thyroid"], ["LDN and thyroid cancer"], ["LDN and vivid dreams", "dreaming vividly on ldn"],
        ["LDN joint aches?", "ldn for aching joints"]]


def test_discord_vote_records_and_a_thumbs_down_on_a_no_evidence_answer_count_once(tmp_path, capsys):
    questions = tmp_path / "questions.jsonl"
    feedback = tmp_path / "feedback.jsonl"
    asked = rec("Does LDN help tinnitus?", "2025-03-01")
    questions.write_text(json.dumps(asked) + "\n" + json.dumps(rec("ldn for tinnitus", "2025-03-02")) + "\n",
                         encoding="utf-8")
    # As the Discord bot writes them: the answer's record, its time moved to "answered", plus the vote.
    down = {**asked, "answered": asked["time"], "time": "2025-03-01T12:05:00+00:00", "vote": "down", "answer_key": "ab"}
    up = {**rec("Does LDN help fibromyalgia?", "2025-03-01", status="answered"), "vote": "up"}
    feedback.write_text(json.dumps(down) + "\n" + json.dumps(up) + "\n", encoding="utf-8")
    code = main(["gaps", "--json", "--log", str(questions), "--log", str(feedback)])
    groups = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(g["count"], g["no_evidence"], g["thumbs_down"]) for g in groups] == [(2, 2, 1)]


def test_grouping_agrees_with_scoring_every_group(tmp_path):
    """The indexed grouping against the pair-by-pair one it replaced (each wording, most asked first, joins the
    first group whose key is SIMILARITY alike), on a generated log with typos (`ldn-bot bench gaps`' logs)."""
    from collections import Counter

    from rapidfuzz import fuzz

    from ldn_bot.bench.gaps import make_logs
    from ldn_bot.frontends.curator.grouping import SIMILARITY, content_words

    questions, _ = make_logs(tmp_path, 3000, seed=3, n_topics=500)
    records = [json.loads(line) for line in questions.open(encoding="utf-8")]
    counts = Counter(" ".join(r["question"].split()) for r in records)
    groups: list[tuple[str, list[str]]] = []
    for wording in sorted(counts, key=lambda w: (-counts[w], w.lower())):
        key = " ".join(sorted(content_words(wording).split()))
        group = next((g for g in groups if fuzz.ratio(key, g[0], score_cutoff=SIMILARITY)), None)
        if group is None:
            group = (key, [])
            groups.append(group)
        group[1].append(wording)
    reference = {w: members[0] for _, members in groups for w in members}  # wording -> the group's question
    indexed = {w: g.question for g in group_gaps(records) for w in g.variants}
    same = sum(reference[w] == indexed[w] for w in counts) / len(counts)
    assert len(counts) > 2000 and same >= 0.99


def test_a_huge_question_from_two_members_is_one_gap_counted_twice_and_printed_cut(tmp_path, capsys):
    from ldn_bot.logs import MAX_LOGGED_QUESTION

    huge = "Does LDN help tinnitus? " + "my story " * 1_200_000  # ~10 MB, as a log written before the limit
    log = tmp_path / "questions.jsonl"
    log.write_text("".join(json.dumps(rec(huge, "2025-03-01", user_id=uid)) + "\n" for uid in ("1", "2")),
                   encoding="utf-8")
    assert main(["gaps", "--log", str(log)]) == 0
    out = capsys.readouterr().out
    assert len(out) < 3 * MAX_LOGGED_QUESTION
    assert out.splitlines()[2].startswith("2  Does LDN help tinnitus? my story")
    assert "(2 no evidence" in out


def test_a_folder_or_device_given_as_a_log_is_one_line_and_status_2(tmp_path, capsys):
    for path in (str(tmp_path), "/dev/zero"):
        assert main(["gaps", "--log", path]) == 2
        err = capsys.readouterr().err
        assert path in err and len(err.strip().splitlines()) == 1, err


def test_thumbs_down_from_two_members_on_one_unanswered_question_is_one_question(tmp_path, capsys):
    """As the Discord bot logs them: the no-evidence record, then each member's 👎, whose answer time was read a
    second later, or is unknown after a restart (read back from the message)."""
    questions, feedback = tmp_path / "questions.jsonl", tmp_path / "feedback.jsonl"
    asked = rec("Does LDN help tinnitus?", "2025-03-01")
    questions.write_text(json.dumps(asked) + "\n", encoding="utf-8")
    later = {**asked, "answered": "2025-03-01T12:00:01+00:00", "time": "2025-03-01T12:05:00+00:00", "vote": "down"}
    restarted = {**asked, "status": "unknown", "answered": None, "time": "2025-03-01T13:00:00+00:00", "vote": "down"}
    feedback.write_text(json.dumps(later) + "\n" + json.dumps(restarted) + "\n", encoding="utf-8")
    assert main(["gaps", "--json", "--log", str(questions), "--log", str(feedback)]) == 0
    groups = json.loads(capsys.readouterr().out)
    assert [(g["count"], g["no_evidence"], g["thumbs_down"]) for g in groups] == [(1, 1, 2)]


def test_two_members_asking_at_the_same_second_count_twice_but_a_log_and_its_copy_once(tmp_path, capsys):
    line = json.dumps(rec("Does LDN help tinnitus?", "2025-03-01")) + "\n"  # no user ids logged: identical lines
    log, copy = tmp_path / "questions.jsonl", tmp_path / "questions.jsonl.1"
    log.write_text(line * 2, encoding="utf-8")
    copy.write_text(line * 2, encoding="utf-8")
    assert main(["gaps", "--json", "--log", str(log), "--log", str(copy), "--log", str(log)]) == 0
    assert [(g["count"], g["no_evidence"]) for g in json.loads(capsys.readouterr().out)] == [(2, 2)]
