"""`cdverify grade --run-tests`: every run's code served and tested by the contract runner.

Two small experiments, made here from corpus/ with the sample experiment's own helpers
(benchmarks/make_sample_experiment.py):

- in the paper's layout, real apps: the Flask reference app on a SQLite task and on a PostgreSQL task (a
  throwaway cluster), the Express reference app, the Flask app without run.sh (its server never starts),
  and a patch that does not apply. Their counts are checked against the contract runner run directly on the
  same app, and against the newman CSV the sample experiment keeps for the same code;
- in a manifest, tiny standard-library servers: one that crashes at start, one that answers too slowly for
  the collection's budget, one whose setup runs past its budget, and a healthy one, with a small collection
  of our own; and a slow one, to interrupt a grade while its server runs.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import psutil
import pytest
from benchmark_modules import load
from strict_schema import strict_validator

from cdverify.contract.collection import PAPER_GLOBALS, load_collection
from cdverify.contract.runner import RunOptions, run_collection
from cdverify.contract.server import free_port, health_status
from cdverify.grading import behaviour
from cdverify.grading.behaviour import PAPER_REQUEST_TIMEOUT_MS, BehaviourTests, Timeouts, listening
from cdverify.grading.grader import Grading, RunGrade, grade
from cdverify.grading.output import render_text, to_json
from cdverify.grading.records import Assertions
from cdverify.grading.reports import read_report

pytestmark = pytest.mark.integration  # every run's code served and tested by the contract runner

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = REPO_ROOT / "corpus" / "experiments" / "sample"
DATE = "2026-05-01T12-00-00"
# the sample experiment's newman CSV for the same code (corpus/experiments/sample/README.md)
SAMPLE_FLASK = "uv/agent_a/model-1/flask-openapi-unconstrained/2026-03-02T10-00-00/run_1"
SAMPLE_NO_RUN_SCRIPT = "uv/agent_b/model-2/flask-openapi-postgres/2026-03-03T14-20-00/run_1"
SAMPLE_EXPRESS = "node/agent_a/model-1/express-openapi-unconstrained/2026-03-02T10-00-00/run_1"
# a report the runs keep, which --run-tests must not read
STALE_REPORT = "iteration,totalAssertions,executedCount,failedCount,skippedCount\n1,10,5,5,0\n"


def _sample_counts(run: str) -> Assertions:
    (report,) = (SAMPLE / run).glob("newman-run-report-*.csv")
    counts = read_report(report)
    assert isinstance(counts, Assertions), counts
    return counts


def _sample_helpers() -> ModuleType:
    """benchmarks/make_sample_experiment.py: how the sample's patches were made from the corpus apps."""
    return load("make_sample_experiment")


def _write_run(root: Path, runtime: str, task: str, trial: int, patch: bytes) -> Path:
    folder = root / runtime / "agent_t" / "model-t" / task / DATE / f"run_{trial}"
    folder.mkdir(parents=True)
    (folder / f"agent_t-{task}.patch").write_bytes(patch)
    (folder / "newman-run-report-2026-05-01-12-00-00-000-0.csv").write_text(STALE_REPORT, encoding="utf-8")
    return folder


def _run(grading: Grading, origin_end: str) -> RunGrade:
    (found,) = [item for item in grading.runs if item.origin.endswith(origin_end)]
    return found


@pytest.fixture(scope="module")
def helpers() -> ModuleType:
    return _sample_helpers()


# --- The reference apps ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory, helpers: ModuleType) -> Path:
    root = tmp_path_factory.mktemp("experiment")
    scratch = tmp_path_factory.mktemp("scratch")

    def patch(code: str, runtime: str, postgres_task: bool = False) -> bytes:
        work = scratch / f"{code}-{runtime}-{postgres_task}"
        # a PostgreSQL task's hand-in carries the `.env` the app loads (the harness sets no DATABASE_URL)
        env_file = (helpers.REPO / "corpus" / "conduit-flask-clean" / "tasks" / "postgres.env").read_text()
        edits = [{"file": ".env", "create": env_file}] if postgres_task else []
        return bytes(helpers.make_patch(helpers.app_tree(code, runtime, work, edits), work))

    flask = patch(helpers.REFERENCE, "uv")
    _write_run(root, "uv", "flask-openapi-unconstrained", 1, flask)
    postgres_task = "flask-openapi-clean_architecture-postgres-sqlalchemy"
    _write_run(root, "uv", postgres_task, 1, patch(helpers.REFERENCE, "uv", postgres_task=True))
    _write_run(root, "uv", "flask-openapi-unconstrained", 2, patch("flask-run-script-missing", "uv"))
    _write_run(root, "uv", "flask-openapi-sqlite", 1, b"diff --git a/x b/x\nnot a unified diff\n")
    _write_run(root, "node", "express-openapi-unconstrained", 1, patch(helpers.REFERENCE, "node"))
    return root


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="module")
def port() -> int:
    """A free port rather than the paper's 8080 and 3000, which other programs on this machine may hold."""
    return free_port()


