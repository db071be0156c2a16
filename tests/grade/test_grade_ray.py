"""`cdverify grade --run-tests --executor ray`: the same per-run figures as sequentially and with `-j 2`.

A real Ray instance is started for the module (`ray start --head` on a free port, 2 CPUs) and stopped at
its end (`ray stop`). The experiment: 4 runs of the Flask reference app and its mutants (the reference on
SQLite and on PostgreSQL, a raw-SQL mutant, one without `run.sh`), served and tested on the Ray workers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from benchmark_modules import load
from tools import tool_missing

from cdverify.contract.server import free_port
from cdverify.grading.behaviour import BehaviourTests, on_postgres
from cdverify.grading.grader import Grading, grade
from cdverify.grading.layout import RunSource, discover
from cdverify.grading.output import to_json
from cdverify.grading.ray_executor import RunWorker

pytestmark = pytest.mark.integration  # a real Ray instance

REPO_ROOT = Path(__file__).resolve().parents[2]
DATE = "2026-12-05T00-00-00"
RUNS = (
    ("reference", "flask-openapi-clean_architecture-sqlite-sqlalchemy"),
    ("reference", "flask-openapi-clean_architecture-postgres-sqlalchemy"),
    ("flask-raw-sql-text", "flask-openapi-clean_architecture-sqlite-sqlalchemy"),
    ("flask-run-script-missing", "flask-openapi-clean_architecture-sqlite-sqlalchemy"),
)


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    code = load("run_code")
    root = tmp_path_factory.mktemp("results")
    scratch = tmp_path_factory.mktemp("scratch")
    for number, (name, task) in enumerate(RUNS, 1):
        work = scratch / str(number)
        # a PostgreSQL task's hand-in carries the `.env` the reference app loads (no DATABASE_URL in the harness)
        env_file = (code.REPO / "corpus" / "conduit-flask-clean" / "tasks" / "postgres.env").read_text()
        edits = [{"file": ".env", "create": env_file}] if "-postgres-" in task else []
        patch = code.make_patch(code.app_tree(name, "uv", work, edits), work)
        folder = root / "uv" / "agent_r" / "model-r" / task / DATE / f"run_{number}"
        folder.mkdir(parents=True)
        (folder / f"agent_r-{task}.patch").write_bytes(patch)
    return root


@pytest.fixture(scope="module")
def ray_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    ray = shutil.which("ray", path=str(Path(sys.executable).parent)) or shutil.which("ray")
    if ray is None:
        tool_missing("Ray is needed, a dev dependency (cdverify[ray]): pip install -e '.[dev]'")
    port = free_port()
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    start = [ray, "start", "--head", f"--port={port}", "--num-cpus=2", "--include-dashboard=false"]
    started = subprocess.run(start, capture_output=True, text=True, env=env, timeout=180, check=False)
    assert started.returncode == 0, started.stdout[-2000:] + started.stderr[-2000:]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([ray, "stop", "--force"], capture_output=True, env=env, timeout=120, check=False)


def _figures(grading: Grading) -> dict[str, tuple[object, ...]]:
    document = to_json(grading)
    return {
        run["origin"]: (run["assertions"] and (run["assertions"]["total"], run["assertions"]["passed"],
                        run["assertions"]["failed"]), run["a"], run["strict_a"], run["success"],
                        tuple(sorted(run["verdicts"].items())), run["error"])
        for run in document["runs"]
    }  # fmt: skip


def test_a_ray_instance_gives_the_figures_of_a_sequential_and_a_parallel_grade(
    experiment: Path, ray_address: str
) -> None:
    sequential = grade(experiment, run_tests=True, jobs=1)
    parallel = grade(experiment, run_tests=True, jobs=2)
    clusters_before = set(Path(tempfile.gettempdir()).glob("cdverify-pg-*"))
    on_ray = grade(experiment, run_tests=True, executor="ray", address=ray_address)
    # the worker that served the PostgreSQL run removed its cluster when the grade ended
    assert set(Path(tempfile.gettempdir()).glob("cdverify-pg-*")) <= clusters_before
    expected = _figures(sequential)
    assert len(expected) == 4
    assert _figures(parallel) == expected
    assert _figures(on_ray) == expected
    # and the figures are the apps' own: the reference passes everything, the mutant without run.sh nothing
    by_code = {origin.split("/run_")[1]: figures for origin, figures in expected.items()}
    assert by_code["1"][0] == (311, 311, 0) and by_code["1"][3] is True
    assert by_code["2"][0] == (311, 311, 0) and by_code["2"][3] is True  # PostgreSQL, on the worker
    assert by_code["3"][0] == (311, 311, 0) and by_code["3"][2] == 0.0  # the ORM verifier fails it
    assert by_code["4"][0] is not None and by_code["4"][0][1] == 0  # never started: 0 passed
    assert all(item.tests is not None for item in on_ray.runs)


def test_a_worker_starts_one_postgres_cluster_for_all_its_postgres_runs_and_removes_it(
    experiment: Path,
) -> None:
    runs = discover(experiment).runs
    postgres = next(source for source in runs if on_postgres(source))
    sqlite = next(source for source in runs if not on_postgres(source))
    seen: list[BehaviourTests | None] = []

    def grade_one(source: RunSource, tests: BehaviourTests | None) -> str:
        seen.append(tests)
        return source.origin

    worker = RunWorker(grade_one, BehaviourTests.load())  # type: ignore[arg-type]
    try:
        assert worker.grade(0, sqlite) == (0, sqlite.origin)
        assert seen[0] is not None and seen[0].postgres is None  # no cluster for a SQLite run
        worker.grade(1, postgres)
        worker.grade(2, postgres)
        clusters = [tests.postgres if tests is not None else None for tests in seen[1:]]
        assert clusters[0] is not None and clusters[0] is clusters[1]  # one initdb for both runs
        server = int((clusters[0].data_dir / "postmaster.pid").read_text().split()[0])
        assert _running(server)
    finally:
        worker.close()
    assert not clusters[0].root.exists() and not _running(server)
    assert worker.grade(3, sqlite)[0] == 3 and seen[-1] is not None and seen[-1].postgres is None


def _running(pid: int) -> bool:
    """A process that runs (a stopped daemon may stay a zombie until this container's init reaps it)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_the_ray_executor_needs_its_address_only_with_it(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "cdverify", "grade", str(tmp_path), "--address", "127.0.0.1:1", "--no-store"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "--address goes with --executor ray" in run.stderr
