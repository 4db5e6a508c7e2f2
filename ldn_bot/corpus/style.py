"""The one YAML style for study records: `dump_record` writes it, `check_style` finds departures from it.

The style: an optional comment header; the fields in schema order; lists as block lists (`- item` lines
under the key, at its column; `[]` when empty); text that fits on its line (`WIDTH` characters) plain,
quoted only where YAML needs it (`pmid: '19453963'`); longer text folded (`key: >-` and lines indented
by two spaces). `corpus new-study` and `corpus import` write records with `dump_record`;
`corpus validate --strict` reports what `check_style` finds.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Collection, Mapping, Sequence
from itertools import pairwise
from typing import Any

import yaml

from ldn_bot.corpus.rawyaml import RawYaml, parse_yaml
from ldn_bot.corpus.schema import FIELD, FIELDS

WIDTH = 104
"""The longest line a field's text is written on before it is folded."""


def yaml_scalar(value: Any) -> str:
    """One line of YAML that reads back as exactly `value` (None, bool, int or text): plain where YAML
    allows, else single-quoted, else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _text_scalar(str(value))


@functools.lru_cache(maxsize=8192)
def _text_scalar(text: str) -> str:
    if _plain_ok(text):
        return text
    if "\n" not in text:
        quoted = "'" + text.replace("'", "''") + "'"
        # Printable ASCII single-quoted always reads back as itself (tested); other text is read back to see.
        if (text.isascii() and text.isprintable()) or _reads_back(f"k: {quoted}", {"k": text}):
            return quoted
    return _double_quoted(text)


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _double_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar: printable characters as they are, every other one (control
    characters, line breaks such as U+0085 and U+2028, which YAML would fold) as an escape."""
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif c.isprintable():
            out.append(c)
        else:
            code = ord(c)
            out.append(f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}")
    return '"' + "".join(out) + '"'


# libyaml's loader where PyYAML has it (what the bot loads records with, and many times faster); text beyond
# printable ASCII is also read back with PyYAML's own, so the record reads the same with either.
_CLoader = getattr(yaml, "CSafeLoader", None)


def _reads_back(source: str, expected: Any) -> bool:
    try:
        if _CLoader is not None:
            if yaml.load(source, Loader=_CLoader) != expected:
                return False
            if source.isascii() and source.isprintable():
                return True
        return bool(yaml.safe_load(source) == expected)
    except yaml.YAMLError:
        return False


def _plain_ok(text: str) -> bool:
    # Two shortcuts, each tested against reading back: YAML ends a plain scalar at ": ", " #" or a final ":", so
    # such text is never plain, nor are digits (a number); text of letters, digits and inner punctuation that
    # starts with a letter (most titles, names, URLs) or a DOI always is, unless it is a YAML bool or null. The
    # rest is read back.
    if (not text or "\n" in text or text != text.strip() or ": " in text or " #" in text or text.endswith(":")
            or (text.isascii() and text.isdigit())):  # a number: YAML reads it as one
        return False
    if (_SURELY_PLAIN.fullmatch(text) and text.casefold() not in _NOT_TEXT) or _DOI.fullmatch(text):
        return True
    return _reads_back(f"k: {text}", {"k": text}) and _reads_back(f"- {text}", [text])


_SURELY_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()'/;:#?&=%+_~-]*")
_DOI = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+")
_NOT_TEXT = {"yes", "no", "true", "false", "on", "off", "null"}


def _foldable(text: str) -> bool:
    """Text a folded scalar gives back exactly: printable, single spaces between words, nothing else."""
    return bool(text) and text.isprintable() and " ".join(text.split()) == text


def _printable(line: str) -> str:
    """A comment line YAML can read: a control character or line break (from an export's abstract, a file name)
    becomes a space."""
    return line if line.isprintable() else "".join(c if c.isprintable() else " " for c in line)


def _text_lines(prefix: str, text: str, note: str, fold: bool = False) -> list[str]:
    """`prefix` ("key: " or "- ") and a text: on one line if it fits (and `fold` is false), else folded."""
    one = prefix + yaml_scalar(text)
    if (len(one) <= WIDTH and not fold) or not _foldable(text):
        return [one + note]
    wrapped = wrap_words(text, WIDTH - 2)
    return [prefix + ">-" + note, *("  " + line for line in wrapped)]


