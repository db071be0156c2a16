"""The regression gate CI runs: cdverify's cold time on fixed corpora over the tree-sitter parse floor.

    python benchmarks/ratio_check.py                    # measure, compare with ratio_baseline.json
    python benchmarks/ratio_check.py --record           # measure and write the baseline
    python benchmarks/ratio_check.py --corpora django --runs 5

For each corpus, in one job and interleaved: the *floor* (a fresh interpreter reading every source file
and parsing it with tree-sitter, nothing else) and `cdverify check PATH -c clean_architecture --no-cache
--format json` (a cold check). The ratio check ÷ floor is what cdverify adds on top of parsing; it
hardly depends on the machine, so a baseline recorded here holds on CI's. The gate fails (exit 1) when a
ratio grows by half over its baseline — the day a regression lands, not months later. A row over its limit
is measured once more, with twice the runs, and the gate fails only when that measurement is over the limit
too: a real slowdown is over it both times, a busy spell of a shared machine seldom is (the limit is not
moved).

The `start-up` row does the same for a small app, whose time is mostly start-up: a cold check of
corpus/conduit-flask-clean over `python -c pass`, both in CPU seconds (user + system, git's processes
included), which a busy machine disturbs less than wall time at this scale (issue 17's goal: at most 8 times).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import corpora

BENCH_DIR = Path(__file__).resolve().parent
BASELINE = BENCH_DIR / "ratio_baseline.json"
STARTUP = "start-up"  # not a corpus of corpora.py: a Conduit-sized app of corpus/ against the interpreter
STARTUP_APP = BENCH_DIR.parent / "corpus" / "conduit-flask-clean"
STARTUP_RUNS = 15  # runs of ~0.2 s: more of them than of a corpus
DEFAULT_CORPORA = ("django", "ts-mono", STARTUP)
GROWTH_LIMIT = 1.5  # a ratio above baseline * this fails

# The floor: read and parse every file of the corpus with the grammar cdverify uses for it.
FLOOR_SCRIPT = """
import sys
from pathlib import Path
import tree_sitter
lang = sys.argv[2]
if lang == "python":
    import tree_sitter_python as grammar
    language = tree_sitter.Language(grammar.language())
    files = sorted(Path(sys.argv[1]).rglob("*.py"))
else:
    import tree_sitter_typescript as grammar
    language = tree_sitter.Language(grammar.language_typescript())
    files = sorted(p for p in Path(sys.argv[1]).rglob("*.ts") if not p.name.endswith(".d.ts"))
parser = tree_sitter.Parser(language)
for path in files:
    parser.parse(path.read_bytes())
"""


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: the check found violations, which is fine here
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-800:]}")
    return elapsed


def _cpu(command: list[str], cwd: Path) -> float:
    """CPU seconds of `command` and of the processes it waited for."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {os.waitstatus_to_exitcode(status)}")
    return usage.ru_utime + usage.ru_stime


def measure_startup(runs: int) -> dict[str, float]:
    floor_cmd = [sys.executable, "-c", "pass"]
    check_cmd = [sys.executable, "-m", "cdverify", "check", str(STARTUP_APP), "-c", "clean_architecture"]
    check_cmd += ["--no-cache", "--format", "json"]
    _cpu(check_cmd, BENCH_DIR)  # bytecode and the catalogues' pickle written, page cache warm
    floors, checks = [], []
    for _ in range(runs):
        floors.append(_cpu(floor_cmd, BENCH_DIR))
        checks.append(_cpu(check_cmd, BENCH_DIR))
    floor, check = statistics.median(floors), statistics.median(checks)
    return {"floor_s": round(floor, 4), "check_s": round(check, 4), "ratio": round(check / floor, 2)}


def measure(corpus: corpora.Corpus, runs: int, cache_dir: Path) -> dict[str, float]:
    target = corpus.root / corpus.target
    floor_cmd = [sys.executable, "-c", FLOOR_SCRIPT, str(target), corpus.lang]
    check_cmd = [sys.executable, "-m", "cdverify", "check", str(corpus.root), "-c", "clean_architecture"]
    check_cmd += ["--no-cache", "--format", "json", "-o", str(cache_dir / f"ratio-{corpus.name}.json")]
    _timed(floor_cmd, BENCH_DIR)  # warm the page cache for both
    _timed(check_cmd, BENCH_DIR)
    floors, checks = [], []
    for _ in range(runs):  # interleaved, so that a busy spell hits both
        floors.append(_timed(floor_cmd, BENCH_DIR))
        checks.append(_timed(check_cmd, BENCH_DIR))
    floor, check = statistics.median(floors), statistics.median(checks)
    return {"floor_s": round(floor, 3), "check_s": round(check, 3), "ratio": round(check / floor, 2)}


def _limit(baseline: dict[str, dict[str, float]], name: str) -> float | None:
    base = baseline.get(name, {}).get("ratio")
    return round(base * GROWTH_LIMIT, 2) if base else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default=",".join(DEFAULT_CORPORA), help="comma-separated corpus names")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--record", action="store_true", help="write the measured ratios as the baseline")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--cache-dir", type=Path, default=corpora.DEFAULT_CACHE)
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.corpora.split(",") if name.strip()]
    baseline = json.loads(args.baseline.read_text()) if args.baseline.is_file() else {}
    trees = {c.name: c for c in corpora.prepare([name for name in names if name != STARTUP], args.cache_dir)}

    def measure_row(name: str, runs: int) -> dict[str, float]:
        if name == STARTUP:
            return measure_startup(max(runs, STARTUP_RUNS))
        return measure(trees[name], runs, args.cache_dir)

    rows = [*trees, *([STARTUP] if STARTUP in names else [])]
    measured = {name: measure_row(name, args.runs) for name in rows}
    if not args.record:
        for name in rows:
            first, limit = measured[name]["ratio"], _limit(baseline, name)
            if limit is not None and first > limit:
                measured[name] = measure_row(name, 2 * args.runs)
                again = measured[name]["ratio"]
                print(f"{name}: ratio {first} over the limit {limit}, measured again: {again}")
    failed = []
    heads = ("floor s", "check s", "ratio", "baseline", "limit")
    print(f"{'corpus':10s} " + " ".join(f"{h:>8s}" for h in heads) + "  verdict")
    for name, row in measured.items():
        base = baseline.get(name, {}).get("ratio")
        limit = _limit(baseline, name)
        verdict = "recorded" if args.record else "no baseline" if limit is None else "ok"
        if not args.record and limit is not None and row["ratio"] > limit:
            verdict = "SLOWER"
            failed.append(name)
        print(
            f"{name:10s} {row['floor_s']:8.3f} {row['check_s']:8.3f} {row['ratio']:8.2f} "
            f"{base or '-':>8} {limit or '-':>8}  {verdict}"
        )
    if args.record:
        args.baseline.write_text(json.dumps({**baseline, **measured}, indent=2, sort_keys=True) + "\n")
        print(f"baseline written to {args.baseline}")
        return 0
    if failed:
        grown = ", ".join(failed)
        print(f"cdverify grew by more than half over the parse floor on: {grown}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
