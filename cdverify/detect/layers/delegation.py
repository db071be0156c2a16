"""Routes whose inline handler only hands the request on: `app.get("/routes", (req, res) =>
routesController.getAll(req, res))` registers the controller's method as surely as
`app.get("/routes", routesController.getAll)` does. The file holding such a route table wires the controllers
in (with the repositories and services it builds, a composition root); the controller answers the request
(wiring.own_handlers counts the route for it)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdverify.detect.framework.report import Route
    from cdverify.model import CallFact

# the head of an inline handler in a route call's text: `(req, res) =>`, `async (c) =>`, `ctx =>`,
# `function (req, res) {`
_HEAD = re.compile(
    r"(?:\basync\s+)?(?:\(([^()]*)\)\s*=>|\b([A-Za-z_$][\w$]*)\s*=>|\bfunction\b\s*[\w$]*\s*\(([^()]*)\))"
)
_NAME = re.compile(r"[A-Za-z_$][\w$]*")
# lines between a route call's first line and the line its inline handler starts on (`app.post(` / path /
# handler each on a line of their own)
_HANDLER_LINES = 2


def delegate(route: Route, calls: Sequence[CallFact], project: tuple[str, ...]) -> str:
    """The callee of the project module the route's inline handler hands the request to, "" when it does
    anything else: every call the handler makes (`calls`: those of the route's file) is of a module in
    `project` (call prefixes of the file's project imports) and is handed the handler's own parameters,
    and nothing else (`controller.handle(req, res)`, not `service.get(id)` nor `service.list()`)."""
    heads = list(_HEAD.finditer(route.text))
    if len(heads) != 1:  # no inline handler, or middleware functions before it
        return ""
    written = next((group for group in heads[0].groups() if group is not None), "")
    parameters = set(_NAME.findall(written))  # with their types' names (`req: Request`): none is called
    if not parameters:
        return ""
    # the handler starts on the route call's lines: before the next module-level call
    after = [call.line for call in calls if not call.scope and call.line > route.line]
    end = min([*after, route.line + _HANDLER_LINES + 1])
    inside = [call for call in calls if call.scope and route.line <= _starts(call.scope) < end]
    if not inside:
        return ""
    for call in inside:
        handed = [value.names for value in call.args if not (value.calls or value.strings or value.numbers)]
        if (
            not call.callee.startswith(project)
            or call.kwargs
            or not call.args
            or len(handed) != len(call.args)
            or not all(len(names) == 1 and names[0] in parameters for names in handed)
        ):
            return ""
    return inside[0].callee


def _starts(scope: str) -> int:
    """The line a function scope (`name@line`) starts on, -1 when it names none."""
    line = scope.rpartition("@")[2]
    return int(line) if line.isdigit() else -1
