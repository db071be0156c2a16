"""Hostile servers and projects for `cdverify contract serve` and `evaluate` (issue 15): whatever the server
does — escape into its own session, double-fork, ignore SIGTERM, fork hundreds, never answer, crash, flood
its log — and whatever the project holds (FIFOs, sockets, link loops, huge sparse files, a broken run.sh),
cdverify ends with a report and leaves nothing running; SIGTERM or Ctrl-C of cdverify itself still gives
a (partial) report and exit 130; a SIGKILLed cdverify's server, cluster and folders are reaped by the next.

Every server is a few lines of Python's http.server (SERVER below), started by a one-line run.sh, on a
one-request collection: a case costs about a second. Processes that may escape write their pid to a file
outside the project, and each case checks they are gone (beside the harness's own check).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from cdverify.evaluate import EVALUATION_SCHEMA_VERSION
from hostile.conftest import TOKEN_VARIABLE, Outcome, expect_clean, run_cdverify

pytestmark = pytest.mark.integration  # hostile servers started and stopped

Hostile = Callable[..., Outcome]

# modes: sick (health 500), hang-health (health never answers), exit-after-health (exits once healthy),
# ignore-term (ignores SIGTERM), slow (requests other than health never answer), ignore-term-slow (both),
# env (answers its env)
SERVER = """
import http.server, json, os, signal, sys, time
mode = sys.argv[1] if len(sys.argv) > 1 else ""
if mode.startswith("ignore-term"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        health = self.path == "/api/health-check"
        if health and mode == "hang-health" or not health and mode.endswith("slow"):
            time.sleep(3600)
        body = json.dumps(dict(os.environ) if mode == "env" else {"ok": True}).encode()
        self.send_response(500 if health and mode == "sick" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if mode == "exit-after-health":
            self.wfile.flush()
            os._exit(5)

    def log_message(self, *args):
        pass

http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"""

COLLECTION = {
    "info": {
        "name": "hostile",
        "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    },
    "item": [
        {
            "name": "articles",
            "request": {"method": "GET", "url": "{{APIURL}}/articles"},
            "event": [
                {
                    "listen": "test",
                    "script": {"exec": ["pm.test('ok', function () { pm.response.to.have.status(200); });"]},
                }
            ],
        }
    ],
}


class Case:
    """A project under tmp_path/'project', its collection, and a file where escaping processes write their
    pid (outside the project and the case's TMPDIR)."""

    def __init__(self, root: Path, hostile: Hostile) -> None:
        self.root = root
        root.mkdir(exist_ok=True)
        self.project = root / "project"
        self.project.mkdir()
        (self.project / "server.py").write_text(SERVER, encoding="utf-8")
        self.pids = root / "pids"
        self.pids.touch()
        self.collection = root / "collection.json"
        self.collection.write_text(json.dumps(COLLECTION), encoding="utf-8")
        self.hostile = hostile
        self.report = root / "report.json"

    def run_sh(self, body: str, executable: bool = True) -> None:
        script = self.project / "run.sh"
        script.write_text(f"#!/bin/bash\n{body}\n", encoding="utf-8")
        if executable:
            script.chmod(0o755)

    def serve_args(self, *more: str, command: str = "contract", health_timeout: float = 5.0) -> list[str]:
        head = ["contract", "serve"] if command == "contract" else ["evaluate", "--constraints", "python"]
        return [
            *head,
            str(self.project),
            "--collection",
            str(self.collection),
            "--format",
            "json",
            "--health-timeout",
            str(health_timeout),
            "--stop-grace",
            "0.5",
            "--pass-env",
            TOKEN_VARIABLE,  # the harness finds the server's processes by it too
            "--output",  # the report (with the server's log, a traceback maybe) apart from cdverify's output
            str(self.report),
            *more,
        ]

    def serve(
        self,
        *more: str,
        timeout_s: float = 40.0,
        health_timeout: float = 5.0,
        env: dict[str, str] | None = None,
        **options: object,
    ) -> Outcome:
        self.report.unlink(missing_ok=True)
        args = self.serve_args(*more, health_timeout=health_timeout)
        return self.hostile(args, env=env, timeout_s=timeout_s, watch=[self.project], **options)

    def escaped_alive(self) -> list[str]:
        """The recorded pids still running."""
        alive = []
        for line in self.pids.read_text().split():
            try:
                process = psutil.Process(int(line))
                if process.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{line} {process.cmdline()}")
            except psutil.Error:
                pass
        return alive


def report(case: Case, outcome: Outcome) -> dict:
    try:
        return json.loads(case.report.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise AssertionError(f"no JSON report\n{outcome.describe()}") from None


@pytest.fixture
def case(tmp_path: Path, hostile: Hostile) -> Case:
    return Case(tmp_path, hostile)


def _served(case: Case, outcome: Outcome, code: int = 0) -> dict:
    expect_clean(outcome, codes=(code,), max_wall_s=15)
    assert case.escaped_alive() == [], outcome.describe()
    return report(case, outcome)


PID = 'echo $$ >> "{pids}"'


# --- processes that try to outlive the run -----------------------------------------------------------


def test_a_healthy_server_passes(case: Case) -> None:
    case.run_sh("exec python3 server.py")
    document = _served(case, case.serve())
    assert document["summary"]["passed"] == 1 and document["server"]["healthy"]


NO_CGROUPS = {"CDVERIFY_CGROUPS": "0"}  # the marks alone find the run's processes


@pytest.mark.parametrize(
    ("shape", "cgroups"),
    [("in-the-tree", "cgroups"), ("out-of-the-tree", "cgroups"), ("out-of-the-tree", "marks")],
)
def test_a_grandchild_in_its_own_session_that_ignores_sigterm_is_stopped(
    case: Case, shape: str, cgroups: str
) -> None:
    grandchild = (
        f"setsid bash -c 'trap \"\" TERM; {PID.format(pids=case.pids)}; cd /; exec sleep 100000' "
        "< /dev/null > /dev/null 2>&1 &"
    )
    if shape == "out-of-the-tree":  # its parent leaves at once: it is re-parented away from cdverify
        grandchild = f"( {grandchild} )"
    case.run_sh(f"{grandchild}\nexec python3 server.py")
    document = _served(case, case.serve(env=NO_CGROUPS if cgroups == "marks" else None))
    assert document["summary"]["passed"] == 1
    assert len(case.pids.read_text().split()) == 1  # it did start


def test_a_grandchild_that_clears_its_environment_and_leaves_is_stopped(case: Case) -> None:
    """No mark can find it: the run's cgroup does (where the machine has cgroup v2)."""
    from cdverify.contract.cgroups import RunGroup

    probe = RunGroup.create("probe.0.0")
    if probe is None:
        pytest.skip("no cgroup v2 here: a process that clears its environment cannot be found")
    probe.remove()
    case.run_sh(
        f"( setsid env -i bash -c 'trap \"\" TERM; {PID.format(pids=case.pids)}; cd /; exec sleep 100001' "
        "< /dev/null > /dev/null 2>&1 & )\nexec python3 server.py"
    )
    _served(case, case.serve())
    assert len(case.pids.read_text().split()) == 1


def test_a_double_forked_daemon_that_ignores_sigterm_is_stopped(case: Case) -> None:
    daemon = (
        "import os, signal, sys, time\n"
        "if os.fork(): sys.exit(0)\n"
        "os.setsid()\n"
        "if os.fork(): sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN); os.chdir('/')\n"
        f"open({str(case.pids)!r}, 'a').write(f'{{os.getpid()}}\\n')\n"
        "time.sleep(100000)\n"
    )
    (case.project / "daemon.py").write_text(daemon, encoding="utf-8")
    case.run_sh("python3 daemon.py\nexec python3 server.py")
    _served(case, case.serve(env=NO_CGROUPS))
    assert len(case.pids.read_text().split()) == 1


def test_a_server_that_ignores_sigterm_is_killed_after_the_grace(case: Case) -> None:
    case.run_sh(f"{PID.format(pids=case.pids)}\nexec python3 server.py ignore-term")
    outcome = case.serve()
    document = _served(case, outcome)
    assert document["summary"]["passed"] == 1
    assert outcome.wall_s < 5  # --stop-grace 0.5: SIGKILL half a second after SIGTERM, not 5


def test_a_server_that_forks_200_children_leaves_none(case: Case) -> None:
    case.run_sh(
        f"for i in $(seq 200); do ( trap '' TERM; exec sleep 100002 ) & echo $! >> {case.pids}; done\n"
        "exec python3 server.py"
    )
    _served(case, case.serve())
    assert len(case.pids.read_text().split()) == 200


def test_a_run_sh_that_starts_a_sleeper_and_exits_leaves_nothing(case: Case) -> None:
    case.run_sh(f"sleep 100000 &\necho $! >> {case.pids}\nexit 0")
    document = _served(case, case.serve(), code=1)
    server = document["server"]
    assert not server["healthy"] and server["exit_code"] == 0
    assert any("exited with code 0 before it was healthy" in note for note in server["notes"])


# --- servers that never serve --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("exec sleep 100000", "not healthy after 1 s (last status: None)"),
        ("kill -SEGV $$", "the server exited with code -11 before it was healthy"),
        ("exec python3 -c 'import nonexistent_module'", "the server exited with code 1 before"),
    ],
    ids=["never-listens", "segfault", "import-error"],
)
def test_a_server_that_never_serves_still_gets_a_report(case: Case, body: str, expected: str) -> None:
    case.run_sh(body)
    document = _served(case, case.serve(health_timeout=1), code=1)
    assert not document["server"]["healthy"]
    assert any(note.startswith(expected) for note in document["server"]["notes"]), document["server"]
    assert document["summary"]["assertions"] == 1 and document["summary"]["failed"] == 1


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("sick", "not healthy after 1 s (last status: 500)"), ("hang-health", "not healthy after 1 s")],
)
def test_a_server_whose_health_check_fails_is_still_tested(case: Case, mode: str, expected: str) -> None:
    """As in the paper, the collection runs anyway: here the API answers, so it passes."""
    case.run_sh(f"exec python3 server.py {mode}")
    outcome = case.serve(health_timeout=1)
    document = _served(case, outcome, code=0)
    assert not document["server"]["healthy"] and document["summary"]["passed"] == 1
    assert any(note.startswith(expected) for note in document["server"]["notes"]), document["server"]
    assert outcome.wall_s < 6  # the health requests end with the health time-out (1 s)


