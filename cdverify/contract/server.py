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
import stat
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from cdverify.contract.cgroups import RunGroup
from cdverify.contract.environments import Prepared, SetupError, in_use, prepare
from cdverify.contract.logs import CappedLog
from cdverify.contract.postgres import PostgresCluster
from cdverify.contract.processes import MARK_VARIABLE, claim, new_mark, reap_orphans, stop_marked, stop_tree
from cdverify.contract.server_env import SERVER_VARIABLES, passed_environment, setup_environment

LOG_TAIL_BYTES = 64 * 1024
SQLITE_FILES = ("*.db", "*.sqlite", "*.sqlite3", "*.db-journal", "*.db-wal", "*.db-shm")
COPY_IGNORE = (".git", "__pycache__", ".pytest_cache", ".mypy_cache")
# a file this big is no source file (a sparse 20 GB file would fill the disk): left out of the copy
MAX_COPIED_FILE_BYTES = 256 * 1024 * 1024


class ServerError(RuntimeError):
    """The server under test could not be set up (not: it failed to become healthy)."""


class HarnessDatabase(StrEnum):
    """The database a served project gets: a fresh SQLite file or a fresh PostgreSQL database."""

    SQLITE = "sqlite"
    POSTGRES = "postgres"


@dataclass(frozen=True)
class ServeOptions:
    run: str = "./run.sh"
    setup: str | None = None
    port: int | None = None  # None: a free port
    health: str = "/api/health-check"
    base_path: str = "/api"
    database: HarnessDatabase | None = None  # None: leave the project's database as it is
    health_timeout_s: float = 60.0
    setup_timeout_s: float = 900.0
    env: dict[str, str] = field(default_factory=dict)  # set in the server's environment
    # names (or fnmatch patterns, `AWS_*`, `*`) of cdverify's own variables the server also gets, beyond
    # server_env.SERVER_VARIABLES
    pass_env: tuple[str, ...] = ()
    unset_env: tuple[str, ...] = ()  # variables of cdverify's own environment the server must not inherit
    stop_grace_s: float = 5.0  # SIGTERM, then SIGKILL this much later
    keep: bool = False  # keep the temporary copy (for debugging); processes are stopped regardless
    # the server in a network namespace of its own (netns.py): its port is free whatever other servers
    # run beside it; reached through a Unix socket. Where the machine cannot, it shares the network.
    isolate_network: bool = False
    # a running cluster to take a fresh database from (one cluster per grading session); None: a
    # throwaway cluster of the run's own
    postgres: PostgresCluster | None = None
    on_stage: Callable[[str], None] | None = None  # hears "setting up", then "starting"
    # (path in the copy, text): files written into the copy before the setup, over the project's (the
    # paper runtime's `.env.development` that `evaluate` judged the app with: runtime_files.py)
    files: tuple[tuple[str, str], ...] = ()


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
    interrupted: str | None = None  # the signal (SIGINT, SIGTERM) that cut the run short
    kept_log: str | None = field(default=None, repr=False)  # the log's tail, kept when its folder goes

    def log_tail(self) -> str:
        if self.kept_log is not None:
            return self.kept_log
        if self.log is not None:
            return self.log.tail(LOG_TAIL_BYTES).decode("utf-8", errors="replace")
        if self.log_path is None or not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as handle:  # the end only: the file may be large
            handle.seek(max(0, self.log_path.stat().st_size - LOG_TAIL_BYTES))
            return handle.read().decode("utf-8", errors="replace")

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


