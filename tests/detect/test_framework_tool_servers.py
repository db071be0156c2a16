"""An MCP tool server beside the application (issue 18, the fifty-first set): a Django app whose repository
also holds a Starlette server for Claude Desktop, built around the `mcp` SDK's low-level `Server` and run
with uvicorn. A web framework whose app and routes lie only in modules importing an MCP SDK serves no part
of the application when another framework serves outside them (rules/frameworks.toml `tool_servers`); alone
it still serves; and an app built in a module importing no SDK serves as before. The projects are small
synthetic ones written for these tests."""

from __future__ import annotations

from reports import MakeProject, check, findings_of, inspect_json

SETTINGS = """SECRET_KEY = "test"
INSTALLED_APPS = ["django.contrib.contenttypes", "notes"]
ROOT_URLCONF = "site_config.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
"""
ROOT_URLS = """from django.urls import path

from notes import views

urlpatterns = [path("notes/", views.note_list)]
"""
VIEWS = """from django.http import JsonResponse

from .models import Note


def note_list(request):
    return JsonResponse({"notes": list(Note.objects.values("text"))})
"""
MODELS = """from django.db import models


class Note(models.Model):
    text = models.TextField()
"""
MANAGE = """import sys

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
TOOL_SERVER = """import uvicorn
from mcp.server import Server
from mcp.types import TextContent, Tool
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

server = Server("notes")


@server.list_tools()
async def list_tools():
    return [Tool(name="count_notes", description="How many notes", inputSchema={"type": "object"})]


@server.call_tool()
async def call_tool(name, arguments):
    return [TextContent(type="text", text="0")]


async def health(request):
    return JSONResponse({"status": "ok"})


async def handle_messages(request):
    return JSONResponse({"accepted": True})


app = Starlette(routes=[Route("/health", health), Route("/messages", handle_messages, methods=["POST"])])

if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8001)
"""


def _django(**extra: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\nmcp\nstarlette\nuvicorn\n",
        "manage.py": MANAGE,
        "site_config/__init__.py": "",
        "site_config/settings.py": SETTINGS,
        "site_config/urls.py": ROOT_URLS,
        "notes/__init__.py": "",
        "notes/models.py": MODELS,
        "notes/views.py": VIEWS,
        **extra,
    }


def test_a_starlette_mcp_server_beside_django_serves_no_part(make_project: MakeProject) -> None:
    files = _django(**{"mcp_server_http.py": TOOL_SERVER})
    assert inspect_json(make_project, files)["framework"]["serving"] == ["django"]
    assert not findings_of(check(make_project, files, "django"), "FW002")


def test_an_mcp_only_project_reports_its_framework(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "mcp\nstarlette\nuvicorn\n",
        "server.py": TOOL_SERVER,
    }
    assert inspect_json(make_project, files)["framework"]["serving"] == ["starlette"]


def test_a_starlette_app_importing_no_sdk_still_serves(make_project: MakeProject) -> None:
    plain = TOOL_SERVER.replace(
        "from mcp.server import Server\nfrom mcp.types import TextContent, Tool\n", ""
    )
    plain = plain[: plain.index('server = Server("notes")')] + plain[plain.index("async def health") :]
    files = _django(**{"side_server.py": plain})
    assert inspect_json(make_project, files)["framework"]["serving"] == ["django", "starlette"]
    assert findings_of(check(make_project, files, "django"), "FW002")


EXPRESS_API = """const express = require("express");

const app = express();
app.get("/notes", (req, res) => res.json([]));
app.listen(3000);
"""
HONO_TOOLS = """import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Hono } from "hono";

const server = new McpServer({ name: "notes", version: "1.0.0" });
const app = new Hono();
app.post("/mcp", async (c) => c.json({ accepted: true }));

export default app;
"""


def test_a_node_mcp_transport_beside_express_serves_no_part(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "package.json": '{"dependencies": {"express": "4", "hono": "4", "@modelcontextprotocol/sdk": "1"}}',
        "src/index.js": EXPRESS_API,
        "src/mcp/server.js": HONO_TOOLS,
    }
    assert inspect_json(make_project, files)["framework"]["serving"] == ["express"]
