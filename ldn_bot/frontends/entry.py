"""The `ldn-bot` program: Ctrl-C at any moment, from the first import to the interpreter's exit, ends it with
status 130 and no traceback. Only the standard library's always-loaded modules are imported before the handler
is in place (no `typing` even); `ldn_bot.frontends.cli.main` does the work."""

import os
import signal
import sys


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C while modules load or the interpreter shuts down: nothing is half-done, so leave at once."""
    try:
        os.write(2, b"\n")  # the shell's prompt starts on a line of its own, after '^C'
    finally:
        os._exit(130)


def run() -> None:
    """The console script: `ldn-bot` with the process's arguments; exits with main()'s status."""
    signal.signal(signal.SIGINT, _interrupted)
    from ldn_bot.frontends.cli import main

    code = main()  # main turns Ctrl-C into KeyboardInterrupt while a command runs, and that into 130
    signal.signal(signal.SIGINT, _interrupted)
    sys.exit(code)
