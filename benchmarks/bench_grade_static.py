"""Static grading of an experiment: `cdverify grade` beside the paper's own verifiers, on the same runs.

    python benchmarks/bench_grade_static.py --paper-repo /work/.mirror/francdente+constraint-decay/repo
    python benchmarks/bench_grade_static.py --runs 300 --repeat 3 --paper-repo PATH
    python benchmarks/bench_grade_static.py --json /tmp/grade-bench.json      # without the paper: (4) skipped

The experiment (gen_experiment.py: 1,000 runs of the reference apps and their mutants, real newman CSV rows)
and 2,000 synthetic patches on the edges of how a patch is read (gen_paper_edges.py) are made once in
`.corpora/` (a stamp records what they were made from). Then, on the same runs, each row a whole process
(wall, user + system CPU, the peak RSS of its largest process, runs per second):

1. `cdverify grade -j J --no-store`: cdverify's verifiers;
2. `cdverify grade -j J --no-store --verifiers paper`: our reproduction of the paper's heuristics;
3. `cdverify grade -j J --store DIR` twice: filling an empty store, then resuming from it;
4. the paper's own code from `--paper-repo` (a git repository, exported with `git archive` to a temporary
   folder outside ours and imported from there, never copied): its `verifiers.py` on each run's patch as
   its `evaluation.py` calls it, and its `evaluation.py` + `evaluation_tables.py` (walk, newman CSVs,
   verifiers, task statistics, Tables 1, 2a and 3). Skipped, with a message, without `--paper-repo`.

Then where cdverify's time goes (cProfile of `cdverify.grade(jobs=1)` in this process on `--profile-runs`
runs), and the comparisons: `--verifiers paper` against the paper's verifiers.py run by run and axis by
axis (on both experiments: they must agree everywhere), its per-run, per-task and table figures against
the paper's evaluation scripts' (to 1e-9), and the count of runs per axis where cdverify's verdicts and the
paper's differ. The output is Markdown.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gen_experiment
import gen_paper_edges
from bench_check import Bench, run_once, wait_for_idle
from corpora import _stamp_ok, _write_stamp

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
PAPER_FILES = ("constraint_decay", "evaluation.py", "evaluation_tables.py", "evaluation_feature.py")
AXES = ("architecture", "database", "orm")
TOLERANCE = 1e-9
DASH = "\u2013"  # en dash, for ranges and empty cells
TARGET_S = 120.0  # the target: 1,000 runs in under 2 minutes on 2 cores


# --- Inputs -----------------------------------------------------------------------------------------------


def prepare_experiment(cache: Path, runs: int, seed: int) -> Path:
    """The generated experiment (made once per runs, seed and inputs); returns its folder."""
    folder = cache / f"grade-{runs}-s{seed}"
    spec = f"runs={runs} seed={seed} inputs={gen_experiment.inputs_digest()}"
    if not _stamp_ok(folder, spec):
        print(f"making {folder} ({runs} runs) ...", file=sys.stderr, flush=True)
        folder.mkdir(parents=True, exist_ok=True)
        gen_experiment.make(folder, runs, seed)
        _write_stamp(folder, spec)
    return folder


def prepare_edges(cache: Path, runs: int, seed: int) -> Path:
    folder = cache / f"grade-edges-{runs}-s{seed}"
    source = (BENCH_DIR / "gen_paper_edges.py").read_bytes()
    spec = f"runs={runs} seed={seed} generator={hash_bytes(source)}"
    if not _stamp_ok(folder, spec):
        folder.mkdir(parents=True, exist_ok=True)
        gen_paper_edges.make(folder, runs, seed)
        _write_stamp(folder, spec)
    return folder


def hash_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:16]


@contextmanager
def paper_tree(repo: Path) -> Iterator[Path]:
    """The paper's evaluation code, exported from its git repository to a temporary folder (removed after)."""
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", "HEAD", *PAPER_FILES],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        raise SystemExit(f"git archive in {repo} failed: {archive.stderr.decode(errors='replace')}")
    with tempfile.TemporaryDirectory(prefix="paper-tree-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)


def paper_commit(repo: Path) -> str:
    found = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, check=False)
    return found.stdout.decode().strip()[:12]


# --- Timing -----------------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    command: list[str]
    runs: int
    env: dict[str, str] = field(default_factory=dict)
    before: list[Path] = field(default_factory=list)  # folders emptied before each timed run
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    skipped: str = ""

    def cells(self) -> list[str]:
        if self.skipped:
            return [self.name, DASH, DASH, DASH, DASH, self.skipped]
        wall = statistics.median(self.walls)
        spread = f"{min(self.walls):.1f}{DASH}{max(self.walls):.1f}" if len(self.walls) > 1 else ""
        return [
            self.name,
            f"{wall:.2f}" + (f" ({spread})" if spread else ""),
            f"{statistics.median(self.cpus):.2f}",
            f"{max(self.rss):.0f}",
            f"{self.runs / wall:,.0f}",
            "",
        ]


