"""Append-only JSON Lines logs that curators read with `ldn-bot gaps`: unanswered questions and feedback.

No user ids are written unless the config asks for them.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ldn_bot.engine.answer import Answer

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class JsonlLog:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def append(self, record: dict[str, Any]) -> None:
        """One line per record; a log that cannot be written is reported, never fatal to answering."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            line = json.dumps(record, ensure_ascii=False) + "\n"
            # O_APPEND keeps concurrent writers' lines whole.
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
        except OSError as e:
            log.warning("could not write %s: %s", self.path, e)

    def read(self) -> list[dict[str, Any]]:
        """Records in order; malformed lines (a torn write, a hand edit) are skipped."""
        out = []
        try:
            with self.path.open(encoding="utf-8") as f:
                for line in f:
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    if isinstance(rec, dict):
                        out.append(rec)
        except FileNotFoundError:
            pass
        return out


def answer_record(answer: Answer, source: str, user_id: int | str | None = None, **extra: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "time": _now(),
        "question": answer.question,
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
