"""Reading exports: PubMed MEDLINE/.nbib text, RIS, CSV and JSON Lines here, PubMed XML in `pubmed_xml`;
`read_entries` guesses the format and returns `Entry`s."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

from ldn_bot.corpus.importing.entry import (
    Entry,
    clean_doi,
    clean_text,
    clean_title,
    field_getter,
    short_author,
    year_in,
)
from ldn_bot.corpus.importing.pubmed_xml import parse_pubmed_xml
from ldn_bot.errors import CorpusError, UsageError


def read_entries(path: Path, fmt: str | None = None) -> list[Entry]:
    """The studies in the export file `path`, read as `fmt` ("medline", "pubmed-xml", "ris", "csv" or
    "jsonl"; default: guessed). UsageError if the file cannot be read or holds no study; CorpusError
    (file and line) if it is damaged."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text (export it again, choosing UTF-8 as the encoding)") from None
    except OSError as e:
        raise UsageError(f"{path}: cannot read: {e.strerror}") from None
    fmt = fmt or guess_format(path, text)
    if fmt == "medline":
        entries = parse_medline(text)
    elif fmt == "ris":
        entries = parse_ris(text)
    elif fmt == "pubmed-xml":
        entries = parse_pubmed_xml(text, path)
    elif fmt == "jsonl":
        entries = parse_jsonl(text, path)
    else:
        entries = parse_csv(text, path)
    if not entries and text.strip():
        raise UsageError(f"{path}: no studies found in this {fmt} file "
                         "(expected PubMed MEDLINE/.nbib text, PubMed XML, RIS, CSV or JSON Lines)")
    return entries


def guess_format(path: Path, text: str) -> str:
    """The content decides where it is unambiguous (exports are often saved as .txt); else the suffix."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    # Before MEDLINE: "TY  - JOUR" is also a well-formed MEDLINE tag line, but MEDLINE has no TY tag.
    if _RIS_TAG.match(first) and first.startswith("TY"):
        return "ris"
    if re.match(r"^[A-Z][A-Z0-9]{1,3}\s*- ", first):
        return "medline"
    if first.lstrip().startswith("<"):
        return "pubmed-xml"  # the only XML we read; anything else gets a clear error from the parser
    if first.lstrip().startswith(("{", "[")):
        return "jsonl"
    suffix = path.suffix.lower()
    if suffix in (".nbib", ".medline"):
        return "medline"
    if suffix == ".ris":
        return "ris"
    if suffix == ".xml":
        return "pubmed-xml"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    return "csv"


_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*- ?(.*)$")


def parse_medline(text: str) -> list[Entry]:
    """PubMed's MEDLINE format: 'TAG - value' lines, continuation lines indented by six spaces."""
    entries: list[Entry] = []
    fields: list[tuple[str, str]] = []
    start = 0
    for no, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            if fields:
                _medline_entry(start, fields, entries)  # each record as it ends: a big export is never held twice
                fields = []
            continue
        m = _TAG.match(raw)
        if m and not raw.startswith(" "):
            tag, value = m.group(1), m.group(2).strip()
            if tag == "PMID" and fields:
                _medline_entry(start, fields, entries)
                fields = []
            if not fields:
                start = no
            fields.append((tag, value))
        elif fields and raw.startswith(" "):
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {raw.strip()}")
    if fields:
        _medline_entry(start, fields, entries)
    return entries


def _medline_entry(start: int, fields: list[tuple[str, str]], entries: list[Entry]) -> None:
    """The MEDLINE record starting on line `start` as an `Entry`, added to `entries` if it has a title or an id."""
    get = field_getter(fields)
    doi = None
    for tag in ("LID", "AID"):
        for value in get(tag):
            if value.endswith("[doi]"):
                doi = doi or value[:-5].strip()
    authors = get("AU") or [short_author(a) for a in get("FAU")]
    entry = Entry(
        title=clean_title(" ".join(get("TI")) or " ".join(get("BTI")) or None),
        abstract=" ".join(get("AB")) or None,
        authors=[a for a in authors if a],
        year=year_in(next(iter(get("DP") + get("DEP") + get("EDAT")), "")),
        pmid=next(iter(get("PMID")), None),
        doi=clean_doi(doi),
        journal=next(iter(get("TA") + get("JT")), None),
        pub_types=get("PT"),
        mesh=get("MH"),
        line=start,
    )
    if entry.title or entry.pmid or entry.doi:
        entries.append(entry)


