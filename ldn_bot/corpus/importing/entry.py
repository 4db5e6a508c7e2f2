"""One study as an export gives it (`Entry`), whatever the format, and the cleaning every reader shares."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Entry:
    """One study as the export gives it: bibliographic fields (None/[] where the export has none), PubMed
    publication types and MeSH terms (or keywords) for guessing the design, and the line it starts on."""

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
        """How messages name the entry: "PMID 123 'Title...'" (else its DOI, else its line)."""
        ident = f"PMID {self.pmid}" if self.pmid else f"DOI {self.doi}" if self.doi else f"line {self.line}"
        title = self.title or "(no title)"
        if len(title) > 70:
            title = title[:67] + "..."
        return f"{ident} '{title}'"


def clean_text(value: object) -> str | None:
    """Any value as text with whitespace collapsed and control characters made spaces; None for None or blank."""
    if value is None:
        return None
    text = " ".join(_printable(str(value)).split())
    return text or None


def _printable(text: str) -> str:
    return text if text.isprintable() else "".join(c if c.isprintable() else " " for c in text)


def clean_title(title: str | None) -> str | None:
    """A title as records keep it: whitespace collapsed (control characters too), MEDLINE's [brackets] and the
    final full stop dropped."""
    if not title:
        return None
    title = " ".join(_printable(title).split())
    if (title.startswith("[") and title.endswith("].")) or (title.startswith("[") and title.endswith("]")):
        title = title[1:].rstrip(".").rstrip("]")  # MEDLINE brackets translated titles
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    return title or None


def clean_doi(doi: str | None) -> str | None:
    """The bare DOI ('https://doi.org/' or 'doi:' removed); None if it is not one."""
    if not doi:
        return None
    doi = re.sub(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip())
    return doi if re.match(r"^10\.\d{4,9}/\S+$", doi) else None


def year_in(text: str) -> int | None:
    """The first plausible year (1800-2099) in a date text such as '2013 Feb' or '1998 Dec-1999 Jan'."""
    m = re.search(r"\b(1[89]\d\d|20\d\d)\b", text)
    return int(m.group(1)) if m else None


def short_author(full: str) -> str:
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


def field_getter(fields: list[tuple[str, str]]) -> Callable[[str], list[str]]:
    """For tagged records (MEDLINE, RIS): get(tag) -> the non-empty values of that tag, in order."""

    def get(tag: str) -> list[str]:
        return [v for t, v in fields if t == tag and v]
    return get
