"""Modules serving an agent's tools: those importing a Model Context Protocol SDK (rules/frameworks.toml
`tool_servers`). A web framework's app built in one is the protocol's HTTP transport (a Starlette app of
`/sse` and `/messages` around `mcp.server.Server`), a program for Claude Desktop's MCP client beside the
application, not a part of the application's API (FrameworkReport.serving)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from cdverify.catalog import load_rules
from cdverify.detect.framework.report import SERVING, FrameworkEvidence
from cdverify.model import Family, FileFacts
from cdverify.rules_schema import Frameworks


@cache
def _sdks(family: Family) -> tuple[str, ...]:
    return tuple(load_rules(Frameworks).tool_servers.get(family, ()))


def tool_files(evidence: Iterable[FrameworkEvidence], facts: Mapping[str, FileFacts]) -> frozenset[str]:
    """The files of serving evidence (an app built, a route registered) that import an MCP SDK: `mcp.server`,
    `fastmcp` (Python: the module or one under it), `@modelcontextprotocol/sdk/server/mcp.js` (Node: the
    package or a path in it)."""
    out = set()
    for path in {item.file for item in evidence if item.kind in SERVING}:
        file_facts = facts.get(path)
        if file_facts is None:
            continue
        family = file_facts.language.family
        sdks = _sdks(family)
        joint = "." if family is Family.PYTHON else "/"
        if any(
            fact.specifier == sdk or fact.specifier.startswith(sdk + joint)
            for fact in file_facts.imports
            for sdk in sdks
        ):
            out.add(path)
    return frozenset(out)
