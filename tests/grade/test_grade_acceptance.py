"""Acceptance test of `cdverify grade` (issue 13, "Done when"): on an experiment it has never seen — a few
hundred runs in the paper's results layout, generated here from a seed — every run, task, level,
marginal-effect and framework figure equals an independent recomputation from its own per-run verdicts and
assertions, to 1e-9, through the library's objects and through the JSON report.

The recomputation below is written from the definitions of the paper's evaluation scripts
(/work/shared/research/paper-protocol.md, "Results layout and metrics, exactly"; docs/grading-metrics.md for
the runs that cannot be graded), not from cdverify.grading.metrics: pass@k by enumerating the k-subsets of the
runs, the sample standard deviation from its formula, the level and the sibling task by cutting the task
name. The experiment holds what makes those definitions bite: four configurations over three frameworks
and all ten constraint combinations, unequal trial counts (one to four), tasks a configuration never ran (so
some constraints lose their sibling), older date folders that must not be read, runs without a report,
reports with no assertion, reports with failures, verifiers that fail on every axis, and runs whose patch
does not apply. Static grading with cdverify's own verifiers, two worker processes.

tests/grade/test_grade_metrics.py checks the same definitions on a small hand-worked experiment; this one is the
large randomised one, end to end from the results folders.
"""

from __future__ import annotations

import itertools
import json
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from patches import patch

import cdverify
from cdverify.grading.grader import Grading
from cdverify.grading.output import dumps

SEED = 20261205
TOLERANCE = 1e-9
K = 3
AXES = ("architecture", "database", "orm")  # the paper's success rule
CANONICAL = ("clean_architecture", "postgres", "sqlite", "sqlalchemy", "sequelize")
FRAMEWORKS = {
    "flask": ("uv", "sqlalchemy"),
    "fastapi": ("uv", "sqlalchemy"),
    "express": ("node", "sequelize"),
}
# The paper's 10 constraint combinations: Clean Architecture or not, no database, SQLite or PostgreSQL, and the
# language's ORM ("orm") only together with a database.
COMBINATIONS = tuple(
    (*architecture, *database, *orm)
    for architecture in ((), ("clean_architecture",))
    for database in ((), ("sqlite",), ("postgres",))
    for orm in (((), ("orm",)) if database else ((),))
)
CONFIGURATIONS = (
    ("agent_a", "model-1"),
    ("agent_a", "model-2"),
    ("agent_b", "model-1"),
    ("agent_c", "model-3"),
)
# A patch whose hunk edits a file the empty workspace does not have: `git apply` refuses it.
NOT_APPLYING = "diff --git a/app.py b/app.py\n--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-old\n+new\n"


# --- The experiment --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """What the generator put in one run folder that a grader must read."""

    agent: str
    model: str
    task: str
    trial: int
    counts: tuple[int, int, int] | None  # total, passed, failed summed over the CSV; None: no CSV


def task_names() -> list[str]:
    names = []
    for framework, (_runtime, orm) in FRAMEWORKS.items():
        for combination in COMBINATIONS:
            parts = [orm if part == "orm" else part for part in combination]
            names.append(f"{framework}-openapi-{'-'.join(parts) or 'unconstrained'}")
    return names


