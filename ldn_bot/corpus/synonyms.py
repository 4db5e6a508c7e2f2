"""synonyms.yaml, read once for everyone: the loader's synonym groups, validate's condition names and
alias checks, and the importer's condition guesses all come from `read_synonyms`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ldn_bot.corpus.models import SYNONYM_KINDS, SynonymGroup, SynonymKind
from ldn_bot.corpus.problems import Problem
from ldn_bot.corpus.rawyaml import parse_yaml, read_text
from ldn_bot.corpus.schema import CONDITION_GROUPS

SYNONYMS_FILE = "synonyms.yaml"


@dataclass(frozen=True)
class SynonymEntry:
    """One entry of synonyms.yaml as written: `name` and `aliases` stripped but in their own case."""

    name: str
    aliases: tuple[str, ...]
    kind: SynonymKind
    line: int | None
    condition_group: str | None = None  # a condition's group (schema.CONDITION_GROUPS); None for other kinds

    @property
    def group(self) -> SynonymGroup:
        """The entry as the query parser uses it (the name in lower case)."""
        return SynonymGroup(self.name.lower(), self.aliases, self.kind, self.condition_group)


@dataclass
class Synonyms:
    """synonyms.yaml as read: `text` for the corpus fingerprint (None when the file is missing or
    unreadable), the well-formed `entries` in file order, and `problems` with the file's errors."""

    path: Path
    text: str | None = None
    entries: list[SynonymEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    readable: bool = False  # the file exists and YAML could read it

    @property
    def groups(self) -> tuple[SynonymGroup, ...]:
        """Every entry as a synonym group, for `Corpus.synonyms`."""
        return tuple(e.group for e in self.entries)

    def condition_names(self) -> dict[str, str]:
        """Canonical condition names: lower case -> as written."""
        return {e.name.lower(): e.name for e in self.entries if e.kind == "condition"}

    def condition_aliases(self) -> dict[str, str]:
        """Condition aliases: lower case -> the canonical name as written (the first entry wins)."""
        out: dict[str, str] = {}
        for e in self.entries:
            if e.kind == "condition":
                for alias in e.aliases:
                    out.setdefault(alias.lower(), e.name)
        return out

    def condition_groups(self) -> dict[str, str]:
        """Canonical condition name in lower case -> its group (skin, gut, pain, ...)."""
        return {e.name.lower(): e.condition_group for e in self.entries
                if e.kind == "condition" and e.condition_group}

    def conditions(self) -> list[tuple[str, list[str]]]:
        """(canonical name, aliases) for every condition, in file order."""
        return [(e.name, list(e.aliases)) for e in self.entries if e.kind == "condition"]


# Section -> kind: "conditions" -> "condition", ... "mechanisms" are the proposed ways LDN works: a "how does it
# work?" question is answered from the records naming them. "methods" are words for how a study was done (placebo,
# dose, trial, participants): they match passages like any term, but a question using them names no subject.
_SECTIONS: tuple[tuple[str, SynonymKind], ...] = tuple((f"{kind}s", kind) for kind in SYNONYM_KINDS)


def read_synonyms(root: Path) -> Synonyms:
    """`<root>/synonyms.yaml` read and checked; a missing file is an empty, problem-free `Synonyms`."""
    path = root / SYNONYMS_FILE
    syn = Synonyms(path)
    if not path.exists():
        return syn
    syn.text = read_text(path, syn.problems)
    if syn.text is None:
        return syn
    raw = parse_yaml(path, syn.text, syn.problems)
    if raw is None:
        return syn
    syn.readable = True
    data = raw.data
    if data is None:
        return syn
    if not isinstance(data, dict) or set(data) - {section for section, _ in _SECTIONS}:
        sections = ", ".join(f"'{section}'" for section, _ in _SECTIONS)
        syn.problems.append(Problem(str(path), 1, f"synonyms must be a mapping with the lists {sections}"))
        return syn
    for section, kind in _SECTIONS:
        entries = data.get(section) or []
        if not isinstance(entries, list):
            syn.problems.append(Problem(str(path), raw.key_line(section), f"'{section}' must be a list"))
            continue
        for i, entry in enumerate(entries):
            aliases = entry.get("aliases", []) if isinstance(entry, dict) else None
            if (not isinstance(entry, dict) or not isinstance(entry.get("name"), str)
                    or not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases)):
                syn.problems.append(Problem(str(path), raw.item_line(section, i),
                                            f"{section}[{i}] needs 'name' (text) and 'aliases' (list of text)"))
                continue
            line = raw.item_line(section, i)
            group = entry.get("group")
            if kind == "condition" and group not in CONDITION_GROUPS:
                what = f"unknown group '{group}'" if group is not None else "no 'group'"
                syn.problems.append(Problem(str(path), line, f"condition '{entry['name']}' has {what} (one of: "
                                            f"{', '.join(CONDITION_GROUPS)})"))
                group = None
            elif kind != "condition" and group is not None:
                syn.problems.append(Problem(str(path), line, f"{section}[{i}]: only conditions have a 'group'"))
                group = None
            syn.entries.append(SynonymEntry(entry["name"].strip(), tuple(a.strip() for a in aliases), kind, line,
                                            group if isinstance(group, str) else None))
    return syn
