"""`ldn-bot corpus validate`: every check the loader does, plus the curators' checks.

Extra checks: allowed values and their consistency, unique labels and file names, aliases that name
another study, near-duplicate studies (similar titles, same DOI or PMID), every "(Author Year)" in a
source document resolving to a study record, well-formed URLs/DOIs/PMIDs, conditions known to
synonyms.yaml, safety phrases whose a|b alternatives look meant to span two words
(`ldn_bot.corpus.phrase_lint`), template placeholders left in reviewed records, reviewed records without a result or
direction, records not yet reviewed, and (with `strict`) each record's YAML style. The per-record
checks are in `ldn_bot.corpus.record_checks`, the style in `ldn_bot.corpus.style`.

Output: one line per problem, `file:line: severity: message`, errors first, then warnings.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ldn_bot.corpus.loader import DOCUMENTS_DIR, STUDIES_DIR, check_corpus, folder_problem
from ldn_bot.corpus.phrase_lint import check_phrases
from ldn_bot.corpus.problems import Problem
from ldn_bot.corpus.rawyaml import RawYaml, front_matter, listing, parse_yaml, read_text
from ldn_bot.corpus.record_checks import (
    TITLE_SIMILARITY,
    check_comments,
    check_conditions,
    check_consistency,
    check_file_name,
    check_identifiers,
    check_placeholders,
    check_result,
    normalize_doi,
    title_key,
    url_problem,
)
from ldn_bot.corpus.style import check_style
from ldn_bot.corpus.synonyms import Synonyms, read_synonyms


@dataclass
class Report:
    """What `validate_corpus` found: the problems, and how many study records and documents it read."""

    problems: list[Problem] = field(default_factory=list)
    studies: int = 0
    documents: int = 0

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity "error"."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The other problems."""
        return [p for p in self.problems if p.severity != "error"]

    def ordered(self) -> list[Problem]:
        """Errors, then warnings; each group by file and line (loader order kept for ties); one line each."""
        def key(p: Problem) -> tuple[str, int]:
            return (p.path, p.line or 0)
        return [Problem(p.path, p.line, " ".join(p.message.split()), p.severity)
                for p in sorted(self.errors, key=key) + sorted(self.warnings, key=key)]


def validate_corpus(root: str | Path, strict: bool = False) -> Report:
    """Every problem in the corpus folder `root`: the loader's, then the curators' checks; with `strict`,
    also each study record's departures from the corpus YAML style (as warnings)."""
    root = Path(root)
    report = Report()
    _, loader_problems = check_corpus(root)
    if folder_problem(root) is not None:
        report.problems.extend(loader_problems)
        return report
    raws, all_read = _read_studies(root)
    report.studies = len(listing(root / STUDIES_DIR, "*.yaml", []))
    report.documents = len(listing(root / DOCUMENTS_DIR, "*.md", []))
    mine: list[Problem] = []
    replaced: set[tuple[str, int]] = set()
    synonyms = read_synonyms(root)
    conditions = synonyms.condition_names() if synonyms.readable and synonyms.conditions() else None
    for raw in raws:
        mine.extend(check_placeholders(raw, replaced))
        mine.extend(check_file_name(raw))
        mine.extend(check_consistency(raw))
        mine.extend(check_identifiers(raw, replaced))
        mine.extend(check_result(raw))
        mine.extend(check_comments(raw))
        if conditions is not None:
            mine.extend(check_conditions(raw, conditions, synonyms.condition_aliases()))
        if strict:
            mine.extend(Problem(str(raw.path), line, message, "warning") for line, message in check_style(raw))
    mine.extend(_check_near_duplicates(raws))
    mine.extend(_check_documents(root, raws, all_read))
    if conditions is not None:
        mine.extend(_check_synonyms(synonyms))
    mine.extend(_check_safety(root))
    mine.extend(check_phrases(root))
    # A field marked TODO (or an unquoted PMID) gets one clear message instead of the loader's.
    report.problems.extend(p for p in loader_problems if (p.path, p.line) not in replaced)
    report.problems.extend(mine)
    return report


def _read_studies(root: Path) -> tuple[list[RawYaml], bool]:
    """The study files YAML can read as a mapping (the loader reports the others), and whether every study
    file could be read at all (if not, which labels exist is unknown)."""
    out = []
    complete = True
    problems: list[Problem] = []
    for path in listing(root / STUDIES_DIR, "*.yaml", problems):
        text = read_text(path, problems)
        raw = parse_yaml(path, text, []) if text is not None else None
        if raw is not None and isinstance(raw.data, dict):
            out.append(raw)
        complete = complete and text is not None
    return out, complete and not problems


# -- whole-corpus checks ---------------------------------------------------------------------