@pytest.fixture(scope="module")
def graded(experiment: Path, store: Path, port: int) -> Grading:
    return grade(experiment, jobs=2, store=store, run_tests=True, port=port)


def test_the_counts_are_the_contract_runners_on_the_same_app(
    graded: Grading,
    tmp_path: Path,
    reference_app: Callable[[str], tuple[Path, dict[str, str]]],
    start_app: Callable[[Path, dict[str, str]], str],
) -> None:
    prepared, env = reference_app("conduit-flask-clean")
    fresh = shutil.copytree(prepared, tmp_path / "app", ignore=shutil.ignore_patterns("*.db"))
    base_url = start_app(fresh, env)
    options = RunOptions(globals={"APIURL": base_url, **PAPER_GLOBALS}, timeout_request_ms=10000)
    direct = run_collection(load_collection("realworld"), options)
    expected = Assertions(direct.total, direct.passed - direct.skipped, direct.failed)
    assert expected.total > 300 and expected.failed == 0
    assert expected == _sample_counts(SAMPLE_FLASK)  # newman, in the sample experiment
    on_sqlite = _run(graded, "flask-openapi-unconstrained/" + DATE + "/run_1")
    on_postgres = _run(graded, "flask-openapi-clean_architecture-postgres-sqlalchemy/" + DATE + "/run_1")
    for item in (on_sqlite, on_postgres):
        assert item.run.error is None and item.run.assertions == expected  # not the stale 5 of 10
        assert item.tests is not None and item.tests.healthy and item.tests.notes == ()
        assert item.tests.log == ()  # nothing went wrong: no log kept
    assert on_sqlite.tests is not None and on_sqlite.tests.database == "sqlite"
    assert on_postgres.tests is not None and on_postgres.tests.database == "postgres"
    assert on_postgres.run.success  # the reference app keeps every constraint of its task


def test_the_express_app_is_installed_and_tested(graded: Grading) -> None:
    item = _run(graded, "express-openapi-unconstrained/" + DATE + "/run_1")
    assert item.run.error is None, item.tests
    assert item.run.assertions == _sample_counts(SAMPLE_EXPRESS)
    assert item.tests is not None and item.tests.healthy


def test_a_server_that_never_starts_scores_0_with_its_reason(graded: Grading) -> None:
    item = _run(graded, "flask-openapi-unconstrained/" + DATE + "/run_2")
    assert item.run.error is None  # the collection ran, as the paper runs newman anyway
    assert item.run.assertions == _sample_counts(SAMPLE_NO_RUN_SCRIPT)  # newman's figures: 0 of 18
    assert item.run.assertions is not None and item.run.assertions.passed == 0
    assert item.tests is not None and not item.tests.healthy
    assert item.tests.notes == (
        "./run.sh is not in the project",
        "the server exited with code 127 before it was healthy",
    )
    assert any("run.sh" in line for line in item.tests.log), item.tests.log
    text = render_text(graded)
    assert "the server exited with code 127 before it was healthy" in text
    assert "5 runs served" not in text and "4 runs served, 3 healthy, 1 never healthy" in text


def test_a_patch_that_does_not_apply_is_its_rows_error(graded: Grading) -> None:
    item = _run(graded, "flask-openapi-sqlite/" + DATE + "/run_1")
    assert item.run.error is not None and "does not apply" in item.run.error
    assert item.run.assertions is None and item.tests is None
    assert len(graded.runs) == 5


