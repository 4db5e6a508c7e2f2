"""`ldn-bot ask`, `repl` and `eval`: in-process through `main()` (what the entry point calls), plus one run of the
installed entry point in a new process."""

from __future__ import annotations

import io
import json

import pytest
from conftest import run_cli

from ldn_bot.engine.conversation import Conversation
from ldn_bot.frontends.cli import COMMANDS, main
from ldn_bot.render.text import render_json

JSON_KEYS = {"question", "status", "answer", "citations", "safety", "disclaimer"}
CITATION_KEYS = {"label", "title", "design", "n", "url", "passage", "score"}


@pytest.fixture(autouse=True)
def settings(quiet_config, monkeypatch):
    """The bundled settings with the logs in a temporary folder, found the way a user's would be."""
    monkeypatch.setenv("LDN_BOT_CONFIG", str(quiet_config))
    monkeypatch.setenv("LDN_BOT_HISTORY", "/dev/null")
    return quiet_config


def cli(capsys, *args: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_installed_entry_point_answers(config):
    r = run_cli("ask", "Does low-dose naltrexone help fibromyalgia?")
    assert r.returncode == 0, r.stderr
    assert "Younger 2013 — randomized crossover trial, n=31" in r.stdout
    assert "[1]" in r.stdout
    assert r.stdout.rstrip().endswith(config.disclaimer)


def test_ask_json_has_the_documented_shape(capsys, config):
    code, out, err = cli(capsys, "ask", "--json", "Does LDN help Crohn's disease in children?")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) >= JSON_KEYS
    assert data["status"] == "answered" and data["disclaimer"] == config.disclaimer
    assert data["answer"].rstrip().endswith(config.disclaimer)
    assert data["citations"] and all(set(c) >= CITATION_KEYS for c in data["citations"])
    first = data["citations"][0]
    assert isinstance(first["label"], str) and isinstance(first["score"], float)
    assert first["n"] is None or isinstance(first["n"], int)


def test_ask_off_topic_cites_nothing_and_is_logged_for_the_curators(capsys, settings):
    code, out, _ = cli(capsys, "ask", "--json", "What's the capital of Australia?")
    data = json.loads(out)
    assert code == 0 and data["status"] == "no_evidence" and data["citations"] == []
    log = settings.parent / "questions.jsonl"
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert records[-1]["question"] == "What's the capital of Australia?" and records[-1]["source"] == "ask"
    assert "user_id" not in records[-1]


@pytest.mark.parametrize("args", [("ask",), ("ask", "   "), ()])
def test_missing_question_is_a_usage_error(capsys, args):
    code, _, err = cli(capsys, *args)
    assert code == 2
    assert "Traceback" not in err
    assert err.strip()


def test_huge_and_binary_questions_do_not_crash(capsys):
    for question in ("fibromyalgia " * 2000, "\x01\x02\x7f" * 1000):
        code, out, _ = cli(capsys, "ask", "--json", question)
        assert code == 0
        assert json.loads(out)["status"] in ("answered", "no_evidence")


def test_repl_piped_json_lines_are_one_conversation(capsys, monkeypatch, engine):
    questions = ["Does LDN help psoriasis?", "How many patients were in that study?",
                 "What's the capital of Australia?"]
    code, out, err = cli(capsys, "repl", "--json", stdin="\n".join(questions) + "\n", monkeypatch=monkeypatch)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 3
    answers = [json.loads(line) for line in lines]
    assert all(set(a) >= JSON_KEYS for a in answers)
    conversation = Conversation()
    assert answers == [json.loads(render_json(engine.answer(q, conversation))) for q in questions]


def test_repl_commands(capsys, monkeypatch):
    stdin = "Does LDN help psoriasis?\n:debug\n:sources multiple sclerosis\n:reset\n:help\n:quit\nignored\n"
    code, out, err = cli(capsys, "repl", stdin=stdin, monkeypatch=monkeypatch)
    assert code == 0, err
    assert "study:Weinstock 2020" in out  # :debug shows chunk ids and scores
    assert "Studies on multiple sclerosis" in out and "Cree 2010" in out
    assert "Conversation reset." in out and ":sources" in out
    assert "ignored" not in out


