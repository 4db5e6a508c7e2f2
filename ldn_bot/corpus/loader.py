"""Corpus loading and validation: documents, study records and synonyms from corpus/.

`check_corpus` collects every problem (for `ldn-bot corpus validate`); `load_corpus` raises the first error.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ldn_bot.corpus.models import (
    DESIGNS,
    EVIDENCE_LEVELS,
    Corpus,
    Document,
    Paragraph,
    Section,
    Study,
    SynonymGroup,
)
from ldn_bot.errors import CorpusError

STUDIES_DIR = "studies"
DOCUMENTS_DIR = "documents"
SYNONYMS_FILE = "synonyms.yaml"

# field -> (allowed python types, may be null)
STUDY_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "label": ((str,), False),
    "title": ((str,), True),
    "authors": ((list,), False),
    "year": ((int,), True),
    "journal": ((str,), True),
    "pmid": ((str,), True),
    "doi": ((str,), True),
    "url": ((str,), True),
    "design": ((str,), False),
    "evidence_level": ((str,), False),
    "species": ((str,), False),
    "conditions": ((list,), False),
    "n": ((int,), True),
    "dose": ((str,), True),
    "duration": ((str,), True),
    "comparator": ((str,), True),
    "summary": ((str,), False),
    "key_findings": ((list,), False),
    "adverse_events": ((str,), True),
    "article_note": ((str,), True),
    "cited_in_article": ((bool,), False),
    "verified": ((bool,), False),
    "reviewed": ((bool,), False),
}
# Fields a record may leave out (added after the first records were written).
OPTIONAL_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "aliases": ((list,), True),
    "population": ((str,), True),
    "dose_timing": ((str,), True),
    "titration": ((str,), True),
    "result": ((str,), True),
    "direction": ((str,), True),
    "direction_note": ((str,), True),
}
DIRECTIONS = ("benefit", "no_difference", "harm", "mixed", "not_applicable", "unclear")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


def slugify(label: str) -> str:
    """File name stem for a study label: "Bruun-Plesner 2020" -> "bruun-plesner-2020"."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def load_corpus(root: str | Path) -> Corpus:
    """Load and validate the corpus; raises CorpusError (file and line) on the first error."""
    corpus, problems = check_corpus(root)
    errors = [p for p in problems if p.severity == "error"]
    if errors or corpus is None:
        first = errors[0]
        raise CorpusError(first.path, first.message, first.line)
    return corpus


def check_corpus(root: str | Path) -> tuple[Corpus | None, list[Problem]]:
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        return None, [Problem(str(root), None, "corpus folder not found")]
    digest = hashlib.sha256()
    studies: dict[str, Study] = {}
    for path in sorted((root / STUDIES_DIR).glob("*.yaml")):
        text = _read(path, problems)
        if text is None:
            continue
        digest.update(path.name.encode() + b"\0" + text.encode())
        study = _parse_study(path, text, problems)
        if study is None:
            continue
        if study.label in studies:
            problems.append(Problem(str(path), _key_line(text, "label"),
                                    f"duplicate label '{study.label}' (also in {studies[study.label].path})"))
            continue
        studies[study.label] = study
    documents: list[Document] = []
    for path in sorted((root / DOCUMENTS_DIR).glob("*.md")):
        text = _read(path, problems)
        if text is None:
            continue
        digest.update(path.name.encode() + b"\0" + text.encode())
        doc = _parse_document(path, text, problems)
        if doc is not None:
            documents.append(doc)
    syn_path = root / SYNONYMS_FILE
    synonyms: tuple[SynonymGroup, ...] = ()
    if syn_path.exists():
        text = _read(syn_path, problems)
        if text is not None:
            digest.update(b"synonyms\0" + text.encode())
            synonyms = _parse_synonyms(syn_path, text, problems)
    if not studies and not documents:
        problems.append(Problem(str(root), None, "the corpus has no documents and no study records"))
    if any(p.severity == "error" for p in problems):
        return None, problems
    return Corpus(str(root), tuple(documents), studies, synonyms, digest.hexdigest()[:16]), problems