def copy_project(project: Path, destination: Path, *, fresh_sqlite: bool) -> tuple[Path, list[str]]:
    """A copy of the project, and notes on what was left out of it. Symbolic links are copied as links (a
    link loop cannot make the copy endless, a link to /dev/zero is never read); what is neither a file, a
    folder nor a link (a FIFO, a socket, a device) is left out, never opened, and so is a file over
    MAX_COPIED_FILE_BYTES (a huge sparse file) and one that cannot be read."""
    if not project.is_dir():
        raise ServerError(f"{project}: not a directory")
    ignored = shutil.ignore_patterns(*COPY_IGNORE, *(SQLITE_FILES if fresh_sqlite else ()))
    left_out: list[str] = []

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set(ignored(folder, names))
        for name in names:
            if name in skipped:
                continue
            path = Path(folder, name)
            try:
                mode = path.lstat()
            except OSError as error:
                skipped.add(name)
                left_out.append(f"{path.relative_to(project)} ({error.strerror})")
                continue
            if stat.S_ISLNK(mode.st_mode) or stat.S_ISDIR(mode.st_mode):
                continue
            if not stat.S_ISREG(mode.st_mode):
                skipped.add(name)
                left_out.append(f"{path.relative_to(project)} (not a regular file)")
            elif mode.st_size > MAX_COPIED_FILE_BYTES:
                skipped.add(name)
                left_out.append(f"{path.relative_to(project)} ({mode.st_size} bytes)")
        return skipped

    try:
        shutil.copytree(project, destination, symlinks=True, ignore=ignore, dirs_exist_ok=False)
    except shutil.Error as error:  # files that could not be read: the rest is copied
        for source, _, why in error.args[0]:
            left_out.append(f"{Path(source).relative_to(project)} ({why})")
    notes = []
    if left_out:
        shown = ", ".join(left_out[:10]) + (f" and {len(left_out) - 10} more" if len(left_out) > 10 else "")
        notes.append(f"left out of the copy: {shown}")
    return destination, notes


def write_files(workdir: Path, files: Iterable[tuple[str, str]]) -> list[str]:
    """Write `files` (path in the copy, text) into the copy, over what is there; a note for each."""
    notes = []
    for name, text in files:
        target = workdir / name
        if target.is_symlink():  # a link could point out of the copy: replaced, not followed
            target.unlink()
        elif target.is_dir():
            notes.append(f"{name} is a folder in the project: not written")
            continue
        target.write_text(text, encoding="utf-8")
        notes.append(f"wrote {name} into the copy (the environment the static verdict assumed)")
    return notes


def server_environment(options: ServeOptions, port: int, mark: str, scratch: Path) -> dict[str, str]:
    """The server's environment (server_env.py): SERVER_VARIABLES and --pass-env's of cdverify's own, the
    run's private temporary folder, PORT, the run's mark, then `options.env`."""
    inherited = passed_environment((*SERVER_VARIABLES, *options.pass_env), options.unset_env)
    inherited.setdefault("PATH", os.defpath)
    private = scratch / "tmp"  # removed with the run: a server's temporary files do not outlive it
    private.mkdir(exist_ok=True)
    return {**inherited, "TMPDIR": str(private), **options.env, "PORT": str(port), MARK_VARIABLE: mark}


def run_script_notes(workdir: Path, run: str) -> list[str]:
    """Make `./script` executable, as the paper's harness does (`chmod +x run.sh`), when it is a file of the
    copy; notes on why it cannot start (missing, a folder, Windows line ends)."""
    if not run.startswith("./"):
        return []
    name = run.split()[0]
    script = workdir / name
    if script.is_symlink():  # never chmod what a link points to: it may be a file of the host's
        try:
            target = script.resolve()
        except (OSError, RuntimeError):  # a link loop (RuntimeError before Python 3.13)
            return [f"{name} is a link that leads nowhere ({os.readlink(script)})"]
        if not target.is_relative_to(workdir.resolve()):
            return [f"{name} is a link out of the project ({os.readlink(script)}): not made executable"]
        script = target
    if not script.exists():
        return [f"{name} is not in the project"]
    if not script.is_file():
        return [f"{name} is not a file"]
    script.chmod(script.stat().st_mode | 0o111)
    with script.open("rb") as handle:
        first = handle.readline(4096)
    if first.endswith(b"\r\n"):
        line = first[:-1].decode(errors="replace")
        return [f"{name} has Windows line ends (CRLF): its first line reads {line!r}"]
    return []


class Terminated(KeyboardInterrupt):
    """cdverify was sent SIGTERM: it unwinds as on Ctrl-C."""


class ServeInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM before the server was handed over: the server's record so far (cleaned up)."""

    def __init__(self, served: Served | None, signal_name: str) -> None:
        super().__init__(signal_name)
        self.served = served
        self.signal_name = signal_name


def signal_name(interrupt: BaseException) -> str:
    """Which signal an interrupt came from."""
    if isinstance(interrupt, ServeInterrupted):
        return interrupt.signal_name
    return "SIGTERM" if isinstance(interrupt, Terminated) else "SIGINT"


