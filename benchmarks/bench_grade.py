"""Behaviour tests at experiment scale: `cdverify grade --run-tests`, sequential with cold caches against
`-j 2` with warm ones, on the same runs.

    python benchmarks/bench_grade.py [--trials 2] [--health-timeout 25]

The experiment (written to a scratch folder, in the paper's results layout) has 2 runtimes x 3 codes x
2 tasks x `--trials` runs (24 by default): the Flask and Express reference apps, a raw-SQL mutant of each
(it serves like the app; the ORM verifier fails it) and a mutant without `run.sh` (its server never
starts), on the task's SQLite and PostgreSQL variants of `clean_architecture-{database}-{orm}`.

Two modes, each a fresh `cdverify grade --run-tests --format json --no-store` process:
- sequential, cold: `-j 1`, with empty environment, uv and npm caches (a scratch folder each);
- parallel, warm: `-j 2`, the caches the first mode filled.
For each: wall time, CPU time (the grade and everything it started), the peak RSS of its largest process,
runs per minute; then where the time goes (set-up, start-up, collection, from each run's record), and a
check that every run's figures (assertions, A%, strict A%, success, verdicts) are identical in both modes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_code import REFERENCE, app_tree, make_patch

CODES = {
    "uv": (REFERENCE, "flask-raw-sql-text", "flask-run-script-missing"),
    "node": (REFERENCE, "express-raw-sql-sequelize-query", "express-run-script-missing"),
}
FRAMEWORK = {"uv": ("flask", "sqlalchemy"), "node": ("express", "sequelize")}
AGENT, DATE = "bench", "2026-12-05T00-00-00"


def make_experiment(root: Path, trials: int) -> int:
    """The runs in the paper's layout under `root`; how many."""
    count = 0
    with tempfile.TemporaryDirectory(prefix="cdverify-bench-code-") as scratch:
        for runtime, codes in CODES.items():
            framework, orm = FRAMEWORK[runtime]
            for code in codes:
                patch = make_patch(app_tree(code, runtime, Path(scratch) / code), Path(scratch) / code)
                for database in ("sqlite", "postgres"):
                    task = f"{framework}-openapi-clean_architecture-{database}-{orm}"
                    for trial in range(1, trials + 1):
                        model = code if code != REFERENCE else "reference"
                        folder = root / runtime / AGENT / model / task / DATE / f"run_{trial}"
                        folder.mkdir(parents=True)
                        (folder / f"{AGENT}-{task}.patch").write_bytes(patch)
                        count += 1
    return count


def grade(
    results: Path, jobs: int, caches: Path, health_timeout: float
) -> tuple[dict[str, Any], dict[str, float]]:
    env = {
        **os.environ,
        "CDVERIFY_CACHE_DIR": str(caches / "cdverify"),
        "UV_CACHE_DIR": str(caches / "uv"),
        "npm_config_cache": str(caches / "npm"),
    }
    command = [sys.executable, "-m", "cdverify", "grade", str(results), "--run-tests", "--format", "json"]
    command += ["-j", str(jobs), "--no-store", "--health-timeout", str(health_timeout)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"grade failed ({done.returncode}):\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(done.stdout), {"wall": wall, "cpu": cpu, "rss_mib": after.ru_maxrss / 1024}


def figures(report: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {
        run["origin"]: (
            json.dumps(
                run["assertions"] and {k: run["assertions"][k] for k in ("total", "passed", "failed")}
            ),
            run["a"],
            run["strict_a"],
            run["success"],
            json.dumps(run["verdicts"], sort_keys=True),
        )
        for run in report["runs"]
    }


def where_time_goes(report: dict[str, Any]) -> str:
    records = [run["tests"] for run in report["runs"] if run.get("tests")]
    startup = [record["startup_ms"] / 1000 for record in records]
    collection = [record["duration_ms"] / 1000 for record in records]
    healthy = sum(record["healthy"] for record in records)
    return (
        f"{len(records)} runs served, {healthy} healthy; start-up median {statistics.median(startup):.2f} s "
        f"(max {max(startup):.1f} s), collection median {statistics.median(collection):.2f} s "
        f"(max {max(collection):.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=2)
    parser.add_argument("--health-timeout", type=float, default=25.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cdverify-bench-grade-") as scratch:
        root = Path(scratch)
        runs = make_experiment(root / "results", args.trials)
        caches = root / "caches"
        cold, cold_cost = grade(root / "results", 1, caches, args.health_timeout)
        warm, warm_cost = grade(root / "results", 2, caches, args.health_timeout)
    print(f"{runs} runs, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}\n")
    print("| mode | wall s | CPU s | peak RSS MiB | runs / min |")
    print("|---|---:|---:|---:|---:|")
    for label, cost in (
        ("sequential, cold caches (-j 1)", cold_cost),
        ("parallel, warm caches (-j 2)", warm_cost),
    ):
        print(
            f"| {label} | {cost['wall']:.1f} | {cost['cpu']:.1f} | {cost['rss_mib']:.0f} | "
            f"{60 * runs / cost['wall']:.1f} |"
        )
    print(f"\ncold: {where_time_goes(cold)}\nwarm: {where_time_goes(warm)}")
    same = figures(cold) == figures(warm)
    print(f"\nevery run's figures identical in both modes: {same}")
    if not same:
        for origin, values in figures(cold).items():
            if figures(warm).get(origin) != values:
                print(f"  {origin}: {values} / {figures(warm).get(origin)}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
