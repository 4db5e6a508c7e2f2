"""Which study a document's "(Author Year)" cites, for the curators' tools (the chunker links them the
same way when it builds the index)."""

from __future__ import annotations

from pathlib import Path

from ldn_bot.corpus.loader import DOCUMENTS_DIR
from ldn_bot.retrieval.chunker import CITATION, CitationResolver


def document_texts(root: Path) -> list[str]:
    """The text of every readable document in `<root>/documents`, in file-name order."""
    texts = []
    for path in sorted((root / DOCUMENTS_DIR).glob("*.md")):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            pass
    return texts


def is_cited(texts: list[str], label: str, labels: set[str]) -> bool:
    """Whether one of the document `texts` cites the study `label`, given every label in the corpus
    (`labels`, which must include `label`): "(Donahue 2011)" means Donahue 2011a, then 2011b."""
    for text in texts:
        resolver = CitationResolver(labels)  # one per document, as the chunker does
        for m in CITATION.finditer(text):
            if resolver.resolve(m.group("author"), m.group("year"), m.group("suffix")) == label:
                return True
    return False
