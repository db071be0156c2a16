"""Whole-process time and peak memory of `cdverify contract run` against newman, on the same running server.

The server is a reference app of corpus/ (default: conduit-flask-clean, on SQLite), started once. Each
run registers its own user (USERNAME, EMAIL as globals), so every run sees the same database state, and
the runners alternate so that machine noise hits both alike. The table shows medians; the target of the
contract-runner issue is cdverify at most a third of newman's wall time.

    python benchmarks/bench_contract.py                         # 10 runs each, upstream collection
    python benchmarks/bench_contract.py --runs 20 --app conduit-express-clean
    python benchmarks/bench_contract.py --cdverify before=/tmp/main-cdverify --cdverify after=cdverify

`--cdverify` may be given more than once (`LABEL=COMMAND` names it): every build runs in the same rounds,
interleaved with newman, so a before/after pair meets the same machine load. The load average is printed.

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
    parser.add_argument(
        "--cdverify", action="append", metavar="[LABEL=]COMMAND", help="repeatable; default: cdverify on PATH"
    )
    args = parser.parse_args()
    specs = args.cdverify or [shutil.which("cdverify") or "cdverify"]
    builds = dict(_build(spec) for spec in specs)
    if len(builds) < len(specs) or "newman" in builds:
        sys.exit("give each --cdverify a label of its own (LABEL=COMMAND), other than newman")
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
        figures: dict[str, list[tuple[float, float, float]]] = {"newman": []}
        figures.update({label: [] for label in builds})
        loads = [os.getloadavg()[0]]
        for run in range(args.runs):
            order = list(figures)
            for runner in order if run % 2 == 0 else order[::-1]:
                user = f"b{uuid.uuid4().hex[:10]}"
                globals_ = [f"APIURL={server.base_url}", f"USERNAME={user}", f"EMAIL={user}@mail.com"]
                globals_.append("PASSWORD=pw")
                if runner == "newman":
                    command = [str(NEWMAN), "run", str(COLLECTION), "--timeout-request", "10000"]
                    command += ["--reporters", "json"]
                    command += ["--reporter-json-export", str(Path(scratch) / "n.json")]
                    command += [flag for pair in globals_ for flag in ("--global-var", pair)]
                else:
                    command = [builds[runner], "contract", "run", str(COLLECTION), "--format", "json"]
                    command += ["-o", str(Path(scratch) / "c.json")]
                    command += [flag for pair in globals_ for flag in ("--global", pair)]
                wall, cpu, rss, code = timed(command, Path(scratch))
                if code != 0:
                    sys.exit(f"{runner} failed (exit code {code}) on run {run}")
                figures[runner].append((wall, cpu, rss))
            loads.append(os.getloadavg()[0])

    print(f"{args.app}, upstream collection (32 requests, 311 assertions), {args.runs} runs each, medians")
    print(
        f"load average (1 min) during the runs: {min(loads):.1f} to {max(loads):.1f}, {os.cpu_count()} cores"
    )
    print(f"{'runner':<10} {'wall s':>8} {'CPU s':>8} {'RSS MiB':>8} {'wall ratio':>11} {'CPU ratio':>10}")
    medians = {
        runner: [statistics.median(c) for c in zip(*rows, strict=True)] for runner, rows in figures.items()
    }
    for runner, (wall, cpu, rss) in medians.items():
        ratios = f"{wall / medians['newman'][0]:>11.2f} {cpu / medians['newman'][1]:>10.2f}"
        print(f"{runner:<10} {wall:>8.3f} {cpu:>8.3f} {rss:>8.1f} {ratios if runner != 'newman' else ''}")
    print("target: cdverify at most 0.33 of newman's wall time")


def _build(spec: str) -> tuple[str, str]:
    """(label, command) of a --cdverify value: `LABEL=COMMAND`, or a command named "cdverify"."""
    label, equals, command = spec.partition("=")
    return (label, command) if equals and label and command else ("cdverify", spec)


if __name__ == "__main__":
    main()
