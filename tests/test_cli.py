"""`ldn-bot ask`, `repl` and `eval` through the real entry point, as a user runs them."""

from __future__ import annotations

import json

import pytest

JSON_KEYS = {"question", "status", "answer", "citations", "safety", "disclaimer"}
CITATION_KEYS = {"label", "title", "design", "n", "url", "passage", "score"}


def test_ask_prints_cited_answer_with_disclaimer(cli, config):
    r = cli("ask", "Does low-dose naltrexone help fibromyalgia?")
    assert r.returncode == 0, r.stderr
    assert "Younger 2013 — randomized crossover trial, n=31" in r.stdout
    assert "[1]" in r.stdout
    assert r.stdout.rstrip().endswith(config.disclaimer)


def test_ask_json_has_the_documented_shape(cli, config):
    r = cli("ask", "--json", "Does LDN help Crohn's disease in children?")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) >= JSON_KEYS
    assert data["status"] == "answered" and data["disclaimer"] == config.disclaimer
    assert data["answer"].rstrip().endswith(config.disclaimer)
    assert data["citations"] and all(set(c) >= CITATION_KEYS for c in data["citations"])
    first = data["citations"][0]
    assert isinstance(first["label"], str) and isinstance(first["score"], float)
    assert first["n"] is None or isinstance(first["n"], int)


def test_ask_off_topic_json_cites_nothing(cli):
    data = json.loads(cli("ask", "--json", "What's the capital of Australia?").stdout)
    assert data["status"] == "no_evidence" and data["citations"] == []


@pytest.mark.parametrize("args", [("ask",), ("ask", "   "), ()])
def test_missing_question_is_a_usage_error(cli, args):
    r = cli(*args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.strip()


def test_huge_and_binary_questions_do_not_crash(cli):
    for question in ("fibromyalgia " * 2000, "\x01\x02\x7f\u0000".replace("\u0000", "") * 1000):
        r = cli("ask", "--json", question)
        assert r.returncode == 0 and "Traceback" not in r.stderr
        assert json.loads(r.stdout)["status"] in ("answered", "no_evidence")


def test_repl_piped_json_lines_one_object_per_question_in_one_conversation(cli):
    r = cli("repl", "--json", stdin="Does LDN help Crohn's disease?\nHow many of the children went into remission?\n"
                                    "What's the capital of Australia?\n")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 3
    answers = [json.loads(line) for line in lines]
    assert all(set(a) >= JSON_KEYS for a in answers)
    assert "Smith 2013" in [c["label"] for c in answers[1]["citations"][:3]]
    assert answers[2]["status"] == "no_evidence"


def test_repl_commands(cli):
    r = cli("repl", stdin="Does LDN help psoriasis?\n:debug\n:sources multiple sclerosis\n:reset\n:help\n:quit\nignored\n")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "study:Weinstock 2020" in out  # :debug shows chunk ids and scores
    assert "Studies on multiple sclerosis" in out and "Cree 2010" in out
    assert "Conversation reset." in out and ":sources" in out
    assert "ignored" not in out


def test_bad_config_exits_2_naming_the_key(cli, tmp_path):
    cfg = tmp_path / "bot_config.yaml"
    cfg.write_text("disclaimer: x\nretrieval:\n  k1: fast\n", encoding="utf-8")
    r = cli("--config", str(cfg), "ask", "fibromyalgia")
    assert r.returncode == 2
    assert "retrieval.k1" in r.stderr and str(cfg) in r.stderr and "Traceback" not in r.stderr
    cfg.write_text("disclaimer: x\ncolour: blue\n", encoding="utf-8")
    r = cli("--config", str(cfg), "ask", "fibromyalgia")
    assert r.returncode == 2 and "unknown setting 'colour'" in r.stderr


def test_broken_corpus_names_file_and_line(cli, corpus_copy):
    bad = corpus_copy / "corpus" / "studies" / "cree-2010.yaml"
    bad.write_text(bad.read_text(encoding="utf-8") + "\nconditions: [unclosed\n", encoding="utf-8")
    r = cli("--config", str(corpus_copy / "bot_config.yaml"), "ask", "multiple sclerosis")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "cree-2010.yaml:" in r.stderr and "malformed YAML" in r.stderr


def test_eval_prints_the_metrics(cli):
    r = cli("eval", "--set", "eval/dev.yaml")
    assert r.returncode == 0, r.stderr
    for metric in ("recall@1", "recall@3", "MRR", "abstention accuracy", "follow-up recall@3", "safety-rule recall"):
        assert metric in r.stdout