def python_app(rng: random.Random) -> list[tuple[str, str]]:
    """A tiny Python app: a random subset of the four layers, an engine or two, the ORM or raw SQL."""
    framework = rng.choice(["flask", "fastapi"])
    engine = rng.choice(["sqlite:///app.db", "postgresql://user:password@postgres:5432/conduit"])
    files = [
        (
            "requirements.txt",
            f"{framework}\nsqlalchemy\n" + ("psycopg2-binary\n" if rng.random() < 0.5 else ""),
        ),
        ("run.sh", "#!/bin/sh\npython app.py\n"),
        (
            "app.py",
            f"from {framework} import {'Flask' if framework == 'flask' else 'FastAPI'}\n"
            "from sqlalchemy import create_engine\n"
            f"engine = create_engine('{engine}')\n",
        ),
    ]
    layers = {
        "routes/users.py": "from services.users import register\n",
        "services/users.py": "from repositories.users import save\n",
        "repositories/users.py": "from models.user import User\n",
        "models/user.py": "from sqlalchemy.orm import DeclarativeBase\nclass User(DeclarativeBase):\n    pass\n",
    }
    upward = ("models/upward.py", "from routes.users import blueprint\n")
    raw = ("repositories/raw.py", "import sqlite3\nsqlite3.connect('x.db').execute('SELECT * FROM users')\n")
    return files + some_of(rng, layers, upward, raw)


def node_app(rng: random.Random) -> list[tuple[str, str]]:
    """A tiny Express app, built like python_app."""
    dialect = rng.choice(["sqlite", "postgres"])
    dependencies = {
        "express": "4.22.3",
        "sequelize": "6.37.8",
        "sqlite3" if dialect == "sqlite" else "pg": "8",
    }
    files = [
        ("package.json", json.dumps({"name": "app", "dependencies": dependencies}, indent=2)),
        ("run.sh", "#!/bin/sh\nnode src/app.js\n"),
        (
            "src/app.js",
            "const express = require('express');\nconst { Sequelize } = require('sequelize');\n"
            f"const db = new Sequelize({{ dialect: '{dialect}' }});\nconst app = express();\napp.listen(3000);\n",
        ),
    ]
    layers = {
        "src/routes/users.js": "const users = require('../services/users');\n",
        "src/services/users.js": "const repo = require('../repositories/users');\n",
        "src/repositories/users.js": "const User = require('../models/user');\n",
        "src/models/user.js": "const { Model } = require('sequelize');\nmodule.exports = class User extends Model {};\n",
    }
    upward = ("src/models/upward.js", "const routes = require('../routes/users');\n")
    raw = ("src/repositories/raw.js", "const db = require('../db');\ndb.query('SELECT * FROM users');\n")
    return files + some_of(rng, layers, upward, raw)


def some_of(
    rng: random.Random, layers: dict[str, str], upward: tuple[str, str], raw: tuple[str, str]
) -> list[tuple[str, str]]:
    """Most of the four layer files, sometimes an upward import, sometimes raw SQL."""
    chosen = [(path, text) for path, text in layers.items() if rng.random() < 0.8]
    return chosen + [extra for extra in (upward, raw) if rng.random() < 0.25]


def newman_csv(rng: random.Random) -> tuple[str, tuple[int, int, int]]:
    """A newman-reporter-csv report: requests with random counts, or none counted (0 assertions)."""
    header = "iteration,collectionName,requestName,method,url,executed,failed,skipped,"
    header += "totalAssertions,executedCount,failedCount,skippedCount\n"
    lines, total, passed, failed = [header], 0, 0, 0
    counted = rng.random() >= 0.1
    for number in range(rng.randint(1, 8)):
        if counted:
            run_total = rng.randint(0, 12)
            run_failed = rng.choice([0, 0, 0, rng.randint(0, run_total)])
            run_skipped = rng.randint(0, run_total - run_failed) if rng.random() < 0.1 else 0
            run_passed = run_total - run_failed - run_skipped
            cells = f'"{run_total}","{run_passed}","{run_failed}","{run_skipped}"'
            total, passed, failed = total + run_total, passed + run_passed, failed + run_failed
        else:
            cells = ",,,"  # the request never started
        lines.append(f'"1","Conduit","Request {number}","GET","http://127.0.0.1:8080/api/x",,,,{cells}\n')
    return "".join(lines), (total, passed, failed)


