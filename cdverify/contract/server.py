"""The server under test: a temporary copy of the project, a fresh database, the setup and run commands,
a health check with a time limit, the server's log, and a clean stop of the whole process tree.

`served(...)` is a context manager: whatever happens inside (success, failure, timeout, Ctrl-C), the
server's processes are terminated then killed, the database cluster is stopped, and every temporary
directory is removed. A server that never becomes healthy is still yielded (healthy=False), so that the
contract run records 0 passed, as the paper's harness does.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdverify.contract.cgroups import RunGroup
from cdverify.contract.environments import Prepared, SetupError, in_use, prepare
from cdverify.contract.logs import CappedLog
from cdverify.contract.postgres import PostgresCluster
from cdverify.contract.processes import MARK_VARIABLE, claim, new_mark, reap_orphans, stop_marked, stop_tree

LOG_TAIL_BYTES = 64 * 1024
SQLITE_FILES = ("*.db", "*.sqlite", "*.sqlite3", "*.db-journal", "*.db-wal", "*.db-shm")
COPY_IGNORE = (".git", "__pycache__", ".pytest_cache", ".mypy_cache")


class ServerError(RuntimeError):
    """The server under test could not be set up (not: it failed to become healthy)."""


@dataclass(frozen=True)
class ServeOptions:
    run: str = "./run.sh"
    setup: str | None = None
    port: int | None = None  # None: a free port
    health: str = "/api/health-check"
    base_path: str = "/api"
    database: str | None = None  # sqlite | postgres | None (leave the project as it is)
    health_timeout_s: float = 60.0
    setup_timeout_s: float = 900.0
    env: dict[str, str] = field(default_factory=dict)
    unset_env: tuple[str, ...] = ()  # variables of cdverify's own environment the server must not inherit
    keep: bool = False  # keep the temporary copy (for debugging); processes are stopped regardless
    # the server in a network namespace of its own (netns.py): its port is free whatever other servers
    # run beside it; reached through a Unix socket. Where the machine cannot, it shares the network.
    isolate_network: bool = False
    # a running cluster to take a fresh database from (one cluster per grading session); None: a
    # throwaway cluster of the run's own
    postgres: PostgresCluster | None = None
    on_stage: Callable[[str], None] | None = None  # hears "setting up", then "starting"


@dataclass
class Served:
    """A started server: where it listens and what it said."""

    workdir: Path
    port: int
    base_url: str
    healthy: bool = False
    health_status: int | None = None
    exit_code: int | None = None
    startup_ms: int = 0
    setup_ms: int = 0
    setup_exit_code: int | None = None
    environment: str | None = None  # which cached environment `--setup auto` used, or made
    setup_timed_out: bool = False
    log_path: Path | None = None
    log: CappedLog | None = field(default=None, repr=False)  # while the server runs
    unix_socket: Path | None = None  # where a server in its own network namespace is reached

    @property
    def routes(self) -> dict[str, str]:
        """For the contract runner: the server's origin → the Unix socket it is reached through."""
        if self.unix_socket is None:
            return {}
        return {f"http://127.0.0.1:{self.port}": str(self.unix_socket)}

    database: str | None = None
    notes: list[str] = field(default_factory=list)

    def log_tail(self) -> str:
        if self.log is not None:
            return self.log.tail(LOG_TAIL_BYTES).decode("utf-8", errors="replace")
        if self.log_path is None or not self.log_path.exists():
            return ""
        data = self.log_path.read_bytes()
        return data[-LOG_TAIL_BYTES:].decode("utf-8", errors="replace")

    def describe(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "port": self.port,
            "healthy": self.healthy,
            "health_status": self.health_status,
            "setup_ms": self.setup_ms,
            "startup_ms": self.startup_ms,
            "exit_code": self.exit_code,
            "setup_exit_code": self.setup_exit_code,
            "environment": self.environment,
            "database": self.database,
            "notes": self.notes,
            "log": self.log_tail(),
        }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def health_status(url: str, timeout: float = 2.0, unix_socket: Path | None = None) -> int | None:
    """The status `url` answers with (through `unix_socket` for a server in its own network namespace);
    None when nothing answers."""
    if unix_socket is not None:
        import httpx

        try:
            with httpx.Client(transport=httpx.HTTPTransport(uds=str(unix_socket)), timeout=timeout) as client:
                return client.get(url).status_code
        except httpx.HTTPError:
            return None
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def copy_project(project: Path, destination: Path, *, fresh_sqlite: bool) -> Path:
    """A copy of the project (symlinks kept as links, so a link loop cannot make it endless)."""
    if not project.is_dir():
        raise ServerError(f"{project}: not a directory")
    ignored = COPY_IGNORE + (SQLITE_FILES if fresh_sqlite else ())
    return Path(
        shutil.copytree(
            project, destination, symlinks=True, ignore=shutil.ignore_patterns(*ignored), dirs_exist_ok=False
        )
    )


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM to cdverify itself unwinds like Ctrl-C, so the cleanup below always runs."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM held while a clean-up runs, then raised again (to the handlers there were before)
    once it is done: an interrupt never leaves a server or a folder half cleaned up."""
    held: list[int] = []
    watched = (signal.SIGINT, signal.SIGTERM)
    try:
        previous = {
            watched_signal: signal.signal(watched_signal, lambda number, _frame: held.append(number))
            for watched_signal in watched
        }
    except ValueError:  # not the main thread: signals are not delivered here
        yield
        return
    try:
        yield
    finally:
        for watched_signal, handler in previous.items():
            signal.signal(watched_signal, handler)
        for number in dict.fromkeys(held):
            signal.raise_signal(number)


def _auto_setup(
    workdir: Path, state: Served, log: Any, timeout_s: float
) -> tuple[str | None, Prepared | None]:
    """`--setup auto`: the dependencies from the environment cache (made on a miss); the commands still to
    run in the copy. A failed install is recorded like a failed setup command: the server still starts."""
    try:
        prepared = prepare(workdir, log, timeout_s)
    except SetupError as error:
        log.write(f"\n[cdverify] setup failed: {error}\n".encode())
        state.setup_exit_code = -1 if error.timed_out else 1
        state.setup_timed_out = error.timed_out
        limit = f"setup ran past its limit of {timeout_s:g} s ({error})"
        state.notes.append(limit if error.timed_out else f"setup failed: {error}")
        return None, None
    if prepared is None:
        return None, None
    state.environment = prepared.note
    return " && ".join(prepared.commands) or None, prepared


def _setup(command: str, workdir: Path, env: dict[str, str], log: CappedLog, timeout_s: float) -> int | None:
    """The setup command's exit code, or None when it ran past `timeout_s` (it is stopped then)."""
    log.write(f"$ {command}\n".encode())
    process = _start(command, workdir, env, log)
    try:
        return process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        log.write(f"\n[cdverify] setup timed out after {timeout_s:.0f} s\n".encode())
        return None
    finally:
        stop_tree(process, grace_s=2.0)


