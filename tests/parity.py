"""Parity with newman: both runners' results, reduced to what must agree."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

# (item name, ((assertion name, passed, skipped), ...), number of script errors)
Outcome = tuple[str, tuple[tuple[str, bool, bool], ...], int]


def newman_outcomes(report: dict[str, Any]) -> list[Outcome]:
    """Per executed item, from newman's JSON reporter: its assertions in order and its script errors.
    The reporter lists an item's execution once for every HTTP request it made, pm.sendRequest's included,
    each time the same record (the same cursor.ref): each counts once."""
    outcomes = []
    seen: set[str] = set()
    for execution in report["run"]["executions"]:
        ref = execution.get("cursor", {}).get("ref")
        if ref is not None:
            if ref in seen:
                continue
            seen.add(ref)
        assertions = tuple(
            (a["assertion"], "error" not in a or a["error"] is None, bool(a.get("skipped")))
            for a in execution.get("assertions", [])
        )
        scripts = execution.get("prerequestScript", []) + execution.get("testScript", [])
        errors = sum(1 for script in scripts if script.get("error"))
        outcomes.append((execution["item"]["name"], assertions, errors))
    return outcomes


def cdverify_outcomes(result: Any) -> list[Outcome]:
    """The same reduction of a cdverify RunResult."""
    return [
        (
            e.name,
            tuple((a.name, a.passed, a.skipped) for a in e.assertions),
            len(e.script_errors),
        )
        for e in result.executions
    ]


def run_newman(
    newman: Path, collection: Path, globals_: dict[str, str], report_path: Path, *extra: str
) -> dict[str, Any]:
    """Run newman with the JSON reporter and return its report (fails the test when it wrote none)."""
    return newman_exit_and_report(newman, collection, globals_, report_path, *extra)[1]


def newman_exit_and_report(
    newman: Path, collection: Path, globals_: dict[str, str], report_path: Path, *extra: str
) -> tuple[int, dict[str, Any]]:
    """newman's exit code and its JSON report (fails the test when it wrote none)."""
    command = [
        str(newman),
        "run",
        str(collection),
        "--reporters",
        "json",
        "--reporter-json-export",
        str(report_path),
    ]
    for key, value in globals_.items():
        command += ["--global-var", f"{key}={value}"]
    run = subprocess.run([*command, *extra], capture_output=True, text=True, timeout=600, check=False)
    if not report_path.exists():
        pytest.fail(
            f"newman wrote no report (exit code {run.returncode}):\n{run.stdout}\n{run.stderr}", pytrace=False
        )
    report: dict[str, Any] = json.loads(report_path.read_text())
    return run.returncode, report


def assert_same_outcomes(ours: list[Outcome], theirs: list[Outcome]) -> None:
    """Item by item, assertion by assertion: the same names, the same verdicts, the same script errors."""
    for index, (mine, reference) in enumerate(zip(ours, theirs, strict=False)):
        assert mine == reference, f"execution {index} differs:\n cdverify: {mine}\n newman:   {reference}"
    assert len(ours) == len(theirs), f"{len(ours)} executions by cdverify, {len(theirs)} by newman"


def reset_faulty_server(root: str) -> None:
    """The faulty server keeps its data in memory: forget it, so that a run starts from empty."""
    import urllib.request

    with urllib.request.urlopen(
        urllib.request.Request(f"{root}/__reset", method="POST"), timeout=5
    ) as response:
        assert response.status == 200
