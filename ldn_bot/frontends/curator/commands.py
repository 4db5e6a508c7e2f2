"""`ldn-bot corpus ...`: the curators' commands (validate, new-study, import, stats, init).

Each subcommand is added by one function in `SUBCOMMANDS`; a new subcommand is one more function there.
The work is done in `ldn_bot.corpus` (validation, templates from the schema, importing, statistics);
this module parses the command line and prints.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ldn_bot.config import RetrievalConfig, load_config
from ldn_bot.corpus.citations import document_texts, is_cited
from ldn_bot.corpus.importing import import_file
from ldn_bot.corpus.loader import STUDIES_DIR, folder_problem, load_corpus
from ldn_bot.corpus.problems import Problem
from ldn_bot.corpus.rawyaml import listing, parse_yaml, read_text
from ldn_bot.corpus.schema import FIELDS, slugify, template_record
from ldn_bot.corpus.stats import breakdown, direction_counts, direction_summary
from ldn_bot.corpus.style import dump_record
from ldn_bot.corpus.validate import run_validate
from ldn_bot.errors import CorpusError, UsageError
from ldn_bot.fileio import atomic_write
from ldn_bot.frontends.cli import needs_subcommand
from ldn_bot.frontends.curator import init as corpus_init
from ldn_bot.frontends.curator import pubmed
from ldn_bot.frontends.curator import show as corpus_show
from ldn_bot.retrieval.search import Searcher

CORPUS_HELP = """Curators' tools. The workflow (corpus/README.md):
  ldn-bot corpus watch                      (what PubMed has that the corpus does not)
  ldn-bot corpus fetch 23359310             (or: ldn-bot corpus new-study "Younger 2013")
  ... write the summary in your own words, set reviewed: true ...
  ldn-bot corpus validate
  ldn-bot repl                              (try questions the study should answer)
  /reload in Discord"""


def add_validate(csub: argparse._SubParsersAction) -> None:
    """`corpus validate [PATH] [--strict]`."""
    v = csub.add_parser("validate", help="check every corpus file; exit 1 on any error",
                        description="Check the corpus: one line per problem (file:line: severity: message), "
                        "errors first, then warnings. Exit status 1 if there is any error. --strict also checks "
                        "each study record's YAML style and fails on any warning.")
    v.add_argument("path", nargs="?", metavar="PATH", help="corpus folder (default: the one in the settings file)")
    v.add_argument("--strict", action="store_true", help="check the records' style too; treat warnings as errors")
    v.add_argument("--notes", action="store_true", help="also list every record's curator note (never shown to "
                   "members)")
    v.set_defaults(func=cmd_validate)


def add_new_study(csub: argparse._SubParsersAction) -> None:
    """`corpus new-study "Author Year"`."""
    n = csub.add_parser("new-study", help='write a commented template record for "Author Year"',
                        description='Write corpus/studies/<author-year>.yaml, a commented template to fill in. '
                        'Refuses to overwrite an existing record.')
    n.add_argument("label", metavar='"Author Year"', help='the study label, for example "Younger 2013"')
    n.add_argument("--corpus", metavar="PATH", help="corpus folder (default: the one in the settings file)")
    n.set_defaults(func=cmd_new_study)


def add_import(csub: argparse._SubParsersAction) -> None:
    """`corpus import FILE [--format F] [--dry-run]`."""
    i = csub.add_parser("import", help="study stubs from a PubMed or reference-manager export "
                        "(MEDLINE/.nbib, PubMed XML, RIS, CSV or JSON Lines)",
                        description="Add a stub record (reviewed: false) for every study in FILE that the corpus "
                        "does not have yet (same PMID or DOI, or a nearly identical title, counts as present). "
                        "The format is guessed from the content, else from the suffix (.nbib, .xml, .ris, .csv, "
                        ".jsonl); --format overrides the guess.")
    i.add_argument("file", metavar="FILE", help="PubMed MEDLINE/.nbib text, PubMed XML (E-utilities efetch, "
                   "retmode=xml), RIS (Zotero, EndNote, Mendeley, journal sites), CSV or JSON Lines "
                   "(columns/keys: title, abstract, authors, year, pmid, doi, journal)")
    i.add_argument("--format", choices=("medline", "pubmed-xml", "ris", "csv", "jsonl"),
                   help="the file's format (default: guessed)")
    i.add_argument("--corpus", metavar="PATH", help="corpus folder (default: the one in the settings file)")
    i.add_argument("--dry-run", action="store_true", help="report what would be added, write nothing")
    i.set_defaults(func=cmd_import)


def add_stats(csub: argparse._SubParsersAction) -> None:
    """`corpus stats [PATH] [--json]`."""
    s = csub.add_parser("stats", help="documents, chunks, studies by condition, design and result, unreviewed, "
                        "index size")
    s.add_argument("path", nargs="?", metavar="PATH", help="corpus folder (default: the one in the settings file)")
    s.add_argument("--json", action="store_true", help="print the numbers as JSON")
    s.set_defaults(func=cmd_stats)


SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    add_validate, add_new_study, add_import, pubmed.register, corpus_show.register, add_stats,
    corpus_init.register,
]
"""One function per `corpus` subcommand, each adding its parser to the subcommands it is given."""


def configure(p: argparse.ArgumentParser) -> None:
    """Options and handlers of `ldn-bot corpus ...` (its help line is in the CLI's command table)."""
    p.description, p.formatter_class = CORPUS_HELP, argparse.RawDescriptionHelpFormatter
    csub = p.add_subparsers(dest="corpus_command", metavar="SUBCOMMAND")
    p.set_defaults(func=needs_subcommand(p))
    for add in SUBCOMMANDS:
        add(csub)


def register(sub: argparse._SubParsersAction) -> None:
    """Add `corpus` to the `ldn-bot` subcommands `sub` (for a parser built without the command table)."""
    configure(sub.add_parser("corpus", help="curators' tools: validate, new-study, import, stats"))


def _require_folder(root: Path) -> None:
    """UsageError (one line) if the corpus folder `root` is not there or cannot be read."""
    problem = folder_problem(root)
    if problem is not None:
        raise UsageError(f"{root}: {problem.message}")


def corpus_root(args: argparse.Namespace, explicit: str | None) -> Path:
    """The corpus folder: PATH on the command line, else the settings file's `corpus`."""
    if explicit:
        return Path(explicit)
    return load_config(args.config).corpus_path


def cmd_validate(args: argparse.Namespace) -> int:
    """Print every problem in the corpus; exit status 1 on an error (with --strict, on any problem)."""
    root = corpus_root(args, args.path)
    _require_folder(root)
    code = run_validate(root, strict=args.strict)
    for line in corpus_show.note_lines(root) if args.notes else []:
        print(line)
    return code


# -- new-study -------------------------------------------------------------------------------

TEMPLATE_HEADER = (
    "# Study record for {label}. Fill in every line marked TODO from the paper's abstract or PubMed",
    "# record only, and delete its TODO; where the record does not say, write null (or [] for a list).",
    "# Field guide: corpus/README.md.",
    "# Then: ldn-bot corpus validate, try it in ldn-bot repl, and /reload in Discord.",
)


def template_text(label: str, year: int | None, cited: bool) -> str:
    """The new-study template for `label`: every schema field with its template value, its help text as a
    comment above it and its TODO note beside it, in the corpus style, `reviewed: false`."""
    record = template_record(label=label, year=year, cited_in_article=cited)
    return dump_record(record, header=[line.format(label=label) for line in TEMPLATE_HEADER],
                       notes={f.name: f.todo for f in FIELDS if f.todo}, guides={f.name: f.guide for f in FIELDS},
                       fold=("result", "summary", "key_findings"))


def cmd_new_study(args: argparse.Namespace) -> int:
    """Write the template record for "Author Year" in the corpus's studies folder; never overwrite one."""
    label = " ".join(args.label.split())
    if len(label) > MAX_LABEL_CHARS:
        raise UsageError(f"a study label has at most {MAX_LABEL_CHARS} characters (this one has {len(label)}); "
                         'use "Author Year", for example "Younger 2013"')
    if not re.search(r"[A-Za-z]", label):
        raise UsageError(f'"{args.label}" is not a study label: use "Author Year", for example "Younger 2013"')
    if not re.search(r"\b\d{4}[a-z]?$", label):
        raise UsageError(f'"{label}" has no year: use "Author Year", for example "Younger 2013" '
                         '("Donahue 2011a" for an author\'s second paper of a year)')
    root = corpus_root(args, args.corpus)
    studies = root / STUDIES_DIR
    _require_folder(root)
    existing = _existing_labels(studies)
    path = studies / f"{slugify(label)}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists; refusing to overwrite it. Edit it, or if this is another paper "
                         f"by the same author in that year, label them '{label}a' and '{label}b'.")
    if label in existing:
        raise UsageError(f"label '{label}' is already used by {existing[label]}; refusing to write a second record")
    same_base = sorted(l for l in existing if re.fullmatch(re.escape(label) + r"[a-z]", l))
    if same_base:
        raise UsageError(f"'{label}' is ambiguous: the corpus has {', '.join(same_base)}. "
                         f"Use the next letter, for example '{label}{chr(ord(same_base[-1][-1]) + 1)}'.")
    year_match = re.search(r"(\d{4})[a-z]?$", label)
    cited = is_cited(document_texts(root), label, set(existing) | {label})
    text = template_text(label, int(year_match.group(1)) if year_match else None, cited)
    studies.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(path, text, overwrite=False)  # whole or not at all: never a 0-byte record
    except FileExistsError:
        raise UsageError(f"{path} already exists; refusing to overwrite it") from None
    except OSError as e:  # a full disk is no usage error: one line, without --help's hint
        raise CorpusError(str(path), f"could not write the record ({e.strerror or e}); nothing was written") from None
    print(f"wrote {path}")
    print("Next: fill in every TODO from the paper's abstract or record, set 'reviewed: true', "
          "then run: ldn-bot corpus validate")
    return 0


