"""Corpus loading: documents, study records and synonyms from a corpus folder.

`check_corpus` collects every problem (for `ldn-bot corpus validate`); `load_corpus` raises the first error.
Study records are read and checked as `ldn_bot.corpus.schema` declares them; every YAML file through
`ldn_bot.corpus.rawyaml`, synonyms.yaml through `ldn_bot.corpus.synonyms`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ldn_bot.corpus.models import Corpus, Document, Paragraph, Section, Study
from ldn_bot.corpus.problems import Problem
from ldn_bot.corpus.rawyaml import RawYaml, front_matter, listing, parse_yaml, read_text
from ldn_bot.corpus.schema import check_record, slugify, study_values
from ldn_bot.corpus.synonyms import SYNONYMS_FILE, read_synonyms
from ldn_bot.errors import CorpusError

__all__ = ["DOCUMENTS_DIR", "STUDIES_DIR", "SYNONYMS_FILE", "Problem", "check_corpus", "folder_problem",
           "load_corpus", "parse_document", "parse_study", "slugify"]

STUDIES_DIR = "studies"
DOCUMENTS_DIR = "documents"


def load_corpus(root: str | Path) -> Corpus:
    """Load and validate the corpus folder `root`; raises CorpusError (file and line) on the first error."""
    corpus, problems = check_corpus(root)
    errors = [p for p in problems if p.severity == "error"]
    if errors or corpus is None:
        first = errors[0]
        raise CorpusError(first.path, first.message, first.line)
    return corpus


def check_corpus(root: str | Path) -> tuple[Corpus | None, list[Problem]]:
    """The corpus in folder `root` and every problem the loader finds; the corpus is None on any error."""
    root = Path(root)
    problems: list[Problem] = []
    unreadable = folder_problem(root)
    if unreadable is not None:
        return None, [unreadable]
    digest = hashlib.sha256()
    studies: dict[str, Study] = {}
    read: list[RawYaml] = []
    by_slug: dict[str, Study] = {}  # labels alike but for case, spacing or punctuation are the same label
    synonyms = read_synonyms(root)
    aliases = synonyms.condition_aliases()
    canonical = {name for name, _ in synonyms.conditions()}
    for path, text in _read_all(root / STUDIES_DIR, "*.yaml", problems, digest):
        raw = parse_yaml(path, text, problems)
        study = parse_study(raw, problems) if raw is not None else None
        if study is None or raw is None:
            continue
        study = with_canonical_conditions(study, aliases, canonical)
        other = by_slug.get(slugify(study.label))
        if other is not None:
            same = "" if other.label == study.label else f" as '{other.label}'"
            problems.append(Problem(str(path), raw.key_line("label"),
                                    f"duplicate label '{study.label}' (also in {other.path}{same}): labels must "
                                    "differ by more than case, spacing or punctuation"))
            continue
        by_slug[slugify(study.label)] = study
        studies[study.label] = study
        read.append(raw)
    problems.extend(alias_problems(read))
    documents: list[Document] = []
    for path, text in _read_all(root / DOCUMENTS_DIR, "*.md", problems, digest):
        doc = parse_document(path, text, problems)
        if doc is not None:
            documents.append(doc)
    problems.extend(synonyms.problems)
    if synonyms.text is not None:
        digest.update(b"synonyms\0" + synonyms.text.encode())
    if not studies and not documents:
        problems.append(Problem(str(root), None, "the corpus has no documents and no study records"))
    if any(p.severity == "error" for p in problems):
        return None, problems
    return Corpus(str(root), tuple(documents), studies, synonyms.groups, digest.hexdigest()[:16]), problems


def _read_all(folder: Path, pattern: str, problems: list[Problem], digest: Any) -> Iterator[tuple[Path, str]]:
    """The readable files of `folder` matching `pattern` with their text, each added to the corpus's `digest`; a
    file that cannot be read is a problem and skipped."""
    for path in listing(folder, pattern, problems):
        text = read_text(path, problems)
        if text is not None:
            digest.update(path.name.encode() + b"\0" + text.encode())
            yield path, text


def alias_problems(raws: list[RawYaml]) -> list[Problem]:
    """An alias names one study only: not another study's label or alias (ignoring case, spacing and
    punctuation); each collision is an error at the alias's line."""
    owners: dict[str, RawYaml] = {}
    for raw in raws:
        label = raw.str_field("label")
        if label:
            owners.setdefault(slugify(label), raw)
    out = []
    claimed: dict[str, RawYaml] = {}
    for raw in raws:
        aliases = raw.data.get("aliases")
        if not isinstance(aliases, list):
            continue
        for i, alias in enumerate(aliases):
            if not isinstance(alias, str) or not slugify(alias):
                continue
            key = slugify(alias)
            other = owners.get(key)
            if other is None:
                other = claimed.setdefault(key, raw)
                if other is raw:
                    continue
                what = "an alias of"
            elif other is raw:
                continue
            else:
                what = "the label of"
            out.append(Problem(str(raw.path), raw.item_line("aliases", i),
                               f"alias '{alias}' is also {what} '{other.str_field('label')}' in {other.path}: "
                               "an alias must name one study only"))
    return out


