"""A Flask extension's database URL with holes, connected as the app starts (rules/python/startup.toml
`unset_configs`, `schema_steps`): an app factory binds `app.config["SQLALCHEMY_DATABASE_URI"] =
f"mysql+pymysql://{db_user}:{db_password}@{db_endpoint}/{db_name}"` with `db_endpoint =
os.environ.get("DB_ENDPOINT")` (no default), sets the extension up on the app (`db.init_app(app)`) and runs a
schema step in the same function (`with app.app_context(): db.create_all()`), while a started module calls the
factory (`app = create_app()` in run.py). Where the variable is unset the URL holds `None` for the host (user,
port, database): the step's connection fails and the factory raises before anything serves, as a server
URL's holes do for an engine made in code (server_urls.py).

Claimed only where it is certain: every binding of the key in the application is in that one function (and
the app's configuration is loaded by no other means), exactly one of them holds where the variables are unset
— under no `if`, or under a condition on a name bound in the function to a bare read of a variable (`dev_mode
= os.environ.get("DEVELOPEMENT_MODE")`, `if dev_mode == "True": … else: …`) that no env file of the project
sets, judged for it unset — its hole names bound once in the function (under no `if` or the binding's own) to
a bare read of a variable with no default; the extension is set up on the app in the function before the
step, and the step runs under no `if` there. The function runs as the app starts: one run then
(jsonschemas.py, start-up hooks), or one a started module calls at module level, under no `if` but a
`__name__` test."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.catalogue import engine_of_url
from cdverify.detect.database.jsonschemas import imported_function, neighbour_scope
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.server_urls import STOPPING_PARTS, url_parts
from cdverify.detect.database.sqlite_engines import running_at_start
from cdverify.detect.database.startup import application_python
from cdverify.detect.database.unset_config import loads_config
from cdverify.model import Assignment, CallFact, FileFacts, Template, Value
from cdverify.rules_schema import PythonStartup, Reader

if TYPE_CHECKING:
    from collections.abc import Callable

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph
    from cdverify.rules_schema.python import UnsetConfig

_NO_SERVER = frozenset({"sqlite"})
# the conditions judged where their name's variable is unset: `x == "lit"` (False), `x != "lit"` (True),
# `not (x == "lit")` (True), `x` (False), `not x` (True)
_EQUALS = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*==\s*(?P<lit>'[^']*'|\"[^\"]*\")$")
_DIFFERS = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*!=\s*(?P<lit>'[^']*'|\"[^\"]*\")$")
_NAME = re.compile(r"^(?P<name>[A-Za-z_]\w*)$")


def holed_config_servers(
    found: Collection, graph: ImportGraph, started_files: Callable[[], set[str]]
) -> list[StartupStop]:
    """The schema steps run as the app starts on an extension whose URL key holds a server URL with holes a
    variable with no default fills."""
    entries = [entry for entry in load_rules(PythonStartup).unset_configs if entry.schema_steps]
    if not entries:
        return []
    python = application_python(found)
    out: list[StartupStop] = []
    for entry in entries:
        bound = [
            (path, a)
            for path in sorted(python)
            for a in found.facts[path].assignments
            if a.target.endswith(f".config.{entry.key}") and a.target.count(".") == 2
        ]
        if not bound or len({(path, a.scope) for path, a in bound}) != 1 or not bound[0][1].scope:
            continue
        path, scope = bound[0][0], bound[0][1].scope
        facts = found.facts[path]
        holding = _holding(found, facts, [a for _path, a in bound])
        if holding is None or loads_config(found, python):
            continue
        holes = _holes(facts, holding)
        if not holes:
            continue
        step = _step(facts, holding, entry)
        if step is None or not _runs_at_start(found, graph, started_files(), path, scope):
            continue
        variables = tuple(dict.fromkeys(variable for _part, variable in holes))
        parts = ", ".join(f"{part} from ${variable}" for part, variable in holes)
        reason = (
            f"raises as the app starts: {entry.key} is a server URL ({holding.text or 'bound'} at "
            f"{path}:{holding.line}) whose {parts} has no default, so where it is unset the URL holds None "
            f"there and {entry.label}'s schema step fails to connect"
        )
        fix = f"give ${variables[0]} a default, or run the schema step outside the app's start-up"
        out.append(StartupStop(path, step.line, step.text, variables, reason, fix))
    return out


def _runs_at_start(found: Collection, graph: ImportGraph, started: set[str], path: str, scope: str) -> bool:
    """Whether the function `scope` of `path` runs as the app starts: a function run then (jsonschemas.py,
    startup hooks), or one a started module calls at module level, under no `if` but a `__name__` test
    (`app = create_app()` under `if __name__ == "__main__":`, `gunicorn_app = create_app()` in its `else`)."""
    function = scope.partition("@")[0]
    running = running_at_start(found.facts, started, graph).get(path, set())
    if scope in running or function in running:
        return True
    for module in sorted(started):
        for call in found.facts[module].calls if module in found.facts else ():
            if call.scope or (call.guard is not None and call.guard.names != ("__name__",)):
                continue
            if imported_function(call.callee, module, found.facts, graph) == (path, function):
                return True
    return False


def _holding(found: Collection, facts: FileFacts, bound: list[Assignment]) -> Assignment | None:
    """The one binding of the key that holds where the variables its conditions read are unset; None when
    a condition cannot be judged or not exactly one holds."""
    set_in_files = {setting.key for setting in found.manifests.settings if setting.source is Reader.ENV_FILE}
    holding = []
    for assignment in bound:
        judged = _judged(assignment.branch, facts, assignment.scope, set_in_files)
        if judged is None:
            return None
        if judged:
            holding.append(assignment)
    return holding[0] if len(holding) == 1 else None


def _judged(branch: str, facts: FileFacts, scope: str, set_in_files: set[str]) -> bool | None:
    """Whether a binding's condition holds where the variable its name reads is unset (None: not judged)."""
    text = branch.strip()
    if not text:
        return True
    negated = False
    if text.startswith("not (") and text.endswith(")"):
        negated, text = True, text[5:-1].strip()
    elif text.startswith("not "):
        negated, text = True, text[4:].strip()
    for pattern, unset_value in ((_EQUALS, False), (_DIFFERS, True), (_NAME, False)):
        matched = pattern.match(text)
        if matched is None:
            continue
        variable = _bare_variable(facts, scope, matched.group("name"))
        if not variable or variable in set_in_files:
            return None
        return unset_value != negated
    return None