def _check_near_duplicates(raws: list[RawYaml]) -> list[Problem]:
    out = []
    by_doi: dict[str, RawYaml] = {}
    by_pmid: dict[str, RawYaml] = {}
    for raw in raws:
        doi, pmid = raw.str_field("doi"), raw.str_field("pmid")
        if doi:
            other = by_doi.setdefault(normalize_doi(doi), raw)
            if other is not raw:
                out.append(Problem(str(raw.path), raw.line("doi"),
                                   f"same DOI {doi} as {other.path} ('{other.str_field('label')}'): "
                                   "the same study twice?",
                                   "warning"))
        if pmid:
            other = by_pmid.setdefault(pmid, raw)
            if other is not raw:
                out.append(Problem(str(raw.path), raw.line("pmid"),
                                   f"same PMID {pmid} as {other.path} ('{other.str_field('label')}'): "
                                   "the same study twice?",
                                   "warning"))
    titled = [(raw, title_key(raw.str_field("title") or "")) for raw in raws]
    titled = [(raw, key) for raw, key in titled if len(key) >= 12]
    if titled:
        from rapidfuzz import fuzz

        for i, (raw, key) in enumerate(titled):
            for other, other_key in titled[:i]:
                score = fuzz.ratio(key, other_key)
                if score >= TITLE_SIMILARITY:
                    how = "identical" if score == 100 else "nearly identical"
                    out.append(Problem(str(raw.path), raw.line("title"),
                                       f"title is {how} to the title in "
                                       f"{other.path} ('{other.str_field('label')}', similarity {score:.0f}): "
                                       "the same study twice?", "warning"))
    return out


def _check_documents(root: Path, raws: list[RawYaml], all_read: bool = True) -> list[Problem]:
    """Each document's front-matter URL, and every "(Author Year)" it cites resolving to a reviewed record
    (not checked when some study file could not be read: the loader's error says which)."""
    from ldn_bot.retrieval.chunker import CITATION, CitationResolver

    out = []
    labels = {label for raw in raws if (label := raw.str_field("label"))}
    unreviewed = {raw.str_field("label") for raw in raws if raw.data.get("reviewed") is False}
    for path in listing(root / DOCUMENTS_DIR, "*.md", []):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        front = front_matter(text)
        if front is None:
            continue
        meta = parse_yaml(path, front.meta, [], line_offset=1)
        url = meta.data.get("url") if meta is not None and isinstance(meta.data, dict) else None
        if meta is not None and isinstance(url, str):
            problem = url_problem(url)
            if problem:
                out.append(Problem(str(path), meta.line("url"), problem))
        resolver = CitationResolver(labels)  # one per document, as the chunker does
        for cm in CITATION.finditer(text, front.body_start) if all_read else ():
            line = text.count("\n", 0, cm.start()) + 1
            cited = f"{cm.group('author').split()[0]} {cm.group('year')}{cm.group('suffix')}"
            label = resolver.resolve(cm.group("author"), cm.group("year"), cm.group("suffix"))
            if label is None:
                out.append(Problem(str(path), line,
                                   f"cites ({cm.group(0).strip('()')}) but no study record has the label '{cited}': "
                                   f"add one with: ldn-bot corpus new-study \"{cited}\""))
            elif label in unreviewed:
                out.append(Problem(str(path), line,
                                   f"cites '{label}', whose record is not reviewed yet", "warning"))
    return out


def _check_synonyms(synonyms: Synonyms) -> list[Problem]:
    """The same alias under two conditions makes a question mean both. A file without the `mechanisms` or
    `methods` section (one written before they existed) answers "how does it work?" and "LDN vs placebo?" less
    well: a warning says which is missing."""
    out = []
    kinds = {e.kind for e in synonyms.entries}
    if synonyms.entries:
        for kind, why in (("mechanism", "'how does LDN work?' is then answered from passages, not the records that "
                                        "name the mechanisms"),
                          ("method", "words like 'placebo' or 'RCT' then narrow a question as if they were its "
                                     "subject")):
            if kind not in kinds:
                out.append(Problem(str(synonyms.path), 1, f"no '{kind}s' section: {why} (see corpus/README.md)",
                                   "warning"))
    owner: dict[str, str] = {}
    for entry in synonyms.entries:
        name = entry.name.lower()
        for alias in (entry.name, *entry.aliases):
            key = alias.lower()
            prev = owner.get(key)
            if prev is not None and prev != name:
                out.append(Problem(str(synonyms.path), entry.line,
                                   f"'{alias}' is listed under both '{prev}' and '{name}'", "warning"))
            owner.setdefault(key, name)
    return out


def _check_safety(root: Path) -> list[Problem]:
    """safety.yaml, as the engine loads it at start-up (its first problem only: the loader stops there)."""
    from ldn_bot.engine.safety import load_rules
    from ldn_bot.errors import CorpusError

    try:
        rules = load_rules(root)
    except CorpusError as e:
        return [Problem(e.path, e.line, e.detail)]
    except (OSError, UnicodeDecodeError) as e:
        return [Problem(str(root / "safety.yaml"), None, f"cannot read: {e}")]
    if rules.learned is None and "\nlearned:" in (root / "safety.yaml").read_text(encoding="utf-8"):
        return [Problem(str(root / "safety.yaml"), None, "'learned': none of its example files is here, so the "
                        "safety rules run on the lexicon alone", "warning")]
    return []


# -- command ---------------------------------------------------------------------------------


def run_validate(root: str | Path, strict: bool = False, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`ldn-bot corpus validate`: the problems on `out`, one line each, then a verdict line on `err`.
    Returns the exit status: 1 on any error (or, with `strict`, any warning), else 0."""
    out = out or sys.stdout
    err = err or sys.stderr
    report = validate_corpus(root, strict=strict)
    for p in report.ordered():
        print(p, file=out)
    n_err, n_warn = len(report.errors), len(report.warnings)
    failed = n_err > 0 or (strict and n_warn > 0)
    verdict = "FAILED" if failed else "OK"

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    print(f"corpus {root}: {verdict}: {count(report.studies, 'study record')}, {count(report.documents, 'document')}, "
          f"{count(n_err, 'error')}, {count(n_warn, 'warning')}", file=err)
    return 1 if failed else 0
