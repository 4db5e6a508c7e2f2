"""Text for an interactive terminal: wrapped at word boundaries to its width, with the parts the eye looks for
(the tally, each study's label and design, null results) standing out. Piped output never goes through here."""

from __future__ import annotations

import os
import re
import textwrap

BOLD, YELLOW, DIM, RESET = "\033[1m", "\033[33m", "\033[2m", "\033[0m"

# Null and negative results, so they are never skimmed past.
_NULL = re.compile(r"\b(?:did not|didn't|no (?:significant |clear )?(?:difference|benefit|effect|change)|"
                   r"not (?:significantly |statistically )?(?:different|better|superior|significant|improve\w*)|"
                   r"no better|non-?significant|mixed)\b", re.I)
_HEAD = re.compile(r"^(- )([^:]{3,160}?\)):")  # "- Bruun 2024 (randomized controlled trial, n=99, 6 mg):"


def wrap(text: str, width: int) -> str:
    """Wrap every line at word boundaries; list items and quoted passages keep a hanging indent."""
    width = max(width, 30)
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            out.append("")
            continue
        indent = len(line) - len(line.lstrip(" "))
        lead = " " * indent
        hang = lead + ("  " if line.lstrip().startswith(("- ", "[")) else "")
        out.extend(textwrap.wrap(line.strip(), width, initial_indent=lead, subsequent_indent=hang,
                                 break_long_words=False, break_on_hyphens=False) or [""])
    return "\n".join(out)


def emphasize(text: str, bold_lines: int = 0) -> str:
    """ANSI emphasis: the first `bold_lines` lines (the tally) in bold, each key line's study head in bold, null
    results in yellow."""
    lines = []
    for i, line in enumerate(text.splitlines()):
        if i < bold_lines:
            lines.append(f"{BOLD}{line}{RESET}")
            continue
        line = _HEAD.sub(lambda m: f"{m.group(1)}{BOLD}{m.group(2)}{RESET}:", line)
        lines.append(_NULL.sub(lambda m: f"{YELLOW}{m.group(0)}{RESET}", line))
    return "\n".join(lines)


def for_terminal(text: str, width: int, headline: str | None = None, color: bool = True) -> str:
    """Wrap `text` to `width` columns, then (when `color`) emphasize it; the headline, when `text` starts with
    it, is the bold part. Wrapping first keeps ANSI codes from counting toward the width."""
    wrapped = wrap(text, width)
    if not color:
        return wrapped
    head_lines = wrap(headline, width).splitlines() if headline else []
    bold = len(head_lines) if head_lines and wrapped.splitlines()[:len(head_lines)] == head_lines else 0
    return emphasize(wrapped, bold)


def color_allowed(stream: object) -> bool:
    """Emphasis only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def terminal_size(stream: object) -> os.terminal_size:
    """The size of the terminal `stream` writes to, read now (a resize between answers counts); COLUMNS and
    LINES override it, and 80×24 is the fallback when it cannot be read."""
    size = os.terminal_size((80, 24))
    try:
        size = os.get_terminal_size(stream.fileno())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        pass
    columns, lines = size.columns or 80, size.lines or 24
    for name in ("COLUMNS", "LINES"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            columns, lines = (int(value), lines) if name == "COLUMNS" else (columns, int(value))
    return os.terminal_size((columns, lines))
