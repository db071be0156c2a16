"""Whole-process time and peak memory of `cdverify contract run` against newman, on the same running server.

The server is a reference app of corpus/ (default: conduit-flask-clean, on SQLite), started once. Each
run registers its own user (USERNAME, EMAIL as globals), so every run sees the same database state, and
the runners alternate so that machine noise hits both alike. The table shows medians; the target of the
contract-runner issue is cdverify at most a third of newman's wall time.

    python benchmarks/bench_contract.py                         # 10 runs each, upstream collection
    python benchmarks/bench_contract.py --runs 20 --app conduit-express-clean

Needs newman in tests/node (`npm ci --prefix tests/node`) and the cdverify on PATH (or --cdverify).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from cdverify.contract.collection import bundled_path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
COLLECTION = bundled_path("realworld")
NEWMAN = REPO_DIR / "tests" / "node" / "node_modules" / ".bin" / "newman"


def timed(command: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system), peak RSS in MiB of the process tree, exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--app", default="conduit-flask-clean")
    parser.add_argument("--cdverify", default=shutil.which("cdverify") or "cdverify")
    args = parser.parse_args()
    if not NEWMAN.exists():
        sys.exit(f"newman not found at {NEWMAN}: run `npm ci --prefix {NEWMAN.parents[2]}`")

    sys.path.insert(0, str(REPO_DIR))
    from cdverify.contract.server import ServeOptions, served

    setup = "auto"
    with (
        tempfile.TemporaryDirectory() as scratch,
        served(
            REPO_DIR / "corpus" / args.app, ServeOptions(setup=setup, database="sqlite", health_timeout_s=120)
        ) as server,
    ):
        if not server.healthy:
            sys.exit(f"{args.app} did not become healthy:\n{server.log_tail()[-3000:]}")
        figures: dict[str, list[tuple[float, float, float]]] = {"newman": [], "cdverify": []}
        for run in range(args.runs):
            for runner in ("newman", "cdverify") if run % 2 == 0 else ("cdverify", "newman"):
                user = f"b{uuid.uuid4().hex[:10]}"
                globals_ = [f"APIURL={server.base_url}", f"USERNAME={user}", f"EMAIL={user}@mail.com"]
                globals_.append("PASSWORD=pw")
                if runner == "newman":
                    command = [str(NEWMAN), "run", str(COLLECTION), "--timeout-request", "10000"]
                    command += ["--reporters", "json"]
                    command += ["--reporter-json-export", str(Path(scratch) / "n.json")]
                    command += [flag for pair in globals_ for flag in ("--global-var", pair)]
                else:
                    command = [args.cdverify, "contract", "run", str(COLLECTION), "--format", "json"]
                    command += ["-o", str(Path(scratch) / "c.json")]
                    command += [flag for pair in globals_ for flag in ("--global", pair)]
                wall, cpu, rss, code = timed(command, Path(scratch))
                if code != 0:
                    sys.exit(f"{runner} failed (exit code {code}) on run {run}")
                figures[runner].append((wall, cpu, rss))

    print(f"{args.app}, upstream collection (32 requests, 311 assertions), {args.runs} runs each, medians")
    print(f"{'runner':<10} {'wall s':>8} {'CPU s':>8} {'peak RSS MiB':>13}")
    for runner, rows in figures.items():
        wall, cpu, rss = (statistics.median(column) for column in zip(*rows, strict=True))
        print(f"{runner:<10} {wall:>8.3f} {cpu:>8.3f} {rss:>13.1f}")
    walls = {runner: statistics.median(row[0] for row in rows) for runner, rows in figures.items()}
    ratio = walls["cdverify"] / walls["newman"]
    print(f"cdverify / newman wall time: {ratio:.2f} (target: at most 0.33)")


if __name__ == "__main__":
    main()
