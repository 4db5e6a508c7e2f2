"""PubMed XML (a PubmedArticleSet, as E-utilities efetch with retmode=xml returns it) -> `Entry`s."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ldn_bot.corpus.importing.entry import Entry, clean_doi, clean_text, clean_title, short_author, year_in
from ldn_bot.errors import CorpusError, UsageError

_ENTITY = re.compile(r"<!ENTITY\b")


def parse_pubmed_xml(text: str, path: Path) -> list[Entry]:
    """PubMed XML: a PubmedArticleSet of PubmedArticle (and PubmedBookArticle) elements.

    ElementTree never fetches the DTD or external entities, and expat (2.4 and later) refuses
    runaway entity expansion, so an untrusted file cannot do more than fail to parse.
    """
    if not text.strip():
        return []
    # Anywhere, not only in the first bytes: a DOCTYPE may follow a long comment. PubMed's own files declare none.
    entity = _ENTITY.search(text)
    if entity:
        raise CorpusError(str(path), "refused: the XML declares its own entities (<!ENTITY ...>), which PubMed "
                                     "exports never do", text.count("\n", 0, entity.start()) + 1)
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
        title=clean_title(_xml_text(art.find("ArticleTitle")) or _xml_text(art.find("VernacularTitle"))),
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
        title=clean_title(chapter or book),
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
    return clean_text("".join(el.itertext())) if el is not None else None


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
            authors.append(f"{last} {initials}" if initials else short_author(f"{last}, {fore or ''}"))
        elif collective := _xml_text(author.find("CollectiveName")):
            authors.append(collective)
    return authors


def _xml_year(*dates: ET.Element | None) -> int | None:
    """The first date with a year; MedlineDate is free text such as '1998 Dec-1999 Jan'."""
    for date_el in dates:
        if date_el is not None:
            year = year_in(_xml_text(date_el.find("Year")) or _xml_text(date_el.find("MedlineDate")) or "")
            if year:
                return year
    return None


def _xml_doi(article_ids: ET.Element | None, record: ET.Element) -> str | None:
    candidates = article_ids.findall("ArticleId[@IdType='doi']") if article_ids is not None else []
    candidates += record.findall("ELocationID[@EIdType='doi']")
    return next((d for d in (clean_doi(_xml_text(c)) for c in candidates) if d), None)
