"""Grading on a Ray cluster (`cdverify grade --executor ray [--address HOST:PORT]`, extra `cdverify[ray]`).

Each run is one Ray task: its code laid out, verified and, with `--run-tests`, served and tested on the
worker that picks it up. Results come back to the machine that started the grade as they finish, in any
order, and go into the same store as local runs (a second grade resumes where this one stopped). Every
worker needs what a local grade needs: cdverify (the same version), Python, Node and npm, PostgreSQL's
server binaries for PostgreSQL tasks, and the results tree at the same path (a shared file system).
docs/grading-cluster.md says how to set one up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from cdverify.grade.layout import GradeInputError

if TYPE_CHECKING:
    from cdverify.grade.grader import RunGrade
    from cdverify.grade.layout import RunSource


def _grade_task(grade_one: Callable[[RunSource], RunGrade], source: RunSource) -> RunGrade:
    return grade_one(source)


def ray_runs(
    grade_one: Callable[[RunSource], RunGrade],
    address: str | None,
    failed: Callable[[RunSource, str], RunGrade],
) -> Callable[[list[RunSource]], Iterator[tuple[int, RunGrade]]]:
    """Grade runs as Ray tasks on the cluster at `address`; each result with its source's index, in the
    order they finish. A task lost with its worker becomes its run's error (`failed`)."""
    try:
        import ray
    except ImportError:
        raise GradeInputError(
            "--executor ray needs Ray, which is not installed: pip install 'cdverify[ray]'"
        ) from None

    def run_all(sources: list[RunSource]) -> Iterator[tuple[int, RunGrade]]:
        if not sources:
            return
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False, ignore_reinit_error=True)
        task: Any = ray.remote(num_cpus=1, max_retries=0)(_grade_task)
        shared = ray.put(grade_one)
        index_of = {task.remote(shared, source): index for index, source in enumerate(sources)}
        pending = list(index_of)
        try:
            while pending:
                done, pending = ray.wait(pending, num_returns=1)
                for reference in done:
                    index = index_of[reference]
                    try:
                        yield index, ray.get(reference)
                    except ray.exceptions.RayError as error:
                        yield index, failed(sources[index], f"the Ray task failed: {type(error).__name__}")
        finally:
            for reference in pending:  # interrupted: each task unwinds (its server stopped) on its worker
                ray.cancel(reference)
            ray.shutdown()

    return run_all
