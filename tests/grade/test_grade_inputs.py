"""The inputs of `cdverify grade` (issue 13): an experiment's runs found in the paper's results layout or in a
manifest, their behaviour reports read into assertion counts, and their code laid out from a patch.

The sample experiment (corpus/experiments/sample, made by benchmarks/make_sample_experiment.py) holds real
patches of the reference apps and their mutants, and real newman-reporter-csv reports of them.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from gitwork import diff_of, git, write

from cdverify.config import ConfigError
from cdverify.constraints import TaskName, parse_task_name
from cdverify.contract.results import Execution, RunResult, to_json
from cdverify.contract.sandbox import AssertionResult
from cdverify.grading.layout import (
    Discovery,
    GradeInputError,
    PatchCode,
    RepoCode,
    RunKind,
    RunSource,
    discover,
    read_manifest,
    read_results,
)
from cdverify.grading.materialise import MaterialiseError, materialised
from cdverify.grading.reports import NO_ASSERTIONS, Assertions, ReportError, read_report, read_run_report

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = REPO_ROOT / "corpus" / "experiments" / "sample"
A, B = ("agent_a", "model-1"), ("agent_b", "model-2")
L3_FLASK = "flask-openapi-clean_architecture-postgres-sqlalchemy"


def run_of(discovery: Discovery, agent: str, task: str, trial: int) -> RunSource:
    [run] = [r for r in discovery.runs if (r.agent, r.task, r.trial) == (agent, task, trial)]
    return run


# --- Task names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "framework", "parts", "runtime"),
    [
        (
            "flask-openapi-clean_architecture-postgres-sqlalchemy",
            "flask",
            ("clean_architecture", "postgres", "sqlalchemy"),
            "uv",
        ),
        (
            "python-flask-openapi-clean_architecture-postgres-sqlalchemy",
            "flask",
            ("clean_architecture", "postgres", "sqlalchemy"),
            "uv",
        ),
        ("uv-flask-openapi-unconstrained", "flask", (), "uv"),
        ("express-openapi-unconstrained", "express", (), "node"),
        (
            "node-express-openapi-clean_architecture-sqlite-sequelize",
            "express",
            ("clean_architecture", "sqlite", "sequelize"),
            "node",
        ),
        ("Hono-OpenAPI-SQLite", "hono", ("sqlite",), "node"),
        # any order in, the paper's canonical order out
        (
            "koa-openapi-sequelize-postgres-clean_architecture",
            "koa",
            ("clean_architecture", "postgres", "sequelize"),
            "node",
        ),
    ],
)
def test_task_names_with_and_without_prefix(
    text: str, framework: str, parts: tuple[str, ...], runtime: str
) -> None:
    task = parse_task_name(text)
    assert task == TaskName(framework, parts)
    assert task.runtime == runtime and task.level == len(parts)
    assert task.name == f"{framework}-openapi-{'-'.join(parts) or 'unconstrained'}"
    assert parse_task_name(task.name) == task
    constraints = task.constraints()
    assert (
        constraints.framework == framework and constraints.level == len(parts) and constraints.task == "paper"
    )


@pytest.mark.parametrize(
    "text",
    [
        "flask",
        "flask-openapi",
        "flask-graphql-sqlite",
        "spring-openapi-sqlite",
        "flask-openapi-postgresql",  # an alias, not the paper's word
        "flask-openapi-sqlite-sqlite",
        "flask-openapi-postgres-sqlite",
        "flask-openapi-sqlalchemy",  # an ORM without a database
        "express-openapi-sqlite-sqlalchemy",
        "node-flask-openapi-sqlite",
        "uv-express-openapi-unconstrained",
        "flask-openapi-unconstrained-sqlite",
        "hard-focused-task-001",
    ],
)
def test_what_is_no_task_name(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_task_name(text)


# --- The sample experiment ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> Discovery:
    return discover(SAMPLE)


def test_sample_experiment_runs(sample: Discovery) -> None:
    assert sample.errors == ()
    assert len(sample.runs) == 48
    assert Counter(r.runtime for r in sample.runs) == {"uv": 30, "node": 18}
    assert Counter((r.agent, r.model) for r in sample.runs) == {A: 24, B: 24}
    assert all(r.kind is RunKind.GENERATION for r in sample.runs)
    tasks = Counter(r.task for r in sample.runs)
    assert len(tasks) == 8 and set(tasks.values()) == {6}
    assert Counter(r.paper_task.level for r in sample.runs if r.paper_task) == {0: 12, 1: 12, 2: 12, 3: 12}
    # three trials, run_1..run_3, of every (agent, model, task)
    trials: dict[tuple[str, str, str], list[int]] = {}
    for r in sample.runs:
        trials.setdefault((r.agent, r.model, r.task), []).append(r.trial)
    assert all(sorted(t) == [1, 2, 3] for t in trials.values()) and len(trials) == 16
    assert len({r.run_id for r in sample.runs}) == 48
    run = run_of(sample, "agent_a", L3_FLASK, 2)
    assert run.run_id == f"uv/agent_a/model-1/{L3_FLASK}/2026-03-02T10-00-00/run_2"
    assert isinstance(run.code, PatchCode) and run.code.patch.name == f"agent_a-{L3_FLASK}.patch"
    assert run.code.base is None and run.paper_task == parse_task_name(L3_FLASK)


def test_sample_newest_date_folder_wins(sample: Discovery) -> None:
    old = SAMPLE / "uv" / "agent_a" / "model-1" / L3_FLASK / "2026-03-01T09-30-00"
    assert (old / "run_1" / f"agent_a-{L3_FLASK}.patch").is_file()
    assert sample.superseded == (old,)
    runs = [r for r in sample.runs if r.agent == "agent_a" and r.task == L3_FLASK]
    assert sorted(r.trial for r in runs) == [1, 2, 3]
    assert all("2026-03-02T10-00-00" in r.run_id for r in runs)


def test_sample_reports_are_real_newman_csv(sample: Discovery) -> None:
    untested = sorted((r.agent, r.task, r.trial) for r in sample.runs if r.report is None)
    assert untested == [
        ("agent_a", "flask-openapi-postgres", 3),
        ("agent_b", "express-openapi-postgres-sequelize", 3),
        ("agent_b", "flask-openapi-clean_architecture-postgres-sqlalchemy", 3),
        ("agent_b", "flask-openapi-postgres", 3),
        ("agent_b", "flask-openapi-unconstrained", 3),
    ]
    counts = {r.run_id: read_run_report(r.report) for r in sample.runs}
    assert all(isinstance(c, Assertions) for c in counts.values()), counts
    assert sum(c == NO_ASSERTIONS for c in counts.values()) == 5
    # the reference apps pass every assertion of the bundled RealWorld collection
    reference = read_report(run_of(sample, "agent_a", "flask-openapi-unconstrained", 1).report or Path())
    assert reference == REFERENCE_COUNTS
    assert (
        read_report(run_of(sample, "agent_a", "express-openapi-unconstrained", 1).report or Path())
        == REFERENCE_COUNTS
    )
    for agent, task, trial, expected in FAILING_RUNS:
        report = run_of(sample, agent, task, trial).report
        assert report is not None and read_report(report) == expected, (agent, task, trial)
    assert Counter(counts.values())[REFERENCE_COUNTS] == 43 - len(FAILING_RUNS)


REFERENCE_COUNTS = Assertions(total=311, passed=311, failed=0)
# Counted from the CSVs; why these runs fail is in corpus/experiments/sample/README.md
FAILING_RUNS = [
    # the API mounted at /v1: every request answers 404
    ("agent_b", "flask-openapi-unconstrained", 2, Assertions(total=141, passed=1, failed=140)),
    ("agent_b", "express-openapi-unconstrained", 2, Assertions(total=141, passed=1, failed=140)),
    # no run.sh: the server never starts, only the 18 status-code checks run
    ("agent_b", "flask-openapi-postgres", 1, Assertions(total=18, passed=0, failed=18)),
    ("agent_b", "express-openapi-unconstrained", 3, Assertions(total=18, passed=0, failed=18)),
    # a second data-access path beside the ORM, which breaks on the sample's SQLite database
    ("agent_b", L3_FLASK, 1, Assertions(total=159, passed=24, failed=135)),
    ("agent_b", "express-openapi-postgres-sequelize", 2, Assertions(total=159, passed=24, failed=135)),
]


def test_sample_patches_materialise(sample: Discovery) -> None:
    for run in sample.runs:
        with materialised(run.code) as code:
            files = {p.relative_to(code).as_posix() for p in code.rglob("*") if p.is_file()}
            if run.agent == "agent_b" and run.task == "flask-openapi-unconstrained" and run.trial == 3:
                assert files == set(), "the empty patch lays out an empty workspace"
                continue
            app = "requirements.txt" if run.runtime == "uv" else "package.json"
            assert app in files, run.run_id
            assert "README.md" not in files and not any("node_modules" in f for f in files)
        assert not code.exists()


# --- The paper's layout: edge cases ---------------------------------------------------------------------


def make_run(results: Path, rel: str, patch: str | None = "", reports: dict[str, str] | None = None) -> Path:
    folder = results / rel
    folder.mkdir(parents=True)
    _runtime, agent, _model, task, *_ = rel.split("/")
    if patch is not None:
        (folder / f"{agent}-{task}.patch").write_text(patch)
    for name, text in (reports or {}).items():
        (folder / name).write_text(text)
    return folder


CSV_HEADER = "iteration,collectionName,requestName,method,url,status,code,responseTime,responseSize,executed,failed,skipped,totalAssertions,executedCount,failedCount,skippedCount\n"


def csv_row(total: int, passed: int, failed: int, skipped: int = 0) -> str:
    return f'"1","Conduit","Req","GET","http://x/api","OK","200","5","10","a",,,"{total}","{passed}","{failed}","{skipped}"\n'


def test_layout_bad_runs_are_errors_beside_good_runs(tmp_path: Path) -> None:
    results = tmp_path / "results"
    task = "uv/mini/gpt/flask-openapi-sqlite"
    make_run(results, f"{task}/2026-01-01T00-00-00/run_1")  # superseded
    make_run(results, f"{task}/2026-02-01T00-00-00/run_1")
    make_run(results, f"{task}/2026-02-01T00-00-00/run_2", patch=None)  # no patch
    (results / f"{task}/2026-02-01T00-00-00/run_2/other.patch").write_text("")
    make_run(results, f"{task}/2026-02-01T00-00-00/run_x")
    make_run(
        results,
        f"{task}/2026-02-01T00-00-00/run_10",
        reports={
            "newman-run-report-2026-02-01-10-00-00-000-0.csv": CSV_HEADER + csv_row(3, 1, 2),
            "newman-run-report-2026-02-01-11-00-00-000-0.csv": CSV_HEADER + csv_row(3, 3, 0),
        },
    )
    (results / f"{task}/2026-02-01T00-00-00/notes.txt").write_text("not a run")
    (results / f"{task}/2026-02-01T00-00-00/logs").mkdir()  # not run_*: ignored
    (results / "uv/mini/gpt/.hidden/2026-02-01T00-00-00/run_1").mkdir(parents=True)
    (results / "README.md").write_text("results")
    make_run(
        results, "node/mini/gpt/flask-openapi-sqlite/2026-02-01T00-00-00/run_1"
    )  # under the wrong runtime
    make_run(results, "node/mini/gpt/express-openapi-graphql/2026-02-01T00-00-00/run_1")  # no task name
    (results / "node/mini/gpt/express-openapi-unconstrained").mkdir(parents=True)  # no date folder
    (results / "node/mini/gpt/koa-openapi-unconstrained/2026-02-01T00-00-00").mkdir(parents=True)  # no run

    found = discover(results)
    assert [(r.task, r.trial) for r in found.runs] == [
        ("flask-openapi-sqlite", 1),
        ("flask-openapi-sqlite", 10),
    ]
    assert found.superseded == (results / f"{task}/2026-01-01T00-00-00",)
    # several newman CSVs in one run folder: the newest (by newman's time-stamped name) counts
    assert found.runs[1].report is not None and found.runs[1].report.name.startswith(
        "newman-run-report-2026-02-01-11"
    )
    assert found.runs[0].report is None
    errors = {e.run_id: e for e in found.errors}
    day = f"{task}/2026-02-01T00-00-00"
    assert {run_id: e.message for run_id, e in errors.items()} == {
        f"{day}/run_2": "no patch mini-flask-openapi-sqlite.patch (found other.patch)",
        f"{day}/run_x": "the run folder is not named run_N",
        "node/mini/gpt/flask-openapi-sqlite/2026-02-01T00-00-00/run_1": "flask-openapi-sqlite is a python task, but it is under node/",
        "node/mini/gpt/express-openapi-graphql/2026-02-01T00-00-00/run_1": "cannot read the task name: unknown constraint 'graphql' in task 'express-openapi-graphql' (known: clean_architecture, postgres, sqlite, sqlalchemy, sequelize, or unconstrained alone)",
        "node/mini/gpt/express-openapi-unconstrained": "no date folder",
        "node/mini/gpt/koa-openapi-unconstrained/2026-02-01T00-00-00": "no run_* folder in the newest date folder",
    }
    # each error says what is known of the run
    no_patch = errors[f"{day}/run_2"]
    assert (no_patch.agent, no_patch.model, no_patch.task, no_patch.trial) == (
        "mini",
        "gpt",
        "flask-openapi-sqlite",
        2,
    )
    assert no_patch.origin == str(results / day / "run_2")
    assert errors[f"{day}/run_x"].trial is None
    no_date = errors["node/mini/gpt/express-openapi-unconstrained"]
    assert (no_date.agent, no_date.model, no_date.task, no_date.trial) == (
        "mini",
        "gpt",
        "express-openapi-unconstrained",
        None,
    )


def test_layout_feature_tasks_and_prefixed_task_folders(tmp_path: Path) -> None:
    results = tmp_path / "results"
    make_run(results, "honojs/openhands/m/hard-focused-task-001/2026-01-01T00-00-00/run_1")
    make_run(results, "uv/openhands/m/uv-flask-openapi-postgres-sqlalchemy/2026-01-01T00-00-00/run_1")
    feature, generation = sorted(read_results(results).runs, key=lambda r: r.runtime or "")
    assert (feature.kind, feature.runtime, feature.task, feature.paper_task) == (
        RunKind.FEATURE,
        "honojs",
        "hard-focused-task-001",
        None,
    )
    assert isinstance(feature.code, PatchCode) and feature.code.base is None  # the task definitions supply it
    # the folder keeps its name (the patch is named after it); the task is the paper's unprefixed name
    assert generation.task == "flask-openapi-postgres-sqlalchemy" and generation.kind is RunKind.GENERATION
    assert isinstance(generation.code, PatchCode)
    assert generation.code.patch.name == "openhands-uv-flask-openapi-postgres-sqlalchemy.patch"


def test_an_empty_or_missing_experiment(tmp_path: Path) -> None:
    assert discover(tmp_path) == Discovery(runs=())
    with pytest.raises(GradeInputError, match="no such folder or manifest"):
        discover(tmp_path / "missing")


# --- Manifests ------------------------------------------------------------------------------------------


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A folder with a repo, a generation patch, a base git repository with two commits and a report."""
    folder = tmp_path / "exp"
    write(folder / "repos" / "r1", {"app.py": "print('hi')\n"})
    (folder / "patches").mkdir(parents=True)
    (folder / "patches" / "gen.patch").write_text(diff_of({"app.py": "x = 1\n"}, tmp_path))
    base = write(folder / "base", {"app.py": "a = 1\n", "lib/util.py": "def f():\n    return 1\n"})
    git(base, "init", "-q")
    git(base, "add", "-A")
    git(base, "commit", "-q", "-m", "one")
    write(base, {"app.py": "a = 2\n"})
    git(base, "commit", "-q", "-am", "two")
    (folder / "patches" / "feature.patch").write_text(
        diff_of({"app.py": "a = 1\nb = 2\n"}, tmp_path, base={"app.py": "a = 1\n"})
    )
    (folder / "reports").mkdir()
    (folder / "reports" / "r.csv").write_text(CSV_HEADER + csv_row(4, 3, 1))
    return folder


