"""`ldn-bot corpus validate`: every check the loader does, plus the curators' checks.

Extra checks: allowed values and their consistency, unique labels and file names, near-duplicate
studies (similar titles, same DOI or PMID), every "(Author Year)" in a source document resolving to a
study record, well-formed URLs/DOIs/PMIDs, conditions known to synonyms.yaml, template placeholders
left in reviewed records, and records not yet reviewed.

Output: one line per problem, `file:line: severity: message`, errors first, then warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from ldn_bot.corpus.loader import (
    DOCUMENTS_DIR,
    STUDIES_DIR,
    STUDY_FIELDS,
    SYNONYMS_FILE,
    Problem,
    check_corpus,
    slugify,
)
from ldn_bot.corpus.models import DESIGNS, EVIDENCE_LEVELS

# The evidence level each design normally gets (corpus/README.md, "Evidence levels").
LEVEL_FOR_DESIGN: dict[str, str] = {
    "systematic review": "systematic review",
    "randomized controlled trial": "randomized trial",
    "randomized crossover trial": "crossover trial",
    "single-blind crossover pilot": "pilot study",
    "open-label pilot": "pilot study",
    "retrospective cohort": "observational",
    "register-based study": "observational",
    "case series": "case series",
    "case report": "case report",
    "animal study": "animal study",
    "in vitro study": "in vitro",
    "narrative review": "narrative review",
}

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
PLACEHOLDER = "TODO"
TITLE_SIMILARITY = 92.0  # rapidfuzz ratio (0-100) on normalised titles: a likely duplicate


def title_key(title: str) -> str:
    """Titles compared for near-duplicates: lower case, letters and digits only, single spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", title.casefold()).split())


def title_similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.ratio(title_key(a), title_key(b)))


def normalize_doi(doi: str) -> str:
    return doi.strip().lower()


_PLACEHOLDER_RE = re.compile(rf"\b{PLACEHOLDER}\b")


def has_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_PLACEHOLDER_RE.search(value))
    if isinstance(value, list):
        return any(has_placeholder(v) for v in value)
    return False


@dataclass
class RawStudy:
    """A study file as read, before (and whatever) the loader thinks of it."""

    path: Path
    text: str
    data: dict[str, Any]

    def line(self, key: str) -> int:
        m = re.search(rf"^{re.escape(key)}\s*:", self.text, re.M)
        return self.text.count("\n", 0, m.start()) + 1 if m else 1

    def str_field(self, key: str) -> str | None:
        v = self.data.get(key)
        return v.strip() if isinstance(v, str) and v.strip() else None


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    studies: int = 0
    documents: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    def ordered(self) -> list[Problem]:
        """Errors, then warnings; each group by file and line (loader order kept for ties); one line each."""
        def key(p: Problem) -> tuple:
            return (p.path, p.line or 0)
        return [Problem(p.path, p.line, " ".join(p.message.split()), p.severity)
                for p in sorted(self.errors, key=key) + sorted(self.warnings, key=key)]


def validate_corpus(root: str | Path) -> Report:
    root = Path(root)
    report = Report()
    _, loader_problems = check_corpus(root)
    if not root.is_dir():
        report.problems.extend(loader_problems)
        return report
    raws = _read_studies(root)
    report.studies = len(list((root / STUDIES_DIR).glob("*.yaml")))
    report.documents = len(list((root / DOCUMENTS_DIR).glob("*.md")))
    mine: list[Problem] = []
    placeholder_lines: set[tuple[str, int]] = set()
    conditions, aliases = _read_synonyms(root)
    for raw in raws:
        mine.extend(_check_placeholders(raw, placeholder_lines))
        mine.extend(_check_file_name(raw))
        mine.extend(_check_consistency(raw))
        mine.extend(_check_identifiers(raw, placeholder_lines))
        if conditions is not None:
            mine.extend(_check_conditions(raw, conditions, aliases))
    mine.extend(_check_label_collisions(raws))
    mine.extend(_check_near_duplicates(raws))
    mine.extend(_check_documents(root, raws))
    if conditions is not None:
        mine.extend(_check_synonyms(root))
    mine.extend(_check_safety(root))
    # A field marked TODO gets one clear message instead of the loader's.
    report.problems.extend(p for p in loader_problems if (p.path, p.line) not in placeholder_lines)
    report.problems.extend(mine)
    return report


# -- reading ---------------------------------------------------------------------------------


