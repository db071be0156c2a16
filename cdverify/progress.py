"""A progress line on stderr for long work (`check`, `inspect` on a big tree): the stage, and while parsing
the files done out of all. Shown only when stderr is a terminal, not before the run has lasted `DELAY_S`
(a small project never shows it), never when `CDVERIFY_NO_PROGRESS` is set; the line is erased when the
work ends, so the terminal holds the report alone. Nothing goes to stdout: the report is the same bytes
with or without it. A CI log or a pipe never gets it (its stderr is no terminal).

The pipeline reports through `stage` and `step`, which cost a clock read when no line is shown.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

DELAY_S = 1.0  # the line appears only once the work has lasted this long
_EVERY_S = 0.1  # at most ten redraws a second


class _Line:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.width = 0  # of the line on screen, to blank what a shorter one leaves
        self.stage = ""
        self.pid = os.getpid()  # a forked parser worker writes nothing

    def draw(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        if (
            os.getpid() != self.pid
            or now - self.started < DELAY_S
            or (not force and now - self.drawn_at < _EVERY_S)
        ):
            return
        self.drawn_at = now
        text = f"cdverify: {text}"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def erase(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


_line: _Line | None = None


def wanted(stream: TextIO) -> bool:
    """A progress line suits `stream`: a terminal, and not turned off with CDVERIFY_NO_PROGRESS."""
    if os.environ.get("CDVERIFY_NO_PROGRESS"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


@contextmanager
def showing(stream: TextIO | None = None) -> Iterator[None]:
    """Report the stages of the work inside on `stream` (stderr) when it suits a progress line."""
    global _line
    stream = stream or sys.stderr
    outer = _line
    _line = _Line(stream) if wanted(stream) else None
    try:
        yield
    finally:
        if _line is not None:
            _line.erase()
        _line = outer


def stage(name: str) -> None:
    """The work has moved on to `name` (e.g. "resolving imports")."""
    if _line is not None:
        _line.stage = name
        _line.draw(name, force=True)


def step(done: int, total: int) -> None:
    """`done` of the current stage's `total` items are done."""
    if _line is not None:
        _line.draw(f"{_line.stage} {done}/{total}")