def _read(path: Path, problems: list[Problem]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(str(path), None, "not UTF-8 text"))
    except OSError as e:
        problems.append(Problem(str(path), None, f"cannot read: {e.strerror}"))
    return None


def _yaml(path: Path, text: str, problems: list[Problem], line_offset: int = 0) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark else None
        problems.append(Problem(str(path), line, f"malformed YAML: {getattr(e, 'problem', None) or e}"))
        return _INVALID


_INVALID = object()


def _key_line(text: str, key: str) -> int | None:
    m = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _parse_study(path: Path, text: str, problems: list[Problem]) -> Study | None:
    data = _yaml(path, text, problems)
    if data is _INVALID:
        return None
    if not isinstance(data, dict):
        problems.append(Problem(str(path), 1, "a study record must be a mapping of fields"))
        return None
    ok = True

    def bad(key: str, message: str) -> None:
        nonlocal ok
        ok = False
        problems.append(Problem(str(path), _key_line(text, key) or 1, message))

    for key in data:
        if key not in STUDY_FIELDS and key not in OPTIONAL_FIELDS:
            bad(str(key), f"unknown field '{key}'")
    for key, (types_, nullable) in STUDY_FIELDS.items():
        if key not in data:
            ok = False
            problems.append(Problem(str(path), 1, f"missing field '{key}'"))
            continue
        value = data[key]
        if value is None:
            if not nullable:
                bad(key, f"field '{key}' must not be empty")
            continue
        if isinstance(value, bool) and bool not in types_:
            bad(key, f"field '{key}' must be {_type_word(types_)}, not true/false")
        elif not isinstance(value, types_):
            bad(key, f"field '{key}' must be {_type_word(types_)}, not {type(value).__name__}")
    for key, (types_, _) in OPTIONAL_FIELDS.items():
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, types_)):
            bad(key, f"field '{key}' must be {_type_word(types_)}, not {type(value).__name__}")
    if data.get("direction") is not None and data["direction"] not in DIRECTIONS:
        bad("direction", f"unknown direction '{data['direction']}' (allowed: {', '.join(DIRECTIONS)})")
    if not ok:
        return None
    for key in ("authors", "conditions", "key_findings"):
        if not all(isinstance(v, str) and v.strip() for v in data[key]):
            bad(key, f"every entry of '{key}' must be a non-empty string")
    if not data["conditions"]:
        bad("conditions", "'conditions' needs at least one condition")
    if data["design"] not in DESIGNS:
        bad("design", f"unknown design '{data['design']}' (allowed: {', '.join(DESIGNS)})")
    if data["evidence_level"] not in EVIDENCE_LEVELS:
        bad("evidence_level", f"unknown evidence level '{data['evidence_level']}' (allowed: {', '.join(EVIDENCE_LEVELS)})")
    if not data["label"].strip():
        bad("label", "field 'label' must not be empty")
    if not data["summary"].strip():
        bad("summary", "field 'summary' must not be empty")
    if data["n"] is not None and data["n"] < 0:
        bad("n", "field 'n' must not be negative")
    if not ok:
        return None
    return Study(
        label=data["label"].strip(),
        title=data["title"],
        authors=tuple(data["authors"]),
        year=data["year"],
        journal=data["journal"],
        pmid=data["pmid"],
        doi=data["doi"],
        url=data["url"],
        design=data["design"],
        evidence_level=data["evidence_level"],
        species=data["species"],
        conditions=tuple(c.strip().lower() for c in data["conditions"]),
        n=data["n"],
        dose=data["dose"],
        duration=data["duration"],
        comparator=data["comparator"],
        summary=" ".join(data["summary"].split()),
        key_findings=tuple(" ".join(k.split()) for k in data["key_findings"]),
        adverse_events=data["adverse_events"],
        article_note=data["article_note"],
        cited_in_article=data["cited_in_article"],
        verified=data["verified"],
        reviewed=data["reviewed"],
        path=str(path),
        aliases=tuple(str(a).strip() for a in data.get("aliases") or ()),
        population=data.get("population"),
        dose_timing=data.get("dose_timing"),
        titration=data.get("titration"),
        result=" ".join(data["result"].split()) if data.get("result") else None,
        direction=data.get("direction"),
        direction_note=data.get("direction_note"),
    )