# terminate_as_interrupt's state, shared by nested uses: how deep, and whether it has raised (unwinding)
_depth = 0
_raised = False


@contextlib.contextmanager
def terminate_as_interrupt(sigint: bool = False, final: bool = False) -> Iterator[None]:
    """SIGTERM to cdverify itself unwinds like Ctrl-C (Terminated, a KeyboardInterrupt), so that every
    clean-up runs; with `sigint`, SIGINT the same way. Once only: a second signal while it unwinds is
    ignored, so that it cannot cut the clean-up or the report short. Nested uses share that state.

    `final`: the process ends after this block (a command of the CLI). Once it has been interrupted (or
    `interrupts_spent`), its signals stay ignored up to the exit instead of getting their old handlers
    back: a late signal cannot kill the process while it writes its report or shuts down."""
    global _depth, _raised

    def interrupt(signum: int, frame: Any) -> None:
        global _raised
        if _raised:
            return
        _raised = True
        raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt

    watched = (signal.SIGTERM, signal.SIGINT) if sigint else (signal.SIGTERM,)
    try:
        previous = {number: signal.signal(number, interrupt) for number in watched}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    _depth += 1
    try:
        yield
    finally:
        spent = final and _raised
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_IGN if spent else handler)
        _depth -= 1
        if _depth == 0:
            _raised = False


def interrupts_spent() -> None:
    """Inside terminate_as_interrupt: from now on, its signals are ignored (the report is being written)."""
    global _raised
    if _depth:
        _raised = True


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

    from cdverify.contract import netns
    from cdverify.contract.netns import unshare_prefix

    prefix = unshare_prefix()
    if prefix is None:
        state.notes.append("no network namespace on this machine (unshare): the server shares the network")
        return run
    state.unix_socket = scratch / "http.sock"
    bridges = ["--http", f"{state.unix_socket}:{state.port}"]
    if cluster is not None:
        bridges += ["--tcp", f"{cluster.port}:{cluster.socket}"]
    # run as a script, isolated (-I): it needs only the standard library, whatever the server's environment
    bridge = [sys.executable, "-I", str(Path(netns.__file__)), *bridges]
    return shlex.join([*prefix, *bridge, "--", "bash", "-c", run])


@contextlib.contextmanager
def served(project: Path, options: ServeOptions) -> Iterator[Served]:
    """Copy, set up and start the project; yield it (healthy or not); always stop and clean up. Ctrl-C or
    SIGTERM before it is yielded raises ServeInterrupted (with the record so far) once all is cleaned up."""
    run = _Run(mark=new_mark())  # the mark: on every process of this run, wherever it goes
    stage = "copying"
    handed_over = False
    with terminate_as_interrupt(), contextlib.ExitStack() as holding:
        try:
            reap_orphans()  # what a cdverify that was killed left: its servers, clusters and folders
            run.scratch = claim(Path(tempfile.mkdtemp(prefix="cdverify-serve-")))
            run.group = RunGroup.create(run.mark)  # and a cgroup of its own, where the machine offers one
            port = options.port or free_port()
            state = run.state = Served(
                workdir=run.scratch / project.resolve().name,
                port=port,
                base_url=f"http://127.0.0.1:{port}{options.base_path}",
                log_path=run.scratch / "server.log",
                database=options.database,
            )
            _, left_out = copy_project(project, state.workdir, fresh_sqlite=options.database == "sqlite")
            state.notes.extend(left_out)
            state.notes.extend(write_files(state.workdir, options.files))
            state.log = CappedLog(run.scratch / "server.log")
            env = server_environment(options, port, run.mark, run.scratch)
            stage = "setting up"
            _set_up(run, options, env, holding)
            stage = "starting"
            _start_server(run, options, env)
            stage = "testing"
            handed_over = True
            yield state
            if run.process is not None and run.process.poll() is not None and state.exit_code is None:
                state.exit_code = run.process.returncode
        except KeyboardInterrupt as interrupt:
            name = signal_name(interrupt)
            if run.state is not None:
                run.state.interrupted = name
                run.state.notes.append(f"interrupted by {name} while {stage}: the results are partial")
            if handed_over:
                raise
            raise ServeInterrupted(run.state, name) from None
        finally:
            with signals_deferred():  # a second Ctrl-C or SIGTERM must not cut the clean-up short
                run.clean_up(options)