def test_a_server_that_exits_after_the_health_check_fails_the_collection(case: Case) -> None:
    case.run_sh("exec python3 server.py exit-after-health")
    document = _served(case, case.serve(), code=1)
    assert document["server"]["healthy"] and document["server"]["exit_code"] == 5
    assert document["summary"]["failed_requests"] == 1 and document["summary"]["passed"] == 0


# --- run.sh as agents leave it ----------------------------------------------------------------------------


def test_a_run_sh_that_is_not_executable_is_made_so(case: Case) -> None:
    case.run_sh("exec python3 server.py", executable=False)
    assert _served(case, case.serve())["summary"]["passed"] == 1


@pytest.mark.parametrize(
    ("make", "note"),
    [
        (lambda p: (p / "run.sh").write_bytes(b"#!/bin/bash\r\nexec python3 server.py\r\n"), "CRLF"),
        (lambda p: (p / "run.sh").mkdir(), "run.sh is not a file"),
        (lambda p: None, "run.sh is not in the project"),
        (lambda p: (p / "run.sh").symlink_to("run.sh"), "run.sh is a link that leads nowhere"),
        (lambda p: os.mkfifo(p / "run.sh"), "run.sh is not in the project"),  # left out of the copy
    ],
    ids=["crlf", "directory", "missing", "link-loop", "fifo"],
)
def test_a_run_sh_that_cannot_start_is_reported(case: Case, make: Callable[[Path], None], note: str) -> None:
    make(case.project)
    document = _served(case, case.serve(health_timeout=1), code=1)
    notes = document["server"]["notes"]
    assert any(note in text for text in notes), notes
    assert any("before it was healthy" in text for text in notes), notes  # bash could not run it


