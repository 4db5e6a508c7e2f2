"""Conditions a question leaves out: "any nerve condition with a placebo trial? (not ms)", "autoimmune stuff other
than hashimotos", "besides fibro, what has a real trial?". The words that say so are data (record_queries.yaml's
`exclusions`); the condition after them is read by the query parser, so every spelling it knows works."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

MAX_NAME_WORDS = 4  # a condition's name after the cue is at most this many words ("primary progressive ms")
# Before a condition's name, after the cue: "other than for ms", "apart from the MS ones". Never after a bare "not":
# "is ldn not for ms patients?" asks about MS.
_LEAD_IN = re.compile(r"(?:for|in|including|counting|the|people with|those with)\s+")
_JOINED = re.compile(r"\s*(?:,|/|\bor\b|\band\b|\bnor\b|&)\s*")
_WORD = re.compile(r"[\w'’-]+")


class Exclusions:
    """Finds and cuts what a question leaves out. `cues`: the words that leave something out ("not", "besides");
    `conditions_of(text)`: the canonical conditions a span of text names (the query parser's)."""

    def __init__(self, cues: Iterable[str], conditions_of: Callable[[str], list[str]]) -> None:
        ordered = sorted(set(cues), key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, c.split())) for c in ordered)
        self.cue = re.compile(rf"(?<![\w'])(?:{alternatives})\s+" if alternatives else r"(?!x)x", re.I)
        self.conditions_of = conditions_of

    def _name_at(self, text: str, start: int) -> tuple[list[str], int]:
        """The conditions whose name starts at `start` in `text` and where that name ends; ([], start) if none. The
        name's first word must be part of it: in "not work for ms", "work for ms" names MS only through "ms"."""
        found = list(_WORD.finditer(text, start))[:MAX_NAME_WORDS]
        if not found or found[0].start() - start > 1:
            return [], start
        for k in range(1, len(found) + 1):
            named = self.conditions_of(text[found[0].start():found[k - 1].end()])
            if named:
                later = self.conditions_of(text[found[1].start():found[k - 1].end()]) if k > 1 else []
                if any(c in later for c in named):
                    return [], start
                return named, found[k - 1].end()
        return [], start

    def cut(self, text: str) -> tuple[str, tuple[str, ...]]:
        """`text` without the exclusions it makes (cue and condition names, "not ms or fibro"), and the canonical
        conditions they name, in order. Text with none comes back as it was."""
        excluded: list[str] = []
        spans: list[tuple[int, int]] = []
        for m in self.cue.finditer(text):
            at = m.end()
            if not m.group(0).lower().startswith("not") and (lead := _LEAD_IN.match(text, at)):
                at = lead.end()
            named, end = self._name_at(text, at)
            if not named:
                continue
            while joined := _JOINED.match(text, end):  # "not ms or fibro", "besides ms/crohns"
                more, after = self._name_at(text, joined.end())
                if not more:
                    break
                named, end = named + more, after
            excluded += [c for c in named if c not in excluded]
            spans.append((m.start(), end))
        if not spans:
            return text, ()
        for start, end in reversed(spans):
            text = text[:start] + " " + text[end:]
        return " ".join(text.split()), tuple(excluded)
