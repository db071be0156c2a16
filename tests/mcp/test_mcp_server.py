"""`cdverify mcp` driven by a real MCP client: the SDK's stdio client spawns `python -m cdverify mcp`, a
`ClientSession` initialises it, lists the tools and calls each one, as an agent host would.

The projects are mutants of the reference apps (corpus/mutants): `check` must hand back the mutant's own
findings, `evaluate` and `contract_run` the failing assertions of a real server. Afterwards nothing the
session started is left running.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import psutil
import pytest
from mcp import ClientSession, StdioServerParameters  # the `mcp` extra, in `dev`
from mcp.client.stdio import stdio_client
from verify.test_mutants import load_mutant, materialise

REPO_ROOT = Path(__file__).resolve().parents[2]
MUTANTS = REPO_ROOT / "corpus" / "mutants"
FLASK_TASK = "python-flask-openapi-clean_architecture-postgres-sqlalchemy"
TOOLS = {"check", "evaluate", "explain", "contract_run", "graph"}


def _mutant(name: str, destination: Path) -> Path:
    return materialise(load_mutant(MUTANTS / f"{name}.toml"), destination)


@asynccontextmanager
async def _session() -> AsyncIterator[ClientSession]:
    repo = str(REPO_ROOT)
    # the SDK passes only a few variables on by default; the server under test needs the package index's
    # settings (PIP_*, UV_*, proxies) and the caches of this session, as a host's `env` would give them
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")])),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    params = StdioServerParameters(command=sys.executable, args=["-m", "cdverify", "mcp"], env=env)
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        yield session


def _descendants() -> set[int]:
    return {child.pid for child in psutil.Process().children(recursive=True)}


def _in_session(calls: Callable[[ClientSession], Any]) -> Any:
    """Run `calls` in a fresh session; then check that the server and all it started are gone."""
    before = _descendants()

    async def main() -> Any:
        async with _session() as session:
            return await calls(session)

    result = anyio.run(main)
    left = _descendants() - before
    for _ in range(50):  # a child reaped a moment after the session closed
        if not left:
            break
        time.sleep(0.1)
        left = _descendants() - before
    assert not left, f"still running after the session: {[psutil.Process(p).cmdline() for p in left]}"
    return result


def test_a_client_gets_checks_explanations_and_graphs(tmp_path: Path) -> None:
    project = _mutant("flask-upward-import-model-to-service", tmp_path)
    rule_page = (REPO_ROOT / "docs" / "rules" / "ARCH001.md").read_text(encoding="utf-8")

    async def calls(session: ClientSession) -> dict[str, Any]:
        init = await session.initialize()
        listed = await session.list_tools()
        out: dict[str, Any] = {"init": init, "tools": {tool.name: tool for tool in listed.tools}}
        out["check"] = await session.call_tool("check", {"path": str(project), "task": FLASK_TASK})
        out["errors_only"] = await session.call_tool(
            "check", {"path": str(project), "constraints": "flask+clean_architecture", "max_findings": 1}
        )
        out["explain"] = await session.call_tool("explain", {"rule": "arch001"})
        out["by_name"] = await session.call_tool("explain", {"rule": "upward-import"})
        out["graph"] = await session.call_tool("graph", {"path": str(project), "level": "layer"})
        out["unknown_rule"] = await session.call_tool("explain", {"rule": "ARCH999"})
        out["bad_path"] = await session.call_tool(
            "check", {"path": str(tmp_path / "nowhere"), "task": FLASK_TASK}
        )
        out["unknown_task"] = await session.call_tool(
            "check", {"path": str(project), "task": "python-cobol-tasks"}
        )
        out["no_constraints"] = await session.call_tool("check", {"path": str(project)})
        out["bad_argument"] = await session.call_tool("graph", {"path": str(project), "level": "galaxy"})
        out["after_errors"] = await session.call_tool("explain", {"rule": "DB001"})
        return out

    out = _in_session(calls)
    assert out["init"].server_info.name == "cdverify"
    assert set(out["tools"]) >= TOOLS
    for name in TOOLS:
        tool = out["tools"][name]
        assert tool.description and tool.output_schema and tool.output_schema["type"] == "object", name
    assert {"path", "task", "constraints", "timeout_s"} <= set(
        out["tools"]["evaluate"].input_schema["properties"]
    )

    check = out["check"]
    assert not check.is_error
    report = check.structured_content
    assert report["passed"] is False and report["verdicts"]["architecture"]["status"] == "fail"
    assert report["verdicts"]["framework"]["status"] == "pass"
    found = {(f["rule"], f["file"], f["line"]) for f in report["findings"] if f["severity"] == "error"}
    assert found == {("ARCH001", "models/user.py", 5), ("ARCH006", "models/user.py", 5)}
    arch001 = next(f for f in report["findings"] if f["rule"] == "ARCH001")
    assert arch001["hint"] and arch001["from_layer"] == "models" and arch001["to_layer"] == "services"
    text = check.content[0].text
    assert text.startswith("FAILED: FAIL architecture (2 errors)") and "models/user.py:5 ARCH001" in text

    capped = out["errors_only"].structured_content
    assert len(capped["findings"]) == 1 and capped["findings_omitted"] == 1
    assert set(capped["verdicts"]) == {"framework", "architecture"}

    explained = out["explain"].structured_content
    assert (explained["rule"], explained["name"], explained["severity"]) == (
        "ARCH001",
        "upward-import",
        "error",
    )
    assert explained["documentation"] == rule_page
    assert out["by_name"].structured_content["rule"] == "ARCH001"

    graph = out["graph"].structured_content
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert ("routes", "services") in edges and ("models", "services") in edges  # the mutant's upward import
    assert {n["id"] for n in graph["nodes"]} == {"routes", "services", "repositories", "models"}

    for case, words in {
        "unknown_rule": "unknown rule 'ARCH999'",
        "bad_path": "no such file or folder",
        "unknown_task": "unknown constraint 'cobol'",
        "no_constraints": "give `task`",
        "bad_argument": "level",
    }.items():
        result = out[case]
        assert result.is_error and words in result.content[0].text, (case, result.content)
    assert not out["after_errors"].is_error  # the errors did not end the server


@pytest.mark.integration  # serves the mutant on a throwaway PostgreSQL, runs the contract
@pytest.mark.usefixtures("postgres_database")
def test_evaluate_names_failing_findings_and_assertions(tmp_path: Path) -> None:
    """Every blueprint under /v1 instead of /api: the static findings say so, and the contract run, against
    /api, fails with 404s that the result names request by request."""
    project = _mutant("flask-api-mounted-elsewhere", tmp_path)

    async def calls(session: ClientSession) -> Any:
        await session.initialize()
        return await session.call_tool(
            "evaluate",
            {"path": str(project), "task": FLASK_TASK, "health": "/v1/health-check", "max_failures": 5},
        )

    result = _in_session(calls)
    assert not result.is_error, result.content
    report = result.structured_content
    assert report["schema_version"] == "1.3" and report["success"] is False and report["compliant"] is False
    assert report["server"]["healthy"] is True, {k: v for k, v in report["server"].items() if k != "log"}
    rules = {f["rule"] for f in report["findings"]}
    assert {"TASK006", "TASK007"} <= rules
    contract = report["contract"]
    assert contract["failed"] > 100 and len(contract["failures"]) == 5
    assert contract["failures_omitted"] >= contract["failed"] - 5
    first = contract["failures"][0]
    assert (first["kind"], first["request"], first["status"], first["method"]) == (
        "assertion",
        "Auth / Register",
        404,
        "POST",
    )
    assert first["assertion"] and first["url"].endswith("/api/users")
    text = result.content[0].text
    assert "Failing findings:\n- routes/articles.py:11 TASK007 route '/articles' is not under /api → " in text
    assert "- … 11 more" in text  # 21 errors, 10 named
    assert "Failing assertions:" in text and "Auth / Register [404]" in text


@pytest.mark.integration  # starts the reference app, runs the collection against it
def test_contract_run_reports_failures_of_a_real_server(
    prepare_app: Callable[[Path], dict[str, str]],
    start_app: Callable[[Path, dict[str, str]], str],
    tmp_path: Path,
) -> None:
    """The reference Flask app, served: the collection passes at its /api; pointed at /v1 every request
    answers 404, which `contract_run` reports as failures with the status code and chai's values."""
    app = shutil.copytree(
        REPO_ROOT / "corpus" / "conduit-flask-clean",
        tmp_path / "app",
        ignore=shutil.ignore_patterns("node_modules", "__pycache__", ".venv", "*.db", "*.sqlite*"),
    )
    base_url = start_app(app, prepare_app(app))

    async def calls(session: ClientSession) -> Any:
        await session.initialize()
        good = await session.call_tool("contract_run", {"base_url": base_url})
        wrong = await session.call_tool(
            "contract_run", {"base_url": base_url.replace("/api", "/v1"), "max_failures": 3}
        )
        return good, wrong

    good, wrong = _in_session(calls)
    passed = good.structured_content
    assert not good.is_error and passed["summary"]["failed"] == 0 and passed["summary"]["assertions"] > 300
    assert passed["failures"] == [] and passed["executions"] == [] and passed["failures_only"] is True
    failing = wrong.structured_content
    assert failing["summary"]["failed"] > 100 and len(failing["failures"]) == 3
    assert failing["failures_omitted"] == failing["summary"]["failures"] - 3
    assert all(f["status"] == 404 and f["request"] for f in failing["failures"])
    assert wrong.content[0].text.startswith(f"Conduit: {failing['summary']['passed']}/")


