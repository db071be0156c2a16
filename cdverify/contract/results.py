"""What a contract run produced, and its three renderings: text, JSON (versioned) and JUnit XML."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cdverify.contract.sandbox import AssertionResult, ScriptError

if TYPE_CHECKING:  # the OpenAPI checker is loaded only for --openapi
    from cdverify.contract.openapi import SchemaIssue

CONTRACT_SCHEMA_VERSION = "1.3"  # 1.3: `failures`, `failures_only`, an assertion error's `expected`/`actual`


@dataclass(frozen=True)
class Exchange:
    """The request as sent and the response as received (None when the request failed)."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...] = ()
    status: int | None = None
    reason: str = ""
    response_headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    time_ms: int = 0
    size: int = 0
    error: str | None = None


class ScriptEvent(StrEnum):
    PREREQUEST = "prerequest"
    TEST = "test"


@dataclass(frozen=True)
class ScriptFailure:
    event: ScriptEvent
    error: ScriptError


@dataclass(frozen=True)
class Execution:
    """One item of the collection, as run."""

    name: str
    id: str
    path: tuple[str, ...]
    exchange: Exchange | None  # None when a pre-request script skipped the request
    assertions: tuple[AssertionResult, ...] = ()
    script_errors: tuple[ScriptFailure, ...] = ()
    console: tuple[tuple[str, str], ...] = ()
    schema_issues: tuple[SchemaIssue, ...] = ()


@dataclass
class RunResult:
    collection: str
    executions: list[Execution] = field(default_factory=list)
    started: float = 0.0
    duration_ms: int = 0
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    openapi: str | None = None
    unresolved: list[str] = field(default_factory=list)  # {{names}} still in a sent URL, header or body
    stopped: str | None = None  # why the run ended early (the execution cap), else None

    @property
    def assertions(self) -> list[AssertionResult]:
        return [assertion for execution in self.executions for assertion in execution.assertions]

    @property
    def total(self) -> int:
        return len(self.assertions)

    @property
    def failed(self) -> int:
        return sum(not a.passed for a in self.assertions)

    @property
    def skipped(self) -> int:
        return sum(a.skipped for a in self.assertions)

    @property
    def passed(self) -> int:
        return self.total - self.failed

    @property
    def score(self) -> float:
        """A% = passed / total assertions (0 when no assertion ran)."""
        return self.passed / self.total if self.total else 0.0

    @property
    def schema_issue_count(self) -> int:
        return sum(len(execution.schema_issues) for execution in self.executions)

    @property
    def script_errors(self) -> int:
        return sum(len(execution.script_errors) for execution in self.executions)

    @property
    def failed_requests(self) -> int:
        return sum(e.exchange is not None and e.exchange.error is not None for e in self.executions)

    @property
    def failures(self) -> int:
        """newman's `run.failures`: failed assertions, script errors and failed requests."""
        return self.failed + self.script_errors + self.failed_requests

    @property
    def tests_passed(self) -> bool:
        """The paper's rule, read from newman's CSV: assertions ran and none failed (script errors and
        failed requests are not in that CSV)."""
        return self.total > 0 and self.failed == 0

    @property
    def ok(self) -> bool:
        """newman's exit code 0 (no failure of any kind), and at least one assertion ran."""
        return self.tests_passed and self.failures == 0


def _error_json(error: ScriptError | None) -> dict[str, str | None] | None:
    if error is None:
        return None
    return {"name": error.name, "message": error.message, "expected": error.expected, "actual": error.actual}


def to_json(
    result: RunResult, *, server: dict[str, Any] | None = None, failures_only: bool = False
) -> dict[str, Any]:
    """The versioned report; `failures_only` keeps in `executions` only the items that failed (the summary
    and `failures` still count everything)."""
    from cdverify.contract.failures import contract_failures, failed

    requests = [e for e in result.executions if e.exchange is not None]
    executions = [e for e in result.executions if failed(e)] if failures_only else result.executions
    document: dict[str, Any] = {
        "schema_version": CONTRACT_SCHEMA_VERSION,
        "collection": result.collection,
        "summary": {
            "requests": len(requests),
            "failed_requests": result.failed_requests,
            "assertions": result.total,
            "passed": result.passed,
            "failed": result.failed,
            "skipped": result.skipped,
            "score": round(result.score, 6),
            "script_errors": result.script_errors,
            "failures": result.failures,
            "duration_ms": result.duration_ms,
            "unresolved_variables": result.unresolved,
            "stopped": result.stopped,
        },
        "failures": [failure.to_dict() for failure in contract_failures(result)],
        "failures_only": failures_only,
        "executions": [
            {
                "name": e.name,
                "id": e.id,
                "folder": list(e.path),
                "request": None
                if e.exchange is None
                else {
                    "method": e.exchange.method,
                    "url": e.exchange.url,
                    "status": e.exchange.status,
                    "reason": e.exchange.reason,
                    "time_ms": e.exchange.time_ms,
                    "size": e.exchange.size,
                    "error": e.exchange.error,
                },
                "assertions": [
                    {
                        "name": a.name,
                        "passed": a.passed,
                        "skipped": a.skipped,
                        "error": _error_json(a.error),
                    }
                    for a in e.assertions
                ],
                "script_errors": [
                    {"event": f.event, "name": f.error.name, "message": f.error.message}
                    for f in e.script_errors
                ],
                "console": [{"level": level, "text": text} for level, text in e.console],
                **(
                    {
                        "schema_issues": [
                            {
                                "kind": i.kind,
                                "operation": i.operation,
                                "pointer": i.pointer,
                                "message": i.message,
                            }
                            for i in e.schema_issues
                        ]
                    }
                    if result.openapi
                    else {}
                ),
            }
            for e in executions
        ],
    }
    if result.openapi:
        document["openapi"] = {"spec": result.openapi, "issues": result.schema_issue_count}
    if server is not None:
        document["server"] = server
    return document