def write_run(folder: Path, agent: str, task: str, rng: random.Random) -> tuple[int, int, int] | None:
    folder.mkdir(parents=True)
    draw = rng.random()
    runtime = FRAMEWORKS[task.split("-")[0]][0]
    if draw < 0.03:
        text = NOT_APPLYING
    elif draw < 0.06:
        text = ""  # the agent wrote nothing
    else:
        text = patch(*(python_app(rng) if runtime == "uv" else node_app(rng)))
    (folder / f"{agent}-{task}.patch").write_text(text, encoding="utf-8")
    if rng.random() < 0.12:
        return None  # never tested: no report
    report, counts = newman_csv(rng)
    (folder / f"newman-run-report-2026-12-05-10-00-{rng.randrange(60):02d}-000-0.csv").write_text(
        report, encoding="utf-8"
    )
    return counts


def make_experiment(root: Path, seed: int) -> list[Written]:
    """The runs graders must read; older date folders and their runs are written too, never listed."""
    rng = random.Random(seed)
    pairs = [(configuration, task) for configuration in CONFIGURATIONS for task in task_names()]
    skipped = set(rng.sample(range(len(pairs)), 9))
    written = []
    for number, ((agent, model), task) in enumerate(pairs):
        if number in skipped:
            continue
        runtime = FRAMEWORKS[task.split("-")[0]][0]
        base = root / runtime / agent / model / task
        if rng.random() < 0.1:  # an older attempt of the task: superseded by the newer date folder
            for trial in range(1, rng.randint(1, 3) + 1):
                write_run(base / "2026-03-01T08-00-00" / f"run_{trial}", agent, task, rng)
        for trial in range(1, rng.randint(1, 4) + 1):
            folder = (
                base / f"2026-03-{10 + CONFIGURATIONS.index((agent, model)):02d}T12-00-00" / f"run_{trial}"
            )
            written.append(Written(agent, model, task, trial, write_run(folder, agent, task, rng)))
    return written


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Written], Grading, dict[str, Any]]:
    root = tmp_path_factory.mktemp("experiment") / "results"
    written = make_experiment(root, SEED)
    grading = cdverify.grade(root, jobs=2, store=None)
    return written, grading, json.loads(dumps(grading))


# --- The recomputation, from the definitions ---------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A run as the recomputation sees it: only what the grader says it read and what its verifiers said."""

    agent: str
    model: str
    task: str
    trial: int
    counts: tuple[int, int, int] | None
    verdicts: Mapping[str, str]
    error: bool

    @property
    def a(self) -> float:
        if self.error or self.counts is None or self.counts[0] == 0:
            return 0.0
        return self.counts[1] / self.counts[0]

    @property
    def tests_pass(self) -> bool:
        return not self.error and self.counts is not None and self.counts[0] > 0 and self.counts[2] == 0

    @property
    def compliant(self) -> bool:
        return not self.error and all(self.verdicts[axis] != "fail" for axis in AXES)

    @property
    def success(self) -> bool:
        return self.tests_pass and self.compliant

    @property
    def strict_a(self) -> float:
        return self.a if self.compliant else 0.0


def framework_of(task: str) -> str:
    return task.split("-openapi-")[0]


def parts_of(task: str) -> list[str]:
    rest = task.split("-openapi-")[1]
    return [] if rest == "unconstrained" else rest.split("-")


def sibling_of(task: str, constraint: str) -> str:
    kept = [part for part in parts_of(task) if part != constraint]
    kept.sort(key=CANONICAL.index)
    return f"{framework_of(task)}-openapi-{'-'.join(kept) or 'unconstrained'}"


def pass_at(successes: list[bool], k: int) -> float:
    """The chance that k runs drawn without replacement hold a success, by enumerating the draws; with
    fewer than k runs, 1 when any run succeeded (the paper's rule)."""
    if len(successes) < k:
        return float(any(successes))
    draws = list(itertools.combinations(range(len(successes)), k))
    return sum(any(successes[i] for i in draw) for draw in draws) / len(draws)


def average(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values)