@pytest.mark.integration  # starts a server that never answers and waits for the time limit
def test_a_hanging_server_hits_the_time_limit_and_is_stopped(tmp_path: Path) -> None:
    """A project whose server accepts connections and never answers: `evaluate` with `timeout_s` ends in a
    tool error, and the server (whose pid its run.sh records) is gone."""
    pid_file = tmp_path / "server.pid"
    project = tmp_path / "hangs"
    project.mkdir()
    (project / "requirements.txt").write_text("", encoding="utf-8")
    (project / "app.py").write_text(
        "import socket, time\n"
        "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        "s.bind(('0.0.0.0', 8080)); s.listen(50)\n"
        "held = []\n"
        "while True:\n"
        "    held.append(s.accept()[0])\n",
        encoding="utf-8",
    )
    run = project / "run.sh"
    run.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec python3 app.py\n", encoding="utf-8")
    run.chmod(0o755)

    async def calls(session: ClientSession) -> Any:
        await session.initialize()
        return await session.call_tool(
            "evaluate",
            {"path": str(project), "constraints": "flask", "timeout_s": 20, "health": "/health"},
        )

    result = _in_session(calls)
    assert result.is_error and "did not finish within timeout_s=20" in result.content[0].text
    pid = int(pid_file.read_text(encoding="utf-8"))
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_without_the_sdk_the_command_names_the_extra(tmp_path: Path) -> None:
    """`mcp` not importable (shadowed by a broken module): exit 2 and the extra to install, no traceback."""
    (tmp_path / "mcp").mkdir()
    (tmp_path / "mcp" / "__init__.py").write_text("raise ImportError('no SDK here', name='mcp')\n")
    run = subprocess.run(
        [sys.executable, "-m", "cdverify", "mcp"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO_ROOT)])},
        timeout=60,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert "pip install 'cdverify[mcp]'" in run.stderr and "Traceback" not in run.stderr