def measure(row: Row, repeat: int, logs: Path, idle_wait: bool) -> None:
    for attempt in range(repeat):
        for folder in row.before:
            shutil.rmtree(folder, ignore_errors=True)
        if idle_wait:
            wait_for_idle(0.9, 60)
        log = logs / f"{row.name.split()[0].strip('()')}-{attempt}.log"
        bench = Bench("experiment", "", row.name, row.command, REPO_DIR, env=row.env)
        wall, cpu, rss, code = run_once(bench, log)
        if code != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise SystemExit(f"{row.name}: exit code {code}\n{tail}")
        row.walls.append(wall)
        row.cpus.append(cpu)
        row.rss.append(rss)
        print(f"  {row.name}: {wall:.2f} s", file=sys.stderr, flush=True)


def cdverify_env() -> dict[str, str]:
    """Run this working tree's cdverify, whatever the venv has installed."""
    path = os.environ.get("PYTHONPATH", "")
    return {"PYTHONPATH": f"{REPO_DIR}{os.pathsep}{path}" if path else str(REPO_DIR)}


# --- Where cdverify's time goes -----------------------------------------------------------------------------

STAGES = (
    ("grade() in all", "cdverify/grading/grader.py", "grade"),
    ("discover the runs", "cdverify/grading/layout.py", "discover"),
    ("lay the patch out (git apply, temp folder)", "cdverify/grading/materialise.py", "materialised"),
    ("verify(): the whole pipeline", "cdverify/pipeline.py", "verify"),
    ("  load the configuration", "cdverify/config.py", "load_config"),
    ("  discover the project", "cdverify/discover.py", "discover"),
    ("  parse (tree-sitter, facts)", "cdverify/pipeline.py", "parse_all"),
    ("  resolve imports", "cdverify/resolve/__init__.py", "build_graph"),
    ("  read manifests", "cdverify/manifests.py", "read_manifests"),
    ("  database facts", "cdverify/detect/database/uses.py", "collect"),
    ("  framework facts", "cdverify/detect/framework/collect.py", "collect"),
    ("  constraint findings", "cdverify/pipeline.py", "constraint_findings"),
    ("read the newman report", "cdverify/grading/reports.py", "read_run_report"),
    ("the tables", "cdverify/grading/metrics.py", "summarise"),
)