def stdev(values: list[float]) -> float:
    if len(values) < 2:
        return 0.0
    centre = average(values)
    return math.sqrt(sum((value - centre) ** 2 for value in values) / (len(values) - 1))


def sem(values: list[float]) -> float:
    return stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 0.0


def recompute(runs: list[Run]) -> dict[str, dict[tuple[Any, ...], dict[str, float]]]:
    """Every figure of the paper's tables, keyed as cdverify keys its rows."""
    by_task: dict[tuple[str, str, str], list[Run]] = defaultdict(list)
    for run in runs:
        by_task[(run.agent, run.model, run.task)].append(run)
    tasks = {}
    for key, group in by_task.items():
        successes = [run.success for run in group]
        c, n = sum(successes), len(group)
        tasks[key] = {
            "n": n,
            "successes": c,
            "pass_at_1": pass_at(successes, 1),
            "pass_at_3": pass_at(successes, K),
            "pass_power_3": (c / n) ** K,
            "a": average(run.a for run in group),
            "a_stdev": stdev([run.a for run in group]),
            "strict_a": average(run.strict_a for run in group),
            "strict_a_stdev": stdev([run.strict_a for run in group]),
        }
    levels_of: dict[tuple[str, str, int], list[dict[str, float]]] = defaultdict(list)
    frameworks_of: dict[tuple[str, str, str], list[dict[str, float]]] = defaultdict(list)
    for (agent, model, task), row in tasks.items():
        levels_of[(agent, model, len(parts_of(task)))].append(row)
        frameworks_of[(agent, model, framework_of(task))].append(row)
    levels = {
        key: {
            "tasks": len(rows),
            "strict_a": average(r["strict_a"] for r in rows),
            "pass_at_1": average(r["pass_at_1"] for r in rows),
            "a": average(r["a"] for r in rows),
            "verifier_impact": average(r["a"] for r in rows) - average(r["strict_a"] for r in rows),
        }
        for key, rows in levels_of.items()
    }
    decay = {
        (agent, model): {
            field: levels[(agent, model, 3)][field] - levels[(agent, model, 0)][field]
            for field in ("strict_a", "a", "pass_at_1")
        }
        for agent, model, level in levels
        if level == 0 and (agent, model, 3) in levels
    }
    deltas: dict[tuple[str, str | None, str | None], list[float]] = defaultdict(list)
    for (agent, model, task), row in tasks.items():
        for constraint in parts_of(task):
            sibling = tasks.get((agent, model, sibling_of(task, constraint)))
            if sibling is not None:
                deltas[(constraint, None, None)].append(row["strict_a"] - sibling["strict_a"])
                deltas[(constraint, agent, model)].append(row["strict_a"] - sibling["strict_a"])
    effects = {
        key: {"delta": average(values), "stdev": stdev(values), "sem": sem(values), "pairs": len(values)}
        for key, values in deltas.items()
    }
    frameworks = {}
    for (agent, model, framework), rows in frameworks_of.items():
        strict_runs = [
            r.strict_a for r in runs if (r.agent, r.model, framework_of(r.task)) == (agent, model, framework)
        ]
        frameworks[(agent, model, framework)] = {
            "tasks": len(rows),
            "runs": len(strict_runs),
            "strict_a": average(r["strict_a"] for r in rows),
            "pass_at_1": average(r["pass_at_1"] for r in rows),
            "a": average(r["a"] for r in rows),
            "sem": sem(strict_runs),
        }
    per_run = {
        (r.agent, r.model, r.task, r.trial): {
            "a": r.a,
            "strict_a": r.strict_a,
            "tests_pass": r.tests_pass,
            "success": r.success,
        }
        for r in runs
    }
    return {
        "runs": per_run,
        "tasks": tasks,
        "levels": levels,
        "decay": decay,
        "marginal_effects": effects,
        "frameworks": frameworks,
    }