# Two-letter tag, two spaces (one, from some exporters, as Zotero also accepts), hyphen, then the
# value after a space; "ER  -" often loses its trailing space.
_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")


def parse_ris(text: str) -> list[Entry]:
    """RIS: records from 'TY  - JOUR' to 'ER  - ', one 'XX  - value' line per field.

    A line without a tag continues the field before it (EndNote wraps long abstracts). Text outside
    a record is ignored; a record cut short by the next TY or the end of the file is still kept.
    """
    records: list[tuple[int, list[tuple[str, str]]]] = []
    fields: list[tuple[str, str]] | None = None
    start = 0
    for no, raw in enumerate(text.splitlines(), 1):
        m = _RIS_TAG.match(raw)
        if m:
            tag, value = m.group(1), (m.group(2) or "").strip()
            if tag == "TY":
                if fields:
                    records.append((start, fields))
                fields, start = [], no
            elif fields is None:
                continue
            elif tag == "ER":
                records.append((start, fields))
                fields = None
                continue
            fields.append((tag, value))
        elif fields and raw.strip():
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {raw.strip()}".strip())
    if fields:
        records.append((start, fields))
    entries = []
    for start, fields in records:
        get = field_getter(fields)
        entry = Entry(
            title=clean_title(next(iter(get("TI") + get("T1")), None)),
            abstract=clean_text(next(iter(get("AB") + get("N2")), None)),
            authors=[a for a in (_ris_author(v) for v in get("AU") or get("A1")) if a],
            year=next((y for y in map(year_in, get("PY") + get("Y1") + get("DA")) if y), None),
            pmid=_ris_pmid(get),
            doi=next((d for d in map(clean_doi, get("DO") + get("UR")) if d), None),
            # Abbreviations first, as PubMed's TA, so the journal reads the same whatever the source.
            journal=next(iter(get("JO") + get("JA") + get("J2") + get("JF") + get("T2")), None),
            # Keywords stand in for MeSH: from PubMed they are the MeSH terms (Humans, Animals, Mice).
            mesh=get("KW"),
            line=start,
        )
        if entry.title or entry.pmid or entry.doi:
            entries.append(entry)
    return entries


def _ris_author(name: str) -> str:
    """'Younger, Jarred W.' -> 'Younger JW', the MEDLINE form the corpus uses.

    A name without a comma is kept as it is: 'Younger J' is already in that form, and a group
    ('LDN Research Group') has no surname to move.
    """
    name = " ".join(name.split()).strip(" ,;")
    return short_author(name) if "," in name else name


# Where a PMID is unmistakable: a value that starts "PMID: ..."; a "PMID: ..." line in M2, where
# Zotero writes its Extra field ("Key: value" lines, joined here by the continuation rule); a
# PubMed link in UR. Not anywhere in a note, which may well name another study's PMID.
_PMID_PLACES = (
    (("AN", "C1", "N1"), re.compile(r"^PMID:?\s*(\d{1,9})(?!\d)", re.I)),
    (("M2",), re.compile(r"(?:^|\s)PMID:\s*(\d{1,9})(?!\d)", re.I)),
    (("UR",), re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d{1,9})(?!\d)")),
)


def _ris_pmid(get: Callable[[str], list[str]]) -> str | None:
    """The PMID, only where the record makes clear it is one.

    AN is an accession number in whatever database the record came from (Web of Science, Embase,
    a publisher), some of them all digits too: a bare number counts only when the record says it
    came from PubMed/MEDLINE (DP/DB).
    """
    for tags, pattern in _PMID_PLACES:
        for value in (v for tag in tags for v in get(tag)):
            m = pattern.search(value)
            if m:
                return m.group(1)
    if any(re.search(r"pubmed|medline|\bNLM\b", v, re.I) for v in get("DP") + get("DB")):
        return next((v for v in get("AN") if re.fullmatch(r"[1-9]\d{0,8}", v)), None)
    return None