def first_commit(base: Path) -> str:
    return git(base, "rev-list", "--max-parents=0", "HEAD").strip()


def test_csv_manifest_both_code_forms(inputs: Path) -> None:
    commit = first_commit(inputs / "base")
    (inputs / "runs.csv").write_text(
        "run,agent,model,task,trial,repo,patch,base,commit,report\n"
        "r1,ag,mo,python-flask-openapi-sqlite,1,repos/r1,,,,reports/r.csv\n"
        "r2,ag,mo,flask-openapi-sqlite,2,,patches/gen.patch,,,\n"
        f"r3,ag,mo,feature-007,1,,patches/feature.patch,base,{commit},\n"
    )
    found = discover(inputs / "runs.csv")
    assert found.errors == ()
    r1, r2, r3 = found.runs
    assert r1 == RunSource(
        run_id="r1",
        agent="ag",
        model="mo",
        task="flask-openapi-sqlite",  # the paper's form of the prefixed name
        trial=1,
        runtime="uv",
        kind=RunKind.GENERATION,
        code=RepoCode(inputs / "repos" / "r1"),
        report=inputs / "reports" / "r.csv",
        origin=f"{inputs / 'runs.csv'}:2",
        paper_task=TaskName("flask", ("sqlite",)),
    )
    assert r2.code == PatchCode(inputs / "patches" / "gen.patch") and r2.report is None
    assert (r3.kind, r3.runtime, r3.paper_task) == (RunKind.FEATURE, None, None)
    assert r3.code == PatchCode(inputs / "patches" / "feature.patch", inputs / "base", commit)
    assert read_run_report(r1.report) == Assertions(4, 3, 1)
    with materialised(r3.code) as code:
        assert (code / "app.py").read_text() == "a = 1\nb = 2\n"  # the first commit, not the checkout
        assert (code / "lib" / "util.py").is_file() and not (code / ".git").exists()
    assert (inputs / "base" / "app.py").read_text() == "a = 2\n"
    assert git(inputs / "base", "status", "--porcelain") == ""