def with_canonical_conditions(study: Study, aliases: dict[str, str], canonical: set[str]) -> Study:
    """`study` with each condition written as an alias (synonyms.yaml) replaced by its canonical name, so the
    study counts in that condition's tally (validate says so in a note)."""
    fixed = tuple(aliases.get(c.lower(), c) if c not in canonical else c for c in study.conditions)
    return study if fixed == study.conditions else replace(study, conditions=fixed)


def folder_problem(root: Path) -> Problem | None:
    """Why the corpus folder `root` cannot be used (not found, or cannot be read), or None if it can: a
    corpus folder that cannot be read is an error, never an empty corpus."""
    try:
        with os.scandir(root):
            pass
    except (FileNotFoundError, NotADirectoryError):
        return Problem(str(root), None, "corpus folder not found")
    except OSError as e:
        return Problem(str(root), None, f"cannot read the corpus folder: {e.strerror or e}")
    return None


def parse_study(raw: RawYaml, problems: list[Problem]) -> Study | None:
    """A study record (read with `rawyaml`) checked against the schema: the `Study`, or None with the
    reasons added to `problems` (each at its field's line)."""
    path = str(raw.path)
    if not isinstance(raw.data, dict):
        problems.append(Problem(path, 1, "a study record must be a mapping of fields"))
        return None
    found = check_record(raw.data)
    for key, message in found:
        problems.append(Problem(path, (raw.key_line(key) if key else None) or 1, message))
    if found:
        return None
    return Study(**study_values(_visible(raw.data)), path=path)


def _visible(value: Any) -> Any:
    """A record's values with invisible format characters (zero-width space, soft hyphen, direction marks)
    removed from every text, so none reaches a terminal or Discord (where they hide text or reorder it)."""
    from ldn_bot.retrieval.analyzer import visible

    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list):
        return [_visible(v) for v in value]
    if isinstance(value, dict):
        return {k: _visible(v) for k, v in value.items()}
    return value


def parse_document(path: Path, text: str, problems: list[Problem]) -> Document | None:
    """A Markdown document (front matter, then text split at '#'/'##' headings into sections of
    paragraphs, each with its line): the `Document`, or None with the reasons added to `problems`."""
    front = front_matter(text)
    if front is None:
        problems.append(Problem(str(path), 1, "a document must start with YAML front matter between '---' lines"))
        return None
    raw = parse_yaml(path, front.meta, problems, line_offset=1)
    if raw is None:
        return None
    meta = raw.data
    if not isinstance(meta, dict):
        problems.append(Problem(str(path), 2, "front matter must be a mapping"))
        return None
    for key in ("title", "label", "kind"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            problems.append(Problem(str(path), 2, f"front matter needs a text field '{key}'"))
            return None
    body_start = front.body_line
    sections: list[Section] = []
    heading = _visible(meta["title"])
    paragraphs: list[Paragraph] = []
    buf: list[str] = []
    buf_line = 0

    def flush_paragraph() -> None:
        if buf:
            paragraphs.append(Paragraph(_visible(" ".join(buf)), buf_line))
            buf.clear()

    for offset, source in enumerate(text[front.body_start:].splitlines()):
        lineno = body_start + offset
        line = source.strip()
        if line.startswith("## ") or line.startswith("# "):
            flush_paragraph()
            if paragraphs:
                sections.append(Section(heading, tuple(paragraphs)))
                paragraphs = []
            heading = _visible(line.lstrip("#").strip())
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
        title=_visible(meta["title"].strip()),
        kind=meta["kind"].strip(),
        source=meta.get("source"),
        url=meta.get("url"),
        sections=tuple(sections),
        path=str(path),
    )
