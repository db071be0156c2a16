"""Behaviour tests of a graded run (`cdverify grade --run-tests`): its code served as the paper's harness
serves it, and a Postman collection run against it by cdverify's contract runner.

For one run, in the folder where its code is laid out (materialise.py):

- a copy is set up (`--setup auto`: the dependencies from the environment cache, made once per set of
  requirements, contract/environments.py), started with `./run.sh` on the paper's port for its language
  (8080 Python, 3000 Node; `$PORT` is set too) on a fresh database — SQLite: no database file of the run is
  copied; PostgreSQL: a database of its own in the grading session's one cluster (`for_session`), made
  from an empty template and dropped after the run, whose URL and settings the server gets in
  `DATABASE_URL`, `PG*`, `POSTGRES_*` and `DB_*`, as `cdverify evaluate` gives them — and
  `/api/health-check` is polled;
- the collection runs whether the server became healthy or not (the paper runs newman anyway: a server
  that never starts scores 0 passed), with the paper's newman globals (APIURL, USERNAME, EMAIL, PASSWORD)
  and its 10 s request timeout;
- the whole process tree is stopped and every temporary folder removed, whatever happens.

Each server runs in a network namespace of its own (contract/netns.py), reached through a Unix socket: on
its paper port whatever runs beside it, so runs are served side by side (`-j`). Where the machine cannot
make a namespace, servers on one port run one at a time instead: a lock file per port in the system's
temporary folder serialises them, across the workers of a grade and across cdverify processes, and a
port another program listens on is not used (the run's error says so).

What is kept in the run's record (`BehaviourRecord`): whether the server became healthy, why not, and the
last lines of its log when something went wrong. A setup or a collection that runs past its time budget,
or a server that cannot be set up at all, is the run's error (it counts as a run with 0 assertions).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import socket
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdverify.contract.collection import BUNDLED, PAPER_GLOBALS, Collection, bundled_path, load_collection
from cdverify.contract.server import HarnessDatabase
from cdverify.grading.records import Assertions

if TYPE_CHECKING:
    from cdverify.constraints import TaskName
    from cdverify.contract.postgres import PostgresCluster
    from cdverify.contract.results import RunResult
    from cdverify.contract.server import Served
    from cdverify.grading.layout import RunSource

PAPER_REQUEST_TIMEOUT_MS = 10000  # newman --timeout-request in the paper's harness
LOG_LINES = 20  # the server's last log lines kept in a run's record when something went wrong


@dataclass(frozen=True)
class Timeouts:
    """A run's time budgets in seconds: its setup (install), its startup (until healthy), its collection."""

    setup_s: float = 900.0
    startup_s: float = 60.0
    collection_s: float = 600.0

    def __post_init__(self) -> None:
        if min(self.setup_s, self.startup_s, self.collection_s) <= 0:
            raise ValueError(f"time budgets must be positive: {self}")


