"""The short answer's budget: everything a member reads first (safety texts, the message, the plan's headline and
key lines or, with no plan, the lead sentences, and the fixed disclaimer that closes it) stays within SHORT_LIMIT
characters for every plan, and never shows the same line twice. It shrinks by whole lines and sentences, never by
cutting one."""

from __future__ import annotations

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
    firsts = {i for i, k in enumerate(lines) if not k.subhead and (i == 0 or lines[i - 1].subhead)}
    droppable = [i for i, k in enumerate(lines) if not k.subhead and i not in firsts]
    return ([i for i in droppable if lines[i].optional] or [i for i in droppable if lines[i].citation is not None]
            or droppable)


def _drop(lines: list[KeyLine], i: int) -> None:
    """Drop line `i`, and a heading left with nothing under it."""
    del lines[i]
    if i > 0 and lines[i - 1].subhead and (i == len(lines) or lines[i].subhead):
        del lines[i - 1]
    while lines and lines[-1].subhead:
        lines.pop()


def fit(answer: Answer, limit: int = SHORT_LIMIT) -> None:
    """Make the whole short answer, disclaimer included, at most `limit` characters: drop repeated key lines (same
    text), then, while it is over, optional asides, then the tally's breakdown of its weaker designs (its brief
    form), then the last key lines that may go (see `_droppable`), then whole headings with
    their lines from the last, then further lead sentences of an answer with no plan (the first stays). What a
    member asked leads, so it goes last, and only when safety texts leave no room for it: the first key line
    alone, else the headline alone (unless it only introduces the lines: "Doses used in ...:"), else neither.
    Safety texts and the message are never dropped."""
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
    while over() and (droppable := _droppable(lines)):
        _drop(lines, droppable[-1])
    while over() and (heads := [i for i, k in enumerate(lines) if k.subhead and i > 0]):
        del lines[heads[-1]:]  # "does ldn help fibro or ms?": the last condition's heading and line
    if not (answer.headline or lines) and answer.lead:
        answer.short_lead = len(answer.lead)
        while over() and answer.short_lead > 1:
            answer.short_lead -= 1
        if over():
            answer.short_lead = 0
    if not over():
        return
    headline, first = answer.headline, [k for k in lines if not k.subhead][:1]
    tries = [(None, first)] + ([(headline, [])] if headline and not headline.rstrip().endswith(":") else [])
    for answer.headline, answer.key_lines in [*tries, (None, [])]:
        if not (answer.headline or answer.key_lines):
            answer.short_lead = 0  # no plan line left: nor the lead sentences a plan-less answer shows
        if not over():
            return
