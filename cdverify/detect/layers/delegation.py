"""Routes whose inline handler only hands the request on: `app.get("/routes", (req, res) =>
routesController.getAll(req, res))` registers the controller's method as surely as
`app.get("/routes", routesController.getAll)` does. The file holding such a route table wires the controllers
in (with the repositories and services it builds, a composition root); the controller answers the request
(handlers.own_handlers counts the route for it)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from cdverify.model import APP_PLACEHOLDER, scope_start

if TYPE_CHECKING:
    from cdverify.detect.framework.report import Route
    from cdverify.model import CallFact, Value

# the head of an inline handler in a route call's text: `(req, res) =>`, `async (c) =>`, `ctx =>`,
# `function (req, res) {`
_HEAD = re.compile(
    r"(?:\basync\s+)?(?:\(([^()]*)\)\s*=>|\b([A-Za-z_$][\w$]*)\s*=>|\bfunction\b\s*[\w$]*\s*\(([^()]*)\))"
)
_NAME = re.compile(r"[A-Za-z_$][\w$]*")
# lines between a route call's first line and the line its inline handler starts on (`app.post(` / path /
# handler each on a line of their own)
_HANDLER_LINES = 2


def delegate(route: Route, calls: Sequence[CallFact], project: tuple[str, ...], until: int = 0) -> str:
    """The callee of the project module the route's inline handler hands the request to (`delegation`),
    "" when it does anything else."""
    return delegation(route, calls, project, until)[0]


def delegation(
    route: Route, calls: Sequence[CallFact], project: tuple[str, ...], until: int = 0
) -> tuple[str, tuple[str, ...]]:
    """The callee of the project module the route's inline handler hands the request to, with the
    handler's own parameters (their names, () when one is a pattern), ("", ()) when it does anything
    else: every call the handler makes (`calls`: those of the route's file) is of a module in `project`
    (call prefixes of the file's project imports) and is handed the handler's own parameters, and nothing
    else (`controller.handle(req, res)`, not `service.get(id)` nor `service.list()`), or all of them and
    other plain names (`login(app, request, reply)`, the Fastify instance of the plugin around). The
    handler is read from the route call's arguments (`function_head`), wherever it starts inside the call
    (after a path, generic type arguments and an options object over many lines): the calls of the one
    function starting between the route's line and the next statement around the route call (and before
    `until`, the file's next route, when given); a handler written in the route's options object (`{
    handler: (req, reply) => … }`) from the route's text, two lines down at most."""
    registration = [call for call in calls if call.line == route.line and call.col == route.col]
    written = [value.text for call in registration for value in call.args if _HEAD.fullmatch(value.text)]
    if written:
        if len(written) != 1:  # middleware functions before the handler
            return "", ()
        head = _HEAD.fullmatch(written[0])
        around = {call.scope for call in registration if any(v.text == written[0] for v in call.args)}
        inside = _within(route.line, calls, around | {""}, until)
    else:
        heads = list(_HEAD.finditer(route.text))
        if len(heads) != 1:  # no inline handler, or middleware functions before it
            return "", ()
        head = heads[0]
        # the handler starts on the route call's lines: before the next module-level call
        after = [call.line for call in calls if not call.scope and call.line > route.line]
        end = min([*after, route.line + _HANDLER_LINES + 1])
        inside = [call for call in calls if call.scope and route.line <= scope_start(call.scope) < end]
    params = next((group for group in head.groups() if group is not None), "") if head else ""
    parameters = set(_NAME.findall(params))  # with their types' names (`req: Request`): none is called
    if not parameters or not inside:
        return "", ()
    own = _parameter_names(params)
    for call in inside:
        handed = [value.names for value in call.args if _plain(value)]
        if (
            not call.callee.startswith(project)
            or call.kwargs
            or not call.args
            or len(handed) != len(call.args)
            or not all(len(names) == 1 for names in handed)
        ):
            return "", ()
        names = {names[0] for names in handed}
        if not (names <= parameters or (own and set(own) <= names)):
            return "", ()
    return inside[0].callee, own


def _plain(value: Value) -> bool:
    """A plain name handed on: no call, string or number, or the app instance a plugin is handed
    (`app`, traced `<app>()` in `const plugin: FastifyPluginAsync = async (app) => …`), a name as well."""
    app = len(value.names) == 1 and not value.text and value.calls == (f"{APP_PLACEHOLDER}()",)
    return not ((value.calls and not app) or value.strings or value.numbers)


def _within(line: int, calls: Sequence[CallFact], around: set[str], until: int) -> list[CallFact]:
    """The calls of the one function starting on or after `line` and before the next statement of the
    scopes `around` the route call (a call of theirs after a function has started: the route's own
    arguments, middleware `validate(schema)`, come before its handler), [] when several functions start
    there (a handler calling back, a hook in the options)."""
    starts = sorted({scope_start(call.scope) for call in calls if call.scope and call.scope not in around})
    starts = [start for start in starts if start >= line and (not until or start < until)]
    if not starts:
        return []
    bounds = [call.line for call in calls if call.scope in around and call.line > starts[0]]
    bounds += [until] if until else []
    end = min(bounds) if bounds else starts[-1] + 1
    scopes = {
        call.scope for call in calls if call.scope not in around and line <= scope_start(call.scope) < end
    }
    if len(scopes) != 1:
        return []
    return [call for call in calls if call.scope in scopes]


def _parameter_names(written: str) -> tuple[str, ...]:
    """The names of a head's parameters (`request: FastifyRequest<{ Body: B }>, reply` → request, reply),
    () when one is a pattern (`{ params }`) or a rest parameter."""
    out: list[str] = []
    depth, part = 0, list[str]()
    for char in f"{written},":
        if char in "<{[(":
            depth += 1
        elif char in ">}])":
            depth -= 1
        if char == "," and depth == 0:
            found = _PARAMETER.match("".join(part))
            if found is None:
                return ()
            out.append(found.group(1))
            part = []
        else:
            part.append(char)
    return tuple(out)


_PARAMETER = re.compile(r"\s*([A-Za-z_$][\w$]*)\s*\??\s*(?:[:=].*)?$", re.S)


def next_routes(routes: Iterable[Route]) -> dict[tuple[str, int], int]:
    """Each route's (file, line) with the line of the next route registered below it in that file (0 for
    the last): where a route call's inline handler must have started by."""
    lines: dict[str, list[int]] = {}
    for route in routes:
        lines.setdefault(route.file, []).append(route.line)
    out: dict[tuple[str, int], int] = {}
    for file, found in lines.items():
        ordered = sorted(set(found))
        out.update(((file, line), after) for line, after in zip(ordered, [*ordered[1:], 0], strict=True))
    return out
