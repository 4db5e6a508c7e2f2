"""The safety rules are required: without them nothing answers, and validate says so (issue 14)."""

from __future__ import annotations

import pytest

from ldn_bot.frontends.cli import main


@pytest.mark.parametrize("damage", ["delete", "empty", "no text"])
def test_missing_or_empty_safety_rules_stop_ask_and_validate_with_one_line(corpus_copy, capsys, damage):
    safety = corpus_copy / "corpus" / "safety.yaml"
    if damage == "delete":
        safety.unlink()
    elif damage == "empty":
        safety.write_text("rules: []\n", encoding="utf-8")
    else:
        safety.write_text("rules:\n  - id: crisis\n    action: reply\n    patterns: [suicide]\n", encoding="utf-8")
    config = str(corpus_copy / "bot_config.yaml")
    assert main(["--config", config, "ask", "I want to kill myself"]) == 2
    err = capsys.readouterr().err
    assert "safety.yaml" in err and len(err.strip().splitlines()) <= 2 and "Traceback" not in err
    assert main(["--config", config, "corpus", "validate"]) != 0
    shown = capsys.readouterr()
    assert "safety.yaml" in shown.out + shown.err