def test_json_lines_manifest_both_code_forms(inputs: Path) -> None:
    commit = first_commit(inputs / "base")
    rows = [
        {
            "run": "j1",
            "agent": "ag",
            "model": "mo",
            "task": "node-express-openapi-unconstrained",
            "trial": 0,
            "repo": "repos/r1",
        },
        {
            "run": "j2",
            "agent": "ag",
            "model": "mo",
            "task": "feature-1",
            "trial": "3",
            "patch": "patches/feature.patch",
            "base": "base",
            "commit": commit,
            "report": "reports/r.csv",
            "kind": "feature",
        },
        {
            "run": "j3",
            "agent": "ag",
            "model": "mo",
            "task": "f",
            "trial": 1,
            "repo": "repos/r1",
            "kind": "feature",
            "patch": None,
        },
    ]
    (inputs / "runs.jsonl").write_text("\n".join(json.dumps(row) for row in rows) + "\n\n")
    found = read_manifest(inputs / "runs.jsonl")
    assert found.errors == ()
    j1, j2, j3 = found.runs
    assert (j1.task, j1.trial, j1.runtime, j1.code) == (
        "express-openapi-unconstrained",
        0,
        "node",
        RepoCode(inputs / "repos" / "r1"),
    )
    assert (j2.trial, j2.kind, j2.report) == (3, RunKind.FEATURE, inputs / "reports" / "r.csv")
    assert (j3.kind, j3.paper_task) == (RunKind.FEATURE, None)  # a feature task given as a folder


