"""Discord's text rules: its length limits, counted in UTF-16 code units (never fewer than the code points, so
text that fits here fits Discord however it counts), cutting at a sentence or word end with "…", and escaping
markdown (discord.utils.escape_markdown and more) and mentions so text shown back never formats or pings.
"""

from __future__ import annotations

import re

from discord.utils import escape_markdown

MESSAGE_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
TOTAL_LIMIT = 6000
THREAD_NAME_LIMIT = 100
CHOICE_LIMIT = 100  # autocomplete choice name and value

ELLIPSIS = "\u2026"


def ulen(text: str) -> int:
    """Length in UTF-16 code units (what the strictest counter of Discord's limits would see)."""
    if text.isascii() or max(text) < "\U00010000":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(text: str, units: int) -> str:
    """The longest prefix of text whose ulen is at most units."""
    if ulen(text) <= units:
        return text
    if units <= 0:
        return ""
    if text.isascii() or max(text) < "\U00010000":
        return text[:units]
    total = 0
    for i, ch in enumerate(text):
        total += 2 if ord(ch) > 0xFFFF else 1
        if total > units:
            return text[:i]
    return text


_SENTENCE_END = re.compile(r"[.!?\u2026][\"')\]\u201d\u2019]*(?=\s)")


def cut(text: str, limit: int) -> str:
    """Text within limit: cut at the last sentence end (or else word end) that fits, then "…"."""
    if ulen(text) <= limit:
        return text
    if limit <= 0:
        return ""
    if limit == 1:
        return ELLIPSIS
    room = _prefix_within(text, limit - 1)
    # A sentence end in the second half of the room keeps the answer readable; else a word end.
    ends = [m.end() for m in _SENTENCE_END.finditer(room + " ") if m.end() >= len(room) // 2]
    if ends and ends[-1] <= len(room):
        head = room[: ends[-1]]
    else:
        space = max(room.rfind(" "), room.rfind("\n"))
        head = room[:space] if space >= len(room) // 2 else room
    head = head.rstrip()
    # Never leave a dangling escape backslash or half of an escaped mention.
    while head.endswith("\\") and (len(head) - len(head.rstrip("\\"))) % 2 == 1:
        head = head[:-1].rstrip()
    head = head.rstrip("\u200b")
    return head + ELLIPSIS


# Beyond discord.utils.escape_markdown: masked-link brackets, "<" (timestamps, channel mentions), "#" and ">"
# anywhere, and "1." / "+" list starts, each unless an odd run of backslashes already escapes it.
_EXTRA = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]<>#])")
_LIST_START = re.compile(r"(?m)^(\s*)([+])(?=\s)")
_NUMBERED = re.compile(r"(?m)^(\s*)(\d+)\.(?=\s)")
_MENTION = re.compile(r"@(everyone|here|[!&]?[0-9]{15,21})")


def escape(text: str) -> str:
    """Text shown as-is: Discord markdown escaped (discord.utils.escape_markdown, links included, and the
    characters it leaves) and mentions neutralised (a zero-width space after '@')."""
    text = _MENTION.sub("@\u200b\\1", text)
    text = escape_markdown(text, ignore_links=False)
    text = _EXTRA.sub(r"\1\\\2", text)
    text = _LIST_START.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\2\\.", text)


def one_line(text: str) -> str:
    """Text on one line, whitespace folded."""
    return " ".join(text.split())


def user_text(text: str, limit: int) -> str:
    """A member's text shown back: one line, escaped, within limit."""
    return cut(escape(one_line(text)), limit)


def plain_name(text: str, limit: int) -> str:
    """Text for places without markdown (thread names, autocomplete choices): one line, no mention syntax."""
    text = one_line(_MENTION.sub("@\u200b\\1", text.replace("\u0000", "")))
    return cut(text, limit) or "question"


def safe_url(url: str | None) -> str | None:
    """An http(s) url safe inside a masked link (parentheses and @ encoded); None if unusable."""
    if not url or not re.match(r"https?://[^\s<>]+$", url) or len(url) > 512:
        return None
    return url.replace("(", "%28").replace(")", "%29").replace("@", "%40")


def link(text: str, url: str | None, limit: int) -> str:
    """A masked link "[text](url)" within limit; plain escaped text without a usable url."""
    url = safe_url(url)
    if url is None:
        return cut(escape(one_line(text)), limit)
    room = limit - ulen(url) - 4
    if room < 12:
        return cut(escape(one_line(text)), limit)
    return f"[{cut(escape(one_line(text)), room)}]({url})"
