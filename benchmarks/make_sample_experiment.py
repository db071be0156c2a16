"""Make the sample experiment `corpus/experiments/sample/`, in the paper's results layout.

    .venv/bin/python benchmarks/make_sample_experiment.py            # rewrite corpus/experiments/sample
    .venv/bin/python benchmarks/make_sample_experiment.py --plan     # print the plan as a Markdown table
    .venv/bin/python benchmarks/make_sample_experiment.py --patches-only   # patches only, reports kept

Two configurations (agent, model) x 8 generation tasks (Flask and Express, levels 0-3) x 3 trials. Each
run's code is a reference app of `corpus/` or one of its seeded violations (`corpus/mutants/`), or nothing
at all; its patch is what the paper's harness keeps, every file added to an empty workspace
(`git add -A && git diff --cached`, without the apps' README.md and package-lock.json, to keep the sample
small); a PostgreSQL task's run also commits the `.env` the app loads (its `tasks/postgres.env`), as an
agent does, since the paper's harness sets no DATABASE_URL. A run that was "tested" gets a genuine report:
the patch is applied with cdverify's own `materialised`, the code is served on a fresh SQLite database
(`cdverify.contract.server.served`, its `.env` left out, with the dependencies installed once per distinct
requirements.txt / package.json), and newman runs the bundled RealWorld collection with `--reporters csv`
and the paper's globals and timeout, whether the server became healthy or not (as the paper's harness
does). Untested runs keep no report (0 assertions). `--patches-only` rewrites the patches and keeps the
reports, for a change that leaves the served code as it was.

It needs git, Node.js and npm (newman and newman-reporter-csv come from tests/node), and the network for
pip and npm on first use; dependency caches live in ~/.cache/cdverify-sample/.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from run_code import APPS, EMPTY, REFERENCE, REPO, app_tree, make_patch, run, task_edits

from cdverify.contract.collection import bundled_path
from cdverify.contract.server import ServeOptions, served
from cdverify.grading.layout import PatchCode
from cdverify.grading.materialise import materialised

OUT = REPO / "corpus" / "experiments" / "sample"
NODE_TOOLS = REPO / "tests" / "node"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cdverify-sample"
# The paper's harness: newman's globals and request timeout, and 5 health checks 5 s apart.
NEWMAN_GLOBALS = {"USERNAME": "user", "EMAIL": "user@mail.com", "PASSWORD": "password"}
TIMEOUT_REQUEST_MS = 10000
HEALTH_TIMEOUT_S = 25.0


@dataclass(frozen=True)
class Planned:
    code: str  # REFERENCE, EMPTY or a mutant's name
    tested: bool  # False: the run keeps no newman report


def t(code: str) -> Planned:
    return Planned(code, True)


def u(code: str) -> Planned:
    return Planned(code, False)


A, B = ("agent_a", "model-1"), ("agent_b", "model-2")
DATES = {A: "2026-03-02T10-00-00", B: "2026-03-03T14-20-00"}
SUPERSEDED_DATE = "2026-03-01T09-30-00"  # an older date folder of one task: never read

# task → configuration → its three trials (run_1, run_2, run_3)
PLAN: dict[str, dict[tuple[str, str], list[Planned]]] = {
    "flask-openapi-unconstrained": {
        A: [t(REFERENCE), t(REFERENCE), t(REFERENCE)],
        B: [t(REFERENCE), t("flask-api-mounted-elsewhere"), u(EMPTY)],
    },
    "flask-openapi-clean_architecture": {
        A: [t(REFERENCE), t(REFERENCE), t("flask-upward-import-model-to-service")],
        B: [t("flask-route-calls-repository"), t(REFERENCE), t("flask-missing-repository-layer")],
    },
    "flask-openapi-postgres": {
        A: [t(REFERENCE), t("flask-sqlite-beside-postgres"), u(REFERENCE)],
        B: [t("flask-run-script-missing"), t(REFERENCE), u("flask-sqlite-beside-postgres")],
    },
    "flask-openapi-clean_architecture-postgres": {
        A: [t(REFERENCE), t(REFERENCE), t("flask-framework-in-service")],
        B: [t("flask-upward-import-repository-to-route"), t("flask-health-check-removed"), t(REFERENCE)],
    },
    "flask-openapi-clean_architecture-postgres-sqlalchemy": {
        A: [t(REFERENCE), t("flask-raw-sql-text"), t(REFERENCE)],
        B: [
            t("flask-raw-sql-cursor-execute"),
            t("flask-driver-beside-orm"),
            u("flask-upward-import-model-to-service"),
        ],
    },
    "express-openapi-unconstrained": {
        A: [t(REFERENCE), t(REFERENCE), t(REFERENCE)],
        B: [t(REFERENCE), t("express-api-mounted-elsewhere"), t("express-run-script-missing")],
    },
    "express-openapi-postgres-sequelize": {
        A: [t(REFERENCE), t(REFERENCE), t("express-raw-sql-sequelize-query")],
        B: [t("express-sqlite-beside-postgres"), t("express-driver-beside-orm"), u(REFERENCE)],
    },
    "express-openapi-clean_architecture-postgres-sequelize": {
        A: [t(REFERENCE), t("express-route-calls-repository"), t(REFERENCE)],
        B: [
            t("express-framework-in-service"),
            t("express-upward-import-model-to-service"),
            t("express-health-check-renamed"),
        ],
    },
}
# (configuration, task) → the runs of its superseded date folder
SUPERSEDED = {(A, "flask-openapi-clean_architecture-postgres-sqlalchemy"): [u("flask-api-mounted-elsewhere")]}


def runtime_of(task: str) -> str:
    return "uv" if task.startswith("flask-") else "node"


# --- Reports --------------------------------------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def python_environment(requirements: Path) -> dict[str, str]:
    """A venv with `requirements` installed, cached by their content."""
    venv = CACHE / f"venv-{_digest(requirements)}"
    if not (venv / ".installed").exists():
        shutil.rmtree(venv, ignore_errors=True)
        run([sys.executable, "-m", "venv", str(venv)])
        run(
            [
                str(venv / "bin" / "pip"),
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                str(requirements),
            ]
        )
        (venv / ".installed").touch()
    return {"VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}


def node_modules(package_json: Path) -> Path:
    """`node_modules` for `package_json`, cached by its content (from the reference's lock, if it is its)."""
    folder = CACHE / f"node-{_digest(package_json)}"
    if not (folder / ".installed").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        shutil.copy2(package_json, folder / "package.json")
        reference = REPO / "corpus" / APPS["node"]
        same = package_json.read_bytes() == (reference / "package.json").read_bytes()
        if same:
            shutil.copy2(reference / "package-lock.json", folder / "package-lock.json")
        env = {**os.environ, "npm_config_nodedir": "/usr"}  # sqlite3 builds from the local Node headers
        run(["npm", "ci" if same else "install", "--no-audit", "--no-fund"], cwd=folder, env=env)
        (folder / ".installed").touch()
    return folder / "node_modules"


def newman() -> Path:
    binary = NODE_TOOLS / "node_modules" / ".bin" / "newman"
    if not binary.exists():
        run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(NODE_TOOLS)])
    return binary


