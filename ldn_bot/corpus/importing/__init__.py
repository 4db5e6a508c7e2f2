"""`ldn-bot corpus import FILE`: study stubs from a PubMed or reference-manager export.

Reads PubMed's MEDLINE text format (also what PubMed's "citation manager" .nbib download contains),
PubMed XML (a PubmedArticleSet, as E-utilities efetch with retmode=xml returns it), RIS (what
Zotero, EndNote, Mendeley and most journal sites export), CSV (PubMed's own CSV export, or any CSV
with title/abstract/authors/year/pmid/doi columns) and JSON Lines with the same keys (`formats`,
`pubmed_xml`). Every format becomes the same `Entry`, so duplicate detection, guessing and stub writing
(`stubs`) do not care which it was. A study already in the corpus (same PMID or DOI, or a nearly
identical title) is skipped. Each new record is a stub with `reviewed: false`: it passes validation but
is never shown to members until a curator writes the summary and marks it reviewed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ldn_bot.corpus.citations import Citations, document_texts
from ldn_bot.corpus.importing.entry import Entry
from ldn_bot.corpus.importing.formats import guess_format, parse_ris, read_entries
from ldn_bot.corpus.importing.stubs import ConditionFinder, build_stub, guess_design, make_label
from ldn_bot.corpus.importing.titles import TitleIndex
from ldn_bot.corpus.loader import STUDIES_DIR
from ldn_bot.corpus.problems import Problem
from ldn_bot.corpus.rawyaml import listing, parse_yaml, read_text
from ldn_bot.corpus.record_checks import normalize_doi
from ldn_bot.corpus.schema import check_record, slugify
from ldn_bot.corpus.synonyms import read_synonyms
from ldn_bot.errors import CorpusError
from ldn_bot.fileio import atomic_write

__all__ = ["Entry", "ImportResult", "Known", "Skip", "Stub", "guess_format", "import_entries", "import_file",
           "parse_ris", "read_entries"]


@dataclass
class Stub:
    """A stub written (or, in a dry run, that would be): its label, file and identifiers."""

    label: str
    path: Path
    pmid: str | None
    doi: str | None


@dataclass
class Skip:
    """An entry not imported: `what` names it, `reason` says why (already in which file, ...)."""

    what: str
    reason: str


@dataclass
class ImportResult:
    """What `import_file` did: how many entries it `read`, the stubs `added`, the entries `skipped`."""

    read: int = 0
    added: list[Stub] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


@dataclass
class Known:
    """What the corpus already has, to skip duplicates (including ones earlier in the same file). PMIDs, DOIs
    and labels are looked up in dicts and sets, titles in a `TitleIndex`: an import's time grows with its
    records, never with their square."""

    pmids: dict[str, str] = field(default_factory=dict)
    dois: dict[str, str] = field(default_factory=dict)
    titles: TitleIndex = field(default_factory=TitleIndex)
    labels: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, studies: Path) -> Known:
        """Everything the record files in `studies` have. CorpusError if the folder or a record cannot be read
        (a duplicate could then go unnoticed); a record YAML cannot parse is validate's business."""
        known = cls()
        problems: list[Problem] = []
        for path in listing(studies, "*.yaml", problems):
            text = read_text(path, problems)
            raw = parse_yaml(path, text, []) if text is not None else None
            if raw is None or not isinstance(raw.data, dict):
                continue
            pmid = raw.data.get("pmid")
            pmid = str(pmid).strip() if isinstance(pmid, int) and not isinstance(pmid, bool) else raw.str_field("pmid")
            known.add(str(path), raw.str_field("label"), pmid or None, raw.str_field("doi"), raw.str_field("title"))
        if problems:
            raise CorpusError(problems[0].path, problems[0].message, problems[0].line)
        return known

    def add(self, where: str, label: str | None, pmid: str | None, doi: str | None, title: str | None) -> None:
        """Remember a study, found in `where`."""
        if label:
            self.labels.add(label)
        if pmid:
            self.pmids.setdefault(pmid, where)
        if doi:
            self.dois.setdefault(normalize_doi(doi), where)
        if title:
            self.titles.add(title, where)

    def duplicate(self, entry: Entry) -> str | None:
        """Why `entry` is already present ("already in FILE (same PMID)"), or None if it is new."""
        if entry.pmid and entry.pmid in self.pmids:
            return f"already in {self.pmids[entry.pmid]} (same PMID)"
        if entry.doi and normalize_doi(entry.doi) in self.dois:
            return f"already in {self.dois[normalize_doi(entry.doi)]} (same DOI)"
        where = self.titles.nearly_identical(entry.title) if entry.title else None
        return f"already in {where} (nearly identical title)" if where else None


def import_file(path: Path, root: Path, fmt: str | None = None, dry_run: bool = False) -> ImportResult:
    """Import the export file `path` (format `fmt`, default guessed) into the corpus folder `root`: one stub
    file in `<root>/studies` per entry not already present, never overwriting one; nothing written with
    `dry_run`. UsageError or CorpusError (file and line) if the export cannot be read."""
    return import_entries(read_entries(path, fmt), root, path.name, dry_run)


def import_entries(entries: list[Entry], root: Path, source: str, dry_run: bool = False) -> ImportResult:
    """Like `import_file`, for `entries` already read (from PubMed: `corpus fetch`); `source` names where they
    came from in each stub's header."""
    studies = root / STUDIES_DIR
    known = Known.of(studies)
    conditions = ConditionFinder(read_synonyms(root).conditions())
    citations = Citations(document_texts(root))
    result = ImportResult(read=len(entries))
    for entry in entries:
        if entry.pmid and not re.fullmatch(r"[1-9]\d{0,8}", entry.pmid):
            result.skipped.append(Skip(entry.describe(), f"malformed PMID '{entry.pmid}' ({source}:{entry.line})"))
            continue
        reason = known.duplicate(entry)
        if reason:
            result.skipped.append(Skip(entry.describe(), reason))
            continue
        label = make_label(entry, known.labels, studies)
        design, species = guess_design(entry)
        cited = citations.cite(label, known.labels)
        stub_path = studies / f"{slugify(label)}.yaml"
        text, record = build_stub(entry, label, source, conditions.guess(entry), design, species,
                                  cited, check=False)  # reads back as `record` (see dump_record); at scale, quicker
        found = check_record(record)  # so this is the check the loader will make
        if found:
            result.skipped.append(Skip(entry.describe(), "could not build a valid record: "
                                       + "; ".join(message for _, message in found)))
            continue
        if not dry_run:
            studies.mkdir(parents=True, exist_ok=True)
            try:
                atomic_write(stub_path, text, overwrite=False)  # whole or not at all: never a 0-byte record
            except OSError as e:  # a full disk is no usage error: one line, without --help's hint
                raise CorpusError(str(stub_path), f"could not write the record ({e.strerror or e}); records "
                                  f"written before it: {len(result.added)}") from None
        known.add(str(stub_path), label, entry.pmid, entry.doi, entry.title)
        result.added.append(Stub(label, stub_path, entry.pmid, entry.doi))
    return result