def _start(command: str, workdir: Path, env: dict[str, str], log: CappedLog) -> subprocess.Popen[bytes]:
    """`command` in a session of its own, its output drained into the log."""
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert process.stdout is not None
    log.pump(process.stdout)
    return process


def _in_namespace(run: str, state: Served, scratch: Path, cluster: PostgresCluster | None) -> str:
    """The shell command `run` wrapped to run in a network namespace of its own, bridged by netns.py: the
    server's port through a Unix socket in `scratch`, the database's port to the cluster's socket.
    Unchanged (with a note) where this machine cannot make one."""
    import sys

    from cdverify.contract.netns import unshare_prefix

    prefix = unshare_prefix()
    if prefix is None:
        state.notes.append("no network namespace on this machine (unshare): the server shares the network")
        return run
    state.unix_socket = scratch / "http.sock"
    bridges = ["--http", f"{state.unix_socket}:{state.port}"]
    if cluster is not None:
        bridges += ["--tcp", f"{cluster.port}:{cluster.socket}"]
    bridge = [sys.executable, "-m", "cdverify.contract.netns", *bridges]
    return shlex.join([*prefix, *bridge, "--", "bash", "-c", run])


@contextlib.contextmanager
def served(project: Path, options: ServeOptions) -> Iterator[Served]:
    """Copy, set up and start the project; yield it (healthy or not); always stop and clean up."""
    reap_orphans()  # what a cdverify that was killed left: its servers, clusters and folders
    scratch: Path | None = None
    cluster: PostgresCluster | None = None
    process: subprocess.Popen[bytes] | None = None
    mark = new_mark()  # on every process of this run, wherever it goes
    group: RunGroup | None = None  # and a cgroup of its own, where the machine offers one
    with terminate_as_interrupt(), contextlib.ExitStack() as holding:
        try:
            scratch = claim(Path(tempfile.mkdtemp(prefix="cdverify-serve-")))
            group = RunGroup.create(mark)
            workdir = copy_project(
                project, scratch / project.resolve().name, fresh_sqlite=options.database == "sqlite"
            )
            port = options.port or free_port()
            inherited = {key: value for key, value in os.environ.items() if key not in options.unset_env}
            env = {**inherited, **options.env, "PORT": str(port), MARK_VARIABLE: mark}
            state = Served(
                workdir=workdir,
                port=port,
                base_url=f"http://127.0.0.1:{port}{options.base_path}",
                log_path=scratch / "server.log",
                database=options.database,
            )
            if options.database == "postgres" and options.postgres is not None:
                shared = options.postgres  # a database of its own, from the empty template, dropped after
                env.update(shared.environment(holding.enter_context(shared.fresh_database())))
            elif options.database == "postgres":
                cluster = PostgresCluster.create(free_port())
                cluster.start(mark)
                cluster.create_database()
                env.update(cluster.environment())
            run = options.run
            script = workdir / run.split()[0] if run.startswith("./") else None
            if script is not None and script.is_file():
                script.chmod(script.stat().st_mode | 0o111)  # the paper's `chmod +x run.sh`
            log = state.log = holding.enter_context(CappedLog(scratch / "server.log"))
            if options.on_stage is not None:
                options.on_stage("setting up")
            setup_started = time.monotonic()
            setup = options.setup
            if setup == "auto":
                setup, prepared = _auto_setup(workdir, state, log, options.setup_timeout_s)
                if prepared is not None:
                    env.update(prepared.env)
                    holding.enter_context(in_use(prepared))
            if setup:
                in_group = group.wrap(setup) if group is not None else setup
                code = _setup(in_group, workdir, env, log, options.setup_timeout_s)
                state.setup_timed_out = code is None
                state.setup_exit_code = -1 if code is None else code
                if code is None:
                    state.notes.append(f"setup ran past its limit of {options.setup_timeout_s:g} s")
                elif code != 0:
                    state.notes.append(f"setup exited with code {code}")
            state.setup_ms = round((time.monotonic() - setup_started) * 1000)
            log.write(f"$ {run}\n".encode())
            if options.on_stage is not None:
                options.on_stage("starting")
            command = run
            if options.isolate_network:
                database = (
                    options.postgres if options.database == "postgres" and options.postgres else cluster
                )
                command = _in_namespace(run, state, scratch, database)
            started = time.monotonic()
            process = _start(group.wrap(command) if group is not None else command, workdir, env, log)
            health_url = f"http://127.0.0.1:{port}{options.health}"
            deadline = started + options.health_timeout_s
            pause = 0.025  # short at first: most servers are up within a second; then every 0.2 s
            while True:
                state.health_status = health_status(health_url, unix_socket=state.unix_socket)
                if state.health_status == 200:
                    state.healthy = True
                    break
                if process.poll() is not None:
                    state.exit_code = process.returncode
                    state.notes.append(
                        f"the server exited with code {process.returncode} before it was healthy"
                    )
                    break
                if time.monotonic() > deadline:
                    waited = f"{options.health_timeout_s:.0f} s"
                    state.notes.append(f"not healthy after {waited} (last status: {state.health_status})")
                    break
                time.sleep(pause)
                pause = min(pause * 2, 0.2)
            state.startup_ms = round((time.monotonic() - started) * 1000)
            yield state
            if process.poll() is not None and state.exit_code is None:
                state.exit_code = process.returncode
        finally:
            with signals_deferred():  # a second Ctrl-C or SIGTERM must not cut the clean-up short
                if process is not None:
                    stop_tree(process)
                if group is not None:
                    group.remove()  # what is left in the run's cgroup, whatever its environment says
                if cluster is not None:
                    cluster.remove()
                stop_marked(mark)  # what left the server's tree: daemons, children in their own session
                if scratch is not None and not options.keep:
                    shutil.rmtree(scratch, ignore_errors=True)
