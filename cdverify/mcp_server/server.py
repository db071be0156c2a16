"""`cdverify mcp`: cdverify's commands as Model Context Protocol tools, over stdio (docs/mcp.md).

Each tool answers with structured content (its outputSchema: cdverify/mcp_server/schemas.py) and a short
text summary; a bad path, an unknown rule or task, a usage error or a timeout is the tool's error
(isError), never the server's end.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from cdverify import __version__
from cdverify.mcp_server import schemas, summary
from cdverify.mcp_server.tools import (
    ToolFailure,
    check_document,
    constraint_args,
    contract_document,
    evaluate_document,
    explain_document,
    graph_document,
    parse_report,
    project_dir,
    run_cdverify,
)

INSTRUCTIONS = """cdverify checks a backend project (Python or Node.js) against structural constraints
(web framework, Clean Architecture layers, database engine, ORM, the paper's task rules) and runs its HTTP
API contract (a Postman collection). Use `check` after each edit (seconds), `evaluate` to also start the
app and run the contract (a minute or more), `explain` for a rule id a finding names. Paths are absolute."""

Path_ = Annotated[str, Field(description="The project's root folder (absolute).")]
Task = Annotated[
    str | None,
    Field(description="A paper task name, e.g. python-flask-openapi-clean_architecture-postgres-sqlalchemy."),
]
Spec = Annotated[
    str | None, Field(description="Constraints instead of a task, e.g. flask+clean_architecture+postgres.")
]
Timeout = Annotated[float, Field(gt=0, le=7200, description="Seconds before the run is stopped.")]
MaxItems = Annotated[int, Field(ge=0, le=10000, description="At most this many in the result.")]

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
# evaluate starts the project from a temporary copy; contract_run sends requests to a server
RUNS = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True)


@contextlib.contextmanager
def _failures() -> Iterator[None]:
    """ToolFailure → ToolError: the SDK's anticipated failure, an isError result with the message."""
    try:
        yield
    except ToolFailure as failure:
        raise ToolError(str(failure)) from None


def _result(document: dict[str, Any], text: Callable[[dict[str, Any]], str]) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text(document))], structured_content=document
    )


def build_server() -> MCPServer:
    server = MCPServer("cdverify", instructions=INSTRUCTIONS, version=__version__, log_level="WARNING")

    @server.tool(annotations=READ_ONLY)
    async def check(
        path: Path_,
        task: Task = None,
        constraints: Spec = None,
        min_severity: Literal["error", "warning", "info"] = "warning",
        max_findings: MaxItems = 50,
        timeout_s: Timeout = 300,
        fix_diff: Annotated[
            bool,
            Field(description="Also the mechanical fixes: `fix` on each finding, `fix_diff` (one patch)."),
        ] = False,
    ) -> Annotated[CallToolResult, schemas.CheckOut]:
        """Check a project against a task or constraints: a verdict per constraint and the findings (errors
        first), each with its rule, file:line, message and fix. With `fix_diff`, the mechanical fixes as a
        unified diff to apply from the project's root (`git apply`). No server is started."""
        with _failures():
            args = ["check", project_dir(path), "--format", "json", *constraint_args(task, constraints)]
            args += ["--fix-diff"] if fix_diff else []
            report = parse_report(await run_cdverify(args, timeout_s, "check"), (0, 1))
            return _result(check_document(report, min_severity, max_findings), summary.check_text)

    @server.tool(annotations=RUNS)
    async def evaluate(
        path: Path_,
        task: Task = None,
        constraints: Spec = None,
        collection: Annotated[str, Field(description="A bundled collection name or a file.")] = "realworld",
        health: Annotated[
            str | None, Field(description="The health-check path (default /api/health-check).")
        ] = None,
        base_path: Annotated[str | None, Field(description="The API's prefix (default /api).")] = None,
        max_findings: MaxItems = 50,
        max_failures: MaxItems = 50,
        timeout_s: Timeout = 900,
    ) -> Annotated[CallToolResult, schemas.EvaluateOut]:
        """The paper's task result: the static verdicts and findings, then the project started from a
        temporary copy on a fresh database and its API contract run; A%, strict A%, success, and every failing
        assertion (request, assertion, expected vs actual, status code)."""
        with _failures():
            args = ["evaluate", project_dir(path), "--format", "json", *constraint_args(task, constraints)]
            args += ["--collection", collection]
            args += ["--health", health] if health else []
            args += ["--base-path", base_path] if base_path else []
            report = parse_report(await run_cdverify(args, timeout_s, "evaluate"), (0, 1, 130))
            return _result(evaluate_document(report, max_findings, max_failures), summary.evaluate_text)

    @server.tool(annotations=READ_ONLY)
    async def explain(
        rule: Annotated[str, Field(description="A rule id (ARCH001) or name (upward-import).")],
    ) -> Annotated[CallToolResult, schemas.ExplainOut]:
        """A rule's documentation: what it checks, why it matters, an example and how to fix it."""
        with _failures():
            return _result(explain_document(rule), summary.explain_text)

    @server.tool(annotations=RUNS)
    async def contract_run(
        base_url: Annotated[str, Field(description="The API's base URL, e.g. http://localhost:8080/api.")],
        collection: Annotated[str, Field(description="A bundled collection name or a file.")] = "realworld",
        failures_only: Annotated[bool, Field(description="Only the failed items in `executions`.")] = True,
        timeout_request_ms: Annotated[
            int, Field(ge=0, description="Limit of each request (0: none).")
        ] = 10000,
        max_failures: MaxItems = 50,
        timeout_s: Timeout = 600,
    ) -> Annotated[CallToolResult, schemas.ContractOut]:
        """Run a Postman collection against a server that is already running: per-assertion results and
        every failure (request, assertion, expected vs actual, status code)."""
        with _failures():
            args = ["contract", "run", collection, "--base-url", base_url, "--format", "json"]
            args += ["--timeout-request", str(timeout_request_ms)] + (
                ["--failures-only"] if failures_only else []
            )
            report = parse_report(await run_cdverify(args, timeout_s, "contract run"), (0, 1))
            return _result(contract_document(report, max_failures), summary.contract_text)

    @server.tool(annotations=READ_ONLY)
    async def graph(
        path: Path_,
        level: Literal["file", "layer"] = "file",
        include_all: Annotated[bool, Field(description="Also tests, migrations and scripts.")] = False,
        timeout_s: Timeout = 300,
    ) -> Annotated[CallToolResult, schemas.GraphOut]:
        """The project's resolved import graph, at file or layer level: nodes (with their layer) and edges
        (with the number of imports)."""
        with _failures():
            args = [
                "graph",
                project_dir(path),
                "--format",
                "json",
                "--level",
                level,
                *(["--all"] if include_all else []),
            ]
            document = parse_report(await run_cdverify(args, timeout_s, "graph"), (0,))
            return _result(graph_document(document), summary.graph_text)

    return server


def serve() -> None:
    build_server().run("stdio")
