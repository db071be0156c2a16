"""A graded experiment as others read it: the versioned JSON document, CSV files and the terminal summary.

Pure functions from a `Grading` to text. The JSON keys are a contract (docs/grading.md): keys are only added
within a major version of GRADE_SCHEMA_VERSION.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from cdverify import __version__
from cdverify.grading.compare import comparison_json, comparison_lines
from cdverify.grading.grader import Grading, RunGrade, Verifiers, rows_of
from cdverify.grading.paper import paper_json
from cdverify.grading.records import Axis
from cdverify.grading.tables import FEATURE_HEADERS, feature_cells, percent

GRADE_SCHEMA_VERSION = "0.2"  # 0.x: the grading report is new; its keys may still change before 1.0
# 0.2: runs[].notes, the verdict `unknown`, features[].framework and .difficulty (feature tasks graded),
#      runs[].assertions.failures (the first failing assertions of the behaviour report),
#      tests and runs[].tests (--run-tests), summary.pending (an interrupted grade)
RUN_COLUMNS = (
    "run", "agent", "model", "task", "kind", "framework", "level", "trial", "total", "passed", "failed",
    "a", "strict_a", "success", *(f"verdict_{axis.value}" for axis in Axis), "error",
    "notes",
)  # fmt: skip


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
        else {
            "total": assertions.total,
            "passed": assertions.passed,
            "failed": assertions.failed,
            "failures": [
                {"request": f.request, "assertion": f.assertion, "message": f.message}
                for f in assertions.failures
            ],
        },
        "a": run.a,
        "strict_a": run.strict_a,
        "tests_pass": run.tests_pass,
        "success": run.success,
        "verdicts": {axis.value: run.verdicts[axis].value for axis in Axis},
        "error": run.error,
        "notes": list(item.notes),
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
            "pending": grading.pending,
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
                "; ".join(document["notes"]),
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


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int) -> Table:
    """A rich table; columns from `numeric_from` on hold figures and are right-aligned."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for index, header in enumerate(headers):
        table.add_column(header, justify="right" if index >= numeric_from else "left", no_wrap=True)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # cells are data, never rich markup
    return table


def summary(grading: Grading) -> list[RenderableType]:
    """The terminal summary as rich renderables: counts, the level table, the marginal effects, the
    framework leaderboard, the feature tasks, the runs with errors, the comparison with the paper's."""
    tables = grading.tables
    errors = [item for item in grading.runs if item.run.error is not None]
    interrupted = (
        [Text(f"interrupted: {grading.pending} runs not graded; the tables are those of the graded runs")]
        if grading.pending
        else []
    )
    parts: list[RenderableType] = [
        *interrupted,
        Text(
            f"{grading.root}: {len(grading.runs)} runs, {len(tables.tasks)} task rows, "
            f"{sum(item.run.success for item in grading.runs)} successes, {len(errors)} runs with errors"
        ),
    ]
    if grading.verifiers is Verifiers.PAPER:
        parts.append(
            Text(
                "verdicts: the paper's verifiers (architecture, database, orm; "
                "framework and task not computed)"
            )
        )
    parts.append(
        _table(
            "Levels (means over tasks; A% in percent)",
            ("agent", "model", "level", "tasks", "strict A%", "A%", "pass@1", "verifier impact"),
            [
                (
                    r.agent, r.model, str(r.level), str(r.tasks), percent(r.strict_a), percent(r.a),
                    f"{r.pass_at_1:.3f}", percent(r.verifier_impact),
                )
                for r in tables.levels
            ],
            numeric_from=2,
        )
    )  # fmt: skip
    parts.append(
        _table(
            "Marginal effects (matched pairs; Δ strict A% in points)",
            ("constraint", "agent", "model", "Δ", "SEM", "pairs"),
            [
                (
                    r.constraint.value, r.agent or "(pooled)", r.model or "", percent(r.delta),
                    percent(r.sem), str(r.pairs),
                )
                for r in tables.marginal_effects
            ],
            numeric_from=3,
        )
    )  # fmt: skip
    parts.append(
        _table(
            "Frameworks",
            ("agent", "model", "framework", "tasks", "runs", "strict A%", "pass@1", "SEM"),
            [
                (
                    r.agent, r.model, r.framework, str(r.tasks), str(r.runs), percent(r.strict_a),
                    f"{r.pass_at_1:.3f}", percent(r.sem),
                )
                for r in tables.frameworks
            ],
            numeric_from=3,
        )
    )  # fmt: skip
    if tables.features:
        parts.append(
            _table(
                "Feature tasks (success = tests pass; means over tasks)",
                FEATURE_HEADERS,
                [feature_cells(row) for row in tables.features],
                numeric_from=4,
            )
        )
    sections: list[list[str]] = []
    noted = [item for item in grading.runs if item.notes]
    if noted:
        shown_notes = [f"  {item.origin}: {'; '.join(item.notes)}" for item in noted[:20]]
        more_notes = [f"  … and {len(noted) - 20} more (see --format json)"] if len(noted) > 20 else []
        sections.append([f"Runs with notes ({len(noted)})", *shown_notes, *more_notes])
    if errors:
        shown = [f"  {item.origin}: {item.run.error}" for item in errors[:20]]
        more = [f"  … and {len(errors) - 20} more (see --format json)"] if len(errors) > 20 else []
        sections.append(["Runs with errors (counted as runs with 0 assertions)", *shown, *more])
    if grading.tests is not None:
        sections.append(_behaviour_lines(grading))
    if grading.unreadable:
        unreadable = [f"  {error.origin}: {error.message}" for error in grading.unreadable]
        sections.append(["Not runs (no agent, model or task could be read)", *unreadable])
    if grading.comparison is not None:
        sections.append(comparison_lines(grading.comparison))
    parts += [Text("\n".join(section)) for section in sections]
    return parts


def render_text(grading: Grading, width: int = 120) -> str:
    """The terminal summary as plain text (no colour), `width` columns wide."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, soft_wrap=True)
    for index, part in enumerate(summary(grading)):
        if index:
            console.print()
        console.print(part)
    return buffer.getvalue()


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