@dataclass(frozen=True)
class BehaviourTests:
    """How runs are tested: the collection (read and checked once, before any run), its digest, the
    budgets, and the port (None: the paper's port for the run's language)."""

    collection: Collection
    digest: str  # sha256 of the collection file: a tested run's stored result is keyed by it
    timeouts: Timeouts = field(default_factory=Timeouts)
    port: int | None = None
    postgres: PostgresCluster | None = None  # the session's cluster (for_session): a database per run
    env: tuple[tuple[str, str], ...] = ()  # set in each server's environment (grade --pass-env, --set-env)

    @classmethod
    def load(
        cls,
        collection: str | Path = "realworld",
        timeouts: Timeouts | None = None,
        port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> BehaviourTests:
        """Read the collection (a file, or a bundled name). Raises CollectionError (a ValueError)."""
        loaded = load_collection(collection)
        path = bundled_path(str(collection)) if str(collection) in BUNDLED else Path(collection)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return cls(loaded, digest, timeouts or Timeouts(), port, env=tuple(sorted((env or {}).items())))

    @property
    def fingerprint(self) -> str:
        """What decides a tested run's result beside its code and task: for the store's key."""
        budgets = self.timeouts
        # the servers' added variables by a digest (their values may be secrets); none: the key as before
        env = f"/env:{hashlib.sha256(repr(self.env).encode()).hexdigest()[:16]}" if self.env else ""
        return (
            f"{self.digest}/{PAPER_REQUEST_TIMEOUT_MS}/{self.port or 'paper'}/"
            f"{budgets.setup_s:g}/{budgets.startup_s:g}/{budgets.collection_s:g}{env}"
        )

    def port_for(self, language: str) -> int:
        """The given port, else the paper's for the language (as `cdverify evaluate` uses them)."""
        from cdverify.evaluate import PAPER_PORTS

        return self.port or PAPER_PORTS[language]

    def to_json(self) -> dict[str, Any]:
        budgets = self.timeouts
        return {
            "collection": self.collection.name,
            "source": self.collection.source,
            "digest": self.digest,
            "port": self.port,
            "timeouts": {
                "setup_s": budgets.setup_s,
                "startup_s": budgets.startup_s,
                "collection_s": budgets.collection_s,
                "request_ms": PAPER_REQUEST_TIMEOUT_MS,
            },
        }


@dataclass(frozen=True)
class BehaviourRecord:
    """What the behaviour tests of one run did, as the report and the store keep it."""

    collection: str
    port: int
    database: HarnessDatabase
    healthy: bool
    startup_ms: int = 0
    duration_ms: int = 0  # the collection's run
    notes: tuple[str, ...] = ()  # why the server was not healthy, a failed setup, a budget run past
    log: tuple[str, ...] = ()  # the last lines of the setup and server log, when something went wrong

    def to_json(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "port": self.port,
            "database": self.database,
            "healthy": self.healthy,
            "startup_ms": self.startup_ms,
            "duration_ms": self.duration_ms,
            "notes": list(self.notes),
            "log": list(self.log),
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> BehaviourRecord:
        """Raises KeyError, TypeError or ValueError on a document `to_json` did not write."""
        return cls(
            str(document["collection"]),
            int(document["port"]),
            HarnessDatabase(document["database"]),
            bool(document["healthy"]),
            int(document["startup_ms"]),
            int(document["duration_ms"]),
            tuple(str(note) for note in document["notes"]),
            tuple(str(line) for line in document["log"]),
        )


@dataclass(frozen=True)
class BehaviourOutcome:
    """A tested run: its counts (None when it could not be tested), its record, and its error."""

    assertions: Assertions | None
    record: BehaviourRecord | None
    error: str | None = None


def database_of(task: TaskName) -> HarnessDatabase:
    """The database a run is served on: its task's, else SQLite (as `cdverify evaluate` chooses)."""
    return HarnessDatabase.POSTGRES if "postgres" in task.parts else HarnessDatabase.SQLITE


def on_postgres(source: RunSource) -> bool:
    """The run is served on PostgreSQL (its task says so)."""
    return source.paper_task is not None and database_of(source.paper_task) == "postgres"


@contextlib.contextmanager
def for_session(tests: BehaviourTests, sources: Sequence[RunSource]) -> Iterator[BehaviourTests]:
    """The tests of one grading session: when a run is on PostgreSQL, one cluster for the whole session
    (each such run gets a database of its own from its empty template, dropped after the run); stopped
    and removed when the session ends, however it ends."""
    from cdverify.contract.postgres import PostgresCluster
    from cdverify.contract.processes import new_mark
    from cdverify.contract.server import free_port

    if not any(on_postgres(source) for source in sources):
        yield tests
        return
    cluster = PostgresCluster.create(free_port())
    try:
        cluster.start(new_mark())
        cluster.create_database()  # the empty template
        yield replace(tests, postgres=cluster)
    finally:
        cluster.remove()


def isolated() -> bool:
    """Servers run in network namespaces of their own here: each on its paper port, side by side."""
    from cdverify.contract.netns import unshare_prefix

    return unshare_prefix() is not None


def run_behaviour_tests(
    folder: Path,
    task: TaskName,
    tests: BehaviourTests,
    origin: str = "",
    files: tuple[tuple[str, str], ...] = (),
) -> BehaviourOutcome:
    """Serve the code in `folder` for `task` and run the collection against it. Never raises for a problem
    of the run (a server that cannot be set up, a port in use): that becomes the outcome's error. Its
    stages are reported under `origin` (stages.py). `files`: (path, text) written into the served copy
    (the paper runtime's `.env.development`: contract/runtime_files.py)."""
    from cdverify.contract.postgres import PostgresError
    from cdverify.contract.server import ServerError

    port = tests.port_for(task.language)
    try:
        if isolated():  # its own network: the port is free, whatever runs beside it
            return _served_and_run(folder, task, tests, port, origin, files)
        with port_lock(port):
            if listening(port):
                message = f"port {port} is in use by another program (free it, or grade with --port)"
                return BehaviourOutcome(None, None, f"behaviour tests: {message}")
            return _served_and_run(folder, task, tests, port, origin, files)
    except (ServerError, PostgresError, OSError) as problem:
        return BehaviourOutcome(None, None, f"behaviour tests could not run: {problem}")


def _served_and_run(
    folder: Path,
    task: TaskName,
    tests: BehaviourTests,
    port: int,
    origin: str,
    files: tuple[tuple[str, str], ...],
) -> BehaviourOutcome:
    from cdverify.contract.runner import RunOptions, engine_with_server, run_collection
    from cdverify.contract.sandbox import ScriptEngine
    from cdverify.contract.server import ServeOptions, served
    from cdverify.grading.stages import Stage, report

    database = database_of(task)
    engine = ScriptEngine()  # started as the server starts: V8 is ready when the server answers
    options = ServeOptions(
        setup="auto",
        port=port,
        database=database,
        health_timeout_s=tests.timeouts.startup_s,
        setup_timeout_s=tests.timeouts.setup_s,
        env=dict(tests.env),
        unset_env=database_variables(),
        isolate_network=True,
        postgres=tests.postgres,
        files=files,
        on_stage=engine_with_server(engine, tests.collection, lambda stage: report(origin, Stage(stage))),
    )
    with engine, served(folder, options) as server:
        report(origin, Stage.TEST)
        run = RunOptions(
            globals={"APIURL": server.base_url, **PAPER_GLOBALS},
            timeout_request_ms=PAPER_REQUEST_TIMEOUT_MS,
            budget_s=tests.timeouts.collection_s,
            routes=server.routes,
        )
        result = run_collection(tests.collection, run, engine)
        report(origin, Stage.STOP)
        return _outcome(server, result, tests, database)


def _outcome(
    server: Served, result: RunResult, tests: BehaviourTests, database: HarnessDatabase
) -> BehaviourOutcome:
    notes = list(server.notes)
    error = None
    if server.setup_timed_out:
        error = f"behaviour tests: the setup ran past its budget of {tests.timeouts.setup_s:g} s"
    elif result.stopped is not None:
        notes.append(f"the collection {result.stopped}")
        error = f"behaviour tests: the collection {result.stopped}"
    troubled = error is not None or not server.healthy or server.setup_exit_code not in (None, 0)
    log = tuple(server.log_tail().splitlines()[-LOG_LINES:]) if troubled else ()
    record = BehaviourRecord(
        collection=tests.collection.name,
        port=server.port,
        database=database,
        healthy=server.healthy,
        startup_ms=server.startup_ms,
        duration_ms=result.duration_ms,
        notes=tuple(notes),
        log=log,
    )
    if error is not None:
        return BehaviourOutcome(None, record, error)
    # the runner's `passed` counts skipped assertions as passed; the paper's counts do not (reports.py)
    counts = Assertions(result.total, result.passed - result.skipped, result.failed)
    return BehaviourOutcome(counts, record)


def database_variables() -> tuple[str, ...]:
    """The database settings a PostgreSQL run gets (DATABASE_URL, PG*, POSTGRES_*, DB_*): a server never
    inherits them from cdverify's own environment, so that a grade does not depend on the grader's shell."""
    from cdverify.contract.postgres import PostgresCluster

    return tuple(PostgresCluster(Path(), Path(), 0).environment())


@contextlib.contextmanager
def port_lock(port: int) -> Iterator[None]:
    """Hold the machine-wide lock of `port`: a lock file in the temporary folder, freed if its holder dies."""
    from cdverify.contract.environments import locked

    with locked(Path(tempfile.gettempdir()) / f"cdverify-grade-port-{port}.lock", fcntl.LOCK_EX):
        yield


def listening(port: int) -> bool:
    """Something accepts connections on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex(("127.0.0.1", port)) == 0