def _bare_variable(facts: FileFacts, scope: str, name: str, branch: str = "") -> str:
    """The variable a name bound once in the function (else at module level) reads with no default, bound
    under no `if` or under `branch` (the one the value reading it is under)."""
    own = [a for a in facts.assignments if a.target == name and a.scope == scope]
    bound = own or [a for a in facts.assignments if a.target == name and not a.scope]
    if len(bound) != 1 or bound[0].branch not in ("", branch):
        return ""
    return _bare(bound[0].value)


def _bare(value: Value) -> str:
    """The variable a value is a bare read of, with no default; "" otherwise."""
    if len(value.env) != 1 or value.strings or value.numbers or value.names or value.rewrites:
        return ""
    if any(not call.startswith(("os.environ", "os.getenv")) for call in value.calls):
        return ""
    return value.env[0]


def _holes(facts: FileFacts, binding: Assignment) -> list[tuple[str, str]]:
    """(part, variable) of the URL's user, host, port or database holes a variable with no default fills."""
    value = binding.value
    if len(value.strings) != 1 or value.env or value.names or value.calls or value.numbers:
        return []
    url = value.strings[0]
    if not isinstance(url, Template) or len(value.parts) != url.holes:
        return []
    if engine_of_url(url) in (None, *_NO_SERVER):
        return []
    out = []
    for part, hole in zip(url_parts(url), value.parts, strict=True):
        if part not in STOPPING_PARTS:
            continue
        variable = _bare(hole) or (
            _bare_variable(facts, binding.scope, hole.names[0], binding.branch)
            if len(hole.names) == 1 and not hole.env and not hole.strings
            else ""
        )
        if variable:
            out.append((part, variable))
    return out


def _step(facts: FileFacts, binding: Assignment, entry: UnsetConfig) -> CallFact | None:
    """The schema step (`db.create_all()`) in the binding's function after it, under no `if`, on an
    extension set up on the app before it there (`db.init_app(app)`)."""
    app = binding.target.split(".", 1)[0]
    setups = [
        call.callee.removesuffix(".init_app")
        for call in facts.calls
        if call.callee.endswith(".init_app")
        and call.scope == binding.scope
        and call.line > binding.line
        and call.guard is None
        and call.args[:1]
        and call.args[0].names == (app,)
    ]
    if not setups:
        return None
    for call in facts.calls:
        owner, _, method = call.callee.rpartition(".")
        if method not in entry.schema_steps or owner not in setups or call.guard is not None:
            continue
        if call.line > binding.line and _in_function(call, facts, binding.scope):
            return call
    return None


def _in_function(call: CallFact, facts: FileFacts, scope: str) -> bool:
    """Whether a call is in the function `scope`: recorded so, or (a call handed nothing) written between two
    calls recorded in it with no other function's recorded call between."""
    return (call.scope or neighbour_scope(call, facts)) == scope
