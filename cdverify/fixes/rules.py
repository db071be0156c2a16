"""The rules whose fix is mechanical, and how each is made (docs/agent-loop.md, "Fixes as diffs").

A fixer reads the finding's structured data and the file it points at, and returns the edits — or None
when the fix is not mechanical here (the text it would change is not where, or not what, the finding
says, or occurs more than once). Every other rule has no fixer: its fix needs a decision (which service
method to call, what a raw statement's rows become as model objects, where a moved route goes), and its
hint says what to decide.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cdverify.fixes.edits import Create, Edit, Executable, Files, Replace
from cdverify.model import Finding

if TYPE_CHECKING:
    from cdverify.analysis import Analysis
    from cdverify.detect.framework.report import Route


@dataclass(frozen=True)
class Planned:
    """A fixer's result: what the edits do, in one line, and the edits."""

    description: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Context:
    """What a fixer may read besides its finding: the files as they are, and what was detected."""

    files: Files
    analysis: Analysis


Fixer = Callable[[Finding, Context], Planned | None]
HEALTH_CHECK = "/api/health-check"  # the task's health check (cdverify/verifiers/task.py)

_BACKGROUND = re.compile(r"\s*&\s*$")
_NOHUP = re.compile(r"^(\s*)(?:exec\s+)?(?:nohup\s+)?")
_COMMENT_OR_BLANK = re.compile(r"^\s*(#.*)?$")
# a line `exec` cannot take as it is: an assignment first (`PORT=1 node x &`), a list or a pipeline
_NOT_ONE_COMMAND = re.compile(r"^\s*(?:exec\s+)?(?:nohup\s+)?\w+=|&&|\|\||;|(?<![>&])\|(?!\|)|[()`]")
_MESSAGE = re.compile(r"^\s*(echo|printf)\b(?!.*\$\()[^;&|`]*$")  # a message; needs no running server


def _line_span(text: str, line: int) -> tuple[int, int] | None:
    """The character range of line `line` (1-based) without its line break, or None past the end."""
    lines = text.splitlines(keepends=True)
    if not 1 <= line <= len(lines):
        return None
    start = sum(len(item) for item in lines[: line - 1])
    body = lines[line - 1].rstrip("\r\n")
    return start, start + len(body)


def not_executable(finding: Finding, context: Context) -> Planned | None:
    """TASK004: set run.sh's execute bits (a mode change in the diff)."""
    files = context.files
    path = finding.location.path
    if files.text(path) is None or files.mode(path) == "100755":
        return None
    return Planned(f"make {path} executable", (Executable(path),))


def background(finding: Finding, context: Context) -> Planned | None:
    """TASK005 (`reason` background): the server's line loses its trailing `&` and `nohup`, and `exec`s the
    server as the script's last command. What follows it may only be comments and messages (`echo`,
    `printf`), which move before it; anything else might need the server running, and the fix is not
    mechanical."""
    files = context.files
    path, line = finding.location.path, finding.location.line
    text = files.text(path)
    if finding.data.get("reason") != "background" or text is None or not line:
        return None
    span = _line_span(text, line)
    if span is None or not _BACKGROUND.search(text[span[0] : span[1]]):
        return None  # a daemon flag (gunicorn -D, pm2): which flag to drop is the program's business
    after = text[span[1] :].lstrip("\r\n").splitlines()
    if not all(_COMMENT_OR_BLANK.match(rest) or _MESSAGE.match(rest) for rest in after):
        return None
    body = _BACKGROUND.sub("", text[span[0] : span[1]])
    if _NOT_ONE_COMMAND.search(body):
        return None
    body = _NOHUP.sub(lambda m: f"{m.group(1)}exec ", body, count=1)
    moved = "".join(f"{rest}\n" for rest in after if rest.strip())
    return Planned(
        f"run the server in the foreground with exec, as the last command ({path}:{line})",
        (Replace(path, span[0], len(text), f"{moved}{body}\n"),),
    )


def wrong_port(finding: Finding, context: Context) -> Planned | None:
    """TASK008: the wrong port number, where it is written once (on the finding's line, or in the whole
    file for a finding about run.sh), becomes the expected one."""
    files = context.files
    expected, found = finding.data.get("expected"), finding.data.get("found")
    path, line = finding.location.path, finding.location.line
    text = files.text(path)
    if not isinstance(expected, int) or not isinstance(found, int) or text is None:
        return None
    span = _line_span(text, line) if line else (0, len(text))
    if span is None:
        return None
    start, end = span
    hits = list(re.finditer(rf"(?<![\w.]){found}(?![\w.])", text[start:end]))
    if len(hits) != 1:
        return None
    at = start + hits[0].start()
    return Planned(
        f"port {found} → {expected} ({path}:{text.count(chr(10), 0, at) + 1})",
        (Replace(path, at, at + len(str(found)), str(expected)),),
    )


