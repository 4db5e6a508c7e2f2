"""Edit one field of a study record as a curator would, whatever the record's current layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ldn_bot.corpus.rawyaml import read_yaml
from ldn_bot.corpus.style import dump_record


def field_line(path: Path, key: str) -> int:
    """The line of top-level `key:` in the record."""
    raw = read_yaml(path)
    assert raw is not None and raw.key_line(key), (path, key)
    return raw.key_line(key) or 0


def _span(path: Path, key: str) -> tuple[list[str], int, int]:
    """The file's lines and the 0-based [start, end) of `key`'s lines (comment lines after it excluded)."""
    raw = read_yaml(path)
    assert raw is not None, path
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [k.start_mark.line for _, k, _ in raw.fields()]
    start = raw.key_line(key)
    assert start is not None, (path, key)
    start -= 1
    later = [s for s in starts if s > start]
    end = later[0] if later else len(lines)
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return lines, start, end


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def set_field(path: Path, key: str, value: Any = None, *, raw_text: str | None = None) -> None:
    """Replace `key`'s value with `value` (written in the corpus style), or with the lines `raw_text`."""
    lines, start, end = _span(path, key)
    new = raw_text.splitlines() if raw_text is not None else dump_record({key: value}).splitlines()
    _write(path, lines[:start] + new + lines[end:])


def drop_field(path: Path, key: str) -> None:
    """Remove `key` and its value."""
    lines, start, end = _span(path, key)
    _write(path, lines[:start] + lines[end:])


def rename_field(path: Path, key: str, new: str) -> None:
    """Rename the key `key` to `new`, value kept."""
    lines, start, _ = _span(path, key)
    lines[start] = new + lines[start][len(key):]
    _write(path, lines)
