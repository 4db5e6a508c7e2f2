"""`corpus validate`'s checks of one study record at a time, beyond the loader's schema checks.

Each `check_*` takes the record as read (`RawYaml`) and returns the problems it finds, at the line of
the field concerned. The helpers for comparing studies (`title_key`, `normalize_doi`) are shared
with the importer's duplicate detection.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlparse

from ldn_bot.corpus.problems import Problem
from ldn_bot.corpus.rawyaml import RawYaml
from ldn_bot.corpus.schema import EVIDENCE_LEVELS, FIELD, FIELDS, LEVEL_FOR_DESIGN, PLACEHOLDER, slugify
from ldn_bot.corpus.synonyms import SYNONYMS_FILE
from ldn_bot.corpus.wording import comments_in_values, did_you_mean

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
TITLE_SIMILARITY = 92.0  # rapidfuzz ratio (0-100) on normalised titles: a likely duplicate
NULL_RESULT = re.compile(r"\b(did not(?! (take|receive|use|get)\b)|no significant|not significant(ly)?)\b", re.I)
"""Words in a `result` that sit badly with `direction: benefit` ("controls who did not take it" is fine)."""
_P_VALUE = re.compile(r"\bp\s*(<=|≤|<|=)\s*(0?\.\d+)", re.I)


def reports_significance(text: str) -> bool:
    """Whether a result quotes a p-value below 0.05 (a benefit may then well have a null secondary outcome)."""
    return any(float(m.group(2)) < 0.05 or (m.group(1) != "=" and float(m.group(2)) <= 0.05)
               for m in _P_VALUE.finditer(text))


def title_key(title: str) -> str:
    """Titles compared for near-duplicates: lower case, letters and digits only, single spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", title.casefold()).split())


def normalize_doi(doi: str) -> str:
    """A DOI as compared for duplicates (DOIs are case-insensitive)."""
    return doi.strip().lower()


_PLACEHOLDER_RE = re.compile(rf"\b{PLACEHOLDER}\b")


def has_placeholder(value: Any) -> bool:
    """Whether a value (text, or a list of text) still holds the template's TODO."""
    if isinstance(value, str):
        return bool(_PLACEHOLDER_RE.search(value))
    if isinstance(value, list):
        return any(has_placeholder(v) for v in value)
    return False


def url_problem(url: str) -> str | None:
    """What is wrong with a URL (spaces, not http(s), no host), or None."""
    parsed = urlparse(url.strip())
    if url != url.strip() or " " in url.strip():
        return f"malformed URL '{url}': it contains spaces"
    if parsed.scheme not in ("http", "https") or not parsed.netloc or "." not in parsed.netloc:
        return f"malformed URL '{url}': expected https://..."
    return None


def check_placeholders(raw: RawYaml, placeholder_lines: set[tuple[str, int]]) -> list[Problem]:
    """TODO in a value, or in the comment on a field's line ("design: open-label pilot  # TODO check"),
    marks what a template or an imported stub still needs: an error once the record says reviewed: true
    (its line is added to `placeholder_lines`, so the loader's message for it is dropped), a warning
    saying it is not shown to members while reviewed: false."""
    out = []
    data = raw.data

    def marked(key: str) -> bool:
        if key not in data:
            return False
        if has_placeholder(data.get(key)):
            return True
        text = raw.line_text(raw.line(key))
        return text.startswith(key) and has_placeholder(text)

    todo = [f for f in FIELDS if f.name != "reviewed" and marked(f.name)]
    if data.get("reviewed") is True:
        for f in todo:
            line = raw.line(f.name)
            placeholder_lines.add((str(raw.path), line))
            hint = ""
            if f.allowed:
                hint = f" (one of: {', '.join(f.allowed)})"
            elif f.nullable:
                hint = " (null if the record does not say)"
            out.append(Problem(str(raw.path), line, f"field '{f.name}' still has a {PLACEHOLDER}: fill it in{hint} "
                               f"and remove the {PLACEHOLDER}, or set 'reviewed: false'"))
    elif data.get("reviewed") is False:
        rest = f" ({len(todo)} field{'s' if len(todo) != 1 else ''} still {PLACEHOLDER})" if todo else ""
        out.append(Problem(str(raw.path), raw.line("reviewed"),
                           f"not reviewed yet{rest}: members will not see this study until a curator "
                           "completes it and sets 'reviewed: true'", "warning"))
    return out