def test_manifest_bad_rows_are_per_run_errors(inputs: Path) -> None:
    (inputs / "runs.csv").write_text(
        "run,agent,model,task,trial,repo,patch,base,commit,report\n"
        "ok,ag,mo,flask-openapi-sqlite,1,repos/r1,,,,\n"
        "no-agent,,mo,flask-openapi-sqlite,2,repos/r1,,,,\n"
        "bad-trial,ag,mo,flask-openapi-sqlite,one,repos/r1,,,,\n"
        "negative,ag,mo,flask-openapi-sqlite,-1,repos/r1,,,,\n"
        "both,ag,mo,flask-openapi-sqlite,3,repos/r1,patches/gen.patch,,,\n"
        "neither,ag,mo,flask-openapi-sqlite,4,,,,,\n"
        "missing-patch,ag,mo,flask-openapi-sqlite,5,,patches/nope.patch,,,\n"
        "missing-report,ag,mo,flask-openapi-sqlite,6,repos/r1,,,,reports/nope.csv\n"
        "bad-task,ag,mo,flask-openapi-mongodb,1,repos/r1,,,,\n"
        "commit-alone,ag,mo,flask-openapi-sqlite,7,,patches/gen.patch,,abc123,\n"
        "feature-no-base,ag,mo,feature-1,1,,patches/feature.patch,,,\n"
        "ok,ag,mo,flask-openapi-sqlite,8,repos/r1,,,,\n"
        "same-trial,ag,mo,python-flask-openapi-sqlite,1,repos/r1,,,,\n"
        "short,ag,mo\n"
        '"quoted"x,ag,mo,flask-openapi-sqlite,10,repos/r1,,,,\n'
        "\n"
        "ok2,ag,mo,flask-openapi-sqlite,9,,patches/gen.patch,,,\n"
    )
    found = read_manifest(inputs / "runs.csv")
    assert [r.run_id for r in found.runs] == ["ok", "ok2"]
    messages = {e.run_id: e.message for e in found.errors}
    assert len(found.errors) == 14
    assert messages.pop("bad-task").startswith("cannot read the task name: unknown constraint 'mongodb'")
    # without a base, a row is a generation task, and `feature-1` is no paper task name
    assert messages.pop("feature-no-base").startswith(
        "cannot read the task name: 'feature-1' is no paper task"
    )
    assert messages == {
        "no-agent": "no agent",
        "bad-trial": "trial must be a whole number >= 0, not 'one'",
        "negative": "trial must be a whole number >= 0, not '-1'",
        "both": "give either repo (a folder) or patch (a unified diff), not both or neither",
        "neither": "give either repo (a folder) or patch (a unified diff), not both or neither",
        "missing-patch": "patch patches/nope.patch: no such file",
        "missing-report": "report reports/nope.csv: no such file",
        "commit-alone": "commit and base_patch need a base repository",
        "ok": f"run 'ok' is also at {inputs / 'runs.csv'}:2",
        "same-trial": "the same agent, model, task and trial as run 'ok'",
        "runs.csv:15": "3 fields, the header has 10",
        "runs.csv:16": "malformed CSV (',' expected after '\"')",
    }
    bad_trial = next(e for e in found.errors if e.run_id == "bad-trial")
    assert (bad_trial.agent, bad_trial.task, bad_trial.trial, bad_trial.origin) == (
        "ag",
        "flask-openapi-sqlite",
        None,
        f"{inputs / 'runs.csv'}:4",
    )


