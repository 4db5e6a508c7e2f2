from pathlib import Path

from ldn_bot.frontends.clidoc import cli_reference

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_matches_the_parser():
    doc = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert doc == cli_reference(), "docs/cli.md is stale: run `python -m ldn_bot.frontends.clidoc > docs/cli.md`"


def test_readme_shows_both_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'pip install -e . && ldn-bot ask' in readme
    assert 'pip install -e ".[test]" && pytest' in readme