def wrap_words(text: str, width: int) -> list[str]:
    """`text`'s words on lines of at most `width` characters, one space apart, a longer word alone on its line:
    what textwrap.wrap(" ".join(text.split()), width, break_long_words=False, break_on_hyphens=False) gives
    (tested), at a tenth of its cost (`corpus import` wraps every abstract)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _field_lines(name: str, value: Any, note: str, fold: bool) -> list[str]:
    if isinstance(value, (list, tuple)):
        if not value:
            return [f"{name}: []{note}"]
        lines = [f"{name}:{note}"]
        for item in value:
            if isinstance(item, str):
                lines += _text_lines("- ", item, "", fold)
            else:
                lines.append(f"- {yaml_scalar(item)}")
        return lines
    if isinstance(value, str):
        return _text_lines(f"{name}: ", value, note, fold)
    return [f"{name}: {yaml_scalar(value)}{note}"]


def _comment(text: str) -> list[str]:
    return ["# " + line for line in textwrap.wrap(_printable(text), WIDTH - 2, break_long_words=False)] or ["#"]


def dump_record(record: Mapping[str, Any], *, header: Sequence[str] = (), notes: Mapping[str, str] | None = None,
                guides: Mapping[str, str] | None = None, footer: Sequence[str] = (),
                fold: Collection[str] = (), check: bool = True) -> str:
    """A study record as YAML text in the corpus style.

    `record` maps field names to values (None, bool, int, text, or a list of text); its fields are
    written in schema order, and a field it leaves out is not written. `header` and `footer` are
    comment lines for the top and the end of the file ('#' added where missing); `notes` puts a comment
    at the end of a field's line (`design: narrative review  # TODO ...`), `guides` comment lines above
    a field. Text of the fields in `fold` is folded even when it would fit on its line (a template shows
    where a long text goes). The text reads back as exactly `record`'s values: every text value is written in a
    form that was read back on its own (or that a tested rule shows safe), folded text is printable with single
    spaces, and comments are made printable. With `check` the whole record is read back too (ValueError if it
    differs, which would be a bug here); `corpus import` leaves that out for speed (tests hold the record
    reading back for hostile text). ValueError too if `record` has a field the schema does not know.
    """
    unknown = [k for k in record if k not in FIELD]
    if unknown:
        raise ValueError(f"not study fields: {', '.join(map(str, unknown))}")
    notes, guides = notes or {}, guides or {}
    lines = [_printable(line if line.startswith("#") else f"# {line}".rstrip()) for line in header]
    for f in FIELDS:
        if f.name not in record:
            continue
        if f.name in guides:
            lines += _comment(guides[f.name])
        note = f"  # {_printable(notes[f.name])}" if notes.get(f.name) else ""
        lines += _field_lines(f.name, record[f.name], note, f.name in fold)
    if footer:
        lines += [_printable(line if line.startswith("#") or not line else f"# {line}".rstrip()) for line in footer]
    text = "\n".join(lines) + "\n"
    if not check:
        return text
    expected = {k: list(v) if isinstance(v, tuple) else v for k, v in record.items()}
    # Read back as the bot reads records (libyaml's loader where there is one; each text scalar was also checked
    # with PyYAML's own where it goes beyond printable ASCII).
    if yaml.load(text, Loader=_CLoader or yaml.SafeLoader) != expected:
        raise ValueError("the record does not read back as written")  # a bug here, never a curator's doing
    return text


# -- checking a record's style ---------------------------------------------------------------------


def check_style(raw: RawYaml) -> list[tuple[int, str]]:
    """Where a study record departs from the corpus style, as (line, message) pairs; [] if it does not.

    Checks the field order, flow-style lists (`[a, b]`), lists indented under their key, text over
    several lines that is not folded, long one-line text, and block scalars other than `>-`.
    """
    exact = parse_yaml(raw.path, raw.text, [], raw.line_offset, exact=True)
    if exact is None:
        return []
    raw = exact
    out: list[tuple[int, str]] = []
    order = {f.name: i for i, f in enumerate(FIELDS)}
    known = [(name, key) for name, key, _ in raw.fields() if name in order]
    for (prev, _), (name, key) in pairwise(known):
        if order[name] < order[prev]:
            out.append((raw.node_line(key), f"style: '{name}' comes before '{prev}' in the usual field order "
                        f"({', '.join(f.name for f in FIELDS)})"))
            break
    for name, key, value in raw.fields():
        if isinstance(value, (yaml.SequenceNode, yaml.MappingNode)):
            if value.flow_style and value.value:
                out.append((raw.node_line(value), f"style: write '{name}' as a block list, one '- item' line "
                            "each under the key, not as [a, b]"))
            elif (isinstance(value, yaml.SequenceNode) and value.value
                  and value.start_mark.column != key.start_mark.column):
                out.append((raw.node_line(value), f"style: the '- ' of '{name}' go at the key's column, not indented"))
            if isinstance(value, yaml.SequenceNode):
                for item in value.value:
                    out += _scalar_style(raw, name, item)
        else:
            out += _scalar_style(raw, name, value)
    return out


def _scalar_style(raw: RawYaml, name: str, node: yaml.Node) -> list[tuple[int, str]]:
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
        return []
    line = raw.node_line(node)
    if node.style in ("|", ">"):
        if node.style == "|" or node.value.endswith("\n"):
            used = "|" if node.style == "|" else ">"
            return [(line, f"style: write the text of '{name}' folded with '>-' (not '{used}')")]
        return []
    if node.end_mark.line > node.start_mark.line:
        how = "plain" if node.style is None else "quoted"
        return [(line, f"style: the text of '{name}' runs over several lines as {how} text: fold it "
                 f"('{name}: >-' and the text on lines indented by two spaces)")]
    if node.end_mark.column > WIDTH and _foldable(node.value):  # the value's end, not a comment after it
        return [(line, f"style: the text of '{name}' is one line longer than {WIDTH} characters: fold it "
                 f"('{name}: >-' and the text on lines indented by two spaces)")]
    return []


def normalize(raw: RawYaml) -> str:
    """A record rewritten in the corpus style with every value and its header comment kept (other
    comments are dropped): for a one-off clean-up of records written by hand."""
    return dump_record(dict(raw.data), header=raw.leading_comments())
