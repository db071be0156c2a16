"""The paper's task result: the static verifiers and the contract run, joined.

A% is passed / total assertions of the contract run. Strict A% is A% when every applicable verifier is
compliant, else 0. Success (the paper's pass@1 unit) needs every assertion passed and every applicable
verifier compliant. A verifier is applicable when its constraint is active (status pass or fail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdverify.contract.failures import ContractFailure, contract_failures, render_failures
from cdverify.contract.results import RunResult
from cdverify.model import Finding, Severity
from cdverify.pipeline import Report

# 1.1: `interrupted`; 1.2: `findings` (errors and warnings), `contract.failures` (what failed, and how)
EVALUATION_SCHEMA_VERSION = "1.3"  # 1.3: `doc_url` on findings
# The text report lists at most this many findings per constraint, and of contract failures (JSON: all).
TEXT_LIMIT = 20
# The ports the paper's prompt gives each runtime.
PAPER_PORTS = {"python": 8080, "node": 3000}


@dataclass(frozen=True)
class TaskResult:
    report: Report
    run: RunResult
    server: dict[str, Any]
    interrupted: str | None = None  # the signal that cut the contract run short (SIGINT, SIGTERM)

    @property
    def verifiers(self) -> dict[str, str]:
        return {axis: verdict.status for axis, verdict in self.report.verdicts.items()}

    @property
    def compliant(self) -> bool:
        return all(status != "fail" for status in self.verifiers.values())

    @property
    def findings(self) -> list[Finding]:
        """The findings that fail a constraint (errors) and the warnings, in the report's order."""
        return [f for f in self.report.findings if f.severity in (Severity.ERROR, Severity.WARNING)]

    @property
    def failures(self) -> list[ContractFailure]:
        return contract_failures(self.run)

    @property
    def score(self) -> float:
        return self.run.score

    @property
    def strict_score(self) -> float:
        return self.run.score if self.compliant else 0.0

    @property
    def success(self) -> bool:
        # the paper's rule: script errors do not count; an interrupted run is no success
        return self.run.tests_passed and self.compliant and self.interrupted is None

    def to_json(self) -> dict[str, Any]:
        constraints = self.report.constraints
        server = {key: value for key, value in self.server.items() if key != "log"}
        return {
            "schema_version": EVALUATION_SCHEMA_VERSION,
            "project": str(self.report.root),
            "constraints": constraints.active() if constraints is not None else {},
            "verifiers": {axis: verdict.to_json() for axis, verdict in self.report.verdicts.items()},
            "compliant": self.compliant,
            "findings": [finding.to_dict() for finding in self.findings],
            "contract": {
                "collection": self.run.collection,
                "assertions": self.run.total,
                "passed": self.run.passed,
                "failed": self.run.failed,
                "script_errors": self.run.script_errors,
                "score": round(self.run.score, 6),
                **({"openapi_issues": self.run.schema_issue_count} if self.run.openapi else {}),
                "failures": [failure.to_dict() for failure in self.failures],
            },
            "server": server,
            "score": round(self.score, 6),
            "strict_score": round(self.strict_score, 6),
            "success": self.success,
            "interrupted": self.interrupted,
        }

    def to_text(self, color: bool = False) -> str:
        """The result for a reader; verdicts, severities and the outcome coloured when `color`."""
        from cdverify.report.text import format_finding
        from cdverify.terminal import STATUS_STYLES, paint

        lines = [f"{self.report.root}"]
        errors = [f for f in self.findings if f.severity is Severity.ERROR]

        def listed(findings: list[Finding]) -> None:
            for finding in findings[:TEXT_LIMIT]:
                lines.extend("      " + line for line in format_finding(finding, color=color).splitlines())
            if len(findings) > TEXT_LIMIT:
                lines.append(f"      … and {len(findings) - TEXT_LIMIT} more (the JSON report has every one)")

        for axis, verdict in self.report.verdicts.items():
            status = paint(verdict.status.upper(), STATUS_STYLES.get(verdict.status), color)
            lines.append(f"  {axis:<13} {verdict.required:<20} {status}")
            listed([f for f in errors if f.constraint == axis])
        others = [f for f in errors if f.constraint not in self.report.verdicts]
        if others:
            lines.append(f"  other errors  {len(others)}")
            listed(others)
        healthy = "healthy" if self.server.get("healthy") else "NOT healthy"
        lines.append(f"  server        {self.server.get('base_url', '')} ({healthy})")
        lines.append(
            f"  contract      {self.run.passed}/{self.run.total} assertions passed"
            f" — A% {100 * self.score:.1f}, strict A% {100 * self.strict_score:.1f}"
        )
        lines.extend(render_failures(self.failures, TEXT_LIMIT, indent="      "))
        if self.run.script_errors or self.run.failed_requests:
            lines.append(
                f"                {self.run.script_errors} script error(s), {self.run.failed_requests} failed"
                " request(s): not in A% (as in the paper's newman CSV)"
            )
        ending = "pass" if self.success else "fail"
        outcome = paint("yes" if self.success else "no", STATUS_STYLES[ending], color)
        lines.append(f"  success       {outcome}")
        if self.interrupted:
            lines.append(f"  interrupted   by {self.interrupted}: the contract results are partial")
        return "\n".join(lines) + "\n"
