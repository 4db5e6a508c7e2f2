"""`ldn-bot corpus import FILE`: study stubs from a PubMed or reference-manager export.

Reads PubMed's MEDLINE text format (also what PubMed's "citation manager" .nbib download contains),
PubMed XML (a PubmedArticleSet, as E-utilities efetch with retmode=xml returns it), RIS (what
Zotero, EndNote, Mendeley and most journal sites export), CSV (PubMed's own CSV export, or any CSV
with title/abstract/authors/year/pmid/doi columns) and JSON Lines with the same keys. Every format
becomes the same `Entry`, so duplicate detection, guessing and stub writing do not care which it
was. A study already in the corpus (same PMID or DOI, or a nearly identical title) is skipped.
Each new record is a stub with `reviewed: false`: it passes validation but is never shown to
members until a curator writes the summary and marks it reviewed.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ldn_bot.corpus.loader import (
    DOCUMENTS_DIR,
    STUDIES_DIR,
    SYNONYMS_FILE,
    Problem,
    _parse_study,
    slugify,
)
from ldn_bot.corpus.validate import (
    LEVEL_FOR_DESIGN,
    TITLE_SIMILARITY,
    normalize_doi,
    title_key,
)
from ldn_bot.errors import CorpusError, UsageError
from ldn_bot.frontends.curator.commands import _yaml_scalar


@dataclass
class Entry:
    """One study as the export gives it."""

    title: str | None = None
    abstract: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    journal: str | None = None
    pub_types: list[str] = field(default_factory=list)
    mesh: list[str] = field(default_factory=list)
    line: int = 0  # where the entry starts in the file

    def describe(self) -> str:
        ident = f"PMID {self.pmid}" if self.pmid else f"DOI {self.doi}" if self.doi else f"line {self.line}"
        title = self.title or "(no title)"
        if len(title) > 70:
            title = title[:67] + "..."
        return f"{ident} '{title}'"


@dataclass
class Stub:
    label: str
    path: Path
    pmid: str | None
    doi: str | None
    text: str


@dataclass
class Skip:
    what: str
    reason: str


@dataclass
class ImportResult:
    read: int = 0
    added: list[Stub] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


# -- reading exports -------------------------------------------------------------------------


def read_entries(path: Path, fmt: str | None = None) -> list[Entry]:
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
    records: list[tuple[int, list[tuple[str, str]]]] = []
    fields: list[tuple[str, str]] = []
    start = 0
    for no, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            if fields:
                records.append((start, fields))
                fields = []
            continue
        m = _TAG.match(raw)
        if m and not raw.startswith(" "):
            tag, value = m.group(1), m.group(2).strip()
            if tag == "PMID" and fields:
                records.append((start, fields))
                fields = []
            if not fields:
                start = no
            fields.append((tag, value))
        elif fields and raw.startswith(" "):
            tag, value = fields[-1]
            fields[-1] = (tag, f"{value} {raw.strip()}")
    if fields:
        records.append((start, fields))
    entries = []
    for start, fields in records:
        get = _medline_getter(fields)
        doi = None
        for tag in ("LID", "AID"):
            for value in get(tag):
                if value.endswith("[doi]"):
                    doi = doi or value[:-5].strip()
        authors = get("AU") or [_short_author(a) for a in get("FAU")]
        entry = Entry(
            title=_clean_title(" ".join(get("TI")) or " ".join(get("BTI")) or None),
            abstract=" ".join(get("AB")) or None,
            authors=[a for a in authors if a],
            year=_year(next(iter(get("DP") + get("DEP") + get("EDAT")), "")),
            pmid=next(iter(get("PMID")), None),
            doi=_clean_doi(doi),
            journal=next(iter(get("TA") + get("JT")), None),
            pub_types=get("PT"),
            mesh=get("MH"),
            line=start,
        )
        if not authors and get("CN"):
            entry.authors = []
        entries.append(entry)
    return [e for e in entries if e.title or e.pmid or e.doi]


def _medline_getter(fields: list[tuple[str, str]]):
    def get(tag: str) -> list[str]:
        return [v for t, v in fields if t == tag and v]
    return get


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
        get = _medline_getter(fields)
        entry = Entry(
            title=_clean_title(next(iter(get("TI") + get("T1")), None)),
            abstract=_text(next(iter(get("AB") + get("N2")), None)),
            authors=[a for a in (_ris_author(v) for v in get("AU") or get("A1")) if a],
            year=next((y for y in map(_year, get("PY") + get("Y1") + get("DA")) if y), None),
            pmid=_ris_pmid(get),
            doi=next((d for d in map(_clean_doi, get("DO") + get("UR")) if d), None),
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
    return _short_author(name) if "," in name else name


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


def parse_pubmed_xml(text: str, path: Path) -> list[Entry]:
    """PubMed XML: a PubmedArticleSet of PubmedArticle (and PubmedBookArticle) elements.

    ElementTree never fetches the DTD or external entities, and expat (2.4 and later) refuses
    runaway entity expansion, so an untrusted file cannot do more than fail to parse.
    """
    if not text.strip():
        return []
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        line, column = e.position
        reason = re.sub(r": line \d+, column \d+$", "", str(e))
        raise CorpusError(str(path), f"malformed XML: {reason} (column {column + 1})", line) from None
    if root.tag not in ("PubmedArticleSet", "PubmedArticle", "PubmedBookArticle"):
        # efetch answers a bad request with <eFetchResult><ERROR>...: say what it said.
        error = _xml_text(root.find("ERROR"))
        raise UsageError(f"{path}: not PubMed XML (the root element is <{root.tag}>, expected "
                         "<PubmedArticleSet> as E-utilities efetch returns it)" + (f": {error}" if error else ""))
    articles = [root] if root.tag != "PubmedArticleSet" else [
        el for el in root if el.tag in ("PubmedArticle", "PubmedBookArticle")]
    lines = _xml_start_lines(text)
    if len(lines) != len(articles):  # the tag name also inside a comment or CDATA: no line numbers
        lines = [0] * len(articles)
    entries = []
    for article, line in zip(articles, lines):
        entry = (_pubmed_article(article) if article.tag == "PubmedArticle" else _pubmed_book(article))
        entry.line = line
        if entry.title or entry.pmid or entry.doi:
            entries.append(entry)
    return entries


_XML_ARTICLE = re.compile(r"<(?:PubmedArticle|PubmedBookArticle)[\s>/]")


def _xml_start_lines(text: str) -> list[int]:
    """The line each article starts on: ElementTree keeps no line numbers, and the curator needs one
    for a record without a PMID or DOI."""
    lines, line, pos = [], 1, 0
    for m in _XML_ARTICLE.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines.append(line)
    return lines


def _pubmed_article(article: ET.Element) -> Entry:
    # Direct paths only: CommentsCorrectionsList and ReferenceList hold other articles' PMIDs and DOIs.
    citation = article.find("MedlineCitation")
    if citation is None:
        citation = ET.Element("MedlineCitation")
    art = citation.find("Article")
    if art is None:
        art = ET.Element("Article")
    return Entry(
        title=_clean_title(_xml_text(art.find("ArticleTitle")) or _xml_text(art.find("VernacularTitle"))),
        abstract=_xml_abstract(art.find("Abstract")),
        authors=_xml_authors(art.find("AuthorList")),
        year=_xml_year(art.find("Journal/JournalIssue/PubDate"), art.find("ArticleDate"),
                       article.find("PubmedData/History/PubMedPubDate[@PubStatus='pubmed']")),
        pmid=_xml_text(citation.find("PMID")),
        doi=_xml_doi(article.find("PubmedData/ArticleIdList"), art),
        journal=(_xml_text(art.find("Journal/ISOAbbreviation"))
                 or _xml_text(citation.find("MedlineJournalInfo/MedlineTA")) or _xml_text(art.find("Journal/Title"))),
        pub_types=[t for t in map(_xml_text, art.findall("PublicationTypeList/PublicationType")) if t],
        mesh=[m for m in map(_xml_text, citation.findall("MeshHeadingList/MeshHeading/DescriptorName")) if m],
    )


def _pubmed_book(article: ET.Element) -> Entry:
    """A book or chapter (StatPearls, NCBI Bookshelf): the chapter title, with the book as the 'journal'."""
    doc = article.find("BookDocument")
    if doc is None:
        doc = ET.Element("BookDocument")
    chapter = _xml_text(doc.find("ArticleTitle"))
    book = _xml_text(doc.find("Book/BookTitle"))
    author_lists = [a for a in doc.findall("AuthorList") if a.get("Type") != "editors"]
    return Entry(
        title=_clean_title(chapter or book),
        abstract=_xml_abstract(doc.find("Abstract")),
        authors=_xml_authors(author_lists[0] if author_lists else None),
        year=_xml_year(doc.find("Book/PubDate")),
        pmid=_xml_text(doc.find("PMID")),
        doi=_xml_doi(article.find("PubmedBookData/ArticleIdList"), doc),
        journal=book if chapter else None,
        pub_types=[t for t in map(_xml_text, doc.findall("PublicationType")) if t],
    )


def _xml_text(el: ET.Element | None) -> str | None:
    """All the text inside, markup such as <i> and <sup> dropped, whitespace collapsed."""
    return _text("".join(el.itertext())) if el is not None else None


def _xml_abstract(abstract: ET.Element | None) -> str | None:
    """Structured abstracts come as labelled sections: kept as 'BACKGROUND: ...', as MEDLINE text has them."""
    if abstract is None:
        return None
    parts = []
    for section in abstract.findall("AbstractText"):
        text = _xml_text(section)
        if text:
            label = (section.get("Label") or "").strip()
            parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts) or None


def _xml_authors(author_list: ET.Element | None) -> list[str]:
    authors = []
    for author in author_list.findall("Author") if author_list is not None else []:
        if author.get("ValidYN") == "N":
            continue  # marked invalid (say, misspelt and corrected by an erratum): PubMed keeps it for the record
        last = _xml_text(author.find("LastName"))
        if last:
            initials = _xml_text(author.find("Initials"))
            fore = _xml_text(author.find("ForeName"))
            authors.append(f"{last} {initials}" if initials else _short_author(f"{last}, {fore or ''}"))
        elif collective := _xml_text(author.find("CollectiveName")):
            authors.append(collective)
    return authors


def _xml_year(*dates: ET.Element | None) -> int | None:
    """The first date with a year; MedlineDate is free text such as '1998 Dec-1999 Jan'."""
    for date_el in dates:
        if date_el is not None:
            year = _year(_xml_text(date_el.find("Year")) or _xml_text(date_el.find("MedlineDate")) or "")
            if year:
                return year
    return None


def _xml_doi(article_ids: ET.Element | None, record: ET.Element) -> str | None:
    candidates = article_ids.findall("ArticleId[@IdType='doi']") if article_ids is not None else []
    candidates += record.findall("ELocationID[@EIdType='doi']")
    return next((d for d in (_clean_doi(_xml_text(c)) for c in candidates) if d), None)


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
    year = _pick(row, "year")
    pmid = _pick(row, "pmid")
    return Entry(
        title=_clean_title(_text(_pick(row, "title"))),
        abstract=_text(_pick(row, "abstract")),
        authors=[str(a).strip() for a in authors if str(a).strip()],
        year=year if isinstance(year, int) and not isinstance(year, bool) else _year(_text(year) or ""),
        pmid=str(pmid).strip() if isinstance(pmid, (str, int)) and str(pmid).strip() else None,
        doi=_clean_doi(_text(_pick(row, "doi"))),
        journal=_text(_pick(row, "journal")),
        pub_types=[str(p) for p in pub_types or [] if str(p).strip()],
        line=line,
    )


def parse_csv(text: str, path: Path) -> list[Entry]:
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
    for row in reader:
        entry = _entry_from_row(row, reader.line_num)
        if entry.title or entry.pmid or entry.doi:
            entries.append(entry)
    return entries


def parse_jsonl(text: str, path: Path) -> list[Entry]:
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            rows = json.loads(stripped)
        except json.JSONDecodeError as e:
            raise CorpusError(str(path), f"malformed JSON: {e.msg}", e.lineno) from None
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
    entries = []
    for row, no in pairs:
        if not isinstance(row, dict):
            raise CorpusError(str(path), "each line must be a JSON object with title, authors, year, pmid, doi", no)
        entry = _entry_from_row(row, no)
        if entry.title or entry.pmid or entry.doi:
            entries.append(entry)
    return entries


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    title = " ".join(title.split())
    if (title.startswith("[") and title.endswith("].")) or (title.startswith("[") and title.endswith("]")):
        title = title[1:].rstrip(".").rstrip("]")  # MEDLINE brackets translated titles
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    return title or None


def _clean_doi(doi: str | None) -> str | None:
    if not doi:
        return None
    doi = re.sub(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip())
    return doi if re.match(r"^10\.\d{4,9}/\S+$", doi) else None


def _year(text: str) -> int | None:
    m = re.search(r"\b(1[89]\d\d|20\d\d)\b", text)
    return int(m.group(1)) if m else None


def _short_author(full: str) -> str:
    """'Younger, Jarred W' -> 'Younger JW'; 'Younger, J.W.' and 'Smith, John, Jr.' (RIS) -> 'Younger JW', 'Smith J'."""
    surname, _, given = full.partition(",")
    given = given.partition(",")[0]  # RIS puts a suffix after a second comma
    initials = "".join(w[0] for w in re.split(r"[\s.-]+", given.strip()) if w)
    return f"{surname.strip()} {initials}".strip()


def surname(author: str) -> str:
    """'Younger J' -> 'Younger'; 'Bruun-Plesner K' -> 'Bruun-Plesner'; 'Vatvani' -> 'Vatvani'."""
    parts = author.replace(",", " ").split()
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,4}", parts[-1]):
        parts = parts[:-1]
    return " ".join(parts)


# -- guessing the fields a curator will check ------------------------------------------------

_ANIMALS = (("mouse", r"\b(mice|mouse|murine)\b"), ("rat", r"\brats?\b"), ("dog", r"\b(dogs?|canine)\b"))


def guess_design(entry: Entry) -> tuple[str | None, str]:
    """(design, species) from PubMed publication types, MeSH and the title; None if no good guess."""
    title = (entry.title or "").lower()
    text = f"{title} {(entry.abstract or '').lower()}"
    pts = {p.lower() for p in entry.pub_types}
    mesh = {m.lower().rstrip("*") for m in entry.mesh}
    species = "human"
    for name, pattern in _ANIMALS:
        if re.search(pattern, title) or ("animals" in mesh and "humans" not in mesh and re.search(pattern, text)):
            species = name
            break
    if pts & {"meta-analysis", "systematic review"} or re.search(r"systematic review|meta-analy", title):
        return "systematic review", "human"
    if species != "human" or ("animals" in mesh and "humans" not in mesh):
        return "animal study", species if species != "human" else "TODO animal"
    if re.search(r"\bin vitro\b|\bcell lines?\b", title):
        return "in vitro study", "human"
    randomized = "randomized controlled trial" in pts or re.search(r"\brandomi[sz]ed\b", title)
    if randomized:
        return ("randomized crossover trial" if "crossover" in text or "cross-over" in text
                else "randomized controlled trial"), "human"
    if "case reports" in pts or re.search(r"\bcase report\b|\ba case of\b", title):
        return "case report", "human"
    if re.search(r"\bcase series\b", title):
        return "case series", "human"
    if re.search(r"\bregist(er|ry)\b|\bprescription database\b", title):
        return "register-based study", "human"
    if "observational study" in pts or re.search(r"\bretrospective\b|\bcohort\b|\bchart review\b", title):
        return "retrospective cohort", "human"
    if re.search(r"\bpilot\b|\bopen[- ]label\b", title) or pts & {"clinical trial", "clinical trial, phase i",
                                                                   "clinical trial, phase ii"}:
        if "single-blind" in text and "crossover" in text:
            return "single-blind crossover pilot", "human"
        return "open-label pilot", "human"
    if "review" in pts or re.search(r"\breview\b", title):
        return "narrative review", "human"
    return None, species


def guess_conditions(entry: Entry, groups: list[tuple[str, list[str]]]) -> list[str]:
    """Canonical condition names whose name or alias appears in the title (else the abstract)."""
    for text in (entry.title or "", entry.abstract or ""):
        found = []
        for name, aliases in groups:
            for term in (name, *aliases):
                flags = 0 if re.search(r"[A-Z]", term) and len(term) <= 5 else re.I
                if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, flags):
                    found.append(name)
                    break
        if found:
            return found
    return []


def _condition_groups(root: Path) -> list[tuple[str, list[str]]]:
    try:
        data = yaml.safe_load((root / SYNONYMS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    out = []
    for entry in (data or {}).get("conditions") or [] if isinstance(data, dict) else []:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            out.append((entry["name"].strip(), [a for a in entry.get("aliases") or [] if isinstance(a, str)]))
    return out


# -- writing stubs ---------------------------------------------------------------------------


@dataclass
class _Known:
    """What the corpus already has, to skip duplicates (including ones earlier in the same file)."""

    pmids: dict[str, str] = field(default_factory=dict)
    dois: dict[str, str] = field(default_factory=dict)
    titles: list[tuple[str, str]] = field(default_factory=list)  # (title key, where)
    labels: set[str] = field(default_factory=set)

    def add(self, where: str, label: str | None, pmid: str | None, doi: str | None, title: str | None) -> None:
        if label:
            self.labels.add(label)
        if pmid:
            self.pmids.setdefault(pmid, where)
        if doi:
            self.dois.setdefault(normalize_doi(doi), where)
        if title and len(title_key(title)) >= 12:
            self.titles.append((title_key(title), where))

    def duplicate(self, entry: Entry) -> str | None:
        if entry.pmid and entry.pmid in self.pmids:
            return f"already in {self.pmids[entry.pmid]} (same PMID)"
        if entry.doi and normalize_doi(entry.doi) in self.dois:
            return f"already in {self.dois[normalize_doi(entry.doi)]} (same DOI)"
        if entry.title and len(title_key(entry.title)) >= 12:
            from rapidfuzz import fuzz

            key = title_key(entry.title)
            for other, where in self.titles:
                if fuzz.ratio(key, other) >= TITLE_SIMILARITY:
                    return f"already in {where} (nearly identical title)"
        return None


def _known(root: Path) -> _Known:
    known = _Known()
    for path in sorted((root / STUDIES_DIR).glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(data, dict):
            continue

        def s(key: str) -> str | None:
            v = data.get(key)
            return str(v).strip() if isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).strip() else None

        known.add(str(path), s("label"), s("pmid"), s("doi"), s("title"))
    return known


def make_label(entry: Entry, taken: set[str], studies: Path) -> str:
    if entry.authors:
        base = surname(entry.authors[0])
    elif entry.journal:
        base = entry.journal
    else:
        base = " ".join((entry.title or "Untitled").split()[:3]).rstrip(":,.;")
    base = " ".join(base.split())
    if entry.year:
        base = f"{base} {entry.year}"

    def free(label: str) -> bool:
        return label not in taken and not (studies / f"{slugify(label)}.yaml").exists()

    if free(base) and not any(re.fullmatch(re.escape(base) + r"[a-z]", t) for t in taken):
        return base
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if free(base + letter):
            return base + letter
    raise UsageError(f"too many studies labelled '{base}'")


def render_stub(entry: Entry, label: str, source: str, conditions: list[str], design: str | None,
                species: str, cited: bool) -> str:
    url = (f"https://doi.org/{entry.doi}" if entry.doi
           else f"https://pubmed.ncbi.nlm.nih.gov/{entry.pmid}/" if entry.pmid else None)
    authors = ", ".join(_flow_item(a) for a in entry.authors)
    design_value = design or "narrative review"
    design_note = ("# TODO guessed from the PubMed record: check, then delete this TODO" if design
                   else "# TODO could not guess the design: choose one (see corpus/README.md)")
    lines = [
        f"# Stub imported from {source} on {date.today().isoformat()}: NOT REVIEWED, not shown to members.",
        "# To finish it: check every field against the abstract below, write the summary and key findings",
        "# in our own words, then set reviewed: true and run: ldn-bot corpus validate",
        f"label: {_yaml_scalar(label)}",
        f"title: {_yaml_scalar(entry.title)}",
        f"authors: [{authors}]",
        f"year: {_yaml_scalar(entry.year)}",
        f"journal: {_yaml_scalar(entry.journal)}",
        f"pmid: {_yaml_scalar(entry.pmid) if entry.pmid is None else _quoted(entry.pmid)}",
        f"doi: {_yaml_scalar(entry.doi)}",
        f"url: {_yaml_scalar(url)}",
        f"design: {_yaml_scalar(design_value)}  {design_note}",
        f"evidence_level: {_yaml_scalar(LEVEL_FOR_DESIGN[design_value])}  # TODO follows the design: check",
        f"species: {_yaml_scalar(species)}  # TODO check",
        f"conditions: [{', '.join(_flow_item(c) for c in conditions) if conditions else 'TODO'}]"
        + ("  # TODO guessed from the title/abstract: check" if conditions else "  # names from corpus/synonyms.yaml"),
        "n: null  # TODO from the abstract, if it says" + _hint(entry.abstract, "n"),
        "dose: null" + _hint(entry.abstract, "dose", todo=True),
        "duration: null" + _hint(entry.abstract, "duration", todo=True),
        "comparator: null",
        "summary: >-",
        "  TODO write 2-4 sentences in our own words from the abstract below (see corpus/README.md).",
        "key_findings: []",
        "adverse_events: null",
        "article_note: null",
        f"cited_in_article: {'true' if cited else 'false'}",
        f"verified: {'true' if entry.abstract else 'false'}"
        + ("" if entry.abstract else "  # no abstract in the export: true once you have read it"),
        "reviewed: false",
    ]
    if entry.abstract:
        lines += ["", "# Abstract from the export, for reference only: do not copy its sentences."]
        lines += [f"#   {w}" for w in textwrap.wrap(entry.abstract, 96)]
    return "\n".join(lines) + "\n"


_NUMBER = (r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
           r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|hundred)")
# Where an abstract usually states what a record's n, dose and duration hold. Only pointers for the curator:
# the fields stay null, because "12 weeks" may be the follow-up and "40 patients" one arm of the trial.
_HINTS = {
    "n": re.compile(r"\b(?:n\s*=\s*\d+|" + _NUMBER + r"(?:[\s-]+\w+)?\s+(?:patients|participants|subjects|adults|"
                    r"women|men|children|volunteers|people|individuals|mice|rats|cases))\b", re.I),
    "dose": re.compile(r"\b\d+(?:\.\d+)?(?:\s*(?:-|to|–)\s*\d+(?:\.\d+)?)?\s*(?:mg|µg|mcg|mg/kg)\b", re.I),
    "duration": re.compile(r"\b" + _NUMBER + r"[\s-]+(?:days?|weeks?|months?|years?)\b", re.I),
}


def _hint(abstract: str | None, field_name: str, todo: bool = False) -> str:
    """A comment pointing at what the abstract says for a field ("12 adults", "n = 31"): up to three phrases."""
    if not abstract:
        return ""
    found = list(dict.fromkeys(" ".join(m.group(0).split()) for m in _HINTS[field_name].finditer(abstract)))[:3]
    if not found:
        return ""
    quoted = ", ".join(f'"{phrase}"' for phrase in found)
    return f"  # TODO the abstract mentions: {quoted}" if todo else f"; it mentions: {quoted}"


def _flow_item(text: str) -> str:
    if re.fullmatch(r"[A-Za-z][\w'\u2019 .-]*", text) and yaml.safe_load(f"[{text}]") == [text]:
        return text
    return json.dumps(text, ensure_ascii=False)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def import_file(path: Path, root: Path, fmt: str | None = None, dry_run: bool = False) -> ImportResult:
    from ldn_bot.retrieval.chunker import CITATION, CitationResolver

    entries = read_entries(path, fmt)
    studies = root / STUDIES_DIR
    known = _known(root)
    groups = _condition_groups(root)
    documents = []
    for doc in sorted((root / DOCUMENTS_DIR).glob("*.md")):
        try:
            documents.append(doc.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            pass
    result = ImportResult(read=len(entries))
    for entry in entries:
        if entry.pmid and not re.fullmatch(r"[1-9]\d{0,8}", entry.pmid):
            result.skipped.append(Skip(entry.describe(), f"malformed PMID '{entry.pmid}' ({path}:{entry.line})"))
            continue
        reason = known.duplicate(entry)
        if reason:
            result.skipped.append(Skip(entry.describe(), reason))
            continue
        label = make_label(entry, known.labels, studies)
        design, species = guess_design(entry)
        labels = known.labels | {label}
        cited = False
        for text in documents:
            resolver = CitationResolver(labels)
            if any(resolver.resolve(m.group("author"), m.group("year"), m.group("suffix")) == label
                   for m in CITATION.finditer(text)):
                cited = True
                break
        stub_path = studies / f"{slugify(label)}.yaml"
        text = render_stub(entry, label, path.name, guess_conditions(entry, groups), design, species, cited)
        problems: list[Problem] = []
        if _parse_study(stub_path, text, problems) is None:
            result.skipped.append(Skip(entry.describe(), "could not build a valid record: "
                                       + "; ".join(p.message for p in problems)))
            continue
        if not dry_run:
            studies.mkdir(parents=True, exist_ok=True)
            with stub_path.open("x", encoding="utf-8") as f:
                f.write(text)
        known.add(str(stub_path), label, entry.pmid, entry.doi, entry.title)
        result.added.append(Stub(label, stub_path, entry.pmid, entry.doi, text))
    return result
