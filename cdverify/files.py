"""Reading a project's file without trusting it: only a regular file is read, and never past a bound.

A project may hold anything under a file's name: a FIFO (reading it waits for a writer forever), a link to
`/dev/zero` (endless), a socket, a folder. `read_regular` opens without blocking, checks what it opened,
and reads at most `limit` bytes, so no name in a project can hang or exhaust cdverify.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

# the bound of a read with no bound of its own (a source file discovery found under max_file_bytes, a
# package.json or tsconfig the resolver reads): far above any file worth analysing, far below memory
MAX_UNTRUSTED_BYTES = 256 * 1_048_576

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISLNK, "a symbolic link"),
)


class NotReadable(Exception):
    """Why a file was not read: `reason` is one line, ready for a message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def kind_of(mode: int) -> str:
    """`a named pipe (FIFO)`, `a socket`, … for a mode that is not a regular file's."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_regular(path: Path, limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of `path` if it is a regular file of at most `limit` bytes; else `NotReadable`.

    Opening is non-blocking (a FIFO opens at once instead of waiting for a writer) and the kind is checked
    on the opened descriptor, so a file swapped after a check is not read either."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_symlinks and os.path.islink(path):
            raise NotReadable("a symbolic link, not followed") from None
        raise NotReadable(exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable(f"{kind_of(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise NotReadable(f"{info.st_size:,} bytes is over the {limit:,}-byte limit")
        os.set_blocking(fd, True)
        chunks = []
        remaining = limit + 1
        while remaining > 0 and (chunk := os.read(fd, min(remaining, 1 << 20))):
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise NotReadable(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:  # the file grew while it was read
        raise NotReadable(f"over the {limit:,}-byte limit")
    return data


__all__ = ["MAX_UNTRUSTED_BYTES", "NotReadable", "kind_of", "read_regular"]


def parse_toml(text: str) -> dict[str, Any] | str:
    """A TOML document (a manifest, a configuration file), or why it cannot be read, in one line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return str(exc)
    except RecursionError:
        return "values nested too deep to read"
