"""What a change adds to the whole-process time of `cdverify check`: the current tree against a baseline.

The baseline is a git revision of this repository (default: the last commit before the database,
framework and task-file verifiers), installed once into its own venv under
`benchmarks/.corpora/tools/baseline-<rev>/`. Both versions check the same apps with `--no-cache`
(cold: every file parsed) and with a warm cache, alternating runs so that machine noise hits both
alike; the table shows medians and the difference.

    python benchmarks/bench_added.py                      # app-60, app-100, corpus apps; 15 runs each
    python benchmarks/bench_added.py --baseline 049cca8 --runs 25 --constraints flask+clean_architecture
    python benchmarks/bench_added.py --baseline f33dc4f --corpora django,ts-mono --only django,ts --runs 7
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DEFAULT_BASELINE = "049cca8"  # issue 2 landed; no database / framework / task verifiers yet
sys.path.insert(0, str(BENCH_DIR))

from corpora import DEFAULT_CACHE, prepare  # noqa: E402


def install_baseline(rev: str, tools: Path) -> Path:
    """A venv with cdverify at `rev`; built once."""
    home = tools / f"baseline-{rev}"
    exe = home / "venv" / "bin" / "cdverify"
    if exe.exists():
        return exe
    src = home / "src"
    src.mkdir(parents=True, exist_ok=True)
    git = ["git", "-C", str(REPO_DIR), "archive", rev]
    archive = subprocess.run(git, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
    subprocess.run([str(home / "venv" / "bin" / "pip"), "install", "-q", str(src)], check=True)
    return exe


def install_current(tools: Path) -> Path:
    """The working tree installed as a user installs it: a plain (non-editable) wheel install, whose
    modules pip byte-compiles. An editable install under PYTHONDONTWRITEBYTECODE=1 recompiles every
    module at each start and would overstate the start-up cost by tens of milliseconds."""
    home = tools / "current"
    if not (home / "venv" / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
    pip = [str(home / "venv" / "bin" / "pip"), "install", "-q", "--force-reinstall", "--no-deps"]
    subprocess.run([str(home / "venv" / "bin" / "pip"), "install", "-q", str(REPO_DIR)], check=True)
    subprocess.run([*pip, str(REPO_DIR)], check=True)
    return home / "venv" / "bin" / "cdverify"


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds and CPU seconds (user + system) of one whole run. CPU time is the steadier
    figure on a shared virtual machine: it leaves out time spent waiting for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {result.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def compare(
    apps: list[tuple[str, Path]], old: str, new: str, constraints: str, current: str, runs: int
) -> list[str]:
    rows = [
        "| app | mode | baseline wall s | current wall s | added wall ms | added CPU ms |",
        "|---|---|---|---|---|---|",
    ]
    for name, path in apps:
        for mode, extra in (("cold (--no-cache)", ["--no-cache"]), ("warm cache", [])):
            with tempfile.TemporaryDirectory() as old_cache, tempfile.TemporaryDirectory() as new_cache:
                # one cache folder per version: they share file names, and each would throw away the
                # other's cache (a different fingerprint) at every run
                env = {
                    old: {**os.environ, "CDVERIFY_CACHE_DIR": old_cache},
                    new: {**os.environ, "CDVERIFY_CACHE_DIR": new_cache},
                }
                samples: dict[str, list[tuple[float, float]]] = {old: [], new: []}
                spec = {old: constraints, new: current}
                for exe in (old, new):  # warm-up (and, for the warm mode, fill the caches)
                    timed([exe, "check", str(path), "-c", spec[exe], *extra], env[exe])
                for _ in range(runs):
                    for exe in (old, new):
                        command = [exe, "check", str(path), "-c", spec[exe], *extra]
                        samples[exe].append(timed(command, env[exe]))
            before = statistics.median(wall for wall, _ in samples[old])
            after = statistics.median(wall for wall, _ in samples[new])
            cpu_new = statistics.median(c for _, c in samples[new])
            cpu = cpu_new - statistics.median(c for _, c in samples[old])
            rows.append(
                f"| {name} | {mode} | {before:.3f} | {after:.3f} | {1000 * (after - before):+.0f} "
                f"| {1000 * cpu:+.0f} |"
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git revision to compare against")
    parser.add_argument(
        "--cdverify", help="the current cdverify executable (default: the working tree, installed afresh)"
    )
    parser.add_argument("--constraints", default="clean_architecture", help="what the baseline checks")
    parser.add_argument(
        "--current-constraints",
        help="what the current version checks (default: the same); e.g. flask+clean_architecture+sqlite+task "
        "to include the verifiers the baseline lacks",
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--corpora",
        default="app-60,app-100",
        help="comma-separated benchmark corpora (corpora.py names: app-1000, django, ts-mono, …)",
    )
    parser.add_argument("--only", help="comma-separated substrings of the app names to run (default: all)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    old = str(install_baseline(args.baseline, args.cache_dir / "tools"))
    new = args.cdverify or str(install_current(args.cache_dir / "tools"))
    names = [name for name in args.corpora.split(",") if name]
    apps = [(c.name, c.root) for c in prepare(names, args.cache_dir)]
    for sample in ("conduit-flask-clean", "conduit-express-clean", "py-flask-layers", "ts-aliases"):
        if (REPO_DIR / "corpus" / sample).is_dir():
            apps.append((f"corpus/{sample}", REPO_DIR / "corpus" / sample))
    if args.only:
        wanted = [part for part in args.only.split(",") if part]
        apps = [(name, path) for name, path in apps if any(part in name for part in wanted)]
    print(f"baseline {args.baseline} ({old}) vs current ({new})")
    print(f"both run `check -c {args.constraints}`; {args.runs} alternating runs per row")
    current = args.current_constraints or args.constraints
    print(f"current runs `check -c {current}`")
    print("\n".join(compare(apps, old, new, args.constraints, current, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
