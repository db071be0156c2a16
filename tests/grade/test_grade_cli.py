"""`cdverify grade` end to end on the sample experiment of corpus/ (48 runs in the paper's layout, real
patches and real newman CSV reports; corpus/experiments/sample/README.md lists every run), and on runs that
cannot be graded. The expected figures are worked out by hand from that README's table."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = REPO_ROOT / "corpus" / "experiments" / "sample"


def _grade(*args: str) -> subprocess.CompletedProcess[str]:
    """The command, keeping nothing between tests (--no-store) unless a test names a store itself."""
    store = [] if "--store" in args else ["--no-store"]
    return subprocess.run(
        [sys.executable, "-m", "cdverify", "grade", *args, *store],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def sample_report() -> dict[str, Any]:
    run = _grade(str(SAMPLE), "--format", "json", "-j", "2")
    assert run.returncode == 0, run.stderr
    document: dict[str, Any] = json.loads(run.stdout)
    return document


def _run(document: dict[str, Any], agent: str, task: str, trial: int) -> dict[str, Any]:
    (found,) = [r for r in document["runs"] if (r["agent"], r["task"], r["trial"]) == (agent, task, trial)]
    return found


def _task(document: dict[str, Any], agent: str, task: str) -> dict[str, Any]:
    (found,) = [r for r in document["tasks"] if (r["agent"], r["task"]) == (agent, task)]
    return found


def test_every_run_is_graded_and_the_superseded_date_folder_is_not(sample_report: dict[str, Any]) -> None:
    assert sample_report["schema_version"] == "0.2"
    assert len(sample_report["runs"]) == 48
    assert sample_report["summary"]["errors"] == 0
    l3 = [
        r
        for r in sample_report["runs"]
        if (r["agent"], r["task"]) == ("agent_a", "flask-openapi-clean_architecture-postgres-sqlalchemy")
    ]
    assert sorted(r["trial"] for r in l3) == [1, 2, 3]
    assert all("2026-03-01T09-30-00" not in r["origin"] for r in sample_report["runs"])


def test_run_level_figures(sample_report: dict[str, Any]) -> None:
    # the reference app: 311/311, every verifier passes
    reference = _run(sample_report, "agent_a", "flask-openapi-clean_architecture", 1)
    assert reference["assertions"] == {"total": 311, "passed": 311, "failed": 0, "failures": []}
    assert (reference["a"], reference["strict_a"], reference["success"]) == (1.0, 1.0, True)
    assert reference["verdicts"]["architecture"] == "pass"
    # an upward import: behaviour intact (311/311), architecture fails, so strict A% = 0 and no success
    upward = _run(sample_report, "agent_a", "flask-openapi-clean_architecture", 3)
    assert upward["assertions"]["passed"] == 311 and upward["verdicts"]["architecture"] == "fail"
    assert (upward["a"], upward["strict_a"], upward["success"]) == (1.0, 0.0, False)
    assert any(f["rule"].startswith("ARCH") for f in upward["findings"])
    # the API mounted at /v1: 1 of 141 assertions passes
    elsewhere = _run(sample_report, "agent_b", "flask-openapi-unconstrained", 2)
    counts = {key: elsewhere["assertions"][key] for key in ("total", "passed", "failed")}
    assert counts == {"total": 141, "passed": 1, "failed": 140}
    # the first 20 of its 140 failing assertions, named as the CSV names them, with the response's status
    failures = elsewhere["assertions"]["failures"]
    assert len(failures) == 20
    assert failures[0] == {
        "request": "Register",
        "assertion": 'Response contains "user" property',
        "message": "response 404 NOT FOUND",
    }
    assert elsewhere["a"] == pytest.approx(1 / 141, abs=1e-12)
    # an empty patch, never tested: no report, 0 assertions, as the paper scores it
    empty = _run(sample_report, "agent_b", "flask-openapi-unconstrained", 3)
    assert empty["assertions"] is None and (empty["a"], empty["success"]) == (0.0, False)


def test_task_level_figures_by_hand(sample_report: dict[str, Any]) -> None:
    # agent_a's flask-openapi-clean_architecture: runs 1-2 succeed (311/311, all verifiers pass), run 3
    # passes every assertion but breaks the architecture: n = 3, c = 2
    row = _task(sample_report, "agent_a", "flask-openapi-clean_architecture")
    assert (row["n"], row["successes"], row["level"]) == (3, 2, 1)
    assert row["pass@1"] == pytest.approx(2 / 3, abs=1e-9)  # 1 - C(1,1)/C(3,1) = 1 - 1/3
    assert row["pass@3"] == pytest.approx(1.0, abs=1e-9)  # 1 - C(1,3)/C(3,3) = 1 - 0
    assert row["pass^3"] == pytest.approx(8 / 27, abs=1e-9)  # (2/3)^3
    assert row["a"] == pytest.approx(1.0, abs=1e-9)  # 311/311 three times
    assert row["strict_a"] == pytest.approx(2 / 3, abs=1e-9)  # (1 + 1 + 0) / 3
    # agent_b's flask-openapi-unconstrained: 311/311, 1/141, no report; no verifier applies at L0
    row = _task(sample_report, "agent_b", "flask-openapi-unconstrained")
    assert (row["n"], row["successes"], row["level"]) == (3, 1, 0)
    assert row["a"] == pytest.approx((1 + 1 / 141 + 0) / 3, abs=1e-9)
    assert row["strict_a"] == pytest.approx(row["a"], abs=1e-12)


def test_the_tables_agree_with_the_runs(sample_report: dict[str, Any]) -> None:
    """Every task row is the mean of its own runs, recomputed here from the per-run rows."""
    for row in sample_report["tasks"]:
        runs = [
            r
            for r in sample_report["runs"]
            if (r["agent"], r["model"], r["task"]) == (row["agent"], row["model"], row["task"])
        ]
        assert row["n"] == len(runs)
        assert row["successes"] == sum(r["success"] for r in runs)
        assert row["a"] == pytest.approx(sum(r["a"] for r in runs) / len(runs), abs=1e-9)
        assert row["strict_a"] == pytest.approx(sum(r["strict_a"] for r in runs) / len(runs), abs=1e-9)
    for level in sample_report["levels"]:
        tasks = [
            t
            for t in sample_report["tasks"]
            if (t["agent"], t["model"], t["level"], t["kind"])
            == (level["agent"], level["model"], level["level"], "generation")
        ]
        assert level["strict_a"] == pytest.approx(sum(t["strict_a"] for t in tasks) / len(tasks), abs=1e-9)
        assert level["pass@1"] == pytest.approx(sum(t["pass@1"] for t in tasks) / len(tasks), abs=1e-9)


def test_a_run_that_cannot_be_graded_stops_nothing(tmp_path: Path) -> None:
    results = tmp_path / "results"
    shutil.copytree(SAMPLE / "node", results / "node")
    broken = next((results / "node").rglob("run_2"))
    (patch,) = broken.glob("*.patch")
    patch.write_text("diff --git a/x b/x\nthis is not a unified diff\n", encoding="utf-8")
    run = _grade(str(results), "--format", "json", "--csv", str(tmp_path / "csv"))
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    errored = [r for r in document["runs"] if r["error"]]
    assert len(errored) == 1 and errored[0]["origin"].endswith("run_2")
    assert errored[0]["a"] == 0.0 and errored[0]["success"] is False
    assert len(document["runs"]) == 18 and all(r["verdicts"] for r in document["runs"])
    with (tmp_path / "csv" / "runs.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 18
    with (tmp_path / "csv" / "tasks.csv").open(encoding="utf-8") as handle:
        assert {row["task"] for row in csv.DictReader(handle)} == {r["task"] for r in document["runs"]}


def test_bad_input_is_exit_2(tmp_path: Path) -> None:
    manifest = tmp_path / "runs.csv"
    manifest.write_text("no,such,columns\n1,2,3\n", encoding="utf-8")
    run = _grade(str(manifest))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    run = _grade(str(SAMPLE), "--success-includes", "speed")
    assert run.returncode == 2 and "unknown verifier" in run.stderr


def test_success_can_include_the_framework_and_task_verdicts(sample_report: dict[str, Any]) -> None:
    run = _grade(str(SAMPLE), "--format", "json", "--success-includes", "framework,task")
    assert run.returncode == 0, run.stderr
    stricter = json.loads(run.stdout)
    assert stricter["success_rule"] == ["architecture", "database", "framework", "orm", "task"]
    # a run without run.sh passes the paper's rule on its verifiers, not the task-file check
    assert stricter["summary"]["successes"] <= sample_report["summary"]["successes"]
    for paper, strict in zip(sample_report["runs"], stricter["runs"], strict=True):
        assert strict["success"] == (
            paper["success"]
            and strict["verdicts"]["framework"] != "fail"
            and strict["verdicts"]["task"] != "fail"
        )


def test_the_library_entry_point(tmp_path: Path) -> None:
    import cdverify

    shutil.copytree(SAMPLE / "node", tmp_path / "node")  # the Express runs alone: RESULTS/{runtime}/...
    grading = cdverify.grade(tmp_path, jobs=1)
    assert len(grading.runs) == 18
    assert {row.level for row in grading.tables.levels} == {0, 2, 3}


def test_json_keys_are_the_documented_ones(sample_report: dict[str, Any]) -> None:
    """docs/grading.md lists these; a key is only removed or renamed with a new schema version."""
    assert set(sample_report) == {
        "schema_version", "cdverify_version", "results", "success_rule", "summary", "runs", "tasks", "levels",
        "decay", "marginal_effects", "frameworks", "features", "unreadable", "verifiers",
    }  # fmt: skip
    assert set(sample_report["runs"][0]) == {
        "run", "origin", "agent", "model", "task", "kind", "framework", "level", "trial", "assertions", "a",
        "strict_a", "tests_pass", "success", "verdicts", "error", "notes", "findings",
    }  # fmt: skip
    assert set(sample_report["runs"][0]["verdicts"]) == {
        "architecture",
        "database",
        "orm",
        "framework",
        "task",
    }
    assert set(sample_report["tasks"][0]) == {
        "agent", "model", "task", "kind", "framework", "level", "constraints", "n", "successes", "errors",
        "pass@1", "pass@3", "pass^3", "a", "a_stdev", "strict_a", "strict_a_stdev",
    }  # fmt: skip
    assert set(sample_report["levels"][0]) == {
        "agent",
        "model",
        "level",
        "tasks",
        "strict_a",
        "pass@1",
        "a",
        "verifier_impact",
    }
    assert set(sample_report["marginal_effects"][0]) == {
        "constraint",
        "agent",
        "model",
        "delta",
        "stdev",
        "sem",
        "pairs",
    }
    assert set(sample_report["frameworks"][0]) == {
        "agent",
        "model",
        "framework",
        "tasks",
        "runs",
        "strict_a",
        "pass@1",
        "a",
        "sem",
    }


def test_a_second_grade_reuses_the_stored_runs(tmp_path: Path) -> None:
    results = tmp_path / "results"
    shutil.copytree(SAMPLE / "node", results / "node")
    store = tmp_path / "store"
    first = _grade(str(results), "--format", "json", "--store", str(store))
    assert first.returncode == 0, first.stderr
    stored = sorted(store.rglob("*.json"))
    assert len(stored) == 18
    stamps = {path: path.stat().st_mtime_ns for path in stored}
    again = _grade(str(results), "--format", "json", "--store", str(store))
    assert json.loads(again.stdout) == json.loads(first.stdout)
    assert {path: path.stat().st_mtime_ns for path in stored} == stamps  # nothing regraded
    # a changed report is a new run: graded again, beside the old result
    report = next((results / "node").rglob("newman-run-report-*.csv"))
    report.write_text(report.read_text(encoding="utf-8").replace(",0,", ",0,", 1) + "\n", encoding="utf-8")
    _grade(str(results), "--store", str(store))
    assert len(list(store.rglob("*.json"))) == 19
    forced = _grade(str(results), "--store", str(store), "--force")
    assert forced.returncode == 0
    # every current run regraded: the 17 unchanged ones rewrite their files (the old result of the changed
    # run stays, unused)
    assert sum(path.stat().st_mtime_ns > stamps[path] for path in stored) == 17


def test_an_interrupted_grade_loses_nothing_graded(tmp_path: Path) -> None:
    from cdverify.grading.grader import grade

    results = tmp_path / "results"
    shutil.copytree(SAMPLE / "node", results / "node")
    store = tmp_path / "store"
    seen = 0

    def interrupt(_: object) -> None:
        nonlocal seen
        seen += 1
        if seen == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        grade(results, jobs=1, store=store, on_run=interrupt)
    assert len(list(store.rglob("*.json"))) == 5
    again = grade(results, jobs=1, store=store)
    assert len(again.runs) == 18 and len(list(store.rglob("*.json"))) == 18


def test_tables_as_markdown_and_latex(tmp_path: Path, sample_report: dict[str, Any]) -> None:
    run = _grade(str(SAMPLE), "--tables", str(tmp_path / "tables"), "-o", str(tmp_path / "summary.txt"))
    assert run.returncode == 0, run.stderr
    names = sorted(path.name for path in (tmp_path / "tables").iterdir())
    assert names == [f"{t}.{x}" for t in ("frameworks", "levels", "marginal_effects") for x in ("md", "tex")]
    levels = (tmp_path / "tables" / "levels.md").read_text(encoding="utf-8").splitlines()
    rows = [line.split(" | ") for line in levels if line.startswith("| agent_")]
    assert len(rows) == len(sample_report["levels"])
    for cells, row in zip(rows, sample_report["levels"], strict=True):
        assert cells[3] == f"{100 * row['strict_a']:.1f}" and cells[4] == f"{row['pass@1']:.3f}"
    tex = (tmp_path / "tables" / "marginal_effects.tex").read_text(encoding="utf-8")
    assert r"\begin{tabular}" in tex and r"clean\_architecture & all & all" in tex
    assert tex.count(r"\\") == len(sample_report["marginal_effects"]) + 1  # the header row and one per effect


@pytest.mark.parametrize("mode", [(), ("--compare", "paper"), ("--verifiers", "paper")])
def test_the_report_validates_against_its_schema(tmp_path: Path, mode: tuple[str, ...]) -> None:
    """Strictly: every key of the report is declared by the models of cdverify/schemas/grade.py."""
    import jsonschema
    from strict_schema import strict_validator

    from cdverify.grading.output import GRADE_SCHEMA_VERSION
    from cdverify.schemas import schema as shipped_schema

    schema = shipped_schema("grade")
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["GradeReport"]["properties"]["schema_version"]["const"] == GRADE_SCHEMA_VERSION
    run = _grade(str(SAMPLE), "--format", "json", *mode)
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    validator = strict_validator("grade")
    assert [error.message for error in validator.iter_errors(document)] == []
    assert ("comparison" in document, "paper" in document["runs"][0]) == (
        "--compare" in mode,
        bool(mode),
    )
    # the schema is not a formality: a fraction out of range, a missing key or an undeclared one is caught
    document["runs"][0]["a"] = 1.5
    del document["tasks"][0]["pass@1"]
    document["runs"][0]["verdicts"]["style"] = "pass"
    assert len(list(validator.iter_errors(document))) == 3


def test_the_terminal_summary_shows_every_table_and_names_as_they_are(tmp_path: Path) -> None:
    """The summary is plain text off a terminal; a name that reads like rich markup is shown as it is."""
    results = tmp_path / "results"
    shutil.copytree(SAMPLE / "node", results / "node")
    agent = results / "node" / "agent_a"
    shutil.rmtree(results / "node" / "agent_b")
    agent.rename(agent.parent / "[bold]agent[red]")
    run = _grade(str(results))
    assert run.returncode == 0, run.stderr
    text = run.stdout
    assert "\x1b[" not in text  # no colour codes in a pipe
    for title in ("Levels (means over tasks", "Marginal effects (matched pairs", "Frameworks"):
        assert title in text
    level_rows = [line.split() for line in text.splitlines() if line.startswith("[bold]agent[red]")]
    assert level_rows, text
    document = json.loads(_grade(str(results), "--format", "json").stdout)
    levels = {row["level"]: row for row in document["levels"]}
    shown = {int(row[2]): row for row in level_rows if len(row) == 8 and row[2].isdigit()}
    assert shown.keys() == levels.keys()
    for level, row in shown.items():
        assert float(row[4]) == pytest.approx(100 * levels[level]["a"], abs=0.05)
        assert float(row[6]) == pytest.approx(levels[level]["pass@1"], abs=0.0005)