def test_a_run_sh_linked_out_of_the_project_is_not_made_executable(case: Case) -> None:
    outside = case.root / "host-file"
    outside.write_text("#!/bin/bash\nexit 9\n", encoding="utf-8")
    outside.chmod(0o644)
    (case.project / "run.sh").symlink_to(outside)
    document = _served(case, case.serve(health_timeout=1), code=1)
    assert outside.stat().st_mode & 0o777 == 0o644
    assert any("link out of the project" in note for note in document["server"]["notes"])


# --- a log without end ----------------------------------------------------------------------------------


def test_a_server_that_logs_a_gigabyte_stays_bounded(case: Case) -> None:
    """The log keeps its head on disk and its tail in memory: cdverify's RSS and the log file stay small."""
    case.run_sh("head -c 1G /dev/zero | tr '\\0' 'x'\necho LAST-LINE\nexec python3 server.py")
    largest = [0]
    outcome = case.serve(timeout_s=60, health_timeout=40, on_start=_log_watcher(case.root, largest))
    expect_clean(outcome, codes=(0,), max_wall_s=45, max_rss_mb=250)
    document = report(case, outcome)
    assert "LAST-LINE" in document["server"]["log"]
    assert len(document["server"]["log"]) <= 64 * 1024
    assert 0 < largest[0] <= 2 * 1024 * 1024, largest  # head 1 MiB + tail 256 KiB, written at the end