def test_the_report_carries_the_tests_and_validates(graded: Grading) -> None:
    document = to_json(graded)
    validator = strict_validator("grade")
    assert [error.message for error in validator.iter_errors(document)] == []
    assert document["tests"]["collection"] == "Conduit" and len(document["tests"]["digest"]) == 64
    assert document["tests"]["timeouts"]["request_ms"] == PAPER_REQUEST_TIMEOUT_MS
    rows = {row["origin"]: row for row in document["runs"]}
    assert rows[_run(graded, "flask-openapi-sqlite/" + DATE + "/run_1").origin]["tests"] is None
    never_healthy = rows[_run(graded, "flask-openapi-unconstrained/" + DATE + "/run_2").origin]["tests"]
    assert never_healthy["healthy"] is False and never_healthy["log"]
    document["runs"][0]["tests"] = {"healthy": "yes"}  # the schema holds the record to its shape
    assert list(validator.iter_errors(document))


def test_tested_and_static_results_are_stored_apart(
    graded: Grading, experiment: Path, store: Path, port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = sorted(store.rglob("*.json"))
    assert len(stored) == 4  # not the run with an error: it is graded again next time
    stamps = {path: path.stat().st_mtime_ns for path in stored}

    def serve_again(*args: object) -> None:
        raise AssertionError("a stored run was served again")

    monkeypatch.setattr(behaviour, "run_behaviour_tests", serve_again)  # jobs=1: graded in this process
    again = grade(experiment, jobs=1, store=store, run_tests=True, port=port)
    assert [item.run for item in again.runs] == [item.run for item in graded.runs]
    assert [item.tests for item in again.runs] == [item.tests for item in graded.runs]
    assert {path: path.stat().st_mtime_ns for path in stored} == stamps
    static = grade(experiment, jobs=1, store=store)  # reads the runs' own (stale) reports
    assert len(list(store.rglob("*.json"))) == 9  # static results are kept, apart from the tested ones
    reference = _run(static, "flask-openapi-unconstrained/" + DATE + "/run_1")
    assert reference.run.assertions == Assertions(10, 5, 5) and reference.tests is None


# --- Budgets, crashes and interrupts, on tiny servers ----------------------------------------------------

SERVER = """\
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DELAY_S = {delay}
{crash}

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/api/health-check":
            time.sleep(DELAY_S)
        body = b'{{"ok": true}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
"""
RUN_SH = '#!/usr/bin/env bash\nset -e\ncd "$(dirname "$0")"\nexec python3 server.py\n'
CRASH = 'raise RuntimeError("the database is gone")'


def _collection(path: Path, requests: int) -> Path:
    test = ['pm.test("answers 200", function () { pm.response.to.have.status(200); });']
    items = [
        {
            "name": f"ping {number}",
            "request": {"method": "GET", "url": "{{APIURL}}/ping"},
            "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": test}}],
        }
        for number in range(requests)
    ]
    schema = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
    document = {"info": {"name": "Ping", "schema": schema}, "item": items}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


SLOW_SETUP = "import time\nfrom setuptools import setup\n\ntime.sleep(30)\nsetup(name='tiny', version='1')\n"


def _tiny_app(folder: Path, delay: float = 0.0, crash: bool = False, setup: bool = False) -> Path:
    folder.mkdir(parents=True)
    (folder / "server.py").write_text(SERVER.format(delay=delay, crash=CRASH if crash else ""), "utf-8")
    (folder / "run.sh").write_text(RUN_SH, encoding="utf-8")
    (folder / "run.sh").chmod(0o755)
    if setup:  # `--setup auto` installs the project itself into its copy: far longer than the budget given
        (folder / "requirements.txt").write_text("-e .\n", encoding="utf-8")
        (folder / "setup.py").write_text(SLOW_SETUP, encoding="utf-8")
    return folder


def _manifest(root: Path, helpers: ModuleType, apps: dict[str, Path]) -> Path:
    rows = []
    for trial, (name, app) in enumerate(apps.items(), 1):
        patch = root / f"{name}.patch"
        patch.write_bytes(helpers.make_patch(app, root / f"work-{name}"))
        rows.append({"run": name, "agent": "a", "model": "m", "task": "flask-openapi-unconstrained",
                     "trial": trial, "patch": patch.name})  # fmt: skip
    manifest = root / "runs.csv"
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return manifest


