"""Reading a message as clauses (design/answer-pipeline.md, stage 1): each clause is a question, a story, a
greeting or thanks. The question clauses say what is asked; the story only fills what they leave open.

Clause boundaries are sentence punctuation, commas, colons and semicolons, dashes, line breaks and emoji (members
end a thought with one). A clause is a question when it ends with "?" or opens the way questions open in English
(an interrogative or an auxiliary verb: "what ...", "does ...", "any ..."), or asks in so many words ("i wonder if",
"tell me"). Any
other clause is story when it speaks of the member or someone they speak for ("my mom has RA"), else it names
what the question is about ("the fibro crossover study with 31 women, how much did pain drop?") and joins it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ldn_bot.engine.smalltalk import default_smalltalk

Aside = Callable[[str], str | None]  # a clause -> "greeting" / "thanks" when it is small talk that asks nothing

ClauseKind = Literal["question", "story", "greeting", "thanks"]

# Words a question opens with. "have"/"had" open stories as often ("had long covid since 2020"): only with a
# subject that makes them ask ("have there been", "has anyone").
_OPENS = re.compile(
    r"^(?:what|whats|what's|wat|wut|which|who|whom|whose|why|when|where|how|hows|how's|howd|"
    r"does|do|did|doe?s?nt|didnt|didn't|doesn't|don't|is|isn't|isnt|are|aren't|arent|was|were|wasn't|"
    r"can|could|couldn't|would|wouldn't|will|won't|should|shouldn't|shall|may|might|"
    r"any|anyone|anybody|anything|has (?:any|there|it|anyone|anybody|ldn)|have (?:any|there|you|they|people|ppl)|"
    r"is there|are there|tell me|explain|pls|please|plz|so does|so is|so what|so how|and what|and how|and does|"
    r"and is|and are|and any|also|what about|how about|same for|ok and|ok so (?:what|how|does|is|any))\b"
)
# Asking in so many words, anywhere in a clause.
_ASKS = re.compile(
    r"\b(?:i wonder|wondering|curious (?:if|whether|about|how|what)|i want to know|i'd like to know|"
    r"id like to know|want to know|wanna know|need to know|does anyone know|anyone know|is it true|"
    r"can you tell|can u tell|tell me|looking for (?:info|information|evidence|studies|data|research)|"
    r"info on|any (?:info|data|evidence|studies|research|trials?) (?:on|for|about|in))\b"
)
# A clause about the member or someone they speak for ("my rheumy suggested it", "my mom has RA", "someone told
# him"): a story. A clause without any ("the fibro crossover study with 31 women,") names what the question is about.
_PERSONAL = re.compile(
    r"\b(?:i|im|i'm|ive|i've|id|i'd|ill|i'll|my|me|mine|myself|we|our|us|he|she|his|her|him|hes|he's|shes|she's|"
    r"mom|mum|mother|dad|father|husband|wife|partner|son|daughter|brother|sister|cousin|friend|aunt|uncle|"
    r"doc|doctor|dr|gp|neuro|neurologist|rheumy|rheumatologist|someone|somebody|ppl|people keep|heard|saw|"
    r"diagnosed|dx|dx'd)\b"
)
# Where clauses end: punctuation before a space (not the "." in "4.5mg"), a dash between spaces, and "but", "so" or
# "and" opening a question.
_POINTER = re.compile(r"\b(?:that|this|these|those)\b")
_BREAK = re.compile(r"(?<=[.!?;:,\n])(?:\s+|$)|(?<=[!?;\n])|\s+[-\u2013\u2014]+\s+|"
                    r"\s+(?=\b(?:but|so|and)\s+(?:what|how|does|do|is|are|can|could|would|"
                    r"will|should|did|which|any|has|have)\b)")


@dataclass(frozen=True)
class Clause:
    text: str
    kind: ClauseKind


def _unemoji(text: str) -> str:
    """Emoji and other symbols end a clause ("vivid dreams 😵 is that normal"): each becomes a line break."""
    return "".join("\n" if unicodedata.category(ch) in ("So", "Sk", "Cs") else ch for ch in text)


def split_clauses(text: str, aside: Aside | None = None) -> list[Clause]:
    """A message's clauses in order, each marked question, story, greeting or thanks (`aside`: which clauses are
    small talk; the shipped lexicon's by default). Punctuation stays with its clause ("does it help?"). Empty
    pieces are dropped."""
    aside = aside or default_smalltalk().aside
    clauses: list[Clause] = []
    for piece in _BREAK.split(_unemoji(text)):
        piece = " ".join(piece.split())
        if not piece or not any(ch.isalnum() for ch in piece):
            if clauses and piece.strip() and "?" in piece:  # a "??" on its own marks the clause before it
                last = clauses[-1]
                clauses[-1] = Clause(last.text + piece.strip(), "question" if last.kind == "story" else last.kind)
            continue
        clauses.append(Clause(piece, _kind(piece, aside)))
    return clauses


def _kind(clause: str, aside: Aside) -> ClauseKind:
    small = aside(clause)
    if small in ("greeting", "thanks"):
        return small  # type: ignore[return-value]
    lowered = clause.lower().replace("\u2019", "'").lstrip("\"'([ ")
    if clause.rstrip().endswith("?") or _OPENS.match(lowered) or _ASKS.search(lowered):
        return "question"
    return "story" if _PERSONAL.search(lowered) else "question"


@dataclass(frozen=True)
class Reading:
    """A message read as clauses: `question` is its question clauses joined (every clause that is not a greeting
    or thanks when none reads as a question: "ldn fibro dose" asks all the same), `story` the rest."""

    clauses: tuple[Clause, ...]
    question: str
    story: str

    @property
    def story_clauses(self) -> list[str]:
        return [c.text for c in self.clauses if c.kind == "story"]

    @property
    def has_story(self) -> bool:
        return bool(self.story)

    def pointed(self) -> str:
        """The story clause just before the question clause that points back with "that" or "this" ("someone
        quoted 11 of 25 from the dose finding study.. was that even a placebo trial?"): what it points at. ""
        when the clause before it is no story (or there is none)."""
        previous: Clause | None = None
        for clause in self.clauses:
            if clause.kind == "question" and _POINTER.search(clause.text.lower()):
                return previous.text if previous is not None and previous.kind == "story" else ""
            if clause.kind in ("question", "story"):
                previous = clause
        return ""


def read_message(text: str, aside: Aside | None = None) -> Reading:
    """Split `text` (a cleaned message) into clauses and join its question and story clauses (`aside`: see
    `split_clauses`)."""
    clauses = tuple(split_clauses(text, aside))
    asked = [c.text for c in clauses if c.kind == "question"]
    told = [c.text for c in clauses if c.kind == "story"]
    if not asked:  # nothing reads as a question: the message as a whole is what is asked
        return Reading(clauses, " ".join(told) or text, "")
    return Reading(clauses, " ".join(asked), " ".join(told))
