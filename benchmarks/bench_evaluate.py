"""A first and a second `cdverify evaluate` of each reference app: what the environment cache saves.

    python benchmarks/bench_evaluate.py [--repeat 3]

"First" is the way a fresh machine meets the app: an empty environment cache and empty uv and npm
download caches (each in a scratch folder of this script). "Second" is the same command again, the
environment made by the first reused. Each evaluate runs the bundled RealWorld collection (32 requests)
against the app on SQLite; the script prints a Markdown table of wall times, the set-up and start-up
times the server records, and the figures of both runs (which must be equal).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = {
    "flask": ("corpus/conduit-flask-clean", "python-flask-openapi-clean_architecture-sqlite-sqlalchemy"),
    "express": ("corpus/conduit-express-clean", "node-express-openapi-clean_architecture-sqlite-sequelize"),
}


def evaluate(app: str, task: str, env: dict[str, str]) -> tuple[float, dict[str, object]]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "cdverify", "evaluate", str(ROOT / app), "--task", task, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    wall = time.monotonic() - started
    if not done.stdout:
        raise SystemExit(f"evaluate of {app} gave no report:\n{done.stderr}")
    return wall, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="second runs per app (their median is shown)")
    args = parser.parse_args()
    print("| app | run | wall s | set-up s | start-up s | passed / assertions |")
    print("|---|---|---:|---:|---:|---|")
    for name, (app, task) in APPS.items():
        with tempfile.TemporaryDirectory(prefix="cdverify-bench-") as scratch:
            env = {
                **os.environ,
                "CDVERIFY_CACHE_DIR": f"{scratch}/cdverify",
                "UV_CACHE_DIR": f"{scratch}/uv",
                "npm_config_cache": f"{scratch}/npm",
            }
            runs = [("first", *evaluate(app, task, env))]
            seconds = [evaluate(app, task, env) for _ in range(args.repeat)]
            median = statistics.median(wall for wall, _ in seconds)
            runs.append(("second", median, seconds[0][1]))
            figures = {(r["contract"]["passed"], r["contract"]["assertions"]) for _, _, r in runs}  # type: ignore[index]
            for label, wall, report in runs:
                server = report["server"]
                contract = report["contract"]
                print(
                    f"| {name} | {label} | {wall:.2f} | {server['setup_ms'] / 1000:.2f} | "  # type: ignore[index]
                    f"{server['startup_ms'] / 1000:.2f} | {contract['passed']} / {contract['assertions']} |"  # type: ignore[index]
                )
            if len(figures) != 1:
                raise SystemExit(f"{name}: the runs disagree: {figures}")


if __name__ == "__main__":
    main()
