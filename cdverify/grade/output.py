"""A graded experiment as others read it: the versioned JSON document, CSV files and the terminal summary.

Pure functions from a `Grading` to text. The JSON keys are a contract (docs/grading.md): keys are only added
within a major version of GRADE_SCHEMA_VERSION.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cdverify import __version__
from cdverify.grade.compare import comparison_json, comparison_lines
from cdverify.grade.grader import Grading, RunGrade, Verifiers, rows_of
from cdverify.grade.paper import paper_json
from cdverify.grade.records import Axis
from cdverify.grade.tables import percent

GRADE_SCHEMA_VERSION = "0.2"  # 0.x: the grading report is new; its keys may still change before 1.0
RUN_COLUMNS = (
    "run", "agent", "model", "task", "kind", "framework", "level", "trial", "total", "passed", "failed",
    "a", "strict_a", "success", *(f"verdict_{axis.value}" for axis in Axis), "error",
)  # fmt: skip


def grade_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report `to_json` gives (schema/grade.schema.json)."""
    schema: dict[str, Any] = json.loads(
        (Path(__file__).resolve().parent / "schema" / "grade.schema.json").read_text(encoding="utf-8")
    )
    return schema


def run_json(item: RunGrade, tested: bool = False) -> dict[str, Any]:
    """A run's row; `tested` (the runs were graded with their behaviour tests) adds its `tests` record."""
    run = item.run
    assertions = run.assertions
    return {
        "run": item.run_id,
        "origin": item.origin,
        "agent": run.agent,
        "model": run.model,
        "task": run.task,
        "kind": run.kind.value,
        "framework": run.framework,
        "level": run.level,
        "trial": run.trial,
        "assertions": None
        if assertions is None
        else {"total": assertions.total, "passed": assertions.passed, "failed": assertions.failed},
        "a": run.a,
        "strict_a": run.strict_a,
        "tests_pass": run.tests_pass,
        "success": run.success,
        "verdicts": {axis.value: run.verdicts[axis].value for axis in Axis},
        "error": run.error,
        "findings": list(item.findings),
        **({} if item.paper is None else {"paper": paper_json(item.paper)}),
        **({"tests": None if item.tests is None else item.tests.to_json()} if tested else {}),
    }


def to_json(grading: Grading) -> dict[str, Any]:
    tables = grading.tables
    return {
        "schema_version": GRADE_SCHEMA_VERSION,
        "cdverify_version": __version__,
        "results": str(grading.root),
        "success_rule": sorted(axis.value for axis in grading.rule.axes),
        "verifiers": grading.verifiers.value,
        "summary": {
            "runs": len(grading.runs),
            "successes": sum(item.run.success for item in grading.runs),
            "errors": sum(item.run.error is not None for item in grading.runs),
            "unreadable": len(grading.unreadable),
        },
        "runs": [run_json(item, grading.tests is not None) for item in grading.runs],
        "tasks": _renamed(rows_of(tables.tasks)),
        "levels": _renamed(rows_of(tables.levels)),
        "decay": rows_of(tables.decay),
        "marginal_effects": rows_of(tables.marginal_effects),
        "frameworks": _renamed(rows_of(tables.frameworks)),
        "features": _renamed(rows_of(tables.features)),
        "unreadable": [{"origin": error.origin, "message": error.message} for error in grading.unreadable],
        **({} if grading.comparison is None else {"comparison": comparison_json(grading.comparison)}),
        **({} if grading.tests is None else {"tests": grading.tests.to_json()}),
    }


def _renamed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The paper's names for the pass columns: pass@1, pass@3, pass^3."""
    names = {"pass_at_1": "pass@1", "pass_at_3": "pass@3", "pass_power_3": "pass^3"}
    return [{names.get(key, key): value for key, value in row.items()} for row in rows]


def dumps(grading: Grading) -> str:
    return json.dumps(to_json(grading), indent=2) + "\n"


def runs_csv(grading: Grading) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(RUN_COLUMNS)
    for item in grading.runs:
        document = run_json(item)
        counts = document["assertions"] or {"total": 0, "passed": 0, "failed": 0}
        writer.writerow(
            [
                document["run"], document["agent"], document["model"], document["task"], document["kind"],
                document["framework"], document["level"], document["trial"], counts["total"],
                counts["passed"], counts["failed"], document["a"], document["strict_a"], document["success"],
                *(document["verdicts"][axis.value] for axis in Axis), document["error"] or "",
            ]
        )  # fmt: skip
    return buffer.getvalue()


