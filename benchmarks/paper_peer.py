"""The paper's own static grading of an experiment, run as a peer: its code is imported from a copy of its
repository outside ours (`--paper-tree`), never copied into ours.

    python benchmarks/paper_peer.py verifiers  --paper-tree DIR RESULTS -o verdicts.json
    python benchmarks/paper_peer.py evaluation --paper-tree DIR RESULTS -o figures.json

`verifiers`: `constraint_decay/verifiers.py` on each run's patch, called as the paper's `evaluation.py`
calls it: the task's newest date folder, its `run_*` folders, the first `*.patch` of a run; the
architecture verifier when the task name holds `clean_architecture`, the database verifier with
`postgres` or `sqlite`, the ORM verifier with `sqlalchemy` or `sequelize`, each with the patch's path.
A verifier the task does not apply is null; a run without a patch fails every verifier it applies.

`evaluation`: the paper's `evaluation.collect_data` (its walk, its newman CSV reading and the same
verifier calls), `compute_task_stats` per (agent, model), and Tables 1, 2a and 3 of
`evaluation_tables.py`, as JSON: the figures to set beside `cdverify grade --verifiers paper`'s.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any

RUNTIMES = ("node", "uv")  # the generation runtimes the paper's evaluation.py walks


def _folders(path: Path) -> list[Path]:
    return sorted((child for child in path.iterdir() if child.is_dir()), key=lambda child: child.name)


def _run_folders(results: Path) -> list[tuple[str, str, str, str, Path]]:
    """(runtime, agent, model, task, run folder) of every run the paper reads: newest date folder only."""
    found = []
    for runtime in RUNTIMES:
        if not (results / runtime).is_dir():
            continue
        for agent in _folders(results / runtime):
            for model in _folders(agent):
                for task in _folders(model):
                    dates = _folders(task)
                    if not dates:
                        continue
                    for run in _folders(dates[-1]):
                        if run.name.startswith("run_"):
                            found.append((runtime, agent.name, model.name, task.name, run))
    return found


def verifier_verdicts(results: Path) -> dict[str, dict[str, Any]]:
    """Per run (its folder relative to RESULTS): the paper's verdict on each axis, True, False or None."""
    verifiers = importlib.import_module("constraint_decay.verifiers")
    verdicts = {}
    for _runtime, _agent, _model, task, folder in _run_folders(results):
        parts = task.split("-")
        database = "postgres" if "postgres" in parts else "sqlite" if "sqlite" in parts else None
        orm = "sqlalchemy" if "sqlalchemy" in parts else "sequelize" if "sequelize" in parts else None
        patches = list(folder.glob("*.patch"))
        patch = patches[0] if patches else None
        calls = {
            "architecture": (verifiers.verify_clean_architecture, ())
            if "clean_architecture" in task
            else None,
            "database": (verifiers.verify_database, (database,)) if database else None,
            "orm": (verifiers.verify_orm, (orm,)) if orm else None,
        }
        run: dict[str, Any] = {}
        for axis, call in calls.items():
            if call is None:
                run[axis] = None
            elif patch is None:
                run[axis] = False
            else:
                function, arguments = call
                run[axis] = bool(function(patch, *arguments).compliant)
        verdicts[folder.relative_to(results).as_posix()] = run
    return verdicts


def evaluation_figures(results: Path) -> dict[str, Any]:
    """The paper's evaluation.py and evaluation_tables.py on the experiment, as plain JSON."""
    evaluation = importlib.import_module("evaluation")
    tables = importlib.import_module("evaluation_tables")
    data = evaluation.collect_data(results, None, None)
    runs = []
    task_stats = {}
    for (agent, model), rows in sorted(data.items()):
        for row in rows:
            runs.append({"agent": agent, "model": model, **row})
        task_stats[(agent, model)] = evaluation.compute_task_stats(rows)
    task_rows = [
        {"agent": agent, "model": model, **{k: v for k, v in row.items() if k != "constraint_types"}}
        for (agent, model), rows in task_stats.items()
        for row in rows
    ]
    table1 = tables.compute_table1(task_stats)
    table3 = tables.compute_table3(task_stats)
    return {
        "runs": runs,
        "tasks": task_rows,
        "table1": [
            {"agent": a, "model": m, "level": level, "strict_a_pct": v[0], "pass_at_1_pct": v[1]}
            for (a, m), levels in table1.items()
            for level, v in levels.items()
        ],
        "table2a": tables.compute_table2a(task_stats),
        "table3": [
            {"agent": a, "model": m, "framework": fw, "strict_a_pct": v[0], "pass_at_1_pct": v[1]}
            for (a, m), frameworks in table3.items()
            for fw, v in frameworks.items()
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", choices=("verifiers", "evaluation"))
    parser.add_argument("results", type=Path)
    parser.add_argument("--paper-tree", type=Path, required=True, help="a copy of the paper's repository")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(args.paper_tree.resolve()))
    started = time.perf_counter()
    if args.mode == "verifiers":
        document: dict[str, Any] = {"runs": verifier_verdicts(args.results)}
    else:
        document = evaluation_figures(args.results)
    document["seconds"] = time.perf_counter() - started
    args.output.write_text(json.dumps(document, default=sorted), encoding="utf-8")


if __name__ == "__main__":
    main()
