"""Corpus errors in a curator's words: YAML syntax errors translated into what to change on which line,
a value of the wrong kind said without Python's type names, and "did you mean" by spelling, not shared words.

Used by the loader (so `ask`, the REPL and the bot say what `validate` says) and by validate's own checks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rapidfuzz import fuzz, process

# British spellings a curator may type, rewritten to the American ones the schema uses (a general rule of
# English spelling, not a list of our values): randomised -> randomized, tumour -> tumor, oesophageal -> esophageal.
_BRITISH = ((re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)\b"), r"iz\1"),
            (re.compile(r"(?<=[a-z]{2})our\b"), "or"), (re.compile(r"(?<=[a-z])tre\b"), "ter"),
            (re.compile(r"\b(o|a)e(?=[a-z]{3})"), "e"), (re.compile(r"(?<=[a-z])(a|o)e(?=m|d|s|t)"), "e"),
            (re.compile(r"-"), " "))


def american(text: str) -> str:
    """`text` in lower case with British spellings made American and hyphens as spaces, for comparing."""
    out = " ".join(text.lower().split())
    for pattern, repl in _BRITISH:
        out = pattern.sub(repl, out)
    return out


def did_you_mean(value: str, choices: Iterable[str], synonyms: Mapping[str, str] | None = None) -> str | None:
    """The choice `value` was probably meant to be: the same after British -> American spelling, an entry of
    `synonyms` (lower case -> choice), or the closest by edit distance (at least 80% alike as whole strings, so
    'multiple sclerosis' is never offered for 'multiple myeloma' because they share a word). None if none is."""
    choices = list(choices)
    key = american(value)
    by_form = {american(c): c for c in choices}
    if key in by_form:
        return by_form[key]
    if synonyms:
        for k, v in synonyms.items():
            if american(k) == key:
                return v
    pool = dict(by_form)
    for k, v in (synonyms or {}).items():
        pool.setdefault(american(k), v)
    match = process.extractOne(key, list(pool), scorer=fuzz.ratio, score_cutoff=80)
    return pool[match[0]] if match else None


def wrong_kind(name: str, want: type, value: Any) -> str:
    """The message for field `name` holding `value` where `want` (str, int, list, bool) belongs, with the fix."""
    if want is list:
        if isinstance(value, str):
            items = [v.strip() for v in re.split(r",|;", value) if v.strip()] or [value.strip()]
            return (f"field '{name}' must be a list, but it is written as one piece of text: write it in brackets, "
                    f"{name}: [{', '.join(items)}], or put each entry on its own line under '{name}:', "
                    "starting with '- '")
        return f"field '{name}' must be a list: put each entry on its own line under '{name}:', starting with '- '"
    if want is str:
        if isinstance(value, bool):
            return f"field '{name}' must be text, but YAML reads '{_yaml_word(value)}' as yes/no: put it in quotes"
        if isinstance(value, (int, float)):
            return f"field '{name}' must be text: put it in quotes, {name}: '{value}'"
        return f"field '{name}' must be text (one line after '{name}:'), not a list or a set of fields"
    if want is int:
        if isinstance(value, str):
            return f"field '{name}' must be a whole number: digits only, without quotes or words, e.g. {name}: 31"
        return f"field '{name}' must be a whole number, e.g. {name}: 31"
    if want is bool:
        return f"field '{name}' must be true or false"
    return f"field '{name}' has the wrong kind of value"


def _yaml_word(value: bool) -> str:
    return "true" if value else "false"


def _value_of(line: str) -> tuple[str, str] | None:
    m = re.match(r"^\s*(?:-\s+)?([A-Za-z_][\w-]*):\s+(.*\S)\s*$", line)
    return (m.group(1), m.group(2)) if m else None


def _quoted(key: str, value: str) -> str:
    return f'{key}: "{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'


def explain_yaml_error(problem: str, line: int | None, column: int | None, text: str,
                       context_line: int | None = None) -> str:
    """PyYAML's `problem` at 1-based `line` (0-based `column`) of `text`, as a curator reads it: what is wrong
    and how to fix it. Cases it does not know keep PyYAML's words after "malformed YAML:"."""
    lines = text.splitlines()
    here = lines[line - 1] if line and 0 < line <= len(lines) else ""
    kv = _value_of(here)
    char = here[column] if column is not None and 0 <= column < len(here) else ""
    if "\t" in problem or " tab " in problem or (char == "\t" and "cannot start any token" in problem):
        return ("malformed YAML: this line has a tab; YAML indents with spaces only: replace the tab with spaces "
                "(a field at the left edge, a list's '- ' two spaces in)")
    if "mapping values are not allowed" in problem:
        if kv and column is not None and column > here.index(":"):
            key, value = kv
            return (f"malformed YAML: the value of '{key}' contains a colon followed by a space, which YAML reads "
                    f"as a new field: put the whole value in double quotes, {_quoted(key, value)}")
        return ("malformed YAML: this line is indented differently from the lines around it: a record's fields "
                "start at the left edge, with nothing before the field name")
    if "sequence entries are not allowed" in problem:
        key = kv[0] if kv else "the field"
        return (f"malformed YAML: a list entry ('- ') cannot follow '{key}:' on the same line: put each entry on "
                f"its own line under '{key}:', starting with '- '")
    if "cannot start any token" in problem:
        named = re.search(r"'(.+?)'", problem)
        key = kv[0] if kv else "the field"
        what = named.group(1) if named else char or "this character"
        return (f"malformed YAML: a value cannot start with '{what}': put the whole value of '{key}' in double "
                f"quotes{', ' + _quoted(*kv) if kv else ''}")
    if problem.startswith("found unexpected end of stream"):
        where = f" on line {context_line}" if context_line else ""
        return f"malformed YAML: a quote opened{where} is never closed: add the closing quote at the end of the value"
    if problem.startswith("expected <block end>") or "did not find expected" in problem:
        if kv and kv[1][:1] in "\"'" and not kv[1].endswith(kv[1][0]):
            return (f"malformed YAML: text follows the closing quote in the value of '{kv[0]}': put the whole "
                    "value inside the quotes (a quote inside it is written \\\" in double quotes)")
        if kv and kv[1][:1] in "[{":
            return (f"malformed YAML: a value starting with '{kv[1][0]}' is read as a list: if '{kv[0]}' is text, "
                    f"put it in double quotes, {_quoted(*kv)}")
        if here.lstrip().startswith("- "):
            return ("malformed YAML: the list entries are not lined up: every '- ' of one list starts in the "
                    "same column")
        return ("malformed YAML: this line is indented differently from the lines around it: a record's fields "
                "start at the left edge and a list's '- ' entries line up under each other")
    return f"malformed YAML: {problem}"


# Text then one space, '#' and a word ("Trial #2", "placebo #1 arm"): a '#' meant as text. A comment the tools
# write ("human  # TODO check") has two spaces before it and one after, and is left alone.
_COMMENT = re.compile(r"(?<=\S) #(?=\S)")


def comments_in_values(text: str, fields: Iterable[tuple[str, Any, int]]) -> list[tuple[int, str]]:
    """(line, message) for each plain one-line text value that YAML cut at ' #' followed by a word (the rest read
    as a comment, though it reads as part of the text).
    `fields`: (name, value, 1-based line) of the record's top-level text fields."""
    lines = text.splitlines()
    out = []
    for name, value, line in fields:
        if not isinstance(value, str) or not 0 < line <= len(lines):
            continue
        here = lines[line - 1]
        kv = _value_of(here)
        if not kv or kv[0] != name or kv[1][:1] in "\"'|>":
            continue
        m = _COMMENT.search(kv[1])
        if m and kv[1][: m.start()].strip() == value.strip():
            out.append((line, f"the value of '{name}' stops at the '#': YAML reads ' #' and what follows as a "
                              f"comment: put the whole value in double quotes, {_quoted(name, kv[1])}"))
    return out
