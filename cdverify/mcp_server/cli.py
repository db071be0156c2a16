"""The `cdverify mcp` command: loads the MCP SDK only when run, and names the extra when it is missing."""

from __future__ import annotations

import sys

import click

EXTRA_MISSING = (
    "cdverify: error: `cdverify mcp` needs the optional MCP SDK: pip install 'cdverify[mcp]' "
    "(the `mcp` package, {reason})"
)


@click.command("mcp")
def mcp_command() -> None:
    """Serve cdverify's tools (check, evaluate, explain, contract_run, graph) to an agent over the Model
    Context Protocol on stdio. Register it with your agent host: see docs/mcp.md."""
    try:
        from cdverify.mcp_server.server import serve
    except ImportError as error:
        if error.name is None or error.name.split(".")[0] not in ("mcp", "mcp_types", "pydantic"):
            raise
        click.echo(EXTRA_MISSING.format(reason=f"not importable: {error}"), err=True)
        sys.exit(2)
    serve()