def test_bad_config_exits_2_naming_the_key(capsys, tmp_path):
    cfg = tmp_path / "bot_config.yaml"
    cfg.write_text("disclaimer: x\nretrieval:\n  k1: fast\n", encoding="utf-8")
    code, _, err = cli(capsys, "--config", str(cfg), "ask", "fibromyalgia")
    assert code == 2
    assert "retrieval.k1" in err and str(cfg) in err and "Traceback" not in err
    cfg.write_text("disclaimer: x\ncolour: blue\n", encoding="utf-8")
    code, _, err = cli(capsys, "--config", str(cfg), "ask", "fibromyalgia")
    assert code == 2 and "unknown setting 'colour'" in err


def test_broken_corpus_names_file_and_line(capsys, corpus_copy):
    bad = corpus_copy / "corpus" / "studies" / "cree-2010.yaml"
    bad.write_text(bad.read_text(encoding="utf-8") + "\nconditions: [unclosed\n", encoding="utf-8")
    code, _, err = cli(capsys, "--config", str(corpus_copy / "bot_config.yaml"), "ask", "multiple sclerosis")
    assert code == 2 and "Traceback" not in err
    assert "cree-2010.yaml:" in err and "malformed YAML" in err


def test_eval_prints_the_metrics(capsys):
    code, out, err = cli(capsys, "eval", "--set", "eval/dev.yaml")
    assert code == 0, err
    for metric in ("recall@1", "recall@3", "MRR", "abstention accuracy", "follow-up recall@3", "safety-rule recall"):
        assert metric in out


def test_help_lists_every_command_with_its_help_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for name, command in COMMANDS.items():
        assert f"{name} {' '.join(command.help.split())}" in out


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_module_loads_and_shows_its_help(capsys, name):
    with pytest.raises(SystemExit) as exit_:
        main([name, "--help"])
    assert exit_.value.code == 0
    assert f"usage: ldn-bot {name}" in capsys.readouterr().out


@pytest.mark.parametrize("args, command, says", [
    ((), "ldn-bot", "no command given: choose one of ask, repl, chart, eval, discord, bench, corpus, gaps"),
    (("frob",), "ldn-bot", "invalid choice: 'frob'"),
    (("--config",), "ldn-bot", "argument --config: expected one argument"),
    (("ask",), "ldn-bot ask", "ask needs a question"),
    (("ask", "--bogus", "fibro"), "ldn-bot ask", "unrecognized arguments: --bogus"),
    (("eval", "--set"), "ldn-bot eval", "argument --set: expected at least one argument"),
    (("gaps", "--limit", "abc"), "ldn-bot gaps", "argument --limit: invalid int value: 'abc'"),
    (("gaps", "--since", "someday"), "ldn-bot gaps", "--since 'someday' is not a date"),
    (("corpus",), "ldn-bot corpus",
     "corpus needs a subcommand: validate, new-study, import, fetch, watch, show, stats, init"),
    (("corpus", "new-study"), "ldn-bot corpus new-study", 'the following arguments are required: "Author Year"'),
    (("corpus", "import", "/no/such/export.nbib"), "ldn-bot corpus import", "file not found"),
    (("corpus", "validate", "--bogus"), "ldn-bot corpus validate", "unrecognized arguments: --bogus"),
    (("bench",), "ldn-bot bench", "bench needs a subcommand: scifact, latency, gaps, import"),
    (("bench", "latency", "--chunks", "--plot", "x.svg"), "ldn-bot bench latency", "give at least one --chunks"),
    (("discord", "--sync", "--no-sync"), "ldn-bot discord", "not allowed with argument --sync"),
])
def test_every_usage_error_is_one_line_naming_the_help_to_read(capsys, args, command, says):
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's own errors leave through SystemExit, as --help does
        code = exit_.code
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    (line,) = err.splitlines()  # no usage block before it, no hint line after it
    assert line.startswith("ldn-bot: error: ") and says in line, line
    assert line.endswith(f"(see '{command} --help')"), line