def subset_manifest(results: Path, count: int, out: Path) -> Path:
    """A manifest of `count` runs of the experiment spread evenly over it (the profile's input)."""
    from cdverify.grading.layout import PatchCode, read_results

    runs = read_results(results).runs
    step = max(1, len(runs) // count)
    chosen = runs[::step][:count]
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "profile-manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["run", "agent", "model", "task", "trial", "patch", "report"])
        for run in chosen:
            assert isinstance(run.code, PatchCode)
            report = "" if run.report is None else str(run.report)
            writer.writerow([run.run_id, run.agent, run.model, run.task, run.trial, run.code.patch, report])
    return manifest


def profile(results: Path, count: int, out: Path) -> tuple[list[list[str]], str, float]:
    """cProfile of grade(jobs=1) on `count` runs: the stage table, the top functions, seconds per run."""
    sys.path.insert(0, str(REPO_DIR))
    from cdverify.grading.grader import grade

    manifest = subset_manifest(results, count, out)
    profiler = cProfile.Profile()
    profiler.enable()
    grading = grade(manifest, jobs=1, store=None)
    profiler.disable()
    stats = pstats.Stats(profiler)
    cumulative: dict[tuple[str, str], float] = {}
    for (filename, _line, function), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        for _label, suffix, name in STAGES:
            if function == name and filename.endswith(suffix):
                cumulative[(suffix, name)] = cumulative.get((suffix, name), 0.0) + ct
    total = cumulative.get(("cdverify/grading/grader.py", "grade"), 0.0)
    runs = len(grading.runs)
    table = []
    for label, suffix, name in STAGES:
        seconds = cumulative.get((suffix, name), 0.0)
        share = f"{100 * seconds / total:.0f} %" if total else ""
        table.append([label, f"{seconds:.2f}", f"{1000 * seconds / runs:.1f}", share])
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(15)
    top = "\n".join(line for line in text.getvalue().splitlines() if line.strip())
    return table, top, total / runs


# --- Comparisons --------------------------------------------------------------------------------------------

_AS_BOOL = {"pass": True, "fail": False, "not_applicable": None}


def verdict_agreement(ours: dict[str, Any], theirs: dict[str, Any]) -> tuple[Counter[str], list[str]]:
    """Per axis, the runs where our `--verifiers paper` verdict differs from the paper's verifiers.py."""
    differ: Counter[str] = Counter()
    examples = []
    missing = set(theirs["runs"]) ^ {run["run"] for run in ours["runs"]}
    for run in ours["runs"]:
        paper = theirs["runs"].get(run["run"])
        for axis in AXES:
            mine = _AS_BOOL[run["verdicts"][axis]]
            if paper is None or mine != paper[axis]:
                differ[axis] += 1
                if len(examples) < 10:
                    examples.append(
                        f"{run['run']} {axis}: ours {mine}, paper {None if paper is None else paper[axis]}"
                    )
    if missing:
        differ["runs found by one side only"] = len(missing)
    return differ, examples


def cdverify_against_paper(cdverify: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Counter[str]]:
    """Per axis, how cdverify's verdicts and the paper's verifiers.py's compare on the runs both judge."""
    table: dict[str, Counter[str]] = {axis: Counter() for axis in AXES}
    for run in cdverify["runs"]:
        paper = theirs["runs"].get(run["run"])
        for axis in AXES:
            mine = _AS_BOOL[run["verdicts"][axis]]
            if paper is None or paper[axis] is None or mine is None:
                continue
            key = {(True, True): "both pass", (False, False): "both fail"}.get((mine, paper[axis]))
            table[axis][key or ("cdverify only fails" if paper[axis] else "paper only fails")] += 1
    return table


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def figures_against_evaluation(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Where `--verifiers paper`'s runs, tasks and tables differ from the paper's evaluation scripts'."""
    problems = []
    by_run = {}
    for run in ours["runs"]:
        runtime = run["run"].split("/")[0]
        by_run[(runtime, run["agent"], run["model"], run["task"], f"run_{run['trial']}")] = run
    for row in theirs["runs"]:
        key = (row["runtime"], row["agent"], row["model"], row["task"], row["run_id"])
        run = by_run.pop(key, None)
        if run is None:
            problems.append(f"run {key}: only in the paper's")
            continue
        counts = run["assertions"] or {"total": 0, "passed": 0, "failed": 0}
        pairs = [
            ("total", counts["total"], row["n_assertions"]),
            ("passed", counts["passed"], row["passed_assertions"]),
            ("failed", counts["failed"], row["failed_assertions"]),
            ("a", run["a"], row["passed_assertions_perc"]),
            ("strict_a", run["strict_a"], row["strict_assertions_perc"]),
            ("success", int(run["success"]), row["succeeded"]),
            ("tests_pass", int(run["tests_pass"]), row["tests_passed"]),
        ]
        problems += [f"run {key} {name}: ours {a}, paper {b}" for name, a, b in pairs if not _close(a, b)]
    problems += [f"run {key}: only in ours" for key in by_run]
    tasks = {(t["agent"], t["model"], t["task"]): t for t in ours["tasks"]}
    for row in theirs["tasks"]:
        task = tasks.pop((row["agent"], row["model"], row["task"]), None)
        if task is None:
            problems.append(f"task {row['task']}: only in the paper's")
            continue
        pairs = [
            ("n", task["n"], row["n_executed"]),
            ("successes", task["successes"], row["n_succeeded"]),
            ("pass@1", task["pass@1"], row["pass_at_1"]),
            ("pass@3", task["pass@3"], row["pass_at_3"]),
            ("pass^3", task["pass^3"], row["pass_power_3"]),
            ("a", task["a"], row["passed_assertions_perc"]),
            ("a_stdev", task["a_stdev"], row["passed_assertions_std"]),
            ("strict_a", task["strict_a"], row["strict_assertions_perc"]),
            ("strict_a_stdev", task["strict_a_stdev"], row["strict_assertions_std"]),
        ]
        where = f"task {row['agent']}/{row['model']}/{row['task']}"
        problems += [f"{where} {name}: ours {a}, paper {b}" for name, a, b in pairs if not _close(a, b)]
    problems += [f"task {key}: only in ours" for key in tasks]
    problems += _tables_against_evaluation(ours, theirs)
    return problems


def _tables_against_evaluation(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Tables 1 and 3 (per configuration, in percent) and the pooled Table 2a against the paper's."""
    problems = []
    for table, rows, key in (("table1", "levels", "level"), ("table3", "frameworks", "framework")):
        mine_by_key = {(r["agent"], r["model"], r[key]): r for r in ours[rows]}
        for row in theirs[table]:
            mine = mine_by_key.get((row["agent"], row["model"], row[key]))
            if mine is None or not (
                _close(mine["strict_a"] * 100, row["strict_a_pct"])
                and _close(mine["pass@1"] * 100, row["pass_at_1_pct"])
            ):
                problems.append(f"{table} {row}: ours {mine}")
    pooled = {r["constraint"]: r for r in ours["marginal_effects"] if r["agent"] is None}
    for row in theirs["table2a"]:
        mine = pooled.get(row["constraint"])
        if mine is None or not (
            mine["pairs"] == row["n_pairs"]
            and _close(mine["delta"] * 100, row["mean_delta"])
            and _close(mine["stdev"] * 100, row["std_delta"])
            and _close(mine["sem"] * 100, row["sem_delta"])
        ):
            problems.append(f"table 2a {row}: ours {mine}")
    if len(pooled) != len(theirs["table2a"]):
        problems.append(
            f"table 2a: {len(pooled)} constraints in ours, {len(theirs['table2a'])} in the paper's"
        )
    return problems


# --- The report ---------------------------------------------------------------------------------------------


def markdown(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def timing_section(rows: list[Row], jobs: int, repeat: int) -> str:
    headers = ["row", f"wall s (min{DASH}max)", "cpu s", "peak RSS MiB", "runs/s", "note"]
    text = markdown(headers, [row.cells() for row in rows])
    first = rows[0]
    if first.walls:
        wall = statistics.median(first.walls)
        verdict = "**PASS**" if wall < TARGET_S * first.runs / 1000 else "**MISSED**"
        text += (
            f"\n\nTarget: 1,000 runs in under {TARGET_S:.0f} s with -j {jobs} (scaled to {first.runs} runs: "
            f"{TARGET_S * first.runs / 1000:.0f} s): row (1) took {wall:.1f} s, {verdict}. "
            f"Medians of {repeat} timed run(s) per row."
        )
    return text


def comparison_section(out: Path) -> tuple[str, bool]:
    """The comparisons with the paper's code, and whether everything that must agree agrees."""
    ours, peer = _load(out / "paper-mode.json"), _load(out / "peer-verifiers.json")
    edges = _load(out / "edges-paper-mode.json")
    figures = figures_against_evaluation(ours, _load(out / "peer-evaluation.json"))
    cdverify = _load(out / "cdverify.json")
    resumed = _load(out / "resumed.json")
    same_resumed = cdverify["runs"] == resumed["runs"] and cdverify["tasks"] == resumed["tasks"]
    lines = ["## `--verifiers paper` against the paper's verifiers.py, run by run", ""]
    agreed = True
    for name, document, theirs in (
        ("the experiment", ours, peer),
        ("the edge patches", edges, _load(out / "edges-peer.json")),
    ):
        counts, examples = verdict_agreement(document, theirs)
        where = f"{name} ({len(document['runs']):,} runs x {len(AXES)} axes)"
        if not counts:
            lines.append(f"- {where}: every run and axis agrees")
        else:
            agreed = False
            lines.append(f"- {where}: **disagreements** {dict(counts)}")
            lines += [f"  - {example}" for example in examples]
    lines.append(
        "- per-run counts, A%, strict A%, success; per-task n, c, pass@1, pass@3, pass^3, means, stdevs; "
        "Tables 1, 2a, 3 against the paper's evaluation.py / evaluation_tables.py (to 1e-9): "
        + ("all equal" if not figures else f"**{len(figures)} differences**")
    )
    lines += [f"  - {problem}" for problem in figures[:10]]
    lines.append(
        f"- a resumed grade (3b) gives the runs and tasks of (1): {'yes' if same_resumed else '**no**'}"
    )
    lines += ["", "## cdverify's verdicts against the paper's verifiers.py (runs both judge)", ""]
    table = cdverify_against_paper(cdverify, peer)
    columns = ["both pass", "both fail", "cdverify only fails", "paper only fails"]
    lines.append(
        markdown(["axis", *columns], [[axis, *(str(table[axis][c]) for c in columns)] for axis in AXES])
    )
    return "\n".join(lines), agreed and not figures and same_resumed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=1000, help="runs of the experiment (default 1000)")
    parser.add_argument("--edge-runs", type=int, default=2000, help="synthetic edge patches (default 2000)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per row (the median is shown)")
    parser.add_argument("--paper-repo", type=Path, help="a git clone of francdente/constraint-decay")
    parser.add_argument("--profile-runs", type=int, default=100, help="runs profiled in-process (0: none)")
    parser.add_argument("--cache-dir", type=Path, default=BENCH_DIR / ".corpora")
    parser.add_argument("--no-idle-wait", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    results = prepare_experiment(args.cache_dir, args.runs, args.seed) / "results"
    out = args.cache_dir / "out" / "grade"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    rows = cdverify_rows(results, out, args.runs, args.jobs)
    repo = args.paper_repo
    have_paper = repo is not None and ((repo / "HEAD").is_file() or (repo / ".git").exists())
    with ExitStack() as stack:
        tree = stack.enter_context(paper_tree(repo)) if have_paper and repo is not None else None
        rows += peer_rows(results, out, args.runs, tree, repo)
        for row in rows:
            if not row.skipped:
                measure(row, args.repeat, out, not args.no_idle_wait)
        if tree is not None:  # the edge patches: verdicts only, untimed
            edges = prepare_edges(args.cache_dir, args.edge_runs, args.seed) / "results"
            grade_edges = [*CDVERIFY, "grade", str(edges), "-j", str(args.jobs), "--format", "json"]
            grade_edges += ["--verifiers", "paper", "-o", str(out / "edges-paper-mode.json")]
            subprocess.run(grade_edges, env={**os.environ, **cdverify_env()}, check=True)
            peer = [
                *PEER,
                "verifiers",
                str(edges),
                "--paper-tree",
                str(tree),
                "-o",
                str(out / "edges-peer.json"),
            ]
            subprocess.run(peer, check=True)
    sections = [
        f"## Static grading of {args.runs:,} runs (-j {args.jobs})",
        "",
        timing_section(rows, args.jobs, args.repeat),
    ]
    agreed = True
    if tree is not None:
        comparison, agreed = comparison_section(out)
        sections += ["", comparison]
    else:
        sections += ["", "Comparisons with the paper's code: skipped (give --paper-repo)."]
    stage_rows: list[list[str]] = []
    if args.profile_runs:
        stage_rows, top, per_run = profile(results, args.profile_runs, out)
        title = f"## Where cdverify's time goes: cProfile of grade(jobs=1) on {args.profile_runs} runs"
        sections += ["", f"{title} ({1000 * per_run:.0f} ms per run)", ""]
        sections += [
            markdown(["stage", "cumulative s", "ms per run", "share"], stage_rows),
            "",
            "```",
            top,
            "```",
        ]
    print("\n".join(sections))
    if args.json:
        figures = {
            "rows": [
                {"name": r.name, "walls": r.walls, "cpus": r.cpus, "rss_mib": r.rss, "skipped": r.skipped}
                for r in rows
            ],
            "stages": stage_rows,
        }
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if agreed else 1


CDVERIFY = [sys.executable, "-m", "cdverify"]
PEER = [sys.executable, str(BENCH_DIR / "paper_peer.py")]


def cdverify_rows(results: Path, out: Path, runs: int, jobs: int) -> list[Row]:
    grade = [*CDVERIFY, "grade", str(results), "-j", str(jobs), "--format", "json"]
    store = out / "store"
    env = cdverify_env()
    return [
        Row(
            "(1) cdverify grade --no-store",
            [*grade, "--no-store", "-o", str(out / "cdverify.json")],
            runs,
            env,
        ),
        Row(
            "(2) cdverify grade --no-store --verifiers paper",
            [*grade, "--no-store", "--verifiers", "paper", "-o", str(out / "paper-mode.json")],
            runs,
            env,
        ),
        Row(
            "(3a) cdverify grade --store, empty store",
            [*grade, "--store", str(store), "-o", str(out / "stored.json")],
            runs,
            env,
            before=[store],
        ),
        Row(
            "(3b) cdverify grade --store, warm (resumed)",
            [*grade, "--store", str(store), "-o", str(out / "resumed.json")],
            runs,
            env,
        ),
    ]


def peer_rows(results: Path, out: Path, runs: int, tree: Path | None, repo: Path | None) -> list[Row]:
    names = ("(4a) the paper's verifiers.py", "(4b) the paper's evaluation.py + tables")
    if tree is None:
        why = "skipped: no --paper-repo" if repo is None else f"skipped: {repo} is no git repository"
        return [Row(name, [], runs, skipped=why) for name in names]
    at = ["--paper-tree", str(tree)]
    return [
        Row(names[0], [*PEER, "verifiers", str(results), *at, "-o", str(out / "peer-verifiers.json")], runs),
        Row(
            names[1], [*PEER, "evaluation", str(results), *at, "-o", str(out / "peer-evaluation.json")], runs
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())