def _log_watcher(root: Path, largest: list[int]) -> Callable[[subprocess.Popen[bytes]], None]:
    """on_start: records the largest size the server's log reaches on disk while cdverify runs."""

    def start(process: subprocess.Popen[bytes]) -> None:
        def poll() -> None:
            while process.returncode is None:
                for log in root.glob("tmp*/cdverify-serve-*/server.log"):
                    with contextlib.suppress(OSError):
                        largest[0] = max(largest[0], log.stat().st_size)
                time.sleep(0.05)

        threading.Thread(target=poll, daemon=True).start()

    return start


# --- what a project may hold --------------------------------------------------------------------------


def test_fifos_sockets_loops_and_huge_files_are_left_out_of_the_copy(case: Case) -> None:
    """Never opened: a FIFO would hang the copy, /dev/zero would fill it, a sparse 20 GB file the disk."""
    project = case.project
    os.mkfifo(project / "app.py")  # named like a source file
    (project / "nested" / "deeper").mkdir(parents=True)
    os.mkfifo(project / "nested" / "deeper" / "package.json")
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(project / "nested" / "server.sock"))
    (project / "loop").symlink_to("loop")
    (project / "zero").symlink_to("/dev/zero")
    (project / "up").symlink_to("..")
    (project / "dangling").symlink_to("/nonexistent/target")
    with (project / "sparse.bin").open("wb") as sparse:
        sparse.truncate(20 * 1024**3)
    case.run_sh("[ -L zero ] && [ -L loop ] && [ ! -e app.py ] && exec python3 server.py")
    document = _served(case, case.serve())
    assert document["summary"]["passed"] == 1
    notes = " ".join(document["server"]["notes"])
    for left_out in ("app.py", "nested/deeper/package.json", "nested/server.sock", "sparse.bin"):
        assert left_out in notes, notes
    assert "zero" not in notes.replace("sparse", "")  # links are copied as links, never read


def test_a_project_of_many_small_files_and_odd_names_is_copied(case: Case) -> None:
    for index in range(300):
        (case.project / f"file {index} \u00e9\n.txt").write_text("x", encoding="utf-8")
    (case.project / os.fsdecode(b"latin-\xe9.py")).write_bytes(b"# \xe9\n")
    case.run_sh("[ $(ls | wc -l) -ge 302 ] && exec python3 server.py")
    assert _served(case, case.serve())["summary"]["passed"] == 1


# --- the server's environment -------------------------------------------------------------------------


def _environment_seen(case: Case, *more: str, env: dict[str, str]) -> dict[str, str]:
    seen = case.root / "seen-env"
    case.run_sh(f"env -0 > {seen}\nmktemp > /dev/null\nexec python3 server.py")
    _served(case, case.serve(*more, env=env))
    return _read_env(seen)


SECRETS = {"SECRET_API_KEY": "s3cret", "DATABASE_URL": "postgres://grader/db", "AWS_REGION": "eu-1"}


def test_the_server_gets_a_minimal_environment(case: Case) -> None:
    seen = _environment_seen(case, env=SECRETS)
    assert {"PATH", "HOME", "PORT", "CDVERIFY_RUN_MARK", "TMPDIR"} <= set(seen)
    assert not set(SECRETS) & set(seen) and "PYTHONPATH" not in seen and "VIRTUAL_ENV" not in seen
    assert "/cdverify-serve-" in seen["TMPDIR"]  # a folder of the run's own, removed with it


