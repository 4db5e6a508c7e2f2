"""`corpus validate`'s check of the safety phrases for alternatives that were meant to span two words.

In a phrase, `a|b` offers one WORD each: `not sure ill|i will` reads "not sure" + ("ill"|"i") + "will", so it
needs "ill will" and never matches "not sure ill" or "not sure i will". Such a phrase fails silently. The check
flags the three shapes this mistake leaves, which a correct phrase does not have:

  * an alternative that repeats the word next to it, or one of its alternatives: `me frappe|me tuer` reads
    "me" + ("frappe"|"me") + "tuer", and `al tren|al metro` reads ("tren"|"al") + ("metro"|"al"), so one reading
    has the same word twice ("me me tuer", "al al"), which nobody writes;
  * an alternative that is its neighbour alternative fused with the next (or previous) word, whole or
    contracted: `ill|i will` ("i" + "will" = "i'll"), `gonna|going to`, `weekend|week end`: one reading says
    the same thing twice ("gonna to");
  * the same alternative twice in one word (`you|you lot`, after `a|b` was split wrongly, or a stray copy).

The fix is always the same: write each reading as a phrase of its own line.
"""

from __future__ import annotations

import re
from pathlib import Path

from ldn_bot.corpus.problems import Problem
from ldn_bot.corpus.rawyaml import listing
from ldn_bot.engine.safety.phrases import parse_phrase

# Lists in safety.yaml that hold phrases (the others hold concept names and combinations).
PHRASE_KEYS = ("patterns", "unless", "also_needs", "keep")
# A second word shortened into the first ("i" + "will" = "ill", "do" + "not" = "dont"), apostrophes folded.
_CONTRACTED = {"will": ("ll",), "am": ("m",), "are": ("re",), "have": ("ve",), "would": ("d",), "had": ("d",),
               "is": ("s",), "not": ("nt", "t")}
_FUSED = {("going", "to"): "gonna", ("want", "to"): "wanna", ("got", "to"): "gotta", ("you", "all"): "yall",
          ("will", "not"): "wont", ("can", "not"): "cant", ("kind", "of"): "kinda"}
_TAILS = frozenset(t for tails in _CONTRACTED.values() for t in tails)
_ITEM = re.compile(r"^(\s*)-\s+(.*?)\s*$")
_KEY = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_]+):")


def _fuses(x: str, a: str, b: str) -> bool:
    """Whether the word `x` is `a b` written as one word ("weekend") or contracted ("ill", "gonna", "dont")."""
    if b in _TAILS:  # "we are|were|re": "re" is there for "we're" typed with its apostrophe
        return False
    return x == a + b or _FUSED.get((a, b)) == x or any(x == a + c for c in _CONTRACTED.get(b, ()))


def phrase_problems(text: str) -> list[str]:
    """What looks broken in one phrase: a sentence each (empty when it reads as intended)."""
    out: list[str] = []
    for raw in text.lower().replace("...", " ").split():
        alts = raw.split("|")
        dup = sorted({a for a in alts if alts.count(a) > 1})
        if len(alts) > 1 and dup:
            out.append(f"'{dup[0]}' is listed twice in '{raw}'")
    for seg in parse_phrase(text).segments:
        for k, w in enumerate(seg):
            if len(set(w.options)) < 2:
                continue
            before = seg[k - 1].plain() if k > 0 else None
            after = seg[k + 1].plain() if k + 1 < len(seg) else None
            near = {*(seg[k - 1].options if k > 0 else ()), *(seg[k + 1].options if k + 1 < len(seg) else ())}
            for o in dict.fromkeys(w.options):
                if o in near:  # "a las vias|al tren|al metro": one reading is "al al"
                    out.append(f"it reads '{o} {o}'")
            for x in dict.fromkeys(w.options):
                for y in w.options:
                    if x == y or _TAILS & set(w.options):  # "we are|were|re": "were" is a word of its own
                        continue
                    if after and _fuses(x, y, after):
                        out.append(f"'{x}' is '{y} {after}' in one word, so it reads '{x} {after}'")
                    elif before and _fuses(x, before, y):
                        out.append(f"'{x}' is '{before} {y}' in one word, so it reads '{before} {x}'")
    return out


def check_phrases(root: Path) -> list[Problem]:
    """Warnings for the phrases of corpus/safety.yaml and corpus/safety/*.yaml that look broken, with file and
    line; unreadable files are left to the loader's own check."""
    files = [root / "safety.yaml", *listing(root / "safety", "*.yaml", [])]  # as the loader lists them
    out: list[Problem] = []
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        lexicon = path.parent.name == "safety"
        keys: list[tuple[int, str]] = []  # the enclosing keys, by indentation
        for n, line in enumerate(lines, 1):
            key = _KEY.match(line)
            if key:
                indent = len(key.group(1))
                keys = [kv for kv in keys if kv[0] < indent] + [(indent, key.group(2))]
                continue
            item = _ITEM.match(line)
            if not item or not (lexicon or any(k in PHRASE_KEYS for _, k in keys[-1:])):
                continue
            text = _unquote(item.group(2))
            found = list(dict.fromkeys(phrase_problems(text))) if text else []
            if found:
                out.append(Problem(str(path), n, f"phrase {text!r}: {'; '.join(found)}; an alternative (a|b) is ONE "
                                                 f"word: write each reading as a phrase of its own line", "warning"))
    return out


def _unquote(value: str) -> str | None:
    """A list item's text without YAML quotes or a trailing comment (None when it is not plain text)."""
    if value[:1] in "\"'":
        q = value[0]
        end = value.find(q, 1)
        return value[1:end] if end > 0 else None
    value = value.split(" #", 1)[0].strip()
    return value or None if not value.startswith(("[", "{", "#")) else None
