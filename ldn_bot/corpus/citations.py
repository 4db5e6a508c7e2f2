"""Which study a document's "(Author Year)" cites, for the curators' tools (the chunker links them the
same way when it builds the index)."""

from __future__ import annotations

import re
import string
from collections import defaultdict
from collections.abc import Collection
from pathlib import Path

from ldn_bot.corpus.loader import DOCUMENTS_DIR
from ldn_bot.corpus.rawyaml import listing
from ldn_bot.retrieval.chunker import CITATION, CitationResolver


def document_texts(root: Path) -> list[str]:
    """The text of every readable document in `<root>/documents`, in file-name order."""
    texts = []
    for path in listing(root / DOCUMENTS_DIR, "*.md", []):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            pass
    return texts


def is_cited(texts: list[str], label: str, labels: Collection[str]) -> bool:
    """Whether one of the document `texts` cites the study `label`, given every label in the corpus
    (`labels`, which must include `label`): "(Donahue 2011)" means Donahue 2011a, then 2011b."""
    return Citations(texts).cite(label, labels)


_SUFFIXED = re.compile(r"(.+ \d{4})[a-z]")


class Citations:
    """The documents' "(Author Year)" citations grouped by author and year, read once, so that whether they
    cite a label costs the same however many labels the corpus has (`corpus import` asks once per record)."""

    def __init__(self, texts: list[str]) -> None:
        self._docs: list[dict[str, list[tuple[str, str, str]]]] = []
        for text in texts:
            by_base: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
            for m in CITATION.finditer(text):
                author, year = m.group("author"), m.group("year")
                by_base[_base(author, year)].append((author, year, m.group("suffix")))
            self._docs.append(by_base)

    def cite(self, label: str, labels: Collection[str]) -> bool:
        """Whether a document cites `label`, given every label in the corpus (`labels`, with or without
        `label`). A citation resolves among the labels of its own author and year only (CitationResolver:
        "Donahue 2011", "Donahue 2011a", ...), so those are the only labels looked at."""
        m = _SUFFIXED.fullmatch(label)
        base = m.group(1) if m else label
        same = {x for x in (base, *(base + c for c in string.ascii_lowercase)) if x in labels} | {label}
        for by_base in self._docs:
            mentions = by_base.get(base)
            if mentions:
                resolver = CitationResolver(same)  # one per document, as the chunker does
                if any(resolver.resolve(author, year, suffix) == label for author, year, suffix in mentions):
                    return True
        return False


def _base(author: str, year: str) -> str:
    """The "Author Year" a citation's resolution starts from (as CitationResolver.resolve makes it)."""
    return f"{author.split()[0].replace(chr(0x2019), chr(39))} {year}"
