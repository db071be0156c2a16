"""What `cdverify mcp`'s tools do, apart from the protocol.

Every analysis runs as a `python -m cdverify …` child process with a time limit: a parser that crashes, a
server under test that hangs or a runaway analysis costs one tool call an error, never the MCP server
itself, and nothing it starts outlives the call. At the time limit the child gets SIGTERM (`evaluate`
then stops the server under test and cleans up, as on Ctrl-C), then SIGKILL to its process group.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.abc

from cdverify.mcp_server.schemas import MCP_SCHEMA_VERSION

# after SIGTERM at the time limit: how long `evaluate` may take to stop the server and clean up
STOP_GRACE_S = 30.0
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


class ToolFailure(Exception):
    """A failure to report to the agent as the tool's error (isError), in one or a few lines."""


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str


async def _drain(stream: anyio.abc.ByteReceiveStream | None, sink: bytearray) -> None:
    if stream is None:
        return
    async for chunk in stream:
        sink.extend(chunk)


async def _stop(process: anyio.abc.Process) -> None:
    """SIGTERM, STOP_GRACE_S to finish, then SIGKILL to the whole process group."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    with anyio.move_on_after(STOP_GRACE_S):
        await process.wait()
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()


async def run_cdverify(args: list[str], timeout_s: float, what: str) -> Completed:
    """`python -m cdverify ARGS`, stopped at `timeout_s` (then ToolFailure, with the part of the report that
    was written when there is one)."""
    command = [sys.executable, "-m", "cdverify", *args]
    stdout, stderr = bytearray(), bytearray()
    timed_out = False
    process = await anyio.open_process(command, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(_drain, process.stdout, stdout)
            group.start_soon(_drain, process.stderr, stderr)
            with anyio.move_on_after(timeout_s) as scope:
                await process.wait()
            if scope.cancelled_caught:
                timed_out = True
                with anyio.CancelScope(shield=True):
                    await _stop(process)
            # a grandchild that kept the pipes open does not hold the call: the output so far is enough
            group.cancel_scope.deadline = anyio.current_time() + 5
    finally:  # the call was cancelled (the client gave up): the child goes too
        with anyio.CancelScope(shield=True):
            await _stop(process)
            await process.aclose()
    out, err = stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace")
    if timed_out:
        raise ToolFailure(_timed_out(what, timeout_s, out))
    return Completed(process.returncode or 0, out, err)


def _timed_out(what: str, timeout_s: float, partial: str) -> str:
    message = f"{what} did not finish within timeout_s={timeout_s:g} s: stopped (the server under test too)."
    try:
        contract = json.loads(partial)["contract"]
        message += f" Before that, {contract['passed']}/{contract['assertions']} assertions passed."
    except (ValueError, KeyError, TypeError):
        pass
    return message


def usage_problem(completed: Completed) -> str:
    """The error lines of a child that exited 2 or 3, without click's usage banner."""
    lines = [line.removeprefix("cdverify: ") for line in completed.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return "\n".join(errors or lines[-3:]) or f"cdverify exited with code {completed.returncode}"


def parse_report(completed: Completed, ok_codes: tuple[int, ...]) -> dict[str, Any]:
    if completed.returncode not in ok_codes or not completed.stdout.strip():
        raise ToolFailure(usage_problem(completed))
    try:
        document: dict[str, Any] = json.loads(completed.stdout)
    except ValueError:
        raise ToolFailure(f"cdverify wrote no JSON report: {usage_problem(completed)}") from None
    return document


def project_dir(path: str) -> str:
    """An existing folder, absolute; ToolFailure otherwise."""
    folder = Path(path).expanduser()
    if not folder.exists():
        raise ToolFailure(f"{path}: no such file or folder (give an absolute path to the project)")
    if not folder.is_dir():
        raise ToolFailure(f"{path}: not a folder (give the project's root folder)")
    return str(folder.resolve())


def constraint_args(task: str | None, constraints: str | None) -> list[str]:
    if bool(task) == bool(constraints):
        raise ToolFailure(
            "give `task` (a paper task name) or `constraints` (e.g. flask+clean_architecture), one"
        )
    return ["--task", task] if task else ["--constraints", str(constraints)]


def capped(items: list[Any], limit: int) -> tuple[list[Any], int]:
    return items[:limit], max(0, len(items) - limit)


def _by_severity(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(findings, key=lambda f: SEVERITY_RANK.get(f["severity"], 3))


def check_document(report: dict[str, Any], min_severity: str, max_findings: int) -> dict[str, Any]:
    """The check report (docs/json-output.md) reduced to what an agent acts on."""
    limit = SEVERITY_RANK[min_severity]
    kept = [f for f in report["findings"] if SEVERITY_RANK.get(f["severity"], 3) <= limit]
    findings, omitted = capped(_by_severity(kept), max_findings)
    fixes = {"fix_diff": report["fix_diff"]} if "fix_diff" in report else {}
    return {
        "schema_version": MCP_SCHEMA_VERSION,
        "project": report["root"],
        "constraints": {key: str(value) for key, value in report.get("constraints", {}).items()},
        "passed": report["passed"],
        "verdicts": report["verdicts"],
        "summary": report["summary"],
        "findings": findings,
        "findings_omitted": omitted,
        **fixes,
    }


def evaluate_document(report: dict[str, Any], max_findings: int, max_failures: int) -> dict[str, Any]:
    """The evaluation JSON (docs/contract.md), its findings (errors first) and failures capped."""
    findings, report["findings_omitted"] = capped(_by_severity(report["findings"]), max_findings)
    report["findings"] = findings
    contract = report["contract"]
    contract["failures"], contract["failures_omitted"] = capped(contract["failures"], max_failures)
    return report


def contract_document(report: dict[str, Any], max_failures: int) -> dict[str, Any]:
    report["failures"], report["failures_omitted"] = capped(report["failures"], max_failures)
    return report


def graph_document(graph: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": MCP_SCHEMA_VERSION, **graph}


def explain_document(rule: str) -> dict[str, Any]:
    """A rule's catalogue entry and its page, docs/rules/<ID>.md (shipped in the wheel)."""
    from cdverify.rule_docs import UnknownRule, find_rule

    try:
        found = find_rule(rule)
    except UnknownRule as unknown:
        raise ToolFailure(str(unknown)) from None
    return {"schema_version": MCP_SCHEMA_VERSION, **found.to_json(), "documentation": found.page()}