def test_manifest_feature_rows_need_their_base(inputs: Path) -> None:
    (inputs / "runs.csv").write_text(
        "run,agent,model,task,trial,patch,base,kind\n"
        "f1,ag,mo,feature-1,1,patches/feature.patch,,feature\n"
        "f2,ag,mo,flask-openapi-sqlite,1,patches/feature.patch,base,generation\n"
        "f3,ag,mo,feature-1,2,patches/feature.patch,base,sideways\n"
    )
    messages = [e.message for e in read_manifest(inputs / "runs.csv").errors]
    assert messages == [
        "a feature task's patch needs its base repository (base, and commit for a git repository)",
        "a generation task's patch is against an empty workspace: it has no base",
        "kind must be generation or feature, not 'sideways'",
    ]


def test_json_lines_bad_rows(inputs: Path) -> None:
    good = {
        "run": "g",
        "agent": "a",
        "model": "m",
        "task": "flask-openapi-unconstrained",
        "trial": 1,
        "repo": "repos/r1",
    }
    (inputs / "runs.jsonl").write_text(
        "\n".join(
            [
                json.dumps(good),
                "{not json",
                "[1, 2]",
                json.dumps({**good, "run": "extra", "trial": 2, "reprot": "x"}),
                json.dumps({**good, "run": "float", "trial": 1.5}),
                json.dumps({**good, "run": "bool", "trial": True}),
                json.dumps({**good, "run": "g2", "trial": 3}),
            ]
        )
    )
    found = read_manifest(inputs / "runs.jsonl")
    assert [r.run_id for r in found.runs] == ["g", "g2"]
    assert [(e.origin.rsplit(":", 1)[1], e.message) for e in found.errors] == [
        ("2", "not JSON (Expecting property name enclosed in double quotes)"),
        ("3", "a JSON Lines row must be an object"),
        ("4", "unknown field 'reprot'"),
        ("5", "trial: a value must be a string, a whole number or null"),
        ("6", "trial: a value must be a string, a whole number or null"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the manifest is empty"),
        ("run,agent,model,task\nr,a,m,t\n", "no column trial"),
        ("run,agent,model,task,trial,repo,reprot\n", "unknown column 'reprot'"),
        ("run,agent,model,task,trial,repo,repo\n", "a column is named twice"),
    ],
)
def test_a_malformed_manifest_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "runs.csv").write_text(content)
    with pytest.raises(GradeInputError, match=message):
        discover(tmp_path / "runs.csv")