@dataclass
class _Run:
    """What one run of `served` started, to be stopped and removed."""

    mark: str
    scratch: Path | None = None
    group: RunGroup | None = None
    cluster: PostgresCluster | None = None
    process: subprocess.Popen[bytes] | None = None
    state: Served | None = None

    def clean_up(self, options: ServeOptions) -> None:
        if self.process is not None:
            stop_tree(self.process, options.stop_grace_s)
        if self.group is not None:
            self.group.remove()  # what is left in the run's cgroup, whatever its environment says
        if self.cluster is not None:
            self.cluster.remove()
        stop_marked(self.mark, options.stop_grace_s)  # what left the tree: daemons, children in a session
        if self.state is not None and self.state.log is not None:
            self.state.log.close()
            self.state.kept_log = self.state.log_tail() if not options.keep else None
            self.state.log = None
        if self.scratch is not None and not options.keep:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _set_up(run: _Run, options: ServeOptions, env: dict[str, str], holding: contextlib.ExitStack) -> None:
    """The database, then the setup command (or `--setup auto`), recorded in the run's state."""
    state, log = run.state, run.state.log if run.state is not None else None
    assert state is not None and log is not None and run.scratch is not None
    if options.database == "postgres" and options.postgres is not None:
        shared = options.postgres  # a database of its own, from the empty template, dropped after
        env.update(shared.environment(holding.enter_context(shared.fresh_database())))
    elif options.database == "postgres":
        run.cluster = PostgresCluster.create(free_port())
        run.cluster.start(run.mark)
        run.cluster.create_database()
        env.update(run.cluster.environment())
    state.notes.extend(run_script_notes(state.workdir, options.run))
    if options.on_stage is not None:
        options.on_stage("setting up")
    setup_started = time.monotonic()
    setup = options.setup
    if setup == "auto":
        setup, prepared = _auto_setup(state.workdir, state, log, options.setup_timeout_s)
        if prepared is not None:
            env.update(prepared.env)
            holding.enter_context(in_use(prepared))
    if setup:
        in_group = run.group.wrap(setup) if run.group is not None else setup
        setup_env = setup_environment(env, options.unset_env)
        code = _setup(in_group, state.workdir, setup_env, log, options.setup_timeout_s)
        state.setup_timed_out = code is None
        state.setup_exit_code = -1 if code is None else code
        if code is None:
            state.notes.append(f"setup ran past its limit of {options.setup_timeout_s:g} s")
        elif code != 0:
            state.notes.append(f"setup exited with code {code}")
    state.setup_ms = round((time.monotonic() - setup_started) * 1000)


def _start_server(run: _Run, options: ServeOptions, env: dict[str, str]) -> None:
    """Start the server and wait until it is healthy, exits, or its time is up."""
    state = run.state
    assert state is not None and state.log is not None and run.scratch is not None
    state.log.write(f"$ {options.run}\n".encode())
    if options.on_stage is not None:
        options.on_stage("starting")
    command = options.run
    if options.isolate_network:
        database = options.postgres if options.database == "postgres" and options.postgres else run.cluster
        command = _in_namespace(command, state, run.scratch, database)
    started = time.monotonic()
    command = run.group.wrap(command) if run.group is not None else command
    process = run.process = _start(command, state.workdir, env, state.log)
    health_url = f"http://127.0.0.1:{state.port}{options.health}"
    deadline = started + options.health_timeout_s
    pause = 0.025  # short at first: most servers are up within a second; then every 0.2 s
    while True:
        left = deadline - time.monotonic()  # a health endpoint that hangs does not stretch the wait
        state.health_status = health_status(health_url, min(2.0, max(0.2, left)), state.unix_socket)
        if state.health_status == 200:
            state.healthy = True
            break
        if process.poll() is not None:
            state.exit_code = process.returncode
            state.notes.append(f"the server exited with code {process.returncode} before it was healthy")
            break
        if time.monotonic() > deadline:
            waited = f"{options.health_timeout_s:.0f} s"
            state.notes.append(f"not healthy after {waited} (last status: {state.health_status})")
            break
        time.sleep(pause)
        pause = min(pause * 2, 0.2)
    state.startup_ms = round((time.monotonic() - started) * 1000)