def _read_studies(root: Path) -> list[RawStudy]:
    out = []
    for path in sorted((root / STUDIES_DIR).glob("*.yaml")):
        try:
            text = path.read_text(encoding="utf-8")
            data = yaml.safe_load(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # the loader reports these
        if isinstance(data, dict):
            out.append(RawStudy(path, text, data))
    return out


def _read_synonyms(root: Path) -> tuple[dict[str, str] | None, dict[str, str]]:
    """Canonical condition names (lower case -> as written) and aliases (lower case -> canonical name)."""
    path = root / SYNONYMS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None, {}
    if not isinstance(data, dict) or not isinstance(data.get("conditions"), list):
        return None, {}
    names: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for entry in data["conditions"]:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            name = entry["name"].strip()
            names[name.lower()] = name
            for a in entry.get("aliases") or []:
                if isinstance(a, str):
                    aliases.setdefault(a.strip().lower(), name)
    return names, aliases


# -- per-record checks -----------------------------------------------------------------------


def _check_placeholders(raw: RawStudy, placeholder_lines: set[tuple[str, int]]) -> list[Problem]:
    """TODO in a value, or in the comment on a field's line ("design: open-label pilot  # TODO check"),
    marks what a template or an imported stub still needs: an error once the record says reviewed: true."""
    out = []
    lines = raw.text.splitlines()

    def marked(key: str) -> bool:
        if key not in raw.data:
            return False
        if has_placeholder(raw.data.get(key)):
            return True
        line = raw.line(key)
        return line <= len(lines) and lines[line - 1].startswith(key) and has_placeholder(lines[line - 1])

    todo = [k for k in STUDY_FIELDS if k != "reviewed" and marked(k)]
    if raw.data.get("reviewed") is True:
        for key in todo:
            line = raw.line(key)
            placeholder_lines.add((str(raw.path), line))
            hint = ""
            if key == "design":
                hint = f" (one of: {', '.join(DESIGNS)})"
            elif key == "evidence_level":
                hint = f" (one of: {', '.join(EVIDENCE_LEVELS)})"
            elif STUDY_FIELDS[key][1]:
                hint = " (null if the record does not say)"
            out.append(Problem(str(raw.path), line, f"field '{key}' still has a {PLACEHOLDER}: fill it in{hint} "
                               f"and remove the {PLACEHOLDER}, or set 'reviewed: false'"))
    elif raw.data.get("reviewed") is False:
        rest = f" ({len(todo)} field{'s' if len(todo) != 1 else ''} still {PLACEHOLDER})" if todo else ""
        out.append(Problem(str(raw.path), raw.line("reviewed"),
                           f"not reviewed yet{rest}: members will not see this study until a curator "
                           "completes it and sets 'reviewed: true'", "warning"))
    return out


def _check_file_name(raw: RawStudy) -> list[Problem]:
    label = raw.str_field("label")
    if not label:
        return []
    expected = f"{slugify(label)}.yaml"
    if raw.path.name != expected:
        return [Problem(str(raw.path), raw.line("label"),
                        f"file name should be '{expected}' for label '{label}' (rename the file)", "warning")]
    return []


def _check_consistency(raw: RawStudy) -> list[Problem]:
    out = []
    d = raw.data
    design, level = d.get("design"), d.get("evidence_level")
    if design in LEVEL_FOR_DESIGN and level in EVIDENCE_LEVELS and LEVEL_FOR_DESIGN[design] != level:
        out.append(Problem(str(raw.path), raw.line("evidence_level"),
                           f"design '{design}' is normally evidence level '{LEVEL_FOR_DESIGN[design]}', "
                           f"not '{level}' (see the evidence-level guide in corpus/README.md)", "warning"))
    species = d.get("species")
    if isinstance(species, str) and species.strip().lower() == "human" and (
            design == "animal study" or level == "animal study"):
        out.append(Problem(str(raw.path), raw.line("species"),
                           "an animal study needs the animal in 'species' (mouse, rat, ...), not 'human'"))
    elif isinstance(species, str) and species.strip().lower() not in ("human", "") and design not in (
            "animal study", "in vitro study", "systematic review", "narrative review", None):
        out.append(Problem(str(raw.path), raw.line("species"),
                           f"species '{species}' with design '{design}': should the design be 'animal study'?",
                           "warning"))
    year = d.get("year")
    label = raw.str_field("label")
    if isinstance(year, int) and not isinstance(year, bool):
        from datetime import date

        if not 1900 <= year <= date.today().year + 1:
            out.append(Problem(str(raw.path), raw.line("year"), f"year {year} is not a plausible publication year"))
        if label:
            m = re.search(r"\b(\d{4})[a-z]?$", label)
            if m and int(m.group(1)) != year:
                out.append(Problem(str(raw.path), raw.line("year"),
                                   f"label '{label}' says {m.group(1)} but 'year' is {year}", "warning"))
    return out


def _check_identifiers(raw: RawStudy, replaced: set[tuple[str, int]]) -> list[Problem]:
    out = []
    d = raw.data
    doi, pmid, url = d.get("doi"), d.get("pmid"), d.get("url")
    if isinstance(doi, str):
        if not DOI_RE.match(doi.strip()):
            hint = ""
            if re.match(r"(?i)^(https?://(dx\.)?doi\.org/|doi:\s*)", doi.strip()):
                hint = " (write the bare DOI, without 'https://doi.org/' or 'doi:')"
            out.append(Problem(str(raw.path), raw.line("doi"),
                               f"malformed DOI '{doi}': a DOI looks like 10.1002/art.37734{hint}"))
        elif doi != doi.strip():
            out.append(Problem(str(raw.path), raw.line("doi"), "the DOI has spaces around it"))
    if isinstance(pmid, str) and not PMID_RE.match(pmid.strip()):
        out.append(Problem(str(raw.path), raw.line("pmid"),
                           f"malformed PMID '{pmid}': a PMID is digits only, for example '19453963'"))
    elif isinstance(pmid, int) and not isinstance(pmid, bool):
        line = raw.line("pmid")
        replaced.add((str(raw.path), line))  # instead of the loader's "must be text, not int"
        out.append(Problem(str(raw.path), line, f"field 'pmid' must be text: put it in quotes, pmid: '{pmid}'"))
    if isinstance(url, str):
        problem = url_problem(url)
        if problem:
            out.append(Problem(str(raw.path), raw.line("url"), problem))
        else:
            expected = None
            if isinstance(doi, str) and DOI_RE.match(doi.strip()):
                expected = f"https://doi.org/{doi.strip()}"
            elif isinstance(pmid, str) and PMID_RE.match(pmid.strip()):
                expected = f"https://pubmed.ncbi.nlm.nih.gov/{pmid.strip()}/"
            if expected and url.strip().lower() != expected.lower():
                out.append(Problem(str(raw.path), raw.line("url"),
                                   f"url should be {expected} (built from the {'DOI' if 'doi.org' in expected else 'PMID'})",
                                   "warning"))
    elif url is None and (isinstance(doi, str) or isinstance(pmid, str)):
        out.append(Problem(str(raw.path), raw.line("url"),
                           "url is empty although the record has a DOI or PMID: use https://doi.org/<doi> "
                           "or https://pubmed.ncbi.nlm.nih.gov/<pmid>/", "warning"))
    return out


def url_problem(url: str) -> str | None:
    parsed = urlparse(url.strip())
    if url != url.strip() or " " in url.strip():
        return f"malformed URL '{url}': it contains spaces"
    if parsed.scheme not in ("http", "https") or not parsed.netloc or "." not in parsed.netloc:
        return f"malformed URL '{url}': expected https://..."
    return None


def _check_conditions(raw: RawStudy, names: dict[str, str], aliases: dict[str, str]) -> list[Problem]:
    out = []
    values = raw.data.get("conditions")
    if not isinstance(values, list):
        return out
    for value in values:
        if not isinstance(value, str) or not value.strip() or has_placeholder(value):
            continue
        key = value.strip().lower()
        if key in names:
            continue
        if key in aliases:
            out.append(Problem(str(raw.path), raw.line("conditions"),
                               f"condition '{value}' is an alias: use the canonical name '{aliases[key]}'", "warning"))
            continue
        from rapidfuzz import process

        guess = process.extractOne(key, list(names), score_cutoff=85)
        hint = f" Did you mean '{names[guess[0]]}'?" if guess else ""
        out.append(Problem(str(raw.path), raw.line("conditions"),
                           f"new condition '{value}': not in {SYNONYMS_FILE}; add it there with its "
                           f"abbreviations and spellings so questions find it.{hint}", "warning"))
    return out


# -- whole-corpus checks ---------------------------------------------------------------------


def _check_label_collisions(raws: list[RawStudy]) -> list[Problem]:
    """Exact duplicates are the loader's; labels differing only in case or punctuation share a file name."""
    out = []
    seen: dict[str, RawStudy] = {}
    for raw in raws:
        label = raw.str_field("label")
        if not label:
            continue
        slug = slugify(label)
        other = seen.get(slug)
        if other is not None and other.str_field("label") != label:
            out.append(Problem(str(raw.path), raw.line("label"),
                               f"label '{label}' is too close to '{other.str_field('label')}' in {other.path}: "
                               "labels must differ by more than case or punctuation"))
        seen.setdefault(slug, raw)
    return out


def _check_near_duplicates(raws: list[RawStudy]) -> list[Problem]:
    out = []
    by_doi: dict[str, RawStudy] = {}
    by_pmid: dict[str, RawStudy] = {}
    for raw in raws:
        doi, pmid = raw.str_field("doi"), raw.str_field("pmid")
        if doi:
            other = by_doi.setdefault(normalize_doi(doi), raw)
            if other is not raw:
                out.append(Problem(str(raw.path), raw.line("doi"),
                                   f"same DOI {doi} as {other.path} ('{other.str_field('label')}'): the same study twice?",
                                   "warning"))
        if pmid:
            other = by_pmid.setdefault(pmid, raw)
            if other is not raw:
                out.append(Problem(str(raw.path), raw.line("pmid"),
                                   f"same PMID {pmid} as {other.path} ('{other.str_field('label')}'): the same study twice?",
                                   "warning"))
    titled = [(raw, title_key(raw.str_field("title") or "")) for raw in raws]
    titled = [(raw, key) for raw, key in titled if len(key) >= 12]
    if titled:
        from rapidfuzz import fuzz

        for i, (raw, key) in enumerate(titled):
            for other, other_key in titled[:i]:
                score = fuzz.ratio(key, other_key)
                if score >= TITLE_SIMILARITY:
                    out.append(Problem(str(raw.path), raw.line("title"),
                                       f"title is {'identical' if score == 100 else 'nearly identical'} to the title in "
                                       f"{other.path} ('{other.str_field('label')}', similarity {score:.0f}): "
                                       "the same study twice?", "warning"))
    return out


_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


def _check_documents(root: Path, raws: list[RawStudy]) -> list[Problem]:
    from ldn_bot.retrieval.chunker import CITATION, CitationResolver

    out = []
    labels = {raw.str_field("label") for raw in raws if raw.str_field("label")}
    unreviewed = {raw.str_field("label") for raw in raws if raw.data.get("reviewed") is False}
    for path in sorted((root / DOCUMENTS_DIR).glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        m = _FRONT.match(text)
        if not m:
            continue
        try:
            meta = yaml.safe_load(m.group(1))
        except yaml.YAMLError:
            meta = None
        if isinstance(meta, dict) and isinstance(meta.get("url"), str):
            problem = url_problem(meta["url"])
            if problem:
                line = 1 + next((i + 1 for i, l in enumerate(m.group(1).splitlines()) if l.startswith("url")), 0)
                out.append(Problem(str(path), line, problem))
        resolver = CitationResolver(labels)  # one per document, as the chunker does
        for cm in CITATION.finditer(text, m.end()):
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


def _check_synonyms(root: Path) -> list[Problem]:
    """The same alias under two conditions makes a question mean both."""
    path = root / SYNONYMS_FILE
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
    out = []
    owner: dict[str, str] = {}
    for section in ("conditions", "terms"):
        entries = data.get(section) if isinstance(data, dict) else None
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            name = entry["name"].strip().lower()
            for alias in [entry["name"], *[a for a in entry.get("aliases") or [] if isinstance(a, str)]]:
                key = alias.strip().lower()
                prev = owner.get(key)
                if prev is not None and prev != name:
                    m = re.search(rf"^\s*-?\s*name:\s*{re.escape(entry['name'])}\s*$", text, re.M)
                    line = text.count("\n", 0, m.start()) + 1 if m else None
                    out.append(Problem(str(path), line,
                                       f"'{alias}' is listed under both '{prev}' and '{name}'", "warning"))
                owner.setdefault(key, name)
    return out


def _check_safety(root: Path) -> list[Problem]:
    """safety.yaml, as the engine loads it at start-up (its first problem only: the loader stops there)."""
    from ldn_bot.engine.safety import load_rules
    from ldn_bot.errors import CorpusError

    try:
        load_rules(root)
    except CorpusError as e:
        return [Problem(e.path, e.line, e.detail)]
    except (OSError, UnicodeDecodeError) as e:
        return [Problem(str(root / "safety.yaml"), None, f"cannot read: {e}")]
    return []


# -- command ---------------------------------------------------------------------------------


def run_validate(root: str | Path, strict: bool = False, out=None, err=None) -> int:
    import sys

    out = out or sys.stdout
    err = err or sys.stderr
    report = validate_corpus(root)
    for p in report.ordered():
        print(p, file=out)
    n_err, n_warn = len(report.errors), len(report.warnings)
    failed = n_err > 0 or (strict and n_warn > 0)
    verdict = "FAILED" if failed else "OK"
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    print(f"corpus {root}: {verdict}: {count(report.studies, 'study record')}, {count(report.documents, 'document')}, "
          f"{n_err} error{'s' if n_err != 1 else ''}, {n_warn} warning{'s' if n_warn != 1 else ''}", file=err)
    return 1 if failed else 0
