"""Ctrl-C and SIGTERM while runs are graded in worker processes: every run being graded unwinds (its
server's process tree stopped, its temporary folders removed), and nothing is left running.

- In a worker, SIGINT and SIGTERM raise KeyboardInterrupt while it grades a run, so that the run's
  `finally` blocks run; once only, so that a second signal does not cut that clean-up short. The worker
  exits once the run has unwound; an idle worker exits at once (no traceback per worker on Ctrl-C).
- In the main process, an interrupt (or any other exception) while the pool works sends SIGINT to the
  pool's workers and waits for them to unwind, before the pool is shut down: a SIGTERM sent to the main
  process alone would otherwise leave each worker serving and testing its run to the end. (On Ctrl-C the
  workers have the terminal's SIGINT already; this second one is ignored.)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any, Generic, TypeVar

# How long the main process waits for an interrupted worker to stop its server and clean up (stop_tree
# gives a server 5 s after SIGTERM, then kills it; a PostgreSQL cluster stops at once).
UNWIND_S = 30.0

Item = TypeVar("Item")
Result = TypeVar("Result")

# the state of a worker process (never set in the main process)
_grading = False  # it is grading a run now
_interrupted = False  # and that run was interrupted: it is unwinding


def _on_signal(signum: int, frame: FrameType | None) -> None:
    global _interrupted
    if not _grading:
        os._exit(128 + signum)
    if not _interrupted:
        _interrupted = True
        raise KeyboardInterrupt


def worker_signals(stages: Any = None) -> None:
    """The pool's initializer: how a worker meets SIGINT and SIGTERM; where it reports its runs' stages
    (stages.py: a queue, or None)."""
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    if stages is not None:
        from cdverify.grading.stages import worker_sink

        worker_sink(stages)


@dataclass(frozen=True)
class Guarded(Generic[Item, Result]):
    """A worker's task (picklable): `function`, marked as grading while it runs."""

    function: Callable[[Item], Result]

    def __call__(self, item: Item) -> Result:
        global _grading, _interrupted
        _grading, _interrupted = True, False
        try:
            return self.function(item)
        finally:
            _grading = False
            if _interrupted:  # the run has unwound: leave, rather than wait for the pool's next run
                os._exit(128 + signal.SIGINT)


def children() -> set[multiprocessing.process.BaseProcess]:
    """The living child processes started by this process with multiprocessing."""
    return set(multiprocessing.active_children())


def stop_children(started_before: set[multiprocessing.process.BaseProcess]) -> None:
    """Interrupt every child started since `started_before` was taken (the pool's workers), and wait for
    them to unwind; one that does not within UNWIND_S is killed."""
    workers = [child for child in multiprocessing.active_children() if child not in started_before]
    for worker in workers:
        if worker.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGINT)
    for worker in workers:
        worker.join(UNWIND_S)
        if worker.is_alive():
            worker.kill()
            worker.join(UNWIND_S)