_COLUMNS = {
    "title": ("title", "article title", "ti", "document title"),
    "abstract": ("abstract", "ab"),
    "authors": ("authors", "author", "au", "author(s)", "author full names"),
    "year": ("year", "publication year", "py", "pubyear", "date", "publication date"),
    "pmid": ("pmid", "pubmed id", "pubmed"),
    "doi": ("doi",),
    "journal": ("journal", "journal/book", "source", "ta", "journal abbreviation", "source title"),
    "pub_types": ("publication type", "publication types", "pt", "pub_types", "type"),
}


def _pick(row: dict[str, object], key: str) -> object:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    for name in _COLUMNS[key]:
        value = lowered.get(name)
        if value not in (None, "", []):
            return value
    return None


def _entry_from_row(row: dict[str, object], line: int) -> Entry:
    authors = _pick(row, "authors")
    if isinstance(authors, str):
        authors = [a.strip().rstrip(".") for a in re.split(r";|,(?=\s*\S+\s+[A-Z]{1,4}\b)|\n", authors)]
    elif not isinstance(authors, list):
        authors = []
    pub_types = _pick(row, "pub_types")
    if isinstance(pub_types, str):
        pub_types = [p.strip() for p in re.split(r"[;|]", pub_types)]
    elif not isinstance(pub_types, list):
        pub_types = []
    year = _pick(row, "year")
    pmid = _pick(row, "pmid")
    return Entry(
        title=clean_title(clean_text(_pick(row, "title"))),
        abstract=clean_text(_pick(row, "abstract")),
        authors=[a for a in (clean_text(a) for a in authors) if a],
        year=year if isinstance(year, int) and not isinstance(year, bool) else year_in(clean_text(year) or ""),
        pmid=str(pmid).strip() if isinstance(pmid, (str, int)) and str(pmid).strip() else None,
        doi=clean_doi(clean_text(_pick(row, "doi"))),
        journal=clean_text(_pick(row, "journal")),
        pub_types=[str(p) for p in pub_types if str(p).strip()],
        line=line,
    )


def parse_csv(text: str, path: Path) -> list[Entry]:
    """CSV with a header row naming title/abstract/authors/year/pmid/doi/journal columns (PubMed's own
    CSV export included); the delimiter is sniffed."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if not any(h in header for key in ("title", "pmid", "doi") for h in _COLUMNS[key]):
        raise UsageError(f"{path}: no title, pmid or doi column in the CSV header "
                         f"(found: {', '.join(reader.fieldnames or []) or 'nothing'})")
    entries = []
    try:
        for row in reader:
            entry = _entry_from_row(row, reader.line_num)
            if entry.title or entry.pmid or entry.doi:
                entries.append(entry)
    except csv.Error as e:  # a field over csv.field_size_limit() (128 KB), or a broken quote
        raise CorpusError(str(path), f"malformed CSV: {e}", reader.line_num + 1) from None
    return entries


def parse_jsonl(text: str, path: Path) -> list[Entry]:
    """JSON Lines (or one JSON list) of objects with the CSV's keys."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            rows = json.loads(stripped)
        except json.JSONDecodeError as e:
            raise CorpusError(str(path), f"malformed JSON: {e.msg}", e.lineno) from None
        except RecursionError:
            raise CorpusError(str(path), "JSON nested too deeply") from None
        pairs = [(r, 1) for r in rows]
    else:
        pairs = []
        for no, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                pairs.append((json.loads(line), no))
            except json.JSONDecodeError as e:
                raise CorpusError(str(path), f"not a JSON object: {e.msg}", no) from None
            except RecursionError:
                raise CorpusError(str(path), "JSON nested too deeply", no) from None
    entries = []
    for row, no in pairs:
        if not isinstance(row, dict):
            raise CorpusError(str(path), "each line must be a JSON object with title, authors, year, pmid, doi", no)
        entry = _entry_from_row(row, no)
        if entry.title or entry.pmid or entry.doi:
            entries.append(entry)
    return entries
