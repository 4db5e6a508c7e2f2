"""`ldn-bot corpus show LABEL` (one study record as curators read it, curator note included) and the curator
notes `corpus validate --notes` lists. Curator notes never reach members: only these and the REPL's :debug
show them."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from ldn_bot.config import load_config
from ldn_bot.corpus.loader import load_corpus
from ldn_bot.corpus.models import Study
from ldn_bot.corpus.schema import slugify
from ldn_bot.corpus.wording import did_you_mean
from ldn_bot.errors import UsageError


def register(csub: argparse._SubParsersAction) -> None:
    """Add `corpus show` to the `corpus` subcommands `csub`."""
    s = csub.add_parser("show", help="one study record as curators read it, with its curator note",
                        description="Print a study's record: what members see (design line, summary, result, "
                        "key findings) and what only curators see (curator_note, reviewed, verified, file).")
    s.add_argument("label", metavar='"Author Year"', help="the study's label or one of its aliases")
    s.add_argument("--corpus", metavar="PATH", help="corpus folder (default: the one in the settings file)")
    s.set_defaults(func=cmd_show)


def find_study(studies: dict[str, Study], wanted: str) -> Study:
    """The study labelled (or aliased) `wanted`, ignoring case and punctuation; UsageError with a suggestion."""
    key = slugify(wanted)
    for study in studies.values():
        if key in {slugify(study.label), *(slugify(a) for a in study.aliases)}:
            return study
    guess = did_you_mean(wanted, list(studies))
    hint = f" Did you mean '{guess}'?" if guess else ""
    raise UsageError(f"no study labelled '{wanted}' in the corpus.{hint}")


def show_text(study: Study, width: int = 100) -> str:
    """The record of `study` as `corpus show` prints it."""
    def para(name: str, text: str | None) -> list[str]:
        if not text:
            return []
        return [f"{name}:", *textwrap.wrap(text, width, initial_indent="  ", subsequent_indent="  ")]

    lines = [f"{study.label} — {study.design_line}"]
    if study.title:
        lines.append(study.title)
    if study.url:
        lines.append(study.url)
    lines.append(f"conditions: {', '.join(study.conditions)}")
    lines += para("summary", study.summary) + para("result", study.result)
    for finding in study.key_findings:
        lines += textwrap.wrap(finding, width, initial_indent="- ", subsequent_indent="  ")
    lines += para("adverse events", study.adverse_events) + para("article note", study.article_note)
    lines += para("curator note (never shown to members)", study.curator_note)
    lines.append(f"reviewed: {'yes' if study.reviewed else 'no'}; verified: {'yes' if study.verified else 'no'}; "
                 f"file: {study.path}")
    return "\n".join(lines)


def cmd_show(args: argparse.Namespace) -> int:
    """Print one study's record."""
    root = Path(args.corpus) if args.corpus else load_config(args.config).corpus_path
    print(show_text(find_study(load_corpus(root).studies, args.label)))
    return 0


def note_lines(root: Path) -> list[str]:
    """"file: curator note: …" for every record with a curator note (`corpus validate --notes`)."""
    from ldn_bot.corpus.rawyaml import listing, read_yaml

    out = []
    for path in listing(root / "studies", "*.yaml", []):
        raw = read_yaml(path)
        note = raw.str_field("curator_note") if raw is not None else None
        if raw is not None and note:
            out.append(f"{path}:{raw.line('curator_note')}: curator note: {' '.join(note.split())}")
    return out