def test_a_manifest_that_is_not_text(tmp_path: Path) -> None:
    (tmp_path / "runs.csv").write_bytes(b"run,agent\xff\xfe\n")
    with pytest.raises(GradeInputError, match="cannot be read"):
        read_manifest(tmp_path / "runs.csv")


# --- Reports --------------------------------------------------------------------------------------------


def test_newman_csv_columns_are_summed(tmp_path: Path) -> None:
    report = tmp_path / "newman-run-report-x.csv"
    # a row whose request never started has empty counters; NaN comes from a counter the reporter never set
    report.write_text(
        CSV_HEADER
        + csv_row(6, 5, 1)
        + csv_row(3, 1, 1, skipped=1)
        + '"1","Conduit","Feed","GET","http://x/api/articles/feed",,,,,,"Response code is 200 OK",,"1","0","1","0"\n'
        + '"1","Conduit","Odd",,,,,,,,,,"NaN","","",""'  # newman-reporter-csv writes no final newline
    )
    counts = read_report(report)
    assert counts == Assertions(total=10, passed=6, failed=3)
    assert isinstance(counts, Assertions) and counts.skipped == 1


def newman_json(total: int, failed: int, skipped: int) -> dict[str, object]:
    assertions = [{"assertion": f"s{i}", "skipped": True} for i in range(skipped)]
    return {
        "collection": {"info": {"name": "Conduit"}},
        "run": {
            "stats": {"assertions": {"total": total, "pending": 0, "failed": failed}},
            "executions": [{"item": {"name": "a"}, "assertions": assertions}, {"item": {"name": "b"}}],
            "failures": [],
        },
    }


def test_newman_json_report(tmp_path: Path) -> None:
    report = tmp_path / "newman.json"
    report.write_text(json.dumps(newman_json(403, 80, 1)))
    assert read_report(report) == Assertions(total=403, passed=322, failed=80)


def test_contract_json_report(tmp_path: Path) -> None:
    result = RunResult(
        collection="realworld",
        executions=[
            Execution(
                "Register",
                "1",
                (),
                None,
                (
                    AssertionResult("a", True),
                    AssertionResult("b", False),
                    AssertionResult("c", True, skipped=True),
                    AssertionResult("d", True),
                ),
            )
        ],
    )
    report = tmp_path / "contract.json"
    report.write_text(json.dumps(to_json(result)))
    # cdverify's `passed` counts the skipped assertion; the paper's (newman CSV's executedCount) does not
    assert read_report(report) == Assertions(total=4, passed=2, failed=1)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.csv", "", "the report is empty"),
        ("r.csv", "a,b\n1,2\n", "no column totalAssertions, executedCount, failedCount"),
        (
            "r.csv",
            CSV_HEADER + csv_row(3, 2, 1).replace('"2"', '"two"'),
            "line 2: executedCount is not a count: 'two'",
        ),
        (
            "r.csv",
            "totalAssertions,executedCount,failedCount\n\u00b2,0,0\n",
            "totalAssertions is not a count",
        ),
        ("r.csv", CSV_HEADER + csv_row(3, 1, 1), "the counts disagree"),
        ("r.csv", "totalAssertions,executedCount,failedCount\n1,2,0\n", "inconsistent counts"),
        ("r.csv", 'totalAssertions,executedCount,failedCount\n"1,1,0\n', "malformed CSV"),
        ("r.json", "{not json", "not valid JSON"),
        (
            "r.json",
            "[]",
            "a JSON report must be an object",
        ),
        ("r.json", '{"run": {"stats": {}}}', "newman JSON without run.stats.assertions"),
        ("r.json", '{"run": {"stats": {"assertions": {"total": "3", "failed": 0}}}}', "must be counts"),
        ("r.json", '{"schema_version": "2.0", "summary": {}}', "schema 2.0 is not supported"),
        (
            "r.json",
            '{"schema_version": "1.1", "summary": {"assertions": 3, "passed": 3}}',
            "summary.failed must be counts",
        ),
        ("r.json", '{"something": "else"}', "neither newman's JSON report"),
    ],
)
def test_unreadable_reports_are_error_values(tmp_path: Path, name: str, content: str, message: str) -> None:
    report = tmp_path / name
    report.write_text(content)
    error = read_report(report)
    assert isinstance(error, ReportError), error
    assert message in error.message
    assert str(error).startswith(str(report))


