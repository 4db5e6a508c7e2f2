"""Append-only JSON Lines logs that curators read with `ldn-bot gaps`: unanswered questions and feedback.

No user ids are written unless the config asks for them.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ldn_bot.engine.answer import Answer
from ldn_bot.fileio import append_line

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class JsonlLog:
    """One JSON object per line. Writes are whole lines (`ldn_bot.fileio.append_line`); reading skips a damaged
    line (torn by a full disk or a crash, invalid UTF-8, not JSON) and remembers where it was (`damaged`)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.damaged: list[int] = []  # line numbers skipped by the last read

    def append(self, record: dict[str, Any]) -> bool:
        """One line per record; a log that cannot be written is a warning, never fatal to answering. Text that is
        not valid Unicode (a lone surrogate: invalid UTF-8 typed at a terminal, or sent by a Discord client) is
        written \\u-escaped, so the line is still written and `ldn-bot gaps` still reads it."""
        try:
            line = json.dumps(record, ensure_ascii=False)
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:
                line = json.dumps(record, ensure_ascii=True)
        except (TypeError, ValueError) as e:
            log.warning("could not write %s: %s", self.path, e)
            return False
        return append_line(self.path, line)

    def records(self, skip: Callable[[bytes], bool] | None = None) -> Iterator[dict[str, Any]]:
        """The records in order, streamed; a missing file has none. Damaged lines go to `damaged`. `skip(line)`,
        if given, is asked about each raw line (without its line break) before it is parsed."""
        self.damaged = []
        try:
            f = self.path.open("rb")
        except FileNotFoundError:
            return
        with f:
            for number, raw in enumerate(f, 1):
                if not raw.strip() or (skip is not None and skip(raw.rstrip(b"\r\n"))):
                    continue
                try:
                    rec = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError, RecursionError):
                    self.damaged.append(number)
                    continue
                if isinstance(rec, dict):
                    yield rec
                else:
                    self.damaged.append(number)

    def read(self) -> list[dict[str, Any]]:
        """All records in order (see `records`)."""
        return list(self.records())

    def damage_report(self) -> str | None:
        """One line naming the damaged lines of the last read, or None."""
        if not self.damaged:
            return None
        n = len(self.damaged)
        shown = ", ".join(str(i) for i in self.damaged[:5]) + (", ..." if n > 5 else "")
        return f"{self.path}: skipped {n} damaged line{'' if n == 1 else 's'} (line{'' if n == 1 else 's'} {shown})"


MAX_LOGGED_QUESTION = 1000
"""Characters of a question a log keeps (Discord's /ask takes at most 1,000; a message may hold 4,000): a longer
one is cut here, and the record keeps its full length and SHA-256, so one long message never makes a log, or
`ldn-bot gaps`, do work or print text in proportion to it."""


def bounded_question(question: str) -> dict[str, Any]:
    """The log fields for `question`: "question" itself, or, if it is longer than MAX_LOGGED_QUESTION characters,
    its start with an ellipsis, "question_length" and "question_sha256" (of the whole question's UTF-8)."""
    if len(question) <= MAX_LOGGED_QUESTION:
        return {"question": question}
    whole = question.encode("utf-8", "surrogatepass")
    return {"question": question[:MAX_LOGGED_QUESTION].rstrip() + "\u2026", "question_length": len(question),
            "question_sha256": hashlib.sha256(whole).hexdigest()}


def answer_record(answer: Answer, source: str, user_id: int | str | None = None, **extra: Any) -> dict[str, Any]:
    """The log record of an answer: time, the question (bounded, `bounded_question`), status, cited labels,
    `source` ("ask", "repl", "discord"), `user_id` when given, and `extra` fields."""
    rec: dict[str, Any] = {
        "time": _now(),
        **bounded_question(answer.question),
        "status": answer.status,
        "labels": [c.label for c in answer.citations],
        "source": source,
    }
    if user_id is not None:
        rec["user_id"] = str(user_id)
    rec.update(extra)
    return rec


def log_unanswered(path: str | Path, answer: Answer, source: str, user_id: int | str | None = None) -> None:
    """Record a no-evidence question (the curators' to-do list)."""
    if answer.status == "no_evidence":
        JsonlLog(path).append(answer_record(answer, source, user_id))
