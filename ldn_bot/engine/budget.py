"""The short answer's budget: what a member reads first (safety texts, the plan's headline and key lines) stays
within SHORT_LIMIT characters for every plan, before the fixed disclaimer that closes it, and never shows the same
line twice."""

from __future__ import annotations

from ldn_bot.engine.answer import Answer, KeyLine

SHORT_LIMIT = 900  # characters of the short answer before the disclaimer (a phone screen; Discord shows it whole)
_BLOCK_GAP = 2  # blocks are separated by a blank line


def _line_chars(line: KeyLine) -> int:
    """As a renderer lays it out: "- <head>: <text> [n]"."""
    if line.subhead:
        return len(line.text)
    ref = len(f" [{line.citation}]") if line.citation else 0
    return 2 + (len(line.head) + 2 if line.head else 0) + len(line.text) + ref


def short_chars(answer: Answer) -> int:
    """The length of an answer's short text before its disclaimer (notices, message, headline and key lines)."""
    blocks = [len(n) for n in answer.notices] + ([len(answer.message)] if answer.message else [])
    lines = ([len(answer.headline)] if answer.headline else []) + [_line_chars(k) for k in answer.key_lines]
    if lines:
        blocks.append(sum(lines) + len(lines) - 1)
    return sum(blocks) + _BLOCK_GAP * max(0, len(blocks) - 1)


def fit(answer: Answer, limit: int = SHORT_LIMIT) -> None:
    """Drop repeated key lines (same text), then the last key lines while the short text is over `limit`, a study's
    line before a fixed line without a citation. The first line, and the first under each heading (each condition
    of "does it help fibro or ms?"), always stay: what was asked is never cut for space; and no heading is left with
    nothing under it."""
    seen: set[str] = set()
    kept: list[KeyLine] = []
    for line in answer.key_lines:
        key = " ".join(line.text.split()).lower()
        if line.subhead or key not in seen:
            kept.append(line)
            seen.add(key)
    answer.key_lines = kept
    while short_chars(answer) > limit:
        lines = answer.key_lines
        firsts = {i for i, k in enumerate(lines) if not k.subhead and (i == 0 or lines[i - 1].subhead)}
        droppable = [i for i, k in enumerate(lines) if not k.subhead and i not in firsts]
        # a study's line goes before a fixed line about the whole set ("Also 1 trial of ... a different use: ...")
        droppable = [i for i in droppable if lines[i].citation is not None] or droppable
        if not droppable:
            break
        del lines[droppable[-1]]
        while lines and lines[-1].subhead:
            lines.pop()