def test_reports_that_cannot_be_opened(tmp_path: Path) -> None:
    (tmp_path / "bytes.csv").write_bytes(b"totalAssertions\xff\n")
    assert "not UTF-8" in str(read_report(tmp_path / "bytes.csv"))
    assert "cannot be read" in str(read_report(tmp_path / "missing.csv"))
    assert read_run_report(None) == NO_ASSERTIONS == Assertions(0, 0, 0)


# --- Materialising a run's code -------------------------------------------------------------------------


def test_a_patch_against_an_empty_workspace(tmp_path: Path) -> None:
    patch = tmp_path / "p.patch"
    patch.write_text(
        diff_of({"app.py": "x = 1\n", "pkg/mod.py": "y = 2\n", "run.sh": "#!/bin/sh\n"}, tmp_path)
    )
    with materialised(PatchCode(patch)) as code:
        assert (code / "pkg" / "mod.py").read_text() == "y = 2\n"
        assert sorted(p.name for p in code.iterdir()) == ["app.py", "pkg", "run.sh"]
    assert not code.exists()


def test_the_executable_bit_and_the_paper_workspace_file(tmp_path: Path) -> None:
    workspace = tmp_path / "w"
    workspace.mkdir()
    git(workspace, "init", "-q")
    write(workspace, {"gitkeep": "\n"})
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "the paper's workspace")
    write(workspace, {"run.sh": "#!/bin/sh\nexec true\n"})
    (workspace / "run.sh").chmod(0o755)
    (workspace / "gitkeep").unlink()
    git(workspace, "add", "-A")
    patch = tmp_path / "p.patch"
    patch.write_text(git(workspace, "diff", "--cached"))
    with materialised(PatchCode(patch)) as code:
        assert os.access(code / "run.sh", os.X_OK)
        assert sorted(p.name for p in code.iterdir()) == ["run.sh"]  # gitkeep was seeded, then deleted


def test_an_empty_patch_is_an_empty_workspace(tmp_path: Path) -> None:
    (tmp_path / "p.patch").write_text("")
    with materialised(PatchCode(tmp_path / "p.patch")) as code:
        assert list(code.iterdir()) == []


ESCAPING_PATCHES = {
    "dotdot": "diff --git a/../evil.txt b/../evil.txt\nnew file mode 100644\n--- /dev/null\n+++ b/../evil.txt\n@@ -0,0 +1 @@\n+evil\n",
    "absolute": "--- /dev/null\n+++ //tmp/evil.txt\n@@ -0,0 +1 @@\n+evil\n",  # -p1 leaves /tmp/evil.txt
    "git-dir": "diff --git a/.git/config b/.git/config\nnew file mode 100644\n--- /dev/null\n+++ b/.git/config\n@@ -0,0 +1 @@\n+[core]\n",
    "through-link": (
        "diff --git a/link b/link\nnew file mode 120000\n--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+/tmp\n\\ No newline at end of file\n"
        "diff --git a/link/evil.txt b/link/evil.txt\nnew file mode 100644\n--- /dev/null\n+++ b/link/evil.txt\n@@ -0,0 +1 @@\n+evil\n"
    ),
}


@pytest.mark.parametrize("case", sorted(ESCAPING_PATCHES))
def test_a_patch_writing_outside_is_refused(tmp_path: Path, case: str) -> None:
    patch = tmp_path / "p.patch"
    patch.write_text(ESCAPING_PATCHES[case])
    with (
        pytest.raises(MaterialiseError, match=r"writes outside the run's folder|does not apply"),
        materialised(PatchCode(patch)),
    ):
        pytest.fail("the patch was applied")
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()


