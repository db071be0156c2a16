"""Where each run is while it is graded, for the progress display: laid out, verified, set up, started,
tested. Worker processes send their runs' stages to the grading process through a queue.

`report(origin, stage)` is called where the work happens; it goes to the sink of the process it runs in:
a callback in the grading process (`-j 1`), or the queue a worker was given when the pool started it
(`worker_sink`, drained by `drained` into the same callback). Without a sink nothing is reported.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Any


class Stage(StrEnum):
    LAYOUT = "laying out"
    VERIFY = "verifying"
    SETUP = "setting up"
    START = "starting"
    TEST = "testing"
    STOP = "stopping"


Sink = Callable[[str, Stage], None]
_sink: Sink | None = None


def report(origin: str, stage: Stage) -> None:
    if _sink is not None:
        _sink(origin, stage)


@contextlib.contextmanager
def reporting_to(sink: Sink | None) -> Iterator[None]:
    """Stages reported in this process go to `sink` while the block runs."""
    global _sink
    previous, _sink = _sink, sink
    try:
        yield
    finally:
        _sink = previous


def worker_sink(queue: Any) -> None:
    """In a worker process (the pool's initializer): stages go to `queue`."""
    global _sink

    def put(origin: str, stage: Stage) -> None:
        with contextlib.suppress(OSError, ValueError):
            queue.put((origin, stage.value))

    _sink = put


@contextlib.contextmanager
def drained(sink: Sink | None) -> Iterator[Any]:
    """A queue for the workers' stages, drained into `sink` by a thread while the block runs (None, and no
    thread, without a sink)."""
    if sink is None:
        yield None
        return
    queue = multiprocessing.get_context().SimpleQueue()

    def drain() -> None:
        while (item := queue.get()) is not None:
            origin, stage = item
            sink(origin, Stage(stage))

    thread = threading.Thread(target=drain, name="cdverify-stages", daemon=True)
    thread.start()
    try:
        yield queue
    finally:
        queue.put(None)
        thread.join(timeout=5)
