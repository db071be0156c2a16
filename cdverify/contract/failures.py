"""What failed in a contract run, one record per failure: a failed assertion (with its request, status code,
and chai's expected and actual values), a script error, or a request that got no response.

The contract JSON (`failures[]`), `evaluate` (`contract.failures`), the text reports and `cdverify mcp` all
read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdverify.contract.results import Execution, RunResult


class FailureKind(StrEnum):
    ASSERTION = "assertion"  # a pm.test whose function threw
    SCRIPT_ERROR = "script_error"  # a pre-request or test script that threw outside pm.test
    REQUEST_ERROR = "request_error"  # no response: refused, timed out, too large


@dataclass(frozen=True)
class ContractFailure:
    kind: FailureKind
    request: str  # the item's folder path and name, "Auth / Register"
    method: str | None  # None when a pre-request script skipped the request
    url: str | None
    status: int | None  # the response's status code; None without a response
    assertion: str | None  # the pm.test's name (assertions only)
    message: str  # the error's message, or the request's error
    expected: str | None = None  # a failed chai assertion's expected value, as JSON text (truncated)
    actual: str | None = None  # and the value it got

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "request": self.request,
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "assertion": self.assertion,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
        }

    def line(self) -> str:
        """One line: `✗ Auth / Register [422] — "Status code is 200": expected … (expected 200, got 422)`."""
        status = f" [{self.status}]" if self.status is not None else ""
        if self.kind is FailureKind.REQUEST_ERROR:
            return f"✗ {self.request}: {self.method} {self.url} failed: {self.message}"
        if self.kind is FailureKind.SCRIPT_ERROR:
            return f"! {self.request}{status}: script error: {self.message}"
        values = compared(self.expected, self.actual)
        return (
            f"✗ {self.request}{status} — {self.assertion}: {self.message}{f' ({values})' if values else ''}"
        )


def compared(expected: str | None, actual: str | None) -> str:
    """`expected 201, got 200` when chai gave both values, else ''."""
    return f"expected {expected}, got {actual}" if expected is not None and actual is not None else ""


def _where(execution: Execution) -> str:
    return " / ".join((*execution.path, execution.name))


def execution_failures(execution: Execution) -> list[ContractFailure]:
    exchange = execution.exchange
    common: dict[str, Any] = {
        "request": _where(execution),
        "method": exchange.method if exchange else None,
        "url": exchange.url if exchange else None,
        "status": exchange.status if exchange else None,
    }
    out: list[ContractFailure] = []
    if exchange is not None and exchange.error is not None:
        out.append(
            ContractFailure(FailureKind.REQUEST_ERROR, assertion=None, message=exchange.error, **common)
        )
    for assertion in execution.assertions:
        if assertion.passed:
            continue
        error = assertion.error
        out.append(
            ContractFailure(
                FailureKind.ASSERTION,
                assertion=assertion.name,
                message=error.message if error else "failed",
                expected=error.expected if error else None,
                actual=error.actual if error else None,
                **common,
            )
        )
    for failure in execution.script_errors:
        message = f"{failure.event}-script {failure.error.name}: {failure.error.message}"
        out.append(ContractFailure(FailureKind.SCRIPT_ERROR, assertion=None, message=message, **common))
    return out


def contract_failures(result: RunResult) -> list[ContractFailure]:
    """Every failure of the run, in the order the collection ran."""
    return [failure for execution in result.executions for failure in execution_failures(execution)]


def failed(execution: Execution) -> bool:
    """The item failed in some way (what `--failures-only` keeps)."""
    return bool(execution_failures(execution))


def render_failures(failures: list[ContractFailure], limit: int | None = None, indent: str = "") -> list[str]:
    """One line per failure, the first `limit` of them and a count of the rest."""
    shown = failures if limit is None else failures[:limit]
    lines = [indent + failure.line() for failure in shown]
    if len(failures) > len(shown):
        lines.append(f"{indent}… and {len(failures) - len(shown)} more (the JSON report has every one)")
    return lines