def tested_report(patch: Path, run_folder: Path) -> str:
    """Serve the run's code on a fresh SQLite database and keep newman's CSV report in `run_folder`."""
    with materialised(PatchCode(patch)) as code:
        # the reports measure behaviour only, on SQLite whatever the task's database: a PostgreSQL
        # task's `.env` (which names the harness's `postgres` host) is not read here
        (code / ".env").unlink(missing_ok=True)
        env: dict[str, str] = {}
        if (code / "requirements.txt").is_file():
            env = python_environment(code / "requirements.txt")
        elif (code / "package.json").is_file():
            (code / "node_modules").symlink_to(node_modules(code / "package.json"))
        options = ServeOptions(database="sqlite", health_timeout_s=HEALTH_TIMEOUT_S, env=env)
        with served(code, options) as server:
            command = [str(newman()), "run", str(bundled_path("realworld"))]
            command += [
                "--timeout-request",
                str(TIMEOUT_REQUEST_MS),
                "--global-var",
                f"APIURL={server.base_url}",
            ]
            for key, value in NEWMAN_GLOBALS.items():
                command += ["--global-var", f"{key}={value}"]
            command += ["--reporters", "csv", "--reporter-csv-export", f"{run_folder}/"]
            subprocess.run(command, capture_output=True, check=False, timeout=900)
            state = "healthy" if server.healthy else "; ".join(server.notes) or "unhealthy"
    if not list(run_folder.glob("newman-run-report-*.csv")):
        sys.exit(f"{run_folder}: newman wrote no CSV report")
    return state


