"""Files written whole or not at all.

`atomic_write` is for records and settings: the text goes to a temporary file beside the target, is flushed to
disk, then renamed over (or, with `overwrite=False`, linked to) the target name, so a reader sees the old file or
the new one, never a 0-byte or half-written file. `append_line` is for the JSON Lines logs: one whole line per
write; a write that fails part-way is undone, and a line never starts glued to a torn one left by a crash.
"""

from __future__ import annotations

import errno
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

log = logging.getLogger("ldn_bot.fileio")


def atomic_write(path: str | Path, data: str | bytes, *, overwrite: bool = True, encoding: str = "utf-8",
                 mode: int = 0o644) -> None:
    """Write `data` to `path` whole or not at all.

    With `overwrite=False` an existing `path` is never replaced: FileExistsError (checked atomically, so two
    writers racing for one name cannot both win). The parent folder must exist. Any OSError (disk full,
    permission, ...) is raised after the temporary file is removed; `path` is then untouched.
    """
    raw = data.encode(encoding) if isinstance(data, str) else bytes(data)
    with write_whole(path, overwrite=overwrite, mode=mode) as f:
        f.write(raw)


@contextmanager
def write_whole(path: str | Path, *, overwrite: bool = True, mode: int = 0o644,
                sync: bool = True) -> Iterator[IO[bytes]]:
    """A binary file that becomes `path` whole, when the block ends without an exception, or not at all (see
    `atomic_write`). `sync=False` skips flushing to disk, for files that can be rebuilt (the index cache)."""
    target = Path(path)
    if not overwrite and os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, "file exists", str(target))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            if sync:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, mode)
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_new(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if sync:
        _sync_dir(target.parent)


def _link_new(tmp: str, target: Path) -> None:
    """Give `tmp` the name `target` only if no such name exists (link(2) fails on an existing name)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links: check, then rename (a race is then possible, but rare)
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "file exists", str(target)) from None
        os.replace(tmp, target)
        return
    os.unlink(tmp)


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def append_line(path: str | Path, line: str) -> bool:
    """Append `line` and a newline to `path` as one write; True if it was written.

    The line must not contain a newline (ValueError). The parent folder is created. If the file does not end in a
    newline (a line torn by an earlier crash), a newline goes first, so this line is whole on its own line. On
    failure (disk full, permission, ...) a warning is logged, whatever part of the line reached the file is cut
    off again, and False is returned: a log write never stops the caller.
    """
    if "\n" in line or "\r" in line:
        raise ValueError("append_line: the line contains a line break")
    target = Path(path)
    payload = line.encode("utf-8") + b"\n"
    fd = -1
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # O_APPEND: every write lands at the end, so concurrent writers' lines stay whole.
        try:
            fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except PermissionError:  # a write-only file: append without the torn-line check
            fd = os.open(target, os.O_WRONLY | os.O_APPEND)
        if _ends_torn(fd):
            payload = b"\n" + payload
        _write_all_or_undo(fd, payload)
        return True
    except OSError as e:
        log.warning("%s: could not write a log line (%s); it is lost", target, e.strerror or e)
        return False
    finally:
        if fd >= 0:
            os.close(fd)


def _ends_torn(fd: int) -> bool:
    """Whether the file is non-empty and its last byte is not a newline."""
    size = os.fstat(fd).st_size
    if size == 0:
        return False
    try:
        return os.pread(fd, 1, size - 1) != b"\n"
    except OSError:  # opened write-only, or not a regular file
        return False


def _write_all_or_undo(fd: int, payload: bytes) -> None:
    written = 0
    try:
        written = os.write(fd, payload)
        if written != len(payload):
            raise OSError(errno.ENOSPC, "short write: the disk is probably full")
    except OSError:
        if written:
            _undo(fd, written)
        raise


def _undo(fd: int, written: int) -> None:
    """Cut off the `written` bytes this process just appended, if nothing has been appended after them."""
    try:
        end = os.lseek(fd, 0, os.SEEK_CUR)
        if os.fstat(fd).st_size == end:
            os.ftruncate(fd, end - written)
    except OSError:
        pass