def render_text(result: RunResult, failures_only: bool = False) -> str:
    """Each request with ✓/✗ per assertion (`failures_only`: only the requests that failed), then totals."""
    from cdverify.contract.failures import failed

    lines = [f"{result.collection}"]
    for execution in result.executions:
        if failures_only and not failed(execution):
            continue
        exchange = execution.exchange
        where = " / ".join((*execution.path, execution.name))
        if exchange is None:
            lines.append(f"\n→ {where}  (skipped by its pre-request script)")
        elif exchange.error is not None:
            lines.append(f"\n→ {where}\n  {exchange.method} {exchange.url}  [errored: {exchange.error}]")
        else:
            lines.append(
                f"\n→ {where}\n  {exchange.method} {exchange.url}"
                f"  [{exchange.status} {exchange.reason}, {exchange.size}B, {exchange.time_ms}ms]"
            )
        for assertion in execution.assertions:
            if failures_only and assertion.passed:
                continue
            mark = "-" if assertion.skipped else ("✓" if assertion.passed else "✗")
            lines.append(f"  {mark} {assertion.name}{_failure_detail(assertion)}")
        for failure in execution.script_errors:
            lines.append(f"  ! {failure.event}-script error: {failure.error.name}: {failure.error.message}")
        for issue in execution.schema_issues:
            lines.append(f"  ⚠ schema [{issue.kind}] {issue.message}")
    lines.append(
        f"\nassertions: {result.total} total, {result.passed} passed, {result.failed} failed"
        f" ({result.skipped} skipped) — A% = {100 * result.score:.1f}%"
    )
    if result.script_errors:
        lines.append(
            f"script errors: {result.script_errors} (each ends its script: its later assertions never ran)"
        )
    if result.failed_requests:
        lines.append(f"failed requests: {result.failed_requests}")
    if result.openapi:
        lines.append(f"OpenAPI ({result.openapi}): {result.schema_issue_count} response issue(s)")
    lines.append(f"duration: {result.duration_ms} ms")
    return "\n".join(lines) + "\n"


def _failure_detail(assertion: AssertionResult) -> str:
    error = assertion.error
    if assertion.passed or error is None:
        return ""
    from cdverify.contract.failures import compared

    values = compared(error.expected, error.actual)
    return f"  ({error.message}{f'; {values}' if values else ''})"


def render_junit(result: RunResult) -> str:
    """One <testsuite> per request, one <testcase> per assertion (newman's JUnit reporter layout)."""
    import xml.etree.ElementTree as ET

    suites = ET.Element(
        "testsuites",
        name=result.collection,
        tests=str(result.total),
        failures=str(result.failed),
        time=f"{result.duration_ms / 1000:.3f}",
    )
    for execution in result.executions:
        time_s = f"{(execution.exchange.time_ms if execution.exchange else 0) / 1000:.3f}"
        failures = sum(not a.passed for a in execution.assertions)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=" / ".join((*execution.path, execution.name)),
            id=execution.id,
            tests=str(len(execution.assertions)),
            failures=str(failures),
            errors=str(len(execution.script_errors)),
            time=time_s,
        )
        for assertion in execution.assertions:
            case = ET.SubElement(
                suite,
                "testcase",
                name=assertion.name,
                classname=execution.name,
                time=time_s,
            )
            if assertion.skipped:
                ET.SubElement(case, "skipped")
            elif not assertion.passed:
                message = assertion.error.message if assertion.error else "failed"
                failure = ET.SubElement(
                    case, "failure", type=assertion.error.name if assertion.error else "AssertionError"
                )
                failure.set("message", message)
                failure.text = message
        for script_failure in execution.script_errors:
            error = ET.SubElement(
                suite, "error", type=script_failure.error.name, message=script_failure.error.message
            )
            error.text = f"{script_failure.event}-script: {script_failure.error.message}"
        if execution.exchange is not None and execution.exchange.error is not None:
            error = ET.SubElement(suite, "error", type="RequestError", message=execution.exchange.error)
            error.text = execution.exchange.error
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