def test_budgets_and_crashes_are_recorded_and_the_others_go_on(tmp_path: Path, helpers: ModuleType) -> None:
    apps = {
        "healthy": _tiny_app(tmp_path / "apps" / "healthy"),
        "crashes": _tiny_app(tmp_path / "apps" / "crashes", crash=True),
        "slow": _tiny_app(tmp_path / "apps" / "slow", delay=1.5),
        "setup": _tiny_app(tmp_path / "apps" / "setup", setup=True),
    }
    manifest = _manifest(tmp_path, helpers, apps)
    collection = _collection(tmp_path / "ping.postman_collection.json", 3)
    timeouts = Timeouts(setup_s=0.3, startup_s=20, collection_s=2.5)
    grading = grade(
        manifest, jobs=2, run_tests=True, collection=collection, timeouts=timeouts, port=free_port()
    )
    runs = {item.run_id: item for item in grading.runs}

    healthy = runs["healthy"]
    assert healthy.run.error is None and healthy.run.assertions == Assertions(3, 3, 0)
    assert healthy.tests is not None and healthy.tests.collection == "Ping" and healthy.tests.healthy

    crashes = runs["crashes"]
    assert crashes.run.error is None and crashes.run.assertions is not None
    assert crashes.run.assertions.passed == 0 and crashes.run.assertions.failed == 3
    assert crashes.tests is not None and not crashes.tests.healthy
    assert crashes.tests.notes == ("the server exited with code 1 before it was healthy",)
    assert "RuntimeError: the database is gone" in crashes.tests.log

    slow = runs["slow"]
    assert slow.run.error is not None and "time budget of 2.5 s" in slow.run.error
    assert slow.run.assertions is None and slow.run.a == 0.0
    assert slow.tests is not None and slow.tests.healthy and any("budget" in n for n in slow.tests.notes)

    setup = runs["setup"]
    assert setup.run.error == "behaviour tests: the setup ran past its budget of 0.3 s"
    assert setup.tests is not None and setup.tests.notes[0].startswith("setup ran past its limit of 0.3 s")
    assert any("setup failed" in line and "took over 0.3 s" in line for line in setup.tests.log)


def test_a_port_in_use_on_the_machine_does_not_matter_to_a_namespaced_server(
    tmp_path: Path, helpers: ModuleType
) -> None:
    import socket

    assert behaviour.isolated(), "this machine makes network namespaces (unshare): the tests expect it to"
    manifest = _manifest(tmp_path, helpers, {"healthy": _tiny_app(tmp_path / "apps" / "healthy")})
    collection = _collection(tmp_path / "ping.postman_collection.json", 1)
    with socket.create_server(("127.0.0.1", 0)) as other:  # another program listens on the port
        port = other.getsockname()[1]
        grading = grade(manifest, run_tests=True, collection=collection, port=port, jobs=1)
    (item,) = grading.runs
    assert item.run.error is None and item.run.assertions == Assertions(1, 1, 0)
    assert item.tests is not None and item.tests.port == port and item.tests.healthy


