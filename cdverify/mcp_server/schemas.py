"""The structured results of `cdverify mcp`'s tools: pydantic models, published as each tool's outputSchema.

`evaluate` and `contract_run` hand back cdverify's own versioned JSON (docs/contract.md), `check` a compact
form of the check report (docs/json-output.md): the models below name the keys an agent reads and let the
others through (`extra="allow"`), so that a key added within a major version never breaks a tool.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# the version of the tools' own shapes (check, graph, explain); evaluate and contract_run carry theirs
MCP_SCHEMA_VERSION = "1.0"


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class FindingOut(Open):
    rule: str = Field(description="Stable rule id, e.g. ARCH001; `explain` gives its documentation.")
    name: str
    constraint: str = Field(description="The axis it belongs to: architecture, framework, database, …")
    severity: str = Field(description="error (fails its constraint), warning or info.")
    file: str
    line: int
    col: int
    message: str
    evidence: str = ""
    hint: str = Field("", description="A concrete fix.")
    fix: dict[str, str] | None = Field(
        None, description="`fix_diff` only: `description` and `diff` of this finding's mechanical fix."
    )


class VerdictOut(Open):
    required: str
    status: str = Field(description="pass, fail or not_applicable.")
    errors: int
    reason: str = ""


class CheckOut(BaseModel):
    schema_version: str
    project: str
    constraints: dict[str, str] = Field(description="`spec`, `level` and the required value per axis.")
    passed: bool = Field(description="Every constraint holds (no error finding).")
    verdicts: dict[str, VerdictOut]
    summary: dict[str, int] = Field(description="Findings per severity (all of them, shown or not).")
    findings: list[FindingOut] = Field(description="The findings at or above `min_severity`, errors first.")
    findings_omitted: int = Field(
        description="Findings at or above `min_severity` left out by `max_findings`."
    )
    fix_diff: str | None = Field(
        None,
        description="`fix_diff` only: every mechanical fix as one unified diff, to apply from the project's"
        " root with `git apply` or `patch -p1` (empty: none).",
    )


class FailureOut(Open):
    kind: str = Field(description="assertion, script_error or request_error.")
    request: str = Field(description="The collection item: folder / name.")
    method: str | None
    url: str | None
    status: int | None = Field(description="The response's status code (null: no response).")
    assertion: str | None = Field(description="The failed pm.test's name (assertions only).")
    message: str
    expected: str | None = Field(description="A failed chai assertion's expected value, as JSON text.")
    actual: str | None = Field(description="The value it got, as JSON text.")


class EvaluationContractOut(Open):
    collection: str
    assertions: int
    passed: int
    failed: int
    script_errors: int
    score: float
    failures: list[FailureOut]
    failures_omitted: int = Field(0, description="Failures left out by `max_failures`.")


class EvaluateOut(Open):
    schema_version: str
    project: str
    constraints: dict[str, str]
    verifiers: dict[str, VerdictOut]
    compliant: bool
    findings: list[FindingOut] = Field(description="The error and warning findings.")
    findings_omitted: int = Field(0, description="Findings left out by `max_findings`.")
    contract: EvaluationContractOut
    server: dict[str, Any]
    score: float = Field(description="A%: passed / total assertions.")
    strict_score: float = Field(description="A% when every verifier is compliant, else 0.")
    success: bool
    interrupted: str | None


class ContractSummaryOut(Open):
    requests: int
    failed_requests: int
    assertions: int
    passed: int
    failed: int
    skipped: int
    score: float
    script_errors: int
    failures: int


class ContractOut(Open):
    schema_version: str
    collection: str
    summary: ContractSummaryOut
    failures: list[FailureOut]
    failures_omitted: int = Field(0, description="Failures left out by `max_failures`.")
    failures_only: bool
    executions: list[dict[str, Any]] = Field(
        description="The items run (only the failed ones: failures_only)."
    )


class NodeOut(BaseModel):
    id: str
    layer: str | None


class EdgeOut(BaseModel):
    source: str
    target: str
    imports: int


class GraphOut(BaseModel):
    schema_version: str
    level: str
    nodes: list[NodeOut]
    edges: list[EdgeOut]


class ExplainOut(BaseModel):
    schema_version: str
    rule: str
    name: str
    constraint: str
    severity: str = Field(description="The rule's default severity.")
    summary: str
    doc_url: str = Field(description="The URL of the rule's page, as findings give it.")
    documentation: str = Field(description="The rule's page (Markdown): what, why, an example, the fix.")