def runs_of(grading: Grading) -> list[Run]:
    """The per-run verdicts and assertions of the graded experiment: all the recomputation reads."""
    runs = []
    for item in grading.runs:
        run = item.run
        counts = (
            None
            if run.assertions is None
            else (run.assertions.total, run.assertions.passed, run.assertions.failed)
        )
        verdicts = {axis.value: verdict.value for axis, verdict in run.verdicts.items()}
        runs.append(Run(run.agent, run.model, run.task, run.trial, counts, verdicts, run.error is not None))
    return runs


# --- The tables as cdverify gives them ------------------------------------------------------------------------


def library_figures(grading: Grading) -> dict[str, dict[tuple[Any, ...], dict[str, float]]]:
    """cdverify's own rows, keyed and named as `recompute` has them."""
    tables = grading.tables
    pass_names = ("pass_at_1", "pass_at_3", "pass_power_3")
    task_fields = ("n", "successes", *pass_names, "a", "a_stdev", "strict_a", "strict_a_stdev")
    return {
        "runs": {
            (i.run.agent, i.run.model, i.run.task, i.run.trial): {
                "a": i.run.a,
                "strict_a": i.run.strict_a,
                "tests_pass": i.run.tests_pass,
                "success": i.run.success,
            }
            for i in grading.runs
        },
        "tasks": {(r.agent, r.model, r.task): {f: getattr(r, f) for f in task_fields} for r in tables.tasks},
        "levels": {
            (r.agent, r.model, r.level): {
                f: getattr(r, f) for f in ("tasks", "strict_a", "pass_at_1", "a", "verifier_impact")
            }
            for r in tables.levels
        },
        "decay": {
            (r.agent, r.model): {"strict_a": r.strict_a_delta, "a": r.a_delta, "pass_at_1": r.pass_at_1_delta}
            for r in tables.decay
        },
        "marginal_effects": {
            (r.constraint.value, r.agent, r.model): {
                f: getattr(r, f) for f in ("delta", "stdev", "sem", "pairs")
            }
            for r in tables.marginal_effects
        },
        "frameworks": {
            (r.agent, r.model, r.framework): {
                f: getattr(r, f) for f in ("tasks", "runs", "strict_a", "pass_at_1", "a", "sem")
            }
            for r in tables.frameworks
        },
    }


def json_figures(report: dict[str, Any]) -> dict[str, dict[tuple[Any, ...], dict[str, float]]]:
    """The same rows read back from the JSON report (pass columns under the paper's names)."""
    names = {"pass@1": "pass_at_1", "pass@3": "pass_at_3", "pass^3": "pass_power_3"}

    def plain(row: dict[str, Any], fields: Iterable[str]) -> dict[str, float]:
        renamed = {names.get(key, key): value for key, value in row.items()}
        return {field: renamed[field] for field in fields}

    task_fields = ("n", "successes", "pass_at_1", "pass_at_3", "pass_power_3", "a", "a_stdev")
    return {
        "runs": {
            (r["agent"], r["model"], r["task"], r["trial"]): plain(
                r, ("a", "strict_a", "tests_pass", "success")
            )
            for r in report["runs"]
        },
        "tasks": {
            (r["agent"], r["model"], r["task"]): plain(r, (*task_fields, "strict_a", "strict_a_stdev"))
            for r in report["tasks"]
        },
        "levels": {
            (r["agent"], r["model"], r["level"]): plain(
                r, ("tasks", "strict_a", "pass_at_1", "a", "verifier_impact")
            )
            for r in report["levels"]
        },
        "decay": {
            (r["agent"], r["model"]): {
                "strict_a": r["strict_a_delta"],
                "a": r["a_delta"],
                "pass_at_1": r["pass_at_1_delta"],
            }
            for r in report["decay"]
        },
        "marginal_effects": {
            (r["constraint"], r["agent"], r["model"]): plain(r, ("delta", "stdev", "sem", "pairs"))
            for r in report["marginal_effects"]
        },
        "frameworks": {
            (r["agent"], r["model"], r["framework"]): plain(
                r, ("tasks", "runs", "strict_a", "pass_at_1", "a", "sem")
            )
            for r in report["frameworks"]
        },
    }


