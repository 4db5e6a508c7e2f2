"""`ldn-bot corpus validate` warns about safety phrases whose `a|b` alternatives were meant to span two words
(`not sure ill|i will be around` needs "ill will" and never matches what it was written for)."""

from __future__ import annotations

from pathlib import Path

from ldn_bot.frontends.cli import main


def validate(site: Path, capsys, *extra: str) -> tuple[int, list[str]]:
    code = main(["--config", str(site / "bot_config.yaml"), "corpus", "validate", *extra])
    out, _ = capsys.readouterr()
    return code, out.splitlines()


def add_phrases(path: Path, after: str, phrases: list[str]) -> dict[str, int]:
    """Insert list items just after the line `after`; returns each phrase's line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index(after) + 1
    indent = " " * (len(lines[at]) - len(lines[at].lstrip()))
    lines[at:at] = [f"{indent}- {p}" for p in phrases]
    path.write_text("\n".join(lines), encoding="utf-8")
    return {p: at + 1 + i for i, p in enumerate(phrases)}


BROKEN = ["not sure ill|i will be around", "comment me tuer|me suicider", "is|gonna|going to kill me",
          "you|you lot were", "tirarme a las vias|al tren|al metro"]
CORRECT = ["we are|were|re expecting", "not sure ill be around", "want|wanna|wish ... not|never wake up",
           "bye bye everyone", "gonna|wanna end it", "going|want to end it", "letters to my|our kids"]


def test_a_broken_alternative_is_named_with_file_and_line_and_fails_strict(site, capsys):
    path = site / "corpus/safety/en.yaml"
    lines = add_phrases(path, "  wish_dead:", BROKEN + CORRECT)
    code, out = validate(site, capsys)
    assert code == 0  # a warning: the bot still starts
    flagged = [l for l in out if ": warning: phrase " in l]
    assert len(flagged) == len(BROKEN), flagged
    for phrase in BROKEN:
        line = next(l for l in flagged if l.startswith(f"{path}:{lines[phrase]}: warning: phrase {phrase!r}"))
        assert "write each reading as a phrase of its own line" in line
    assert any("'ill' is 'i will' in one word" in l for l in flagged)
    assert any("it reads 'me me'" in l for l in flagged)
    assert any("it reads 'al al'" in l for l in flagged)  # two alternatives that share a word
    code, out = validate(site, capsys, "--strict")
    assert code == 1
    assert f"{path}:{lines['not sure ill|i will be around']}" in "\n".join(out)


def test_rule_patterns_are_checked_but_concept_combinations_are_not(site, capsys):
    path = site / "corpus/safety.yaml"
    lines = add_phrases(path, "    patterns:", ["ce week end|weekend"])
    code, out = validate(site, capsys, "--strict")
    assert code == 1
    assert any(l.startswith(f"{path}:{lines['ce week end|weekend']}: warning: phrase") and "'week weekend'" in l
               for l in out), out


def test_the_bundled_lexicons_have_no_broken_alternatives(site, capsys):
    code, out = validate(site, capsys, "--strict")
    assert code == 0 and not [l for l in out if "phrase " in l], out
