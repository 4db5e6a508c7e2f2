"""`ldn-bot corpus fetch PMID...` (draft records straight from PubMed) and `ldn-bot corpus watch` (what PubMed
has on low-dose naltrexone that the corpus does not), through NCBI E-utilities (`ldn_bot.corpus.importing.eutils`)
and the PubMed XML importer."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

from ldn_bot.config import load_config
from ldn_bot.corpus.importing import Entry, Known, Skip, import_entries
from ldn_bot.corpus.importing.eutils import Eutils
from ldn_bot.corpus.importing.pubmed_xml import parse_pubmed_xml
from ldn_bot.corpus.importing.stubs import guess_design
from ldn_bot.corpus.loader import STUDIES_DIR, folder_problem
from ldn_bot.errors import UsageError

SOURCE = "PubMed (E-utilities efetch)"


def register(csub: argparse._SubParsersAction) -> None:
    """Add `corpus fetch` and `corpus watch` to the `corpus` subcommands `csub`."""
    f = csub.add_parser("fetch", help="draft unreviewed records for PubMed ids, straight from PubMed",
                        description="Fetch each PMID's PubMed record (NCBI E-utilities efetch) and write a stub "
                        "record (reviewed: false) for it, as `corpus import` does for a downloaded file. A study "
                        "the corpus has (same PMID or DOI, or a nearly identical title) is skipped. Settings: "
                        "pubmed.tool and pubmed.email; $NCBI_API_KEY for a key; $LDN_BOT_EUTILS_URL for another "
                        "server.")
    f.add_argument("pmids", nargs="+", metavar="PMID", help="PubMed ids, for example 23359310")
    f.add_argument("--corpus", metavar="PATH", help="corpus folder (default: the one in the settings file)")
    f.add_argument("--dry-run", action="store_true", help="report what would be added, write nothing")
    f.set_defaults(func=cmd_fetch)
    w = csub.add_parser("watch", help="list PubMed's low-dose naltrexone publications the corpus does not have yet",
                        description="Search PubMed (NCBI E-utilities esearch, the query in pubmed.query) and list "
                        "the publications not in the corpus (by PMID, DOI or title), newest first, with year, "
                        "PMID, a design hint and the title. Add one with: ldn-bot corpus fetch PMID")
    w.add_argument("--since", metavar="DATE", help="only records added to PubMed on or after DATE (YYYY-MM-DD, "
                   "YYYY-MM or YYYY)")
    w.add_argument("--corpus", metavar="PATH", help="corpus folder (default: the one in the settings file)")
    w.set_defaults(func=cmd_watch)


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.corpus) if args.corpus else load_config(args.config).corpus_path
    problem = folder_problem(root)
    if problem is not None:
        raise UsageError(f"{root}: {problem.message}")
    return root


def _client(args: argparse.Namespace) -> Eutils:
    return Eutils.from_settings(load_config(args.config).pubmed)


def _entries(client: Eutils, pmids: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    for xml in client.efetch(pmids):
        entries.extend(parse_pubmed_xml(xml, Path(SOURCE)))
    return entries


def cmd_fetch(args: argparse.Namespace) -> int:
    """Write a stub for each PMID PubMed has and the corpus does not; print what was added and skipped."""
    pmids = list(dict.fromkeys(p.strip().removeprefix("PMID:").strip() for p in args.pmids))
    bad = [p for p in pmids if not re.fullmatch(r"[1-9]\d{0,8}", p)]
    if bad:
        raise UsageError(f"not a PMID: {', '.join(bad)} (a PMID is digits only, for example 23359310)")
    root = _root(args)
    known = Known.of(root / STUDIES_DIR).pmids
    present = [p for p in pmids if p in known]  # no request for what the corpus has
    wanted = [p for p in pmids if p not in known]
    entries = _entries(_client(args), wanted) if wanted else []
    found = {e.pmid for e in entries}
    result = import_entries(entries, root, SOURCE, dry_run=args.dry_run)
    for pmid in present:
        result.skipped.append(Skip(f"PMID {pmid}", f"already in {known[pmid]} (same PMID)"))
    verb = "would add" if args.dry_run else "added"
    for stub in result.added:
        print(f"{verb} {stub.path}  ({stub.label}, PMID {stub.pmid})")
    for skip in result.skipped:
        print(f"skipped {skip.what}: {skip.reason}")
    missing = [p for p in wanted if p not in found]
    for pmid in missing:
        print(f"skipped PMID {pmid}: PubMed has no record with this PMID")
    print(f"{len(result.added)} {'to add' if args.dry_run else 'added'}, "
          f"{len(result.skipped) + len(missing)} skipped.")
    if result.added and not args.dry_run:
        print("The new records are drafts (reviewed: false): members will not see them until a curator checks "
              "them against the abstract, writes the summary, sets 'reviewed: true' and runs: ldn-bot corpus "
              "validate")
    return 0


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    m = re.fullmatch(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?", value.strip())
    try:
        if not m:
            raise ValueError
        day = date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        raise UsageError(f"--since wants a date like 2024-06-01 (or 2024-06, or 2024), not '{value}'") from None
    return day.strftime("%Y/%m/%d")


def cmd_watch(args: argparse.Namespace) -> int:
    """List PubMed's publications matching the settings' query that the corpus lacks, newest first."""
    since = _since(args.since)
    root = _root(args)
    settings = load_config(args.config).pubmed
    client = Eutils.from_settings(settings)
    known = Known.of(root / STUDIES_DIR)
    pmids = [p for p in client.esearch(settings.query, since) if p not in known.pmids]
    new = [e for e in _entries(client, pmids) if known.duplicate(e) is None] if pmids else []
    new.sort(key=lambda e: (e.year or 0, int(e.pmid or 0)), reverse=True)
    for entry in new:
        design, species = guess_design(entry)
        hint = design or "design?"
        if species != "human" and design:
            hint = f"{design} ({species})"
        print(f"{entry.year or '----'}  PMID {entry.pmid:<8}  {hint:<28}  {entry.title or '(no title)'}")
    when = f" added to PubMed since {args.since}" if args.since else ""
    if new:
        print(f"{len(new)} publication{'s' if len(new) != 1 else ''}{when} not in the corpus. Draft a record "
              "with: ldn-bot corpus fetch PMID")
    else:
        print(f"Nothing new: every PubMed match{when} is in the corpus.")
    return 0