# --- The experiment -------------------------------------------------------------------------------------


def runs() -> list[tuple[str, str, str, str, str, int, Planned]]:
    """(runtime, agent, model, task, date, trial, planned) for every run folder of the sample."""
    listed = []
    for task, configurations in PLAN.items():
        for (agent, model), trials in configurations.items():
            old = SUPERSEDED.get(((agent, model), task), [])
            for date, planned_runs in ((SUPERSEDED_DATE, old), (DATES[(agent, model)], trials)):
                for trial, planned in enumerate(planned_runs, 1):
                    listed.append((runtime_of(task), agent, model, task, date, trial, planned))
    return listed


def print_plan() -> None:
    print("| runtime | agent / model | task | date | run | code | report |")
    print("|---|---|---|---|---|---|---|")
    for runtime, agent, model, task, date, trial, planned in runs():
        report = "newman CSV" if planned.tested else "none"
        print(
            f"| {runtime} | {agent} / {model} | {task} | {date} | run_{trial} | {planned.code} | {report} |"
        )


def write_patches(out: Path) -> None:
    """Rewrite every run's patch in place and keep its newman report: for a change to the patches that
    leaves the served code as it was (the reports would differ only in newman's time stamps)."""
    with tempfile.TemporaryDirectory(prefix="cdverify-sample-") as temporary:
        scratch = Path(temporary)
        for number, (runtime, agent, model, task, date, trial, planned) in enumerate(runs(), 1):
            run_folder = out / runtime / agent / model / task / date / f"run_{trial}"
            reports = list(run_folder.glob("newman-run-report-*.csv"))
            if len(reports) != (1 if planned.tested else 0):
                sys.exit(f"{run_folder}: {len(reports)} newman reports for a run planned as {planned}")
            work = scratch / f"{number}"
            tree = app_tree(planned.code, runtime, work, task_edits(runtime, task))
            (run_folder / f"{agent}-{task}.patch").write_bytes(make_patch(tree, work))


def make(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():  # everything but the README, which says how the sample was made
        if old.is_dir():
            shutil.rmtree(old)
    with tempfile.TemporaryDirectory(prefix="cdverify-sample-") as temporary:
        scratch = Path(temporary)
        for number, (runtime, agent, model, task, date, trial, planned) in enumerate(runs(), 1):
            run_folder = out / runtime / agent / model / task / date / f"run_{trial}"
            run_folder.mkdir(parents=True)
            patch = run_folder / f"{agent}-{task}.patch"
            work = scratch / f"{number}"
            tree = app_tree(planned.code, runtime, work, task_edits(runtime, task))
            patch.write_bytes(make_patch(tree, work))
            state = tested_report(patch, run_folder) if planned.tested else "not tested"
            print(f"{run_folder.relative_to(out)}: {planned.code}: {state}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write it (default {OUT})")
    parser.add_argument("--plan", action="store_true", help="print the plan as a Markdown table and stop")
    parser.add_argument(
        "--patches-only",
        action="store_true",
        help="rewrite the runs' patches, keep their newman reports (the served code must be unchanged)",
    )
    args = parser.parse_args()
    if args.plan:
        print_plan()
    elif args.patches_only:
        write_patches(args.out)
    else:
        make(args.out)


if __name__ == "__main__":
    main()