def check_file_name(raw: RawYaml) -> list[Problem]:
    """The file name must be the label's slug."""
    label = raw.str_field("label")
    if not label:
        return []
    expected = f"{slugify(label)}.yaml"
    if raw.path.name != expected:
        return [Problem(str(raw.path), raw.line("label"),
                        f"file name should be '{expected}' for label '{label}' (rename the file)", "warning")]
    return []


def check_consistency(raw: RawYaml) -> list[Problem]:
    """Design against evidence level and species; the year against the label and the calendar."""
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
        if not 1900 <= year <= date.today().year + 1:
            out.append(Problem(str(raw.path), raw.line("year"), f"year {year} is not a plausible publication year"))
        if label:
            m = re.search(r"\b(\d{4})[a-z]*$", label)  # "Wang 2021b", and after z "Wang 2021aa"
            if m and int(m.group(1)) != year:
                out.append(Problem(str(raw.path), raw.line("year"),
                                   f"label '{label}' says {m.group(1)} but 'year' is {year}", "warning"))
    return out


def check_identifiers(raw: RawYaml, replaced: set[tuple[str, int]]) -> list[Problem]:
    """Well-formed DOI, PMID and URL, and a URL built from the DOI or PMID. An unquoted PMID gets one
    clear message (its line added to `replaced`, so the loader's is dropped)."""
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
                source = "DOI" if "doi.org" in expected else "PMID"
                out.append(Problem(str(raw.path), raw.line("url"),
                                   f"url should be {expected} (built from the {source})", "warning"))
    elif url is None and (isinstance(doi, str) or isinstance(pmid, str)):
        out.append(Problem(str(raw.path), raw.line("url"),
                           "url is empty although the record has a DOI or PMID: use https://doi.org/<doi> "
                           "or https://pubmed.ncbi.nlm.nih.gov/<pmid>/", "warning"))
    return out


def check_conditions(raw: RawYaml, names: dict[str, str], aliases: dict[str, str]) -> list[Problem]:
    """Every condition a canonical name from synonyms.yaml (`names`: lower case -> as written;
    `aliases`: lower case -> canonical name): an alias or a new name is a warning."""
    out: list[Problem] = []
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
                               f"note: condition '{value}' is another name for '{aliases[key]}': the study is counted "
                               f"under '{aliases[key]}'; write that name to make this note go away", "warning"))
            continue
        guess = did_you_mean(value, names.values(), aliases)
        hint = f" Did you mean '{guess}'?" if guess else ""
        out.append(Problem(str(raw.path), raw.line("conditions"),
                           f"new condition '{value}': not in {SYNONYMS_FILE}; add it there with its "
                           f"abbreviations and spellings so questions find it.{hint}", "warning"))
    return out


def check_result(raw: RawYaml) -> list[Problem]:
    """A reviewed record states its result and direction (a narrative review needs no result), and a
    `benefit` whose result reads like a null result ("did not", "no significant") and quotes no p-value
    below 0.05 is flagged for the curator to check."""
    d = raw.data
    if d.get("reviewed") is not True:
        return []
    out = []
    result, direction = raw.str_field("result"), d.get("direction")
    if result is None and d.get("design") != "narrative review" and not has_placeholder(d.get("result")):
        out.append(Problem(str(raw.path), raw.key_line("result") or raw.line("summary"),
                           "a reviewed record needs 'result': one sentence with the primary result, its numbers "
                           "and its comparator (overview lines show it)", "warning"))
    if direction is None:
        out.append(Problem(str(raw.path), raw.key_line("direction") or raw.line("summary"),
                           f"a reviewed record needs 'direction' (one of: {', '.join(FIELD['direction'].allowed)})",
                           "warning"))
    if direction == "benefit" and result and (m := NULL_RESULT.search(result)) and not reports_significance(result):
        out.append(Problem(str(raw.path), raw.line("direction"),
                           f"direction is 'benefit' but the result says '{m.group(0)}': check the direction "
                           "against the fact sheet", "warning"))
    return out


def check_comments(raw: RawYaml) -> list[Problem]:
    """A one-line text value YAML cut short at ' #' (the rest read as a comment): quote the value."""
    if not isinstance(raw.data, dict):
        return []
    fields = [(key, raw.data.get(key), raw.node_line(node)) for key, node, _ in raw.fields()]
    return [Problem(str(raw.path), line, message)
            for line, message in comments_in_values(raw.text, fields)]