def _type_word(types_: tuple[type, ...]) -> str:
    return " or ".join({str: "text", int: "a whole number", list: "a list", bool: "true or false"}[t] for t in types_)


_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


def _parse_document(path: Path, text: str, problems: list[Problem]) -> Document | None:
    m = _FRONT.match(text)
    if not m:
        problems.append(Problem(str(path), 1, "a document must start with YAML front matter between '---' lines"))
        return None
    meta = _yaml(path, m.group(1), problems, line_offset=1)
    if meta is _INVALID:
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(str(path), 2, "front matter must be a mapping"))
        return None
    for key in ("title", "label", "kind"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            problems.append(Problem(str(path), 2, f"front matter needs a text field '{key}'"))
            return None
    body_start = text.count("\n", 0, m.end()) + 1
    sections: list[Section] = []
    heading = meta["title"]
    paragraphs: list[Paragraph] = []
    buf: list[str] = []
    buf_line = 0

    def flush_paragraph() -> None:
        if buf:
            paragraphs.append(Paragraph(" ".join(buf), buf_line))
            buf.clear()

    for offset, raw in enumerate(text[m.end():].splitlines()):
        lineno = body_start + offset
        line = raw.strip()
        if line.startswith("## ") or line.startswith("# "):
            flush_paragraph()
            if paragraphs:
                sections.append(Section(heading, tuple(paragraphs)))
                paragraphs = []
            heading = line.lstrip("#").strip()
        elif not line:
            flush_paragraph()
        else:
            if not buf:
                buf_line = lineno
            buf.append(line)
    flush_paragraph()
    if paragraphs:
        sections.append(Section(heading, tuple(paragraphs)))
    return Document(
        doc_id=path.stem,
        label=meta["label"].strip(),
        title=meta["title"].strip(),
        kind=meta["kind"].strip(),
        source=meta.get("source"),
        url=meta.get("url"),
        sections=tuple(sections),
        path=str(path),
    )


def _parse_synonyms(path: Path, text: str, problems: list[Problem]) -> tuple[SynonymGroup, ...]:
    data = _yaml(path, text, problems)
    if data is _INVALID:
        return ()
    if data is None:
        return ()
    if not isinstance(data, dict) or set(data) - {"conditions", "terms"}:
        problems.append(Problem(str(path), 1, "synonyms must be a mapping with 'conditions' and 'terms' lists"))
        return ()
    groups: list[SynonymGroup] = []
    for section, kind in (("conditions", "condition"), ("terms", "term")):
        entries = data.get(section) or []
        if not isinstance(entries, list):
            problems.append(Problem(str(path), _key_line(text, section), f"'{section}' must be a list"))
            continue
        for i, entry in enumerate(entries):
            if (not isinstance(entry, dict) or not isinstance(entry.get("name"), str)
                    or not isinstance(entry.get("aliases", []), list)
                    or not all(isinstance(a, str) for a in entry.get("aliases", []))):
                line = _entry_line(text, section, i)
                problems.append(Problem(str(path), line, f"{section}[{i}] needs 'name' (text) and 'aliases' (list of text)"))
                continue
            groups.append(SynonymGroup(entry["name"].strip().lower(), tuple(a.strip() for a in entry.get("aliases", [])), kind))  # type: ignore[arg-type]
    return tuple(groups)


def _entry_line(text: str, section: str, index: int) -> int | None:
    start = _key_line(text, section)
    if start is None:
        return None
    lines = text.splitlines()
    seen = -1
    for no in range(start, len(lines)):
        if lines[no].lstrip().startswith("- "):
            if lines[no].startswith("  - ") or lines[no].startswith("- "):
                seen += 1
                if seen == index:
                    return no + 1
    return start