MAX_LABEL_CHARS = 80


def _existing_labels(studies: Path) -> dict[str, Path]:
    """Each study label in `studies` and its file; CorpusError if the folder or a record cannot be read (a
    label could then be taken twice). A record YAML cannot parse is validate's business."""
    out: dict[str, Path] = {}
    problems: list[Problem] = []
    for p in listing(studies, "*.yaml", problems):
        text = read_text(p, problems)
        raw = parse_yaml(p, text, []) if text is not None else None
        label = raw.str_field("label") if raw is not None else None
        if label:
            out.setdefault(label, p)
    if problems:
        raise CorpusError(problems[0].path, problems[0].message, problems[0].line)
    return out


# -- import ----------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    """Write a stub for each study in the export not yet in the corpus; print what was added and skipped."""
    root = corpus_root(args, args.corpus)
    _require_folder(root)
    result = import_file(Path(args.file), root, fmt=args.format, dry_run=args.dry_run)
    verb = "would add" if args.dry_run else "added"
    for stub in result.added:
        print(f"{verb} {stub.path}  ({stub.label}{_ids(stub.pmid, stub.doi)})")
    for skip in result.skipped:
        print(f"skipped {skip.what}: {skip.reason}")
    print(f"{len(result.added)} {'to add' if args.dry_run else 'added'}, {len(result.skipped)} skipped, "
          f"from {result.read} record{'s' if result.read != 1 else ''} in {args.file}.")
    if result.added and not args.dry_run:
        print("The new records are stubs (reviewed: false): members will not see them until a curator writes the "
              "summary from the abstract, sets 'reviewed: true' and runs: ldn-bot corpus validate")
    return 0


