"""`ldn-bot corpus ...`: the curators' commands (validate, new-study, import, stats).

Only argparse and the standard library at the top: `ldn-bot ask` imports this module to build its parser.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ldn_bot.errors import UsageError
from ldn_bot.frontends.curator import init as corpus_init

CORPUS_HELP = """Curators' tools. The workflow (corpus/README.md):
  ldn-bot corpus new-study "Younger 2013"   (or: ldn-bot corpus import pubmed.nbib)
  ... write the summary in your own words, set reviewed: true ...
  ldn-bot corpus validate
  ldn-bot repl                              (try questions the study should answer)
  /reload in Discord"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("corpus", help="curators' tools: validate, new-study, import, stats",
                       description=CORPUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    csub = p.add_subparsers(dest="corpus_command", metavar="SUBCOMMAND")
    p.set_defaults(func=_corpus_help(p))

    v = csub.add_parser("validate", help="check every corpus file; exit 1 on any error",
                        description="Check the corpus: one line per problem (file:line: severity: message), "
                        "errors first, then warnings. Exit status 1 if there is any error.")
    v.add_argument("path", nargs="?", metavar="PATH", help="corpus folder (default: the one in the settings file)")
    v.add_argument("--strict", action="store_true", help="treat warnings as errors too")
    v.set_defaults(func=cmd_validate)

    n = csub.add_parser("new-study", help='write a commented template record for "Author Year"',
                        description='Write corpus/studies/<author-year>.yaml, a commented template to fill in. '
                        'Refuses to overwrite an existing record.')
    n.add_argument("label", metavar='"Author Year"', help='the study label, for example "Younger 2013"')
    n.add_argument("--corpus", metavar="PATH", help="corpus folder (default: the one in the settings file)")
    n.set_defaults(func=cmd_new_study)

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

    s = csub.add_parser("stats", help="documents, chunks, studies by condition and design, unreviewed, index size")
    s.add_argument("path", nargs="?", metavar="PATH", help="corpus folder (default: the one in the settings file)")
    s.add_argument("--json", action="store_true", help="print the numbers as JSON")
    s.set_defaults(func=cmd_stats)

    corpus_init.register(csub)


def _corpus_help(parser: argparse.ArgumentParser):
    def show(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2
    return show


def corpus_root(args: argparse.Namespace, explicit: str | None) -> Path:
    """The corpus folder: PATH on the command line, else the settings file's `corpus`."""
    if explicit:
        return Path(explicit)
    from ldn_bot.config import load_config

    return load_config(args.config).corpus_path


def cmd_validate(args: argparse.Namespace) -> int:
    from ldn_bot.corpus.validate import run_validate

    root = corpus_root(args, args.path)
    if not root.is_dir():
        raise UsageError(f"{root}: corpus folder not found")
    return run_validate(root, strict=args.strict)


# -- new-study -------------------------------------------------------------------------------

TEMPLATE = """\
# Study record for {label}. Fill in every line marked TODO from the paper's abstract or PubMed
# record only, and delete its TODO; where the record does not say, write null (or [] for a list).
# Field guide: corpus/README.md.
# Then: ldn-bot corpus validate, try it in ldn-bot repl, and /reload in Discord.
label: {label_yaml}
title: TODO exact title from the record
authors: [TODO Surname Initials]         # as in the record, first author first; [] if unknown
year: {year}
journal: TODO abbreviated journal name  # e.g. Arthritis Rheum; null if unknown
pmid: null                              # TODO digits, in quotes: '19453963'; only from the record
doi: null                               # TODO bare DOI: 10.1002/art.37734; only from the record
url: null                               # https://doi.org/<doi>, else https://pubmed.ncbi.nlm.nih.gov/<pmid>/
# design, one of: {designs}
design: narrative review                # TODO choose the design, then delete this TODO
# evidence_level, one of (strongest first): {levels}
evidence_level: narrative review        # TODO choose the level for the design (corpus/README.md), delete this TODO
species: human                          # human, mouse, rat, ...
conditions: [TODO]                      # canonical names from corpus/synonyms.yaml, at least one
n: null                                 # TODO participants or animals, a whole number; null if not reported
dose: null                              # as reported, e.g. 4.5 mg/day oral
duration: null                          # as reported, e.g. 12 weeks
comparator: null                        # placebo, active drug, none ...
# 2-4 sentences in our own words. The bot quotes single sentences, so each must stand alone:
# name the population and condition, say "low-dose naltrexone", start with the kind of study.
summary: >-
  TODO In a [design] of [n] [people] with [condition], low-dose naltrexone ...
# One sentence each, numbers from the record; [] if none are known.
key_findings:
  - TODO one finding, with its numbers, naming the condition and low-dose naltrexone.
adverse_events: null                    # as reported, in our words
article_note: null                      # where the source article overstates or misstates the study
cited_in_article: {cited}                 # does a document in corpus/documents cite it?
verified: true                          # false if you could not read the abstract or record
reviewed: false                         # true when no TODO is left and you checked it: only then do members see it
"""


def cmd_new_study(args: argparse.Namespace) -> int:
    from ldn_bot.corpus.loader import STUDIES_DIR, slugify

    label = " ".join(args.label.split())
    if not re.search(r"[A-Za-z]", label):
        raise UsageError(f'"{args.label}" is not a study label: use "Author Year", for example "Younger 2013"')
    if not re.search(r"\b\d{4}[a-z]?$", label):
        raise UsageError(f'"{label}" has no year: use "Author Year", for example "Younger 2013" '
                         '("Donahue 2011a" for an author\'s second paper of a year)')
    root = corpus_root(args, args.corpus)
    studies = root / STUDIES_DIR
    if not root.is_dir():
        raise UsageError(f"{root}: corpus folder not found")
    path = studies / f"{slugify(label)}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists; refusing to overwrite it. Edit it, or if this is another paper "
                         f"by the same author in that year, label them '{label}a' and '{label}b'.")
    existing = _existing_labels(studies)
    if label in existing:
        raise UsageError(f"label '{label}' is already used by {existing[label]}; refusing to write a second record")
    same_base = sorted(l for l in existing if re.fullmatch(re.escape(label) + r"[a-z]", l))
    if same_base:
        raise UsageError(f"'{label}' is ambiguous: the corpus has {', '.join(same_base)}. "
                         f"Use the next letter, for example '{label}{chr(ord(same_base[-1][-1]) + 1)}'.")
    from ldn_bot.corpus.models import DESIGNS, EVIDENCE_LEVELS

    year_match = re.search(r"(\d{4})[a-z]?$", label)
    text = TEMPLATE.format(
        label=label,
        label_yaml=_yaml_scalar(label),
        year=year_match.group(1) if year_match else "null",
        designs=", ".join(DESIGNS),
        levels=", ".join(EVIDENCE_LEVELS),
        cited="true " if _cited_in_documents(root, label, set(existing) | {label}) else "false",
    )
    studies.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise UsageError(f"{path} already exists; refusing to overwrite it") from None
    print(f"wrote {path}")
    print("Next: fill in every TODO from the paper's abstract or record, set 'reviewed: true', "
          "then run: ldn-bot corpus validate")
    return 0


