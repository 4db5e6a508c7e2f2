"""The one reader of corpus YAML: the value PyYAML makes of a file, and where each part of it is.

Every corpus file (study records, synonyms.yaml, a document's front matter) is read here, once, with
its node tree kept, so a message can name the line of a field, of a list entry or of a YAML error.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
import yaml.constructor

from ldn_bot.corpus.problems import Problem
from ldn_bot.corpus.wording import explain_yaml_error
from ldn_bot.errors import CorpusError


@dataclass
class RawYaml:
    """A YAML text as read: `data` is what `yaml.safe_load` gives, `node` the composed node tree.

    Line numbers are 1-based lines of the file; `line_offset` is added for YAML read out of a larger
    file (a document's front matter).
    """

    path: Path
    text: str
    data: Any
    node: yaml.Node | None
    line_offset: int = 0

    def fields(self) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
        """(key, key node, value node) for each entry of a top-level mapping, in file order."""
        if isinstance(self.node, yaml.MappingNode):
            for key_node, value_node in self.node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    yield str(key_node.value), key_node, value_node

    def node_line(self, node: yaml.Node) -> int:
        """The line a node starts on."""
        return node.start_mark.line + 1 + self.line_offset

    def key_line(self, key: str) -> int | None:
        """The line of top-level `key:` (its first occurrence), or None if the mapping has no such key."""
        for name, key_node, _ in self.fields():
            if name == key:
                return self.node_line(key_node)
        return None

    def line(self, key: str) -> int:
        """The line of top-level `key:`, else 1 (the file as a whole)."""
        return self.key_line(key) or 1

    def value_node(self, key: str) -> yaml.Node | None:
        """The node of top-level `key`'s value."""
        for name, _, value_node in self.fields():
            if name == key:
                return value_node
        return None

    def item_line(self, key: str, index: int) -> int | None:
        """The line of entry `index` of the top-level list under `key` (else the key's line)."""
        node = self.value_node(key)
        if isinstance(node, yaml.SequenceNode) and 0 <= index < len(node.value):
            return self.node_line(node.value[index])
        return self.key_line(key)

    def line_text(self, line: int) -> str:
        """The text of a line of this YAML (1-based, as the other methods count), '' past the end."""
        lines = self.text.splitlines()
        index = line - 1 - self.line_offset
        return lines[index] if 0 <= index < len(lines) else ""

    def leading_comments(self) -> list[str]:
        """The comment lines at the top of the file (a record's header), as written, '#' included."""
        out = []
        for line in self.text.splitlines():
            if not line.startswith("#"):
                break
            out.append(line)
        return out

    def str_field(self, key: str) -> str | None:
        """Top-level `key`'s value if it is non-blank text, stripped; else None."""
        value = self.data.get(key) if isinstance(self.data, dict) else None
        return value.strip() if isinstance(value, str) and value.strip() else None


MAX_FILE_BYTES = 1 << 20  # a corpus file larger than this (1 MiB; a study record is ~5 KB) is an error


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """A corpus file's UTF-8 text; None (and a problem) if it cannot be read or is over MAX_FILE_BYTES."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(str(path), None, f"file is {size:,} bytes; a corpus file may have at most "
                                                       f"{MAX_FILE_BYTES:,}"))
            return None
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(str(path), None, "not UTF-8 text"))
    except OSError as e:
        problems.append(Problem(str(path), None, f"cannot read: {e.strerror}"))
    return None


# libyaml's loader where PyYAML has it (about ten times faster to compose); the same nodes, marks and values.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=512)
def _compose(text: str, exact: bool, line_offset: int) -> tuple[yaml.Node | None, tuple[int, str] | None]:
    """The node tree of `text` and its strict-YAML problem (see _strict_problem). Kept for the same text: a
    corpus file is read again and again unchanged (validate reads each record twice, `corpus watch` and a bot's
    reload read every file after one changed), and composing is most of reading. Callers never change a node;
    constructing a value from one (flattening a merge key) leaves it reading the same. Errors are not kept."""
    loader = yaml.SafeLoader(text) if exact else _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    return node, _strict_problem(node, line_offset) if node is not None else None


def parse_yaml(path: Path, text: str, problems: list[Problem], line_offset: int = 0,
               exact: bool = False) -> RawYaml | None:
    """`text` (from `path`) read as YAML; None, and a problem with the error's line, if YAML cannot read it.
    `exact`: PyYAML's own loader, whose nodes keep every scalar's style and end (for the style checks)."""
    try:
        node, strict = _compose(text, exact, line_offset)
        if strict is not None:
            where, message = strict
            problems.append(Problem(str(path), where + 1 + line_offset, message))
            return None
        # a new value each time: callers may change what they are given
        data = yaml.constructor.SafeConstructor().construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        mark, context = getattr(e, "problem_mark", None), getattr(e, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(e, "problem", None) or str(e)
        if problem.startswith("found unexpected end of stream") and context:  # an unclosed quote: where it opens
            line = context.line + 1
        message = explain_yaml_error(problem, line, mark.column if mark else None, text,
                                     context.line + 1 + line_offset if context else None)
        problems.append(Problem(str(path), line + line_offset if line else None, message))
        return None
    except RecursionError:
        problems.append(Problem(str(path), None, "malformed YAML: nested too deeply"))
        return None
    return RawYaml(path, text, data, node, line_offset)


def _strict_problem(root: yaml.Node, line_offset: int = 0) -> tuple[int, str] | None:
    """Why a composed YAML tree is not strict corpus YAML, as (0-based line, message), or None.

    A key given twice in one mapping is an error (PyYAML would silently keep the last one, so an appended
    `result:` would replace the reviewed one). An alias (`*name`) is refused: corpus files never need one, and
    an alias of an alias ... ("billion laughs") makes every reader of the value walk an exponential tree. The
    walk visits each node once, so it is linear in the file's size."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:  # a node reached twice is an alias's target
            return (node.start_mark.line, "a YAML anchor reused by an alias ('&name' ... '*name'): aliases are not "
                    "allowed in a corpus file, write the value out")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, yaml.Node] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    first = keys.setdefault(key_node.value, key_node)
                    if first is not key_node:
                        return (key_node.start_mark.line,
                                f"duplicate key '{_short(key_node.value)}' (first given on line "
                                f"{first.start_mark.line + 1 + line_offset}): a key may be given once only")
                stack.append(value_node)
                stack.append(key_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# Files an editor or a tool leaves beside the one being edited: never corpus files, whatever they end in.
_EDITOR_SUFFIXES = ("~", ".bak", ".orig", ".rej", ".swp", ".swo", ".swx", ".tmp", ".part")


def is_editor_file(name: str) -> bool:
    """Whether a file name is an editor's or a tool's by-product, not a curator's file: a dotfile (Emacs's lock
    link `.#x.yaml`, Vim's `.x.yaml.swp`, an atomic write's temporary file), Emacs's autosave `#x.yaml#`, a
    backup (`x.yaml~`, `.bak`, `.orig`) or a swap file."""
    return name.startswith((".", "#")) or name.endswith(_EDITOR_SUFFIXES)


def listing(folder: Path, pattern: str, problems: list[Problem]) -> list[Path]:
    """The files in `folder` matching `pattern`, sorted, editor files (`is_editor_file`) left out; a folder that
    exists but cannot be listed, or a matching entry that is not a file, is a problem naming it (never silently
    no files)."""
    try:
        os.stat(folder)  # Path.exists() raises on a folder above it that cannot be read (Python 3.11)
    except FileNotFoundError:
        return []
    except OSError as e:
        problems.append(Problem(str(folder), None, f"cannot read the folder: {e.strerror or e}"))
        return []
    try:
        entries = sorted(p for p in folder.glob(pattern) if not is_editor_file(p.name)) if folder.is_dir() else None
        if entries is None:
            problems.append(Problem(str(folder), None, "not a folder"))
            return []
        with os.scandir(folder):  # glob hides a folder it cannot read; scandir says so
            pass
    except OSError as e:
        problems.append(Problem(str(folder), None, f"cannot read the folder: {e.strerror or e}"))
        return []
    files = []
    for entry in entries:
        try:
            is_file = stat.S_ISREG(os.stat(entry).st_mode)
        except OSError as e:  # a dangling link, or a folder that can be listed but not entered
            problems.append(Problem(str(entry), None, f"cannot read: {e.strerror or e}"))
            continue
        if is_file:
            files.append(entry)
        else:
            problems.append(Problem(str(entry), None, "not a file"))
    return files


def read_required_yaml(path: Path, missing: str) -> RawYaml:
    """A YAML file the bot cannot do without (safety.yaml), read with its lines. CorpusError naming it (and the
    line where there is one) if it is missing (`missing` says so), not a file, unreadable, over MAX_FILE_BYTES,
    not UTF-8, malformed or nested too deeply."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise CorpusError(str(path), "not a file")
    except FileNotFoundError:
        raise CorpusError(str(path), missing) from None
    except OSError as e:
        raise CorpusError(str(path), f"cannot read: {e.strerror or e}") from None
    problems: list[Problem] = []
    raw = read_yaml(path, problems)
    if raw is None:
        raise CorpusError(problems[0].path, problems[0].message, problems[0].line)
    return raw


def read_optional_yaml(path: Path) -> Any:
    """The data of a YAML file a corpus may leave out (intents.yaml, record_queries.yaml): None when it is
    absent, {} when it is empty. A file that cannot be read or parsed is a CorpusError naming it once, with the
    line where YAML stopped."""
    try:
        if not path.exists():
            return None
    except OSError as e:
        raise CorpusError(str(path), f"cannot read: {e.strerror}") from None
    problems: list[Problem] = []
    raw = read_yaml(path, problems)
    if raw is None:
        raise CorpusError(str(path), problems[0].message, problems[0].line)
    return raw.data or {}


def read_yaml(path: Path, problems: list[Problem] | None = None) -> RawYaml | None:
    """A YAML file read with its line numbers; None if it is unreadable or malformed (problems say why)."""
    problems = problems if problems is not None else []
    text = read_text(path, problems)
    return parse_yaml(path, text, problems) if text is not None else None


_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


@dataclass(frozen=True)
class FrontMatter:
    """A Markdown document's YAML front matter: `meta` (its YAML text, which starts on line 2) and
    `body_start`, the offset in the document where the text after the closing '---' begins."""

    meta: str
    body_start: int

    @property
    def body_line(self) -> int:
        """The line the body starts on."""
        return self.meta.count("\n") + 4


def front_matter(text: str) -> FrontMatter | None:
    """The front matter between the two '---' lines that must open a corpus document, or None."""
    m = _FRONT.match(text)
    return FrontMatter(m.group(1), m.end()) if m else None


def read_optional_mapping(path: Path, shape: str,
                          valid: Callable[[dict[str, Any]], bool] = lambda _: True) -> dict[str, Any] | None:
    """A corpus's optional YAML mapping (see `read_optional_yaml`): None when the file is absent; a CorpusError
    naming it and saying its `shape` when it is not a mapping or `valid` says no."""
    data = read_optional_yaml(path)
    if data is None:
        return None
    if not isinstance(data, dict) or not valid(data):
        raise CorpusError(str(path), shape)
    return data