def _ids(pmid: str | None, doi: str | None) -> str:
    parts = [f"PMID {pmid}" if pmid else "", f"DOI {doi}" if doi else ""]
    return "".join(f", {p}" for p in parts if p)


# -- stats -----------------------------------------------------------------------------------


def corpus_stats(root: Path, settings: RetrievalConfig | None = None) -> dict[str, Any]:
    """The numbers `corpus stats` prints for the corpus folder `root` (indexed with `settings`): counts of
    documents, chunks and studies; studies by condition, design and evidence level; what the reviewed
    studies found per condition (`direction_summary`: text, `by_condition_direction`: the counts); the reviewed
    studies by condition group, dose class and publication type (`breakdown`); the
    index's size."""
    corpus = load_corpus(root)
    searcher = Searcher(corpus, settings or RetrievalConfig())
    by_condition: Counter[str] = Counter()
    by_design: Counter[str] = Counter()
    by_level: Counter[str] = Counter()
    for study in corpus.studies.values():
        by_condition.update(study.conditions)
        by_design[study.design] += 1
        by_level[study.evidence_level] += 1
    tokens = sum(len(searcher.analyzer.tokens(c.index_text)) for c in searcher.chunks)
    cache = root / ".cache"
    cache_bytes = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) if cache.is_dir() else 0
    return {
        "corpus": str(root),
        "documents": len(corpus.documents),
        "chunks": len(searcher.chunks),
        "article_chunks": sum(c.kind == "article" for c in searcher.chunks),
        "study_chunks": sum(c.kind == "study" for c in searcher.chunks),
        "studies": len(corpus.studies),
        "reviewed": sum(s.reviewed for s in corpus.studies.values()),
        "unreviewed": sum(not s.reviewed for s in corpus.studies.values()),
        "unverified": sum(not s.verified for s in corpus.studies.values()),
        "by_condition": dict(sorted(by_condition.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_design": dict(sorted(by_design.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_evidence_level": dict(sorted(by_level.items(), key=lambda kv: (-kv[1], kv[0]))),
        "index": {"chunks": len(searcher.chunks), "terms": len(searcher.stats.df) if searcher.stats else 0,
                  "tokens": tokens, "cache_bytes": cache_bytes},
        "direction_summary": direction_summary(corpus),
        "by_condition_direction": direction_counts(corpus),
        **breakdown(corpus),
    }


def cmd_stats(args: argparse.Namespace) -> int:
    """Print the corpus's numbers (JSON with --json)."""
    root = corpus_root(args, args.path)
    settings = None
    try:
        settings = load_config(args.config).retrieval
    except Exception:  # stats of a corpus folder given by path need no settings file
        if not args.path:
            raise
    stats = corpus_stats(root, settings)
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
        return 0
    idx = stats["index"]
    lines = [
        f"corpus: {stats['corpus']}",
        f"documents: {stats['documents']}",
        f"chunks: {stats['chunks']} ({stats['article_chunks']} article paragraphs, "
        f"{stats['study_chunks']} study records)",
        f"studies: {stats['studies']} ({stats['reviewed']} reviewed, {stats['unreviewed']} not yet reviewed, "
        f"{stats['unverified']} with details not verified)",
        f"index: {idx['chunks']} chunks, {idx['terms']} distinct terms, {idx['tokens']} tokens"
        + (f", cache on disk {idx['cache_bytes'] / 1024:.1f} KiB" if idx["cache_bytes"] else ""),
        "",
        "studies by condition:",
        *_table(stats["by_condition"]),
        "",
        "studies by design:",
        *_table(stats["by_design"]),
        "",
        "studies by evidence level:",
        *_table(stats["by_evidence_level"]),
        "",
        "reviewed studies by condition group (a study counts in each group of its conditions):",
        *_table(stats["by_condition_group"]),
        "",
        "reviewed studies by dose class (only 'low' is LDN as members take it):",
        *_table(stats["by_dose_class"]),
        "",
        "reviewed studies by publication type:",
        *_table(stats["by_publication_type"]),
        "",
        "what the reviewed studies found, by condition:",
        *(f"  {condition}: {text}" for condition, text in stats["direction_summary"].items()),
    ]
    print("\n".join(lines))
    return 0


def _table(counts: dict[str, int]) -> list[str]:
    width = max((len(k) for k in counts), default=0)
    return [f"  {k.ljust(width)}  {v:>3}" for k, v in counts.items()]