def test_check_offers_the_mechanical_fixes_as_a_patch_the_agent_applies(tmp_path: Path) -> None:
    """`check` with `fix_diff`: the patch in the structured content applies with `git apply`, and the next
    `check` passes (the scripted agent loop of docs/agent-loop.md, over MCP)."""
    project = _mutant("flask-wrong-port", tmp_path)

    async def calls(session: ClientSession) -> dict[str, Any]:
        await session.initialize()
        out = {"plain": await session.call_tool("check", {"path": str(project), "task": FLASK_TASK})}
        out["fixes"] = await session.call_tool(
            "check", {"path": str(project), "task": FLASK_TASK, "fix_diff": True}
        )
        patch = out["fixes"].structured_content["fix_diff"]
        applied = subprocess.run(
            ["git", "apply", "-"], cwd=project, input=patch, text=True, capture_output=True, check=False
        )
        assert applied.returncode == 0, applied.stderr
        out["after"] = await session.call_tool("check", {"path": str(project), "task": FLASK_TASK})
        return out

    out = _in_session(calls)
    assert "fix_diff" not in out["plain"].structured_content
    fixes = out["fixes"].structured_content
    task008 = next(f for f in fixes["findings"] if f["rule"] == "TASK008")
    assert task008["fix"]["description"] == "port 5000 → 8080 (run.sh:5)"
    assert fixes["fix_diff"] == task008["fix"]["diff"] and fixes["fix_diff"].startswith("diff --git a/run.sh")
    assert out["fixes"].content[0].text.endswith(fixes["fix_diff"])
    assert out["after"].structured_content["passed"] is True