LINK = "diff --git a/{name} b/{name}\nnew file mode 120000\n--- /dev/null\n+++ b/{name}\n@@ -0,0 +1 @@\n+{target}\n\\ No newline at end of file\n"


@pytest.mark.parametrize(
    ("links", "refused"),
    [
        ({"etc": "/etc"}, "etc"),
        ({"up": "../.."}, "up"),
        # each link alone stays inside, but together they lead out
        ({"d1/d2/sub": "../../e", "d1/d2/x": "sub/../.."}, "d1/d2/x"),
        ({"inside": "pkg/mod.py", "loop": "loop"}, None),
    ],
)
def test_links_leading_outside_are_refused(
    tmp_path: Path, links: dict[str, str], refused: str | None
) -> None:
    patch = tmp_path / "p.patch"
    patch.write_text(
        "".join(LINK.format(name=n, target=t) for n, t in links.items())
        + diff_of({"pkg/mod.py": "y\n", "e/f": "z\n"}, tmp_path)
    )
    if refused is None:
        with materialised(PatchCode(patch)) as code:
            assert (code / "inside").is_symlink()
        return
    with (
        pytest.raises(MaterialiseError, match=f"the link {refused} points outside"),
        materialised(PatchCode(patch)),
    ):
        pytest.fail("the link was kept")


def test_a_patch_that_does_not_apply(tmp_path: Path) -> None:
    patch = tmp_path / "p.patch"
    patch.write_text(diff_of({"app.py": "x = 2\n"}, tmp_path, base={"app.py": "x = 1\n"}))
    with (
        pytest.raises(MaterialiseError, match=r"the patch does not apply: error: app.py: No such file"),
        materialised(PatchCode(patch)),
    ):
        pass
    (tmp_path / "garbage.patch").write_text("this is no diff\n")
    with (
        pytest.raises(MaterialiseError, match="does not apply: error: No valid patches in input"),
        materialised(PatchCode(tmp_path / "garbage.patch")),
    ):
        pass


def test_a_feature_run_on_its_base(inputs: Path, tmp_path: Path) -> None:
    base = inputs / "base"
    commit = first_commit(base)
    # the task's own patch removes a function; the agent's patch puts one back
    removal = tmp_path / "task.patch"
    removal.write_text(
        diff_of({"lib/util.py": ""}, tmp_path, base={"lib/util.py": "def f():\n    return 1\n"})
    )
    again = tmp_path / "agent.patch"
    again.write_text(diff_of({"lib/util.py": "def g():\n    return 2\n"}, tmp_path, base={"lib/util.py": ""}))
    with materialised(PatchCode(again, base, commit, base_patch=removal)) as code:
        assert (code / "lib" / "util.py").read_text() == "def g():\n    return 2\n"
        assert (code / "app.py").read_text() == "a = 1\n"
    # a plain folder as the base (no commit): its files as they are, without .git
    plain = write(tmp_path / "plain", {"app.py": "a = 1\n", ".git/HEAD": "ref: refs/heads/main\n"})
    with materialised(PatchCode(inputs / "patches" / "feature.patch", plain)) as code:
        assert (code / "app.py").read_text() == "a = 1\nb = 2\n" and not (code / ".git").exists()


def test_feature_errors_are_clear(inputs: Path) -> None:
    patch = inputs / "patches" / "feature.patch"
    with (
        pytest.raises(MaterialiseError, match="no commit 0123abc in it"),
        materialised(PatchCode(patch, inputs / "base", "0123abc")),
    ):
        pass
    with (
        pytest.raises(MaterialiseError, match="no commit"),
        materialised(PatchCode(patch, inputs / "repos" / "r1", "HEAD")),
    ):
        pass  # a folder that is no git repository
    with (
        pytest.raises(MaterialiseError, match="is not a commit"),
        materialised(PatchCode(patch, inputs / "base", "--all")),
    ):
        pass
    with (
        pytest.raises(MaterialiseError, match="a commit or a base patch needs a base repository"),
        materialised(PatchCode(patch, None, "HEAD")),
    ):
        pass


def test_the_folder_is_removed_when_grading_fails(tmp_path: Path) -> None:
    (tmp_path / "p.patch").write_text(diff_of({"a.py": "x\n"}, tmp_path))
    seen: list[Path] = []
    with pytest.raises(RuntimeError), materialised(PatchCode(tmp_path / "p.patch")) as code:
        seen.append(code)
        raise RuntimeError("a verifier crashed")
    assert seen and not seen[0].exists() and not seen[0].parent.exists()


def test_a_repo_is_read_where_it_is(inputs: Path) -> None:
    with materialised(RepoCode(inputs / "repos" / "r1")) as code:
        assert code == inputs / "repos" / "r1"
    assert (inputs / "repos" / "r1" / "app.py").exists()
    with pytest.raises(MaterialiseError, match="no such folder"), materialised(RepoCode(inputs / "nope")):
        pass
