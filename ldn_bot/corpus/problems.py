"""A problem found in a corpus file, reported to curators as `file:line: severity: message`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One finding of the loader or `corpus validate`.

    `path` is the file, `line` its 1-based line (None when the problem is the whole file), `severity`
    "error" (the corpus does not load, or would mislead members) or "warning" (for a curator to check).
    """

    path: str
    line: int | None
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"
