"""Grading on a Ray cluster (`cdverify grade --executor ray [--address HOST:PORT]`, extra `cdverify[ray]`).

The runs are dealt to a pool of Ray actors, one per CPU of the cluster (at most one per run). Each actor
lays out, verifies and, with `--run-tests`, serves and tests the runs it is given, one at a time; on its
first PostgreSQL run it starts one throwaway cluster that its later PostgreSQL runs share (a database each
from the template, as on one machine), removed when the grade ends. Results come back to the machine that
started the grade as they finish, in any order, and go into the same store as local runs (a second grade
resumes where this one stopped). An actor lost with its node becomes its run's error and is replaced;
what it had started is reaped by the next cdverify on that node (processes.reap_orphans).

Every worker needs what a local grade needs: cdverify (the same version), Python, Node and npm,
PostgreSQL's server binaries for PostgreSQL tasks, and the results tree at the same path (a shared file
system). docs/grading-cluster.md says how to set one up.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from cdverify.grading.layout import GradeInputError

if TYPE_CHECKING:
    from cdverify.grading.behaviour import BehaviourTests
    from cdverify.grading.grader import RunGrade
    from cdverify.grading.layout import RunSource

CLOSE_TIMEOUT_S = 120.0  # for the actors to stop their PostgreSQL clusters at the end


class RunWorker:
    """One worker's share of a grade (a Ray actor on the cluster; a plain object in the tests)."""

    def __init__(self, grade_one: Callable[..., RunGrade], tests: BehaviourTests | None) -> None:
        self._grade_one = grade_one  # grader.grade_run with the grade's settings; `tests` given per run
        self._tests = tests
        self._session = contextlib.ExitStack()
        self._postgres: BehaviourTests | None = None

    def grade(self, index: int, source: RunSource) -> tuple[int, RunGrade]:
        return index, self._grade_one(source, tests=self._tests_for(source))

    def close(self) -> None:
        """Stop and remove this worker's PostgreSQL cluster, if it started one."""
        self._session.close()
        self._postgres = None

    def _tests_for(self, source: RunSource) -> BehaviourTests | None:
        from cdverify.grading.behaviour import for_session, on_postgres

        if self._tests is None or not on_postgres(source):
            return self._tests
        if self._postgres is None:
            self._postgres = self._session.enter_context(for_session(self._tests, [source]))
        return self._postgres


def ray_runs(
    grade_one: Callable[..., RunGrade],
    tests: BehaviourTests | None,
    address: str | None,
    failed: Callable[[RunSource, str], RunGrade],
) -> Callable[[list[RunSource]], Iterator[tuple[int, RunGrade]]]:
    """Grade runs on the Ray cluster at `address`; each result with its source's index, in the order they
    finish. A run whose actor is lost, or whose task fails, becomes its run's error (`failed`)."""
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
        actor: Any = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(RunWorker)
        shared = ray.put(grade_one)
        cpus = ray.cluster_resources().get("CPU", 1)  # type: ignore[no-untyped-call]
        size = max(1, min(len(sources), int(cpus)))
        workers = [actor.remote(shared, tests) for _ in range(size)]
        queue = deque(enumerate(sources))
        running: dict[Any, tuple[int, Any]] = {}  # task → (its run's index, its actor)

        def deal(worker: Any) -> None:
            if queue:
                index, source = queue.popleft()
                running[worker.grade.remote(index, source)] = (index, worker)

        for worker in workers:
            deal(worker)
        try:
            while running:
                done, _ = ray.wait(list(running), num_returns=1)
                for reference in done:
                    index, worker = running.pop(reference)
                    try:
                        _, graded = ray.get(reference)
                    except ray.exceptions.RayActorError as error:
                        graded = failed(sources[index], f"the Ray worker was lost: {type(error).__name__}")
                        workers.remove(worker)
                        worker = actor.remote(shared, tests)  # a fresh one in its place
                        workers.append(worker)
                    except ray.exceptions.RayError as error:
                        graded = failed(sources[index], f"the Ray task failed: {type(error).__name__}")
                    deal(worker)
                    yield index, graded
        finally:
            # interrupted: each run being graded unwinds (its server stopped) on its worker; then every
            # worker removes its PostgreSQL cluster before it goes
            for reference in running:
                ray.cancel(reference)
            closing = [worker.close.remote() for worker in workers]
            ray.wait(closing, num_returns=len(closing), timeout=CLOSE_TIMEOUT_S)
            for worker in workers:
                ray.kill(worker)
            ray.shutdown()

    return run_all