def _existing_labels(studies: Path) -> dict[str, Path]:
    import yaml

    out: dict[str, Path] = {}
    for p in sorted(studies.glob("*.yaml")):
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and isinstance(data.get("label"), str):
            out.setdefault(data["label"].strip(), p)
    return out


def _cited_in_documents(root: Path, label: str, labels: set[str]) -> bool:
    """Whether a document's "(Author Year)" resolves to this label."""
    from ldn_bot.corpus.loader import DOCUMENTS_DIR
    from ldn_bot.retrieval.chunker import CITATION, CitationResolver

    for path in sorted((root / DOCUMENTS_DIR).glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        resolver = CitationResolver(labels)
        for m in CITATION.finditer(text):
            if resolver.resolve(m.group("author"), m.group("year"), m.group("suffix")) == label:
                return True
    return False


def _yaml_scalar(value: object) -> str:
    """A YAML scalar that reads back as exactly `value` (plain where safe, else quoted)."""
    import json

    import yaml

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    try:
        if text and "#" not in text and yaml.safe_load(f"k: {text}") == {"k": text}:
            return text
    except yaml.YAMLError:
        pass
    if "\n" not in text:
        quoted = "'" + text.replace("'", "''") + "'"
        if yaml.safe_load(f"k: {quoted}") == {"k": text}:
            return quoted
    return json.dumps(text, ensure_ascii=False)


# -- import ----------------------------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    from ldn_bot.corpus.importer import import_file

    root = corpus_root(args, args.corpus)
    if not root.is_dir():
        raise UsageError(f"{root}: corpus folder not found")
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


def corpus_stats(root: Path, settings=None) -> dict:
    from collections import Counter

    from ldn_bot.config import RetrievalConfig
    from ldn_bot.corpus.loader import load_corpus
    from ldn_bot.retrieval.search import Searcher

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
        "index": {"chunks": len(searcher.chunks), "terms": len(searcher.stats.df), "tokens": tokens,
                  "cache_bytes": cache_bytes},
    }


def cmd_stats(args: argparse.Namespace) -> int:
    root = corpus_root(args, args.path)
    settings = None
    try:
        from ldn_bot.config import load_config

        settings = load_config(args.config).retrieval
    except Exception:  # stats of a corpus folder given by path need no settings file
        if not args.path:
            raise
    stats = corpus_stats(root, settings)
    if args.json:
        import json

        print(json.dumps(stats, indent=2))
        return 0
    idx = stats["index"]
    lines = [
        f"corpus: {stats['corpus']}",
        f"documents: {stats['documents']}",
        f"chunks: {stats['chunks']} ({stats['article_chunks']} article paragraphs, {stats['study_chunks']} study records)",
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
    ]
    print("\n".join(lines))
    return 0


def _table(counts: dict[str, int]) -> list[str]:
    width = max((len(k) for k in counts), default=0)
    return [f"  {k.ljust(width)}  {v:>3}" for k, v in counts.items()]