def test_pass_env_and_set_env_add_to_the_servers_environment(case: Case) -> None:
    more = ("--pass-env", "SECRET_API_KEY", "--pass-env", "AWS_*", "--set-env", "MODE=test")
    seen = _environment_seen(case, *more, env=SECRETS)
    assert seen["SECRET_API_KEY"] == "s3cret" and seen["AWS_REGION"] == "eu-1" and seen["MODE"] == "test"
    assert "DATABASE_URL" not in seen


def test_the_setup_command_also_gets_what_installs_need(case: Case) -> None:
    setup_seen, seen = case.root / "setup-env", case.root / "seen-env"
    case.run_sh(f"env -0 > {seen}\nexec python3 server.py")
    proxy = {"https_proxy": "http://proxy.example:3128", "PIP_INDEX_URL": "https://pypi.example/simple"}
    _served(case, case.serve("--setup", f"env -0 > {setup_seen}", env={**proxy, **SECRETS}))
    in_setup, in_server = (set(_read_env(path)) for path in (setup_seen, seen))
    assert set(proxy) <= in_setup and not set(proxy) & in_server
    assert not set(SECRETS) & (in_setup | in_server) and "PORT" in in_setup


def _read_env(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().split("\0") if "=" in line)


def test_grades_server_environment_options_go_with_run_tests(hostile: Hostile, tmp_path: Path) -> None:
    outcome = hostile(["grade", str(tmp_path), "--pass-env", "AWS_*"], timeout_s=20)
    expect_clean(outcome, codes=(2,), max_wall_s=10)
    assert "--pass-env goes with --run-tests" in outcome.stderr


def test_a_bad_set_env_is_a_usage_error(case: Case) -> None:
    case.run_sh("exec python3 server.py")
    outcome = case.serve("--set-env", "NOEQUALS")
    expect_clean(outcome, codes=(2,), max_wall_s=10)
    assert "--set-env" in outcome.stderr and "expects KEY=VALUE" in outcome.stderr


# --- cdverify itself interrupted ------------------------------------------------------------------------


