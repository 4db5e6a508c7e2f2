"""Long output on a terminal goes through a pager, as git does: LDN_BOT_PAGER, then PAGER, then `less -FRX`
(-F: quit at once when it fits, -R: keep colours, -X: leave the text on screen). Piped output never does."""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import TextIO

from ldn_bot.render.terminal import terminal_size

DEFAULT_PAGER = "less -FRX"


def pager_command() -> list[str] | None:
    """The pager to run, split into words; None when paging is turned off (an empty value, or `cat`)."""
    for name in ("LDN_BOT_PAGER", "PAGER"):
        if name in os.environ:
            value = os.environ[name].strip()
            break
    else:
        value = DEFAULT_PAGER
    try:
        words = shlex.split(value)
    except ValueError:
        words = value.split()
    return words if words and words != ["cat"] else None


def show(text: str, stream: TextIO, *, paged: bool = True) -> None:
    """Print `text` to `stream`; through the pager when `paged`, `stream` is a terminal and `text` is taller than
    it. A pager that cannot be started is skipped: the text is printed instead, never lost."""
    isatty = getattr(stream, "isatty", None)
    if paged and isatty and isatty() and text.count("\n") + 1 >= terminal_size(stream).lines:
        command = pager_command()
        if command and _run_pager(command, text, stream):
            return
    print(text, file=stream, flush=True)


def _run_pager(command: list[str], text: str, stream: TextIO) -> bool:
    stream.flush()
    env = {**os.environ}
    env.setdefault("LESS", "FRX")  # as git: a bare `less` still quits when the text fits and keeps colours
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    try:
        with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=fd, env=env) as pager:
            try:
                assert pager.stdin is not None
                pager.stdin.write((text + "\n").encode("utf-8", errors="replace"))
                pager.stdin.close()
            except BrokenPipeError:  # the reader quit the pager early
                pass
            pager.wait()
    except OSError:
        return False
    return True
