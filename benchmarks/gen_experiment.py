"""Generate an experiment of any size in the paper's results layout, for the grading benchmark.

    python benchmarks/gen_experiment.py OUT [--runs 1000] [--seed 13]

OUT/results/{runtime}/{agent}/{model}/{task}/{date}/run_N/ holds, for each run, `{agent}-{task}.patch` and,
when the run was "tested", one `newman-run-report-<time>-0.csv`; OUT/runs.jsonl lists every run with how
it was made. Everything is drawn from a seeded random generator, so the same runs and seed give the same
experiment, byte for byte.

- Configurations: 2 agents x 3 models, each with its own date folder; the tasks: Flask (`uv`) and Express
  (`node`), the frameworks of the reference apps, x all 10 constraint combinations. Two (configuration,
  task) pairs are left out, so some tasks have no sibling; the runs are spread over the rest, so trial
  counts differ by one. A task has a 5 % chance of an older date folder too, which graders must not read.
- A run's code (run_code.py): the reference app (a third of the runs), the reference app fitted to the
  task's database (PostgreSQL or SQLite only, a fifth), one of the app's mutants (`corpus/mutants/`), or
  nothing (2 %). Each run's code gets a comment line of its own at the end of one of its source files, so
  that no two patches are alike; some patches keep the app's README.md and package-lock.json.
- Reports: rows of the real newman-reporter-csv reports of corpus/experiments/sample (same runtime),
  varied: some assertions turned to failures, the requests after a crash all failing, or no count at all
  (the server never answered: 0 assertions); 8 % of the runs keep no report.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from run_code import EMPTY, MUTANTS, NOT_IN_PATCH, REFERENCE, REPO, app_tree, make_patch, mutant_names

from cdverify.grading.records import generation_task

SAMPLE = REPO / "corpus" / "experiments" / "sample"
AGENTS = ("mini_swe_sdk", "openhands_sdk")
MODELS = ("gpt-5.4", "qwen3-coder-next", "minimax-m2.5")
FRAMEWORKS = {"flask": ("uv", "sqlalchemy"), "express": ("node", "sequelize")}
# The 10 constraint combinations of the paper, with the language's ORM for "orm".
COMBINATIONS = (
    (),
    ("clean_architecture",),
    ("sqlite",),
    ("postgres",),
    ("clean_architecture", "sqlite"),
    ("clean_architecture", "postgres"),
    ("sqlite", "orm"),
    ("postgres", "orm"),
    ("clean_architecture", "sqlite", "orm"),
    ("clean_architecture", "postgres", "orm"),
)
LEFT_OUT_PAIRS = 2
FITTED = "fitted"  # the reference app, fitted to the task's database

# Edits (the mutants' format) that make a reference app use one engine only, as an agent that follows a
# database constraint would write it.
_FLASK_SQLITE_URL = 'os.environ.get("DATABASE_URL") or "sqlite:///conduit.db"'
_FLASK_HEROKU = """    # Heroku-style URLs say `postgres://`, a scheme SQLAlchemy does not accept.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
"""
_EXPRESS_DOC = """ * PostgreSQL when DATABASE_URL is set (postgres:// or postgresql://),
 * otherwise SQLite in a file of the working directory."""
_EXPRESS_BRANCHES = """  if (!databaseUrl) {
    return new Sequelize({ dialect: 'sqlite', storage: SQLITE_FILE, logging: false });
  }
  if (!/^postgres(ql)?:\\/\\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return new Sequelize(databaseUrl, { logging: false });"""
_EXPRESS_SQLITE_DEP = """,
    "sqlite3": "6.0.1"
  },
  "allowScripts": {
    "sqlite3": true
  }"""
FITTED_EDITS: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("uv", "sqlite"): [
        {"file": "requirements.txt", "replace": {"old": "psycopg2-binary==2.9.13\n", "new": ""}},
        {"file": "app.py", "replace": {"old": _FLASK_HEROKU, "new": ""}},
    ],
    ("uv", "postgres"): [
        {
            "file": "app.py",
            "replace": {
                "old": _FLASK_SQLITE_URL,
                "new": 'os.environ.get("DATABASE_URL") or "postgresql://user:password@postgres:5432/conduit"',
            },
        },
    ],
    ("node", "sqlite"): [
        {
            "file": "package.json",
            "replace": {"old": '    "pg": "8.23.1",\n    "pg-hstore": "2.3.4",\n', "new": ""},
        },
        {
            "file": "src/db.js",
            "replace": {"old": _EXPRESS_DOC, "new": " * SQLite in a file of the working directory."},
        },
        {
            "file": "src/db.js",
            "replace": {
                "old": _EXPRESS_BRANCHES,
                "new": "  const storage = databaseUrl || SQLITE_FILE;\n"
                "  return new Sequelize({ dialect: 'sqlite', storage, logging: false });",
            },
        },
    ],
    ("node", "postgres"): [
        {"file": "package.json", "replace": {"old": _EXPRESS_SQLITE_DEP, "new": "\n  }"}},
        {"file": "src/db.js", "replace": {"old": "const SQLITE_FILE = 'conduit.sqlite';\n", "new": ""}},
        {
            "file": "src/db.js",
            "replace": {
                "old": "{ dialect: 'sqlite', storage: SQLITE_FILE, logging: false }",
                "new": "'postgres://user:password@postgres:5432/conduit', { logging: false }",
            },
        },
    ],
}
SOURCE_SUFFIXES = {".py": "#", ".js": "//"}


class Report(StrEnum):
    """How a run's newman CSV is varied from the real report it copies."""

    AS_IS = "as_is"
    SOME_FAILED = "some_failed"  # k passed assertions turned to failures
    CRASHED = "crashed"  # every assertion after request m failed
    NO_COUNTS = "no_counts"  # no request started: 0 assertions
    NONE = "none"  # the run keeps no report


# The share of each kind of report, as cumulative bounds of a uniform draw.
REPORT_SHARES = (
    (Report.NONE, 0.08),
    (Report.NO_COUNTS, 0.12),
    (Report.CRASHED, 0.22),
    (Report.SOME_FAILED, 0.60),
    (Report.AS_IS, 1.0),
)


@dataclass(frozen=True)
class PlannedRun:
    run: str  # the run folder, relative to OUT/results
    runtime: str
    agent: str
    model: str
    task: str
    date: str
    trial: int
    code: str  # REFERENCE, FITTED, EMPTY or a mutant's name
    note: str  # the comment line that makes the patch its own
    keep: tuple[str, ...]  # files of NOT_IN_PATCH the patch keeps
    report: Report
    report_seed: int


def tasks() -> list[tuple[str, str]]:
    """(runtime, task name) of every generation task of the reference apps' frameworks."""
    found = []
    for framework, (runtime, orm) in FRAMEWORKS.items():
        for combination in COMBINATIONS:
            parts = [orm if part == "orm" else part for part in combination] or ["unconstrained"]
            found.append((runtime, generation_task(f"{framework}-openapi-{'-'.join(parts)}").name))
    return found


def _date(rng: random.Random, day: int) -> str:
    return f"2026-03-{day:02d}T{rng.randrange(24):02d}-{rng.randrange(60):02d}-{rng.randrange(60):02d}"


def plan(runs: int, seed: int) -> list[PlannedRun]:
    """Every run of the experiment (superseded date folders included), drawn from `seed`."""
    rng = random.Random(seed)
    configurations = [(agent, model) for agent in AGENTS for model in MODELS]
    dates = {configuration: _date(rng, 10 + n) for n, configuration in enumerate(configurations)}
    pairs = [(c, t) for c in configurations for t in tasks()]
    left_out = set(rng.sample(range(len(pairs)), LEFT_OUT_PAIRS))
    kept = [pair for number, pair in enumerate(pairs) if number not in left_out]
    base, extra = divmod(runs, len(kept))
    if base < 1:
        raise SystemExit(f"--runs must be at least {len(kept)} (one run per configuration and task)")
    more = set(rng.sample(range(len(kept)), extra))
    mutants = {runtime: mutant_names(runtime) for runtime in ("uv", "node")}
    planned = []
    for number, ((agent, model), (runtime, task)) in enumerate(kept):
        date = dates[(agent, model)]
        folders = [(date, base + (number in more))]
        if rng.random() < 0.05:
            folders.insert(0, (_date(rng, 1), rng.randint(1, 2)))  # an older attempt, superseded
        for folder_date, trials in folders:
            for trial in range(1, trials + 1):
                planned.append(_run(rng, agent, model, runtime, task, folder_date, trial, mutants[runtime]))
    return planned


def _run(
    rng: random.Random,
    agent: str,
    model: str,
    runtime: str,
    task: str,
    date: str,
    trial: int,
    mutants: list[str],
) -> PlannedRun:
    database = next((part for part in ("postgres", "sqlite") if part in task.split("-")), None)
    draw = rng.random()
    if draw < 0.02:
        code = EMPTY
    elif draw < 0.35:
        code = REFERENCE
    elif draw < 0.55:
        code = FITTED if database is not None else REFERENCE
    else:
        code = rng.choice(mutants)
    keep = tuple(name for name in sorted(NOT_IN_PATCH) if rng.random() < 0.25)
    draw = rng.random()
    report = next(kind for kind, below in REPORT_SHARES if draw < below)
    return PlannedRun(
        run=f"{runtime}/{agent}/{model}/{task}/{date}/run_{trial}",
        runtime=runtime,
        agent=agent,
        model=model,
        task=task,
        date=date,
        trial=trial,
        code=code,
        note=f"{rng.getrandbits(64):016x}",
        keep=keep,
        report=report,
        report_seed=rng.getrandbits(32),
    )


# --- Making the runs ------------------------------------------------------------------------------------


def _sources(tree: Path) -> list[Path]:
    return sorted(
        path
        for path in tree.rglob("*")
        if path.suffix in SOURCE_SUFFIXES and path.is_file() and "node_modules" not in path.parts
    )


def run_patch(planned: PlannedRun, scratch: Path) -> bytes:
    """The run's patch: its code, a comment line of its own, the files it keeps."""
    database = next((part for part in ("postgres", "sqlite") if part in planned.task.split("-")), "")
    code = REFERENCE if planned.code == FITTED else planned.code
    edits = FITTED_EDITS[(planned.runtime, database)] if planned.code == FITTED else []
    tree = app_tree(code, planned.runtime, scratch, edits)
    if tree is not None:
        sources = _sources(tree)
        target = sources[int(planned.note, 16) % len(sources)]
        comment = SOURCE_SUFFIXES[target.suffix]
        with target.open("a", encoding="utf-8") as handle:
            handle.write(f"{comment} agent note {planned.note}\n")
    return make_patch(tree, scratch, leave_out=NOT_IN_PATCH - set(planned.keep))


def sample_reports(runtime: str) -> list[list[list[str]]]:
    """The rows (header first) of every newman CSV of the sample experiment under `runtime`."""
    reports = []
    for path in sorted((SAMPLE / runtime).rglob("newman-run-report-*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            reports.append(list(csv.reader(handle)))
    return reports


def varied_report(planned: PlannedRun, pool: list[list[list[str]]]) -> tuple[str, str]:
    """The file name and text of the run's newman CSV, copied from a real report and varied."""
    rng = random.Random(planned.report_seed)
    header, *rows = (list(row) for row in rng.choice(pool))
    column = {name: header.index(name) for name in header}
    total, passed, failed = column["totalAssertions"], column["executedCount"], column["failedCount"]
    port = rng.randrange(30000, 60000)
    for row in rows:
        row[column["url"]] = _with_port(row[column["url"]], port)
    if planned.report == Report.SOME_FAILED:
        for _ in range(rng.randint(1, 25)):
            candidates = [row for row in rows if row[passed] not in ("", "0")]
            if not candidates:
                break
            row = rng.choice(candidates)
            row[passed], row[failed] = str(int(row[passed]) - 1), str(int(row[failed] or 0) + 1)
    elif planned.report == Report.CRASHED:
        for row in rows[rng.randrange(len(rows)) :]:
            if row[total] not in ("", "0"):
                row[passed], row[failed] = "0", row[total]
    elif planned.report == Report.NO_COUNTS:
        for row in rows:
            for name in ("totalAssertions", "executedCount", "failedCount", "skippedCount"):
                row[column[name]] = ""
    out = io.StringIO()
    for row in [header, *rows]:
        # newman-reporter-csv quotes every value but the empty ones
        out.write(",".join('"' + value.replace('"', '""') + '"' if value else "" for value in row) + "\n")
    stamp = f"2026-12-{rng.randint(1, 28):02d}-{rng.randrange(24):02d}-{rng.randrange(60):02d}-"
    stamp += f"{rng.randrange(60):02d}-{rng.randrange(1000):03d}"
    return f"newman-run-report-{stamp}-0.csv", out.getvalue()


def _with_port(url: str, port: int) -> str:
    scheme, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    return f"{scheme}://{host.rsplit(':', 1)[0]}:{port}/{path}" if host else url


def make(out: Path, runs: int, seed: int, workers: int = os.cpu_count() or 1) -> list[PlannedRun]:
    """Write the experiment to OUT/results and its list of runs to OUT/runs.jsonl."""
    planned = plan(runs, seed)
    results = out / "results"
    shutil.rmtree(results, ignore_errors=True)
    pools = {runtime: sample_reports(runtime) for runtime in ("uv", "node")}

    def write(run: PlannedRun) -> None:
        folder = results / run.run
        folder.mkdir(parents=True)
        with tempfile.TemporaryDirectory(prefix="cdverify-gen-") as scratch:
            patch = run_patch(run, Path(scratch))
        (folder / f"{run.agent}-{run.task}.patch").write_bytes(patch)
        if run.report != Report.NONE:
            name, text = varied_report(run, pools[run.runtime])
            (folder / name).write_text(text, encoding="utf-8")

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for _ in pool.map(write, planned):
            pass
    with (out / "runs.jsonl").open("w", encoding="utf-8") as handle:
        for run in planned:
            handle.write(json.dumps(asdict(run)) + "\n")
    return planned


def inputs_digest() -> str:
    """A digest of everything the experiment is made from: this generator, the apps, mutants, reports."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    files: Iterator[Path] = iter(
        [
            here / "gen_experiment.py",
            here / "run_code.py",
            REPO / "tests" / "verify" / "test_mutants.py",
            *sorted(MUTANTS.glob("*.toml")),
            *(p for app in ("conduit-flask-clean", "conduit-express-clean") for p in _app_files(app)),
            *sorted(SAMPLE.rglob("newman-run-report-*.csv")),
        ]
    )
    for path in files:
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _app_files(app: str) -> list[Path]:
    root = REPO / "corpus" / app
    return sorted(p for p in root.rglob("*") if p.is_file() and "node_modules" not in p.parts)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--runs", type=int, default=1000, help="runs read by graders (default 1000)")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    planned = make(args.out, args.runs, args.seed)
    print(f"{args.out}: {len(planned)} run folders")


if __name__ == "__main__":
    main()