def differences(
    expected: dict[str, dict[tuple[Any, ...], dict[str, float]]],
    found: dict[str, dict[tuple[Any, ...], dict[str, float]]],
) -> list[str]:
    problems = []
    for table, rows in expected.items():
        missing, extra = rows.keys() - found[table].keys(), found[table].keys() - rows.keys()
        problems += [f"{table} {key}: not in cdverify's" for key in sorted(missing, key=repr)]
        problems += [f"{table} {key}: only in cdverify's" for key in sorted(extra, key=repr)]
        for key in rows.keys() & found[table].keys():
            for field, value in rows[key].items():
                if abs(float(value) - float(found[table][key][field])) > TOLERANCE:
                    problems.append(f"{table} {key} {field}: {found[table][key][field]} != {value}")
    return problems


# --- The tests ------------------------------------------------------------------------------------------------


def test_every_run_is_read_as_written(experiment: tuple[list[Written], Grading, dict[str, Any]]) -> None:
    written, grading, _ = experiment
    graded = {(i.run.agent, i.run.model, i.run.task, i.run.trial): i.run for i in grading.runs}
    assert sorted(graded) == sorted((w.agent, w.model, w.task, w.trial) for w in written)
    for run in written:
        record = graded[(run.agent, run.model, run.task, run.trial)]
        if record.error is not None:
            continue  # a run that cannot be graded scores 0 assertions, whatever its report says
        found = (
            None
            if record.assertions is None
            else (
                record.assertions.total,
                record.assertions.passed,
                record.assertions.failed,
            )
        )
        assert found == run.counts, (run, found)
    assert grading.superseded, "older date folders are there, and not read"
    assert not grading.unreadable


def test_the_experiment_holds_every_case_the_definitions_cover(
    experiment: tuple[list[Written], Grading, dict[str, Any]],
) -> None:
    """Not vacuous: the graded runs hold each case the figures treat apart."""
    _, grading, _ = experiment
    runs = runs_of(grading)
    assert 250 <= len(runs) <= 400
    assert any(run.counts is None and not run.error for run in runs)  # no report
    assert any(run.counts is not None and run.counts[0] == 0 for run in runs)  # no assertion counted
    assert any(run.counts is not None and run.counts[2] > 0 for run in runs)  # failures
    assert any(run.error for run in runs)  # a patch that does not apply
    assert sum(run.success for run in runs) >= 10
    for axis in AXES:
        verdicts = {run.verdicts[axis] for run in runs}
        assert {"pass", "fail", "not_applicable"} <= verdicts, axis
    trials = defaultdict(int)
    for run in runs:
        trials[(run.agent, run.model, run.task)] += 1
    assert set(trials.values()) == {1, 2, 3, 4}  # unequal trial counts, pass@3 with n < 3 included
    assert len(trials) < len(CONFIGURATIONS) * len(task_names())  # some configuration lacks a task
    lacking = [
        key
        for key in trials
        if any((key[0], key[1], sibling_of(key[2], c)) not in trials for c in parts_of(key[2]))
    ]
    assert lacking, "some constraint of some task has no sibling to pair with"


def test_every_figure_equals_an_independent_recomputation(
    experiment: tuple[list[Written], Grading, dict[str, Any]],
) -> None:
    _, grading, report = experiment
    expected = recompute(runs_of(grading))
    assert expected["marginal_effects"] and expected["decay"]
    assert differences(expected, library_figures(grading)) == []
    assert differences(expected, json_figures(report)) == []
    # the pooled marginal effects hold every constraint that has a pair, the paper's Table 2a
    pooled = {key[0] for key in expected["marginal_effects"] if key[1] is None}
    assert pooled == set(CANONICAL)