def test_without_namespaces_a_port_in_use_is_the_runs_error(
    tmp_path: Path, helpers: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    monkeypatch.setattr(behaviour, "isolated", lambda: False)
    manifest = _manifest(tmp_path, helpers, {"healthy": _tiny_app(tmp_path / "apps" / "healthy")})
    collection = _collection(tmp_path / "ping.postman_collection.json", 1)
    with socket.create_server(("127.0.0.1", 0)) as other:  # another program listens on the port
        port = other.getsockname()[1]
        grading = grade(manifest, run_tests=True, collection=collection, port=port, jobs=1)
    (item,) = grading.runs
    assert item.run.error == (
        f"behaviour tests: port {port} is in use by another program (free it, or grade with --port)"
    )


def _grade_cli(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cdverify", "grade", *args, "--no-store"],
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def test_a_bad_collection_is_a_usage_error_before_any_run(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"info": {"name": "x"}}', encoding="utf-8")
    started = time.monotonic()
    run = _grade_cli(str(SAMPLE), "--run-tests", "--collection", str(bad))
    assert (
        run.returncode == 2 and "--collection" in run.stderr and "not a Postman v2 collection" in run.stderr
    )
    assert time.monotonic() - started < 20 and "Traceback" not in run.stderr
    run = _grade_cli(str(SAMPLE), "--collection", "realworld", "--port", "8080")
    assert run.returncode == 2 and "--collection, --port go with --run-tests" in run.stderr


@pytest.mark.parametrize(
    ("how", "jobs"), [("SIGTERM to cdverify", "2"), ("Ctrl-C", "2"), ("SIGTERM to cdverify", "1")]
)
def test_an_interrupted_grade_leaves_nothing_behind(
    tmp_path: Path, helpers: ModuleType, how: str, jobs: str
) -> None:
    apps = {name: _tiny_app(tmp_path / "apps" / name, delay=30) for name in ("first", "second")}
    manifest = _manifest(tmp_path, helpers, apps)
    collection = _collection(tmp_path / "ping.postman_collection.json", 3)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    args = [str(manifest), "--run-tests", "-j", jobs, "--collection", str(collection), "--port", str(port)]
    report = tmp_path / "report.json"
    args += ["--format", "json", "-o", str(report)]
    grader = subprocess.Popen(
        [sys.executable, "-m", "cdverify", "grade", *args, "--no-store"],
        env={**os.environ, "TMPDIR": str(temporary)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60

        def up() -> bool:  # the server answers, through the Unix socket of its network namespace
            return any(
                health_status(f"http://127.0.0.1:{port}/api/health-check", unix_socket=socket) == 200
                for socket in temporary.glob("cdverify-serve-*/http.sock")
            )

        while not up():
            assert grader.poll() is None and time.monotonic() < deadline, "the server never came up"
            time.sleep(0.1)
        time.sleep(1.0)  # the collection is under way: its first request waits 10 s for an answer
        if how == "Ctrl-C":
            os.killpg(grader.pid, signal.SIGINT)  # the terminal signals the whole foreground group
        else:
            os.kill(grader.pid, signal.SIGTERM)  # cdverify's process alone: its workers are not told
        _, stderr = grader.communicate(timeout=60)
    finally:
        if grader.poll() is None:
            os.killpg(grader.pid, signal.SIGKILL)
    assert grader.returncode == 130, stderr.decode()
    assert b"Traceback" not in stderr, stderr.decode()
    # what was graded is written: no run had finished, so none is in the report, and both are pending
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["summary"]["pending"] + document["summary"]["runs"] == 2
    assert document["summary"]["pending"] >= 1 and b"interrupted" in stderr
    strict_validator("grade").validate(document)
    assert not listening(port)
    left = [path.name for path in temporary.iterdir() if not path.name.endswith(".lock")]
    assert left == [], stderr.decode()[-3000:]  # the runs' code, the servers' copies and logs: all removed
    running = []
    for process in psutil.process_iter(["cwd", "cmdline"]):
        where = " ".join([process.info["cwd"] or "", *(process.info["cmdline"] or [])])
        if str(temporary) in where or str(manifest) in where:
            running.append(where)
    assert running == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_runs_stages_are_reported_in_order(tmp_path: Path, helpers: ModuleType, jobs: int) -> None:
    apps = {name: _tiny_app(tmp_path / "apps" / name) for name in ("first", "second")}
    manifest = _manifest(tmp_path, helpers, apps)
    collection = _collection(tmp_path / "ping.postman_collection.json", 1)
    seen: dict[str, list[str]] = {}
    grading = grade(
        manifest,
        jobs=jobs,
        run_tests=True,
        collection=collection,
        port=free_port(),
        on_stage=lambda origin, stage: seen.setdefault(origin, []).append(stage.value),
    )
    assert {item.origin for item in grading.runs} == set(seen)
    expected = ["laying out", "verifying", "setting up", "starting", "testing", "stopping"]
    assert all(stages == expected for stages in seen.values()), seen


def test_the_servers_added_variables_are_part_of_a_tested_runs_key() -> None:
    plain = BehaviourTests.load("realworld")
    added = BehaviourTests.load("realworld", env={"API_TOKEN": "one"})
    other = BehaviourTests.load("realworld", env={"API_TOKEN": "two"})
    assert plain.fingerprint.count("/") == 5  # no variables: the key is the one stored before
    assert len({plain.fingerprint, added.fingerprint, other.fingerprint}) == 3
    assert "one" not in added.fingerprint  # a digest: a secret's value never lands in the store
