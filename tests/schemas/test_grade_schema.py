"""`cdverify schema grade`: the grading report's schema, generated from cdverify/schemas/grade.py (the shipped
file is the generated one: test_schemas.py's `--check` covers every schema). Here: a generated experiment's
report validates with no undeclared key, and docs/grading.md documents exactly the schema's keys. The
sample experiment's reports (static, `--verifiers paper`, `--compare paper`) are validated the same way by
tests/grade/test_grade_cli.py, the feature runs' by test_grade_features.py, the tested runs' by
test_grade_run_tests.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from benchmark_modules import load
from strict_schema import strict_validator

from cdverify.schemas import schema

REPO = Path(__file__).resolve().parents[2]
GRADING = REPO / "docs" / "grading.md"


@pytest.fixture(scope="module")
def generated_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """benchmarks/gen_experiment.py's smallest experiment (a run per configuration and task: the reference
    apps, fitted apps, mutants, empty runs, varied and missing reports), graded with `--compare paper`."""
    out = tmp_path_factory.mktemp("generated")
    gen_experiment = load("gen_experiment")
    gen_experiment.make(out, runs=118, seed=13, workers=2)
    options = ["--format", "json", "--compare", "paper", "--no-store", "-j", "2"]
    done = subprocess.run(
        [sys.executable, "-m", "cdverify", "grade", str(out / "results"), *options],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    assert document["summary"]["runs"] == 118  # the superseded date folders' runs are not graded
    return document


def test_a_generated_experiments_report_validates_strictly(generated_report: dict[str, Any]) -> None:
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
        for error in strict_validator("grade").iter_errors(generated_report)
    ]
    assert not errors, "\n".join(errors[:20])
    runs = generated_report["runs"]
    # what the report holds is varied enough for the validation to mean something
    assert {run["assertions"] is None for run in runs} == {True, False}
    assert any(run["assertions"] and run["assertions"]["failures"] for run in runs)
    assert {verdict for run in runs for verdict in run["verdicts"].values()} >= {
        "pass",
        "fail",
        "not_applicable",
    }
    assert any(run["findings"] for run in runs) and all("paper" in run for run in runs)
    disagreements = generated_report["comparison"]["disagreements"]
    assert {d["cdverify_finding"] is None for d in disagreements} == {True, False}
    assert any(row["agent"] is None for row in generated_report["marginal_effects"])


# --- docs/grading.md against the schema --------------------------------------------------------------------

TABLES = {  # the line that starts a table's section → the model whose keys it lists, one row per key (or keys)
    "### Top level": "GradeReport",
    "### `runs[]`": "Run",
    "**The record.**": "BehaviourRecord",
    "With `--compare paper`, the runs' verdicts": "Comparison",
}
SHAPE = re.compile(r"`\{([a-z_@^0-9, ]+)\}`")


def _tables() -> dict[str, list[tuple[set[str], str]]]:
    """Model → (the keys of the first cell, the last cell) of each row of the first table after its line."""
    rows: dict[str, list[tuple[set[str], str]]] = {}
    current = None
    in_table = False
    for line in GRADING.read_text(encoding="utf-8").splitlines():
        starts = [model for start, model in TABLES.items() if line.startswith(start)]
        if starts:
            current, in_table = starts[0], False
            rows[current] = []
            continue
        if current and line.startswith("|"):
            in_table = True
            cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
            if cells[0] not in ("key", "---"):
                rows[current].append((set(re.findall(r"`([a-z_]+)`", cells[0])), cells[-1]))
        elif in_table:
            current, in_table = None, False
    return rows


def _definitions() -> dict[str, Any]:
    defs: dict[str, Any] = schema("grade")["$defs"]
    return defs


def _objects(node: Any, defs: dict[str, Any], stop: set[str]) -> set[str]:
    """The object models `node` reaches through its references, not entering those of `stop`."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None:
            name = str(ref).rsplit("/", 1)[1]
            if name not in stop and "properties" in defs[name]:
                found |= {name} | _objects(defs[name]["properties"], defs, stop | {name})
        for value in node.values():
            found |= _objects(value, defs, stop)
    elif isinstance(node, list):
        for value in node:
            found |= _objects(value, defs, stop)
    return found


def test_every_documented_key_is_in_the_schema_and_back() -> None:
    """Each table lists exactly its model's keys; a row's `{a, b, c}` shapes are exactly the key sets of the
    objects its key holds that have no table of their own (the findings are json-output.md's)."""
    tables = _tables()
    defs = _definitions()
    assert set(tables) == set(TABLES.values())
    own = set(tables) | {"Finding"}
    shapes_compared = 0
    for model, rows in tables.items():
        documented = set().union(*(keys for keys, _ in rows))
        declared = set(defs[model]["properties"])
        assert documented == declared, (
            f"{model}: only documented {documented - declared}, only declared {declared - documented}"
        )
        for keys, what in rows:
            reached = set().union(*(_objects(defs[model]["properties"][key], defs, own) for key in keys))
            expected = {frozenset(defs[name]["properties"]) for name in reached}
            shapes = {frozenset(key.strip() for key in shape.split(",")) for shape in SHAPE.findall(what)}
            assert shapes == expected, (model, sorted(keys), [sorted(s) for s in shapes ^ expected])
            shapes_compared += len(shapes)
    assert shapes_compared >= 15


def test_the_documented_version_is_the_reports() -> None:
    from cdverify.grading.output import GRADE_SCHEMA_VERSION

    text = GRADING.read_text(encoding="utf-8")
    assert f'| `schema_version` | `"{GRADE_SCHEMA_VERSION}"` |' in text
    assert f'`schema_version` `"{GRADE_SCHEMA_VERSION}"`' in text
