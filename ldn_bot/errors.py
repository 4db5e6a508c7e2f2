"""A small error hierarchy: every error a user can cause is an LdnBotError with a clear message."""

from __future__ import annotations


class LdnBotError(Exception):
    """Base class; front ends print the message (no traceback) and exit with `exit_code`."""

    exit_code = 2


class UsageError(LdnBotError):
    """Bad command-line input."""


class ConfigError(LdnBotError):
    """bot_config.yaml is missing, malformed or has an unknown key or wrong type."""


class CorpusError(LdnBotError):
    """A corpus file is malformed; the message names the file (and line where known)."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.detail = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class NetworkError(LdnBotError):
    """A service on the network (NCBI E-utilities) could not be reached or kept failing; one line says which."""

    exit_code = 1