def tasks_csv(grading: Grading) -> str:
    rows = _renamed(rows_of(grading.tables.tasks))
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "constraints": "-".join(row["constraints"])})
    return buffer.getvalue()


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    line = "  ".join
    out = [line(str(h).ljust(w) for h, w in zip(headers, widths, strict=True))]
    out.append(line("-" * w for w in widths))
    out += [line(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return out


def render_text(grading: Grading) -> str:
    """The terminal summary: counts, the level table, the marginal effects and the framework leaderboard."""
    tables = grading.tables
    errors = [item for item in grading.runs if item.run.error is not None]
    lines = [
        f"{grading.root}: {len(grading.runs)} runs, {len(tables.tasks)} task rows, "
        f"{sum(item.run.success for item in grading.runs)} successes, {len(errors)} runs with errors",
        *(
            ["verdicts: the paper's verifiers (architecture, database, orm; framework and task not computed)"]
            if grading.verifiers is Verifiers.PAPER
            else []
        ),
        "",
        "Levels (means over tasks; A% in percent)",
        *_table(
            ("agent", "model", "level", "tasks", "strict A%", "A%", "pass@1", "verifier impact"),
            [
                (
                    r.agent,
                    r.model,
                    str(r.level),
                    str(r.tasks),
                    percent(r.strict_a),
                    percent(r.a),
                    f"{r.pass_at_1:.3f}",
                    percent(r.verifier_impact),
                )
                for r in tables.levels
            ],
        ),
        "",
        "Marginal effects (matched pairs; Δ strict A% in points)",
        *_table(
            ("constraint", "agent", "model", "Δ", "SEM", "pairs"),
            [
                (
                    r.constraint.value,
                    r.agent or "(pooled)",
                    r.model or "",
                    percent(r.delta),
                    percent(r.sem),
                    str(r.pairs),
                )
                for r in tables.marginal_effects
            ],
        ),
        "",
        "Frameworks",
        *_table(
            ("agent", "model", "framework", "tasks", "runs", "strict A%", "pass@1", "SEM"),
            [
                (
                    r.agent,
                    r.model,
                    r.framework,
                    str(r.tasks),
                    str(r.runs),
                    percent(r.strict_a),
                    f"{r.pass_at_1:.3f}",
                    percent(r.sem),
                )
                for r in tables.frameworks
            ],
        ),
    ]
    if errors:
        lines += ["", "Runs with errors (counted as runs with 0 assertions)"]
        lines += [f"  {item.origin}: {item.run.error}" for item in errors[:20]]
        if len(errors) > 20:
            lines.append(f"  … and {len(errors) - 20} more (see --format json)")
    if grading.tests is not None:
        lines += ["", *_behaviour_lines(grading)]
    if grading.unreadable:
        lines += ["", "Not runs (no agent, model or task could be read)"]
        lines += [f"  {error.origin}: {error.message}" for error in grading.unreadable]
    if grading.comparison is not None:
        lines += ["", *comparison_lines(grading.comparison)]
    return "\n".join(lines) + "\n"


def _behaviour_lines(grading: Grading) -> list[str]:
    """What the behaviour tests did: how many servers became healthy, and why the others did not."""
    assert grading.tests is not None
    records = [(item, item.tests) for item in grading.runs if item.tests is not None]
    unhealthy = [(item, record) for item, record in records if not record.healthy]
    lines = [
        f"Behaviour tests ({grading.tests.collection.name}; the runs' own reports not read): "
        f"{len(records)} runs served, {len(records) - len(unhealthy)} healthy, {len(unhealthy)} never healthy"
    ]
    for item, record in unhealthy[:20]:
        lines.append(f"  {item.origin}: {'; '.join(record.notes) or 'not healthy'}")
        lines += [f"    | {line}" for line in record.log[-3:]]
    if len(unhealthy) > 20:
        lines.append(f"  … and {len(unhealthy) - 20} more (see --format json)")
    return lines
