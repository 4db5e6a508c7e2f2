"""The short answer's budget: everything a member reads first (safety texts, the message, the plan's headline and
key lines or, with no plan, the lead sentences, and the fixed disclaimer that closes it) stays within SHORT_LIMIT
characters for every plan, and never shows the same line twice. It shrinks by whole lines and sentences, never by
cutting one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ldn_bot.engine.answer import Answer, KeyLine

SHORT_LIMIT = 900  # characters of the whole short answer, its disclaimer included (what `ldn-bot eval` counts)
_BLOCK_GAP = 2  # blocks are separated by a blank line


def _line_chars(line: KeyLine) -> int:
    """As a renderer lays it out: "- <head>: <text> [n]"."""
    if line.subhead:
        return len(line.text)
    ref = len(f" [{line.citation}]") if line.citation else 0
    return 2 + (len(line.head) + 2 if line.head else 0) + len(line.text) + ref


def _lead_chars(answer: Answer) -> int:
    """The lead sentences as a short answer with no plan shows them: "<text> [n] <text> [n]"."""
    shown = answer.lead[:answer.short_lead] if answer.short_lead is not None else answer.lead
    return sum(len(s.text) + len(f" [{s.citation}]") for s in shown) + max(0, len(shown) - 1)


def short_chars(answer: Answer, disclaimer: bool = False) -> int:
    """The length of an answer's short text (notices, message, headline and key lines, else the lead sentences),
    with its disclaimer when `disclaimer`: exactly what render.text.render_summary shows."""
    blocks = [len(n) for n in answer.notices] + ([len(answer.message)] if answer.message else [])
    lines = ([len(answer.headline)] if answer.headline else []) + [_line_chars(k) for k in answer.key_lines]
    if lines:
        blocks.append(sum(lines) + len(lines) - 1)
    elif answer.lead and (lead := _lead_chars(answer)):
        blocks.append(lead)
    if disclaimer:
        blocks.append(len(answer.disclaimer))
    return sum(blocks) + _BLOCK_GAP * max(0, len(blocks) - 1)


def _droppable(lines: list[KeyLine]) -> list[int]:
    """Key lines that may go for space, the one to go next last: any but the first line and the first under each
    heading (each condition of "does it help fibro or ms?"); an optional aside first ("Of these studies, 2 are
    conference abstracts."), then a study's line, then a fixed line about the whole set ("Also 1 trial of ... a
    different use: ...")."""
    firsts = {i for i, k in enumerate(lines) if not k.subhead and (i == 0 or lines[i - 1].subhead or k.leads)}
    droppable = [i for i, k in enumerate(lines) if not k.subhead and i not in firsts]
    return ([i for i in droppable if lines[i].optional] or [i for i in droppable if lines[i].citation is not None]
            or droppable)


def _drop(lines: list[KeyLine], i: int) -> None:
    """Drop line `i`, and a heading left with nothing under it."""
    del lines[i]
    if i > 0 and _heading(lines[i - 1]) and (i == len(lines) or lines[i].subhead):
        del lines[i - 1]
    while lines and _heading(lines[-1]):
        lines.pop()


def _heading(line: KeyLine) -> bool:
    """A subheading that only introduces the lines under it ("Doses used in ...:"), not a sentence of its own (a
    second condition's tally)."""
    return line.subhead and line.text.rstrip().endswith(":")


def _refill(lines: list[KeyLine], full: list[KeyLine], over: Callable[[], bool]) -> None:
    """Put back, in their order, the lines dropped for space that fit in the room left (a shorter line after a
    longer one that had to go), each under its heading if that is still shown."""
    for line in [k for k in full if k not in lines and not k.subhead]:
        heading = next((k for k in reversed(full[:full.index(line)]) if k.subhead), None)
        if heading is not None and heading not in lines:
            continue
        kept = list(lines)
        lines[:] = [k for k in full if k in kept or k is line]
        if over():
            lines[:] = kept


def _say_less(answer: Answer, lines: list[KeyLine], i: int, over: Callable[[], bool]) -> bool:
    """Whether line `i`, put in a shorter whole sentence of its study's record, lets the answer fit (it is left
    so), rather than going."""
    line = lines[i]
    for text in line.shorter:
        lines[i] = replace(line, text=text, shorter=())
        if not over():
            return True
    lines[i] = line
    return False


def fit(answer: Answer, limit: int = SHORT_LIMIT, introductions: list[str] | None = None) -> None:
    """Make the whole short answer, disclaimer included, at most `limit` characters: drop repeated key lines (same
    text), then, while it is over, optional asides, then the tally's breakdown of its weaker designs (its brief
    form), then the last key lines that may go (see `_droppable`; a study's line says less in a shorter whole
    sentence of its record when that fits), then whole headings with their lines from the last, then further
    lead sentences of an answer with no plan (the first stays). What a member asked leads, so it goes last, and
    only when safety texts leave no room for it: the first key line alone, else a shorter sentence of the same
    study in its place, else the headline alone (unless it only introduces the lines: "Doses used in ...:"),
    else neither. Safety texts and the message are never dropped, but for `introductions`: notices that only
    introduce the lines after them ("Below are the doses the studies report..."), which go rather than stand
    over nothing."""
    before = (answer.headline, list(answer.key_lines), answer.short_lead)
    seen: set[str] = set()
    kept: list[KeyLine] = []
    for line in answer.key_lines:
        key = " ".join(line.text.split()).lower()
        if line.subhead or key not in seen:
            kept.append(line)
            seen.add(key)
    answer.key_lines = lines = kept

    def over() -> bool:
        return short_chars(answer, disclaimer=True) > limit

    while over() and (droppable := _droppable(lines)) and lines[droppable[-1]].optional:
        _drop(lines, droppable[-1])
    if over() and answer.tally is not None and answer.headline == answer.tally.text and answer.tally.brief:
        answer.headline = answer.tally.brief  # the weaker designs counted, not broken down: room for a study
    full = list(lines)
    while over() and (droppable := _droppable(lines)):
        _drop(lines, droppable[-1])
    _refill(lines, full, over)
    if over() and answer.headline and any(_heading(k) or k.leads for k in lines):
        tally_line, answer.headline = answer.headline, None  # two answers in one: both parts' lines before a tally
        if over():
            answer.headline = tally_line
    while over() and (heads := [i for i, k in enumerate(lines) if k.subhead and i > 0]):
        # "does ldn help fibro or ms?": the last condition's line, then its tally
        del lines[heads[-1] + (1 if heads[-1] + 1 < len(lines) and not _heading(lines[heads[-1]]) else 0):]
    if not (answer.headline or lines) and answer.lead:
        answer.short_lead = len(answer.lead)
        while over() and answer.short_lead > 1:
            answer.short_lead -= 1
        if over():
            answer.short_lead = 0
    if not over():
        return
    headline, first = answer.headline, [k for k in lines if not k.subhead][:1]
    # the headline with the first line saying less (another whole sentence of its study's record), the first
    # line alone, or saying less
    less = [[replace(first[0], text=t, shorter=())] for t in first[0].shorter[:8]] if first else []
    if first and first[0].brief_head:  # its head without the dose, design and size kept
        less = [[replace(first[0], head=first[0].brief_head, brief_head=None)], *less]
    tries = [(headline, s) for s in less] + [(None, first)] + [(None, s) for s in less]
    if headline and not headline.rstrip().endswith(":"):
        tries.append((headline, []))
    for answer.headline, answer.key_lines in [*tries, (None, [])]:
        if not (answer.headline or answer.key_lines):
            answer.short_lead = 0  # no plan line left: nor the lead sentences a plan-less answer shows
        if not over():
            break
    intros = [n for n in answer.notices if n in (introductions or ())]
    if intros and not (answer.headline or answer.key_lines or answer.short_lead):
        answer.headline, answer.key_lines, answer.short_lead = before
        answer.notices = [n for n in answer.notices if n not in intros]
        fit(answer, limit)