def harness_database(finding: Finding, context: Context) -> Planned | None:
    """DB001 in a harness environment: the variable the application reads its URL from, set to the required
    engine's harness URL in the root `.env` (created, or the variable's line added or replaced); a variable
    naming the engine (`TYPEORM_CONNECTION`) set to the value naming it in the library reading it
    (`switch_value`). cdverify takes `.env` files as loaded (rules/manifests.toml); the diff is offered only
    when the finding names the variable and its value."""
    files = context.files
    variable = finding.data.get("switch")
    if "harness_engines" not in finding.data or not isinstance(variable, str) or not variable:
        return None
    if "switch_value" in finding.data:  # the variable names the engine (`TYPEORM_CONNECTION=postgres`)
        value = finding.data["switch_value"]
        if not isinstance(value, str) or not value:
            return None  # no value catalogued for the library reading it
        line = f"{variable}={value}"
    else:
        harness_url = _harness_url(finding)
        if not harness_url:
            return None
        line = f"{variable}={harness_url}"
    set_at = finding.data.get("switch_set_at")
    if isinstance(set_at, str) and set_at:  # run.sh gives the server its value: a `.env` would not win
        return _run_script_value(files, set_at, variable, line.partition("=")[2])
    text = files.text(".env")
    description = f"set {line} in .env"
    if text is None:
        if (files.root / ".env").exists():
            return None
        return Planned(description, (Create(".env", line + "\n"),))
    existing = [m for m in re.finditer(rf"(?m)^[ \t]*(?:export[ \t]+)?{re.escape(variable)}[ \t]*=.*$", text)]
    if len(existing) > 1:
        return None
    if existing:
        return Planned(description, (Replace(".env", existing[0].start(), existing[0].end(), line),))
    joiner = "" if not text or text.endswith("\n") else "\n"
    return Planned(description, (Replace(".env", len(text), len(text), f"{joiner}{line}\n"),))


def _run_script_value(files: Files, set_at: str, variable: str, value: str) -> Planned | None:
    """The run script's assignment of `variable` at `set_at` (`run.sh:4`) given `value`, when the line
    assigns it once (`export DATABASE_URL="…"`, `DATABASE_URL=… exec node …`)."""
    path, _, number = set_at.rpartition(":")
    text = files.text(path) if number.isdigit() else None
    span = _line_span(text, int(number)) if text is not None else None
    if text is None or span is None:
        return None
    body = text[span[0] : span[1]]
    found = list(re.finditer(rf"(?<![\w$]){re.escape(variable)}=(\"[^\"]*\"|'[^']*'|[^\s;&|]*)", body))
    if len(found) != 1:
        return None
    start, end = found[0].span(1)
    own_default = re.fullmatch(rf"\$\{{{re.escape(variable)}(:?[-=])[^{{}}]*\}}", found[0][1].strip("\"'"))
    if (
        own_default is not None
    ):  # `${DATABASE_URL:-sqlite://…}`: the default changes, the harness may still set it
        value = f"${{{variable}{own_default[1]}{value}}}"
    return Planned(
        f"set {variable}={value} in {set_at}",
        (Replace(path, span[0] + start, span[0] + end, f'"{value}"'),),
    )


def _harness_url(finding: Finding) -> str:
    """The required engine's harness URL (rules/database/engines.toml `harness_url`)."""
    from cdverify.detect.database import catalogue

    required = finding.data.get("required")
    spec = catalogue().engines.get(required) if isinstance(required, str) else None
    return spec.harness_url if spec is not None else ""


def route_outside_api(finding: Finding, context: Context) -> Planned | None:
    """TASK007: a route registered on the app itself, under no prefix, gets `/api` in front of its path
    literal. A route under a router or blueprint is left alone: what moves it is the mount, which may serve
    other routes (the hint says so)."""
    route = _route(finding, context)
    if route is None or context.analysis.frameworks.full_paths(route) != {route.path}:
        return None
    return _new_path(route, context.files, "/api" + ("" if route.path.startswith("/") else "/") + route.path)


def health_check(finding: Finding, context: Context) -> Planned | None:
    """TASK006 pointing at a near miss (`/health`, `/health-check` outside /api): its path literal becomes
    the one that puts it at /api/health-check under the one prefix it has, when that prefix is /api or
    nothing."""
    route = _route(finding, context)
    if route is None or not (route.method in ("GET", "*") or "GET" in route.method.split(",")):
        return None  # another method's route: renaming it would not answer GET
    full = context.analysis.frameworks.full_paths(route)
    if len(full) != 1:
        return None
    reached = next(iter(full))
    literal = "/" + route.path.strip("/")
    prefix = reached.removesuffix(literal) if reached.endswith(literal) else None
    if prefix not in ("", "/api"):
        return None
    return _new_path(route, context.files, HEALTH_CHECK.removeprefix(prefix or ""))


def _route(finding: Finding, context: Context) -> Route | None:
    """The route the finding points at (same file, line and column)."""
    routes = context.analysis.frameworks.routes
    return next((r for r in routes if r.location == finding.location), None)


def _new_path(route: Route, files: Files, path: str) -> Planned | None:
    """Replace the route's path literal — quoted, written once on its line — by `path`."""
    text = files.text(route.file)
    span = _line_span(text, route.line) if text is not None else None
    if text is None or span is None:
        return None
    line = text[span[0] : span[1]]
    hits = [m for m in re.finditer(r"""(["'`])([^"'`]*)\1""", line) if m.group(2) == route.path]
    if len(hits) != 1 or path == route.path:
        return None
    start = span[0] + hits[0].start(2)
    return Planned(
        f"route {route.path} → {path} ({route.file}:{route.line})",
        (Replace(route.file, start, start + len(route.path), path),),
    )


# rule → its fixer; a rule missing here has no mechanical fix (docs/agent-loop.md says why, rule by rule)
FIXERS: dict[str, Fixer] = {
    "DB001": harness_database,
    "TASK004": not_executable,
    "TASK006": health_check,
    "TASK007": route_outside_api,
    "TASK005": background,
    "TASK008": wrong_port,
}