def _signal_when(case: Case, *signals: int, after_s: float, pids: int = 1) -> Callable[..., None]:
    """on_start: once the server has written its pid, wait `after_s`, then send cdverify `signals` (0.1 s
    apart)."""

    def send(process: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 20
        while len(case.pids.read_text().split()) < pids and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(after_s)
        for number in signals:
            process.send_signal(number)
            time.sleep(0.1)

    return send


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_an_interrupt_while_testing_cleans_up_and_reports_what_ran(case: Case, number: int) -> None:
    case.run_sh(f"{PID.format(pids=case.pids)}\nexec python3 server.py slow")  # /articles never answers
    outcome = case.serve(on_start=_signal_when(case, number, after_s=1.0))
    document = _served(case, outcome, code=130)
    name = signal.Signals(number).name
    assert document["summary"]["stopped"] == f"interrupted by {name}: the results are partial"
    assert f"interrupted by {name} while testing: the results are partial" in document["server"]["notes"]
    assert document["server"]["healthy"] and "Aborted" not in outcome.stderr
    assert f"interrupted by {name}" in outcome.stderr
    assert outcome.wall_s < 6


@pytest.mark.parametrize("after_s", [0.0, 0.3])
def test_sigterm_at_any_moment_of_the_start_gives_a_report(case: Case, after_s: float) -> None:
    """Whether it lands while the server starts, while the health check waits or while the collection
    runs: cleaned up, a report of what ran, 130."""
    case.run_sh(f"{PID.format(pids=case.pids)}\nexec python3 server.py slow")
    outcome = case.serve(on_start=_signal_when(case, signal.SIGTERM, after_s=after_s))
    document = _served(case, outcome, code=130)
    assert document["summary"]["stopped"] == "interrupted by SIGTERM: the results are partial"
    assert document["summary"]["passed"] == 0
    stage = next(note for note in document["server"]["notes"] if note.startswith("interrupted"))
    assert stage.split(" while ")[1].split(":")[0] in ("starting", "testing"), stage


def test_sigterm_while_waiting_for_health_cleans_up_and_reports(case: Case) -> None:
    case.run_sh(f"{PID.format(pids=case.pids)}\nexec sleep 100000")
    outcome = case.serve(health_timeout=60, on_start=_signal_when(case, signal.SIGTERM, after_s=0.5))
    document = _served(case, outcome, code=130)
    assert "interrupted by SIGTERM while starting: the results are partial" in document["server"]["notes"]
    assert document["summary"]["requests"] == 0 and outcome.wall_s < 6


def test_sigterm_during_setup_stops_the_setup(case: Case) -> None:
    case.run_sh("exec python3 server.py")
    setup = f"{PID.format(pids=case.pids)}; exec sleep 100000"
    outcome = case.serve("--setup", setup, on_start=_signal_when(case, signal.SIGTERM, after_s=0.3))
    document = _served(case, outcome, code=130)
    assert "interrupted by SIGTERM while setting up" in " ".join(document["server"]["notes"])


def test_a_second_sigterm_does_not_cut_the_clean_up_short(case: Case) -> None:
    # the run is still waiting for its request when the first SIGTERM comes (the server never answers it:
    # a fast start-up must not finish the run first); the clean-up takes 0.5 s (the server ignores SIGTERM)
    case.run_sh(f"{PID.format(pids=case.pids)}\nexec python3 server.py ignore-term-slow")
    signals = (signal.SIGTERM, signal.SIGTERM, signal.SIGINT, signal.SIGTERM)
    outcome = case.serve(on_start=_signal_when(case, *signals, after_s=0.8))
    document = _served(case, outcome, code=130)
    assert document["summary"]["stopped"].startswith("interrupted by SIGTERM")


def test_sigterm_of_evaluate_gives_its_partial_result(case: Case) -> None:
    (case.project / "app.py").write_text("print('hello')\n", encoding="utf-8")
    case.run_sh(f"{PID.format(pids=case.pids)}\nexec python3 server.py slow")
    args = case.serve_args(command="evaluate")
    outcome = case.hostile(
        args, timeout_s=40, watch=[case.project], on_start=_signal_when(case, signal.SIGTERM, after_s=1.0)
    )
    document = _served(case, outcome, code=130)
    assert document["interrupted"] == "SIGTERM" and document["success"] is False
    assert document["schema_version"] == EVALUATION_SCHEMA_VERSION and "verifiers" in document
    assert any("interrupted by SIGTERM" in note for note in document["server"]["notes"])


# --- cdverify SIGKILLed: the next run reaps what it left ----------------------------------------------


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary folder the `postgres` user can enter (the cluster runs as postgres under root)."""
    folder = Path(tempfile.mkdtemp(prefix="hostile-kill-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


def test_what_a_sigkilled_cdverify_left_is_reaped_by_the_next_run(case: Case, shared_tmp: Path) -> None:
    from cdverify.contract.postgres import PostgresError, find_bin_dir

    try:
        find_bin_dir()
    except PostgresError as error:
        pytest.skip(str(error))
    case.run_sh(f"{PID.format(pids=case.pids)}\nexec python3 server.py slow")
    tmp = shared_tmp / "tmp"
    tmp.mkdir()
    environment = {**os.environ, "TMPDIR": str(tmp)}
    command = [sys.executable, "-m", "cdverify", *case.serve_args("--database", "postgres")]
    first = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    _signal_when(case, after_s=1.0)(first)  # the server is up (and the cluster before it)
    owned = [p for p in psutil.process_iter() if _marked_by(p, first.pid)]
    first.kill()
    first.wait()
    names = {process.name() for process in owned}
    assert "postgres" in names and any("server.py" in " ".join(p.cmdline()) for p in owned), names
    assert all(process.is_running() for process in owned)  # orphans: nothing cleaned up after SIGKILL
    assert sorted(path.name.split("-")[1] for path in tmp.iterdir()) == ["pg", "serve"]
    # the next run, in the same TMPDIR, reaps them before it starts its own server
    nobody = Case(case.root / "second", case.hostile)
    nobody.run_sh("exec python3 server.py")
    second = run_cdverify(nobody.serve_args(), tmp, timeout_s=40, watch=[nobody.project])
    expect_clean(second, codes=(0,), max_wall_s=15)
    assert not [p for p in owned if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert case.escaped_alive() == []


def _marked_by(process: psutil.Process, owner: int) -> bool:
    try:
        return process.environ().get("CDVERIFY_RUN_MARK", "").startswith(f"{owner}.")
    except psutil.Error:
        return False
