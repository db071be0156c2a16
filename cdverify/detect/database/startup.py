"""Reads of the process environment that stop an application at start-up where a variable is unset
(rules/database/connections.toml `required_reads`): `SECRET_KEY = os.environ["SECRET_KEY"]` at module level
of a settings module raises KeyError as the module is imported, so the application cannot start in a
harness that leaves SECRET_KEY unset, whatever engine its settings name.

Start-up code is the module-level code of the modules the application imports as it starts — the modules
that build the app object (`Flask(__name__)`) or hold its database settings or connection, and the modules
they import at module level, transitively — and the body of the function that builds the app (the app
factory). A read inside any other function runs when it is called, maybe never; a `raise` on an unset
variable counts in a function the module calls at module level and in one a web framework's start-up hook
runs (`app.on_startup.append(init_pg)`: sqlite_engines.py `hooked`). A variable assigned a
second time in the same place is left out: the other assignment may be the fallback of a `try` / `except
KeyError` or of an `if` the facts do not show."""

from __future__ import annotations

import io
import re
import tokenize
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from cdverify.catalog import load_rules
from cdverify.detect.database.dotenv_order import before_loading
from cdverify.detect.database.instances import instances, required_by_class
from cdverify.detect.database.jsonschemas import main_block_calls, main_block_functions
from cdverify.detect.database.settings import SettingsField
from cdverify.detect.database.sqlite_engines import hooked
from cdverify.model import RAISED, Assignment, CallFact, Family, FileFacts, Scope, Value
from cdverify.rules_schema import Connections, RequiredRead

if TYPE_CHECKING:
    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph


class StartupRead(NamedTuple):
    """A read made at start-up that raises where `variable` is unset."""

    variable: str
    file: str
    line: int
    text: str  # the assignment as written
    label: str  # what the read does (`raises KeyError at import`)
    # made before the project's `.env` is loaded (`load_dotenv()` below the import: dotenv_order.py), so
    # only the harness's own variables count for it
    unloaded: bool = False

    def describe(self) -> str:
        before = ", before the project's .env is loaded" if self.unloaded else ""
        return f"{self.text} at {self.file}:{self.line} {self.label} when ${self.variable} is unset{before}"


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(a subscript of one of the catalogue's mappings with a literal key, or a read giving None with no
    default handed whole as the first argument of a call raising on None: `int(os.getenv("PORT"))`; its
    label) per entry."""
    out = []
    for entry in load_rules(Connections).required_reads:
        if entry.subscripts:
            names = _alternatives(entry.subscripts)
            pattern = re.compile(rf"(?<![\w.])(?:{names})\s*\[\s*(['\"])(\w+)\1\s*\]")
            out.append((pattern, entry.label))
        if entry.wrapping and entry.getters:
            calls, getters = _alternatives(entry.wrapping), _alternatives(entry.getters)
            read = rf"(?<![\w.])(?:{calls})\s*\(\s*(?:{getters})\s*\(\s*(['\"])(\w+)\1\s*\)\s*[,)]"
            out.append((re.compile(read), entry.label))
    return tuple(out)


def _alternatives(names: Iterable[str]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


@cache
def _stops() -> tuple[tuple[bool, frozenset[str], str], ...]:
    """(any untraced `raise` stops, the traced calls that stop, the label) per entry that has them."""
    return tuple(
        (entry.raises, frozenset(entry.stops), entry.label)
        for entry in load_rules(Connections).required_reads
        if entry.raises or entry.stops
    )


@cache
def _readers() -> dict[str, RequiredRead]:
    """Traced call → the catalogue entry of the reads it makes that raise where the variable is unset."""
    return {callee: entry for entry in load_rules(Connections).required_reads for callee in entry.calls}


@cache
def _app_constructors() -> frozenset[str]:
    """The Python frameworks' app constructors (`flask.Flask`, `fastapi.FastAPI`)."""
    from cdverify.detect.framework.catalogue import specs

    return frozenset(name for spec in specs() if spec.family == "python" for name in spec.apps)


def startup_reads(
    runtime: Mapping[str, FileFacts],
    settings: Iterable[str],
    graph: ImportGraph | None,
    fields: Mapping[str, list[SettingsField]] | None = None,
) -> tuple[StartupRead, ...]:
    """The reads made at start-up that raise where their variable is unset. `runtime`: the facts of the
    application and configuration modules; `settings`: the modules holding the database settings or
    connection; `graph`: the project's imports (None: those modules alone are followed); `fields`: the
    fields of the project's settings classes (instances.py: a class built at start-up reads them)."""
    patterns, stops, readers = _patterns(), _stops(), _readers()
    python = {path: f for path, f in runtime.items() if f.language.family == "python"}
    factories = _factories(python)
    pending = [path for path in {*settings, *factories} if path in python]
    started: set[str] = set()
    while pending:  # the modules imported at module level, transitively
        path = pending.pop()
        if path in started:
            continue
        started.add(path)
        if graph is None:
            continue
        for edge in graph.imports_of(path):
            target = edge.target
            if target in python and target not in started and edge.runtime and not edge.fact.in_function:
                pending.append(target)
    required = required_by_class(fields, python) if fields else {}
    # the functions a framework runs as the app starts (`app.on_startup.append(init_pg)`), and those they call
    hooks = load_rules(Connections).startup_hooks
    # the functions an app factory calls (`setup_config(app)` in `setup_app()`) run as it builds the app, as
    # do those an entry starting the server calls (`run_app(setup_app())` under `if __name__ == "__main__":`)
    seeds = [
        (path, scope.partition("@")[0]) for path, scopes in factories.items() for scope in scopes if scope
    ]
    seeds += _serving_entries(python, graph) if graph is not None else []
    ran = graph is not None and (bool(seeds) or _raising(python))
    running = hooked(python, started, graph, hooks, seeds) if graph is not None and ran else {}
    out: list[StartupRead] = []
    for path in sorted(started | running.keys()):
        scopes = {"", *factories.get(path, ())}
        assignments = [a for a in python[path].assignments if a.scope in scopes]
        out.extend(_reads(path, assignments, (*patterns, *_aliased(python[path]))))
        for built in instances(path, assignments, python, required):
            out.extend(
                StartupRead(name, built.file, built.line, built.text, built.label) for name in built.variables
            )
        calls = [c for c in python[path].calls if c.scope in scopes]
        out.extend(_stopped(path, [c for c in calls if c.guard is not None], assignments, stops))
        out.extend(_called(path, calls, assignments, readers))
        at_import = set(python[path].at_import)
        out.extend(_validated(path, python[path], scopes, at_import, stops))
        if hooks_run := running.get(path, set()) - at_import:  # `await`ed by the framework as the app starts
            late = tuple((raises, names, _started(label)) for raises, names, label in stops)
            out.extend(_validated(path, python[path], scopes, hooks_run, late))
            out.extend(_read_running(path, python[path], scopes, hooks_run, readers))
    early = before_loading(python, graph)
    return tuple(read._replace(unloaded=early(read.file, read.line)) for read in out)


def _read_running(
    path: str,
    file_facts: FileFacts,
    scopes: set[str],
    functions: set[str],
    readers: Mapping[str, RequiredRead],
) -> list[StartupRead]:
    """The catalogued reads with no default (`env.str("SESSION_KEY")` of environs) in the functions that run
    as the application starts (`functions`: a `setup_config(app)` its app factory calls, a start-up hook),
    outside the module-level code and the factory read already (`scopes`)."""

    def running(scope: str) -> bool:
        return scope not in scopes and scope.partition("@")[0] in functions

    calls = [call for call in file_facts.calls if running(call.scope)]
    if not any(call.callee in readers for call in calls):
        return []
    assignments = [a for a in file_facts.assignments if running(a.scope)]
    return [read._replace(label=_started(read.label)) for read in _called(path, calls, assignments, readers)]


def _aliased(file_facts: FileFacts) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The subscript patterns of the names the module binds to `os.environ` under another name (`from os
    import environ as env`: `env["DB_HOST"]`, `import os as system`: `system.environ["DB_HOST"]`), with the
    label of the catalogue's subscript reads."""
    label = next((entry.label for entry in load_rules(Connections).required_reads if entry.subscripts), "")
    names = []
    for fact in file_facts.imports:
        if fact.specifier != "os" or fact.in_function:
            continue
        names += re.findall(r"\benviron\s+as\s+(\w+)", fact.text)
        names += [f"{alias}.environ" for alias in re.findall(r"^import\s+os\s+as\s+(\w+)\s*$", fact.text)]
    if not names or not label:
        return ()
    pattern = re.compile(rf"(?<![\w.])(?:{_alternatives(names)})\s*\[\s*(['\"])(\w+)\1\s*\]")
    return ((pattern, label),)


def _started(label: str) -> str:
    """A stop's label for one a start-up hook runs (`stops the application at import` → `… as it starts`)."""
    return label.replace("at import", "as it starts") if "at import" in label else f"{label} as it starts"


def _raising(facts: Mapping[str, FileFacts]) -> bool:
    """Whether a module raises in a function (the parser records each `raise` of a module-level one)."""
    return any(call.scope and call.callee.startswith(RAISED) for f in facts.values() for call in f.calls)


def _validated(
    path: str,
    file_facts: FileFacts,
    scopes: set[str],
    functions: set[str],
    stops: tuple[tuple[bool, frozenset[str], str], ...],
) -> list[StartupRead]:
    """The stops raised in a function that runs as the application starts (`functions`: those the module
    calls at module level, `validate_config()`, and those a framework's start-up hook runs): under an `if`
    on one variable, read in the function or at module level (`if not DATABASE_URL: raise …`, also each of
    `if not (a and b): raise …`), or on each value of the function's dict of required settings (`for name,
    value in required.items(): if not value: raise …`)."""
    out = []
    for call in file_facts.calls:
        if call.scope in scopes or call.guard is None or not call.callee.startswith(RAISED):
            continue
        if call.scope.partition("@")[0] not in functions:
            continue
        around = [a for a in file_facts.assignments if a.scope in ("", call.scope)]
        found = _stopped(path, [call], around, stops)
        label = next((label for raises, _names, label in stops if raises), "")
        if not found and label:
            found = [
                StartupRead(variable, path, call.line, call.text, label)
                for variable in _each_required(call.guard, around, call.scope)
            ]
        out.extend(found)
    return out


def _each_required(guard: Value, assignments: list[Assignment], scope: str) -> list[str]:
    """The variables a loop over the function's one dict literal requires, when the condition tests a name
    nothing in the module assigns (the loop's variable, `if not value:`) and each entry reads a variable from
    the environment, itself or through a module-level name (`"DATABASE_URL": DATABASE_URL` after
    `DATABASE_URL = os.getenv("DATABASE_URL")`): those read with no default. None where an entry holds
    anything else (the loop may test something else than the values)."""
    if len(guard.names) != 1 or guard.strings or guard.env or guard.numbers or guard.calls:
        return []
    if any(a.target == guard.names[0] for a in assignments):
        return []
    entries = [a for a in assignments if a.scope == scope and "." in a.target]
    if not entries or len({a.target.rpartition(".")[0] for a in entries}) != 1:
        return []
    out = []
    for entry in entries:
        read = entry.value
        if len(read.names) == 1 and not (read.env or read.strings or read.numbers):
            bound = [a.value for a in assignments if a.scope == "" and a.target == read.names[0]]
            read = bound[0] if len(bound) == 1 else read
        if len(read.env) != 1 or read.names or read.numbers:
            return []  # not a read of one variable
        defaults = [default for default in read.strings if not (isinstance(default, str) and default)]
        if len(defaults) != len(read.strings):  # a default the test passes: never raised for it
            if defaults:
                return []
        else:  # no default, or an empty one the test fails as it fails an unset variable
            out.append(read.env[0])
    return out


def _called(
    path: str, calls: list[CallFact], assignments: list[Assignment], readers: Mapping[str, RequiredRead]
) -> list[StartupRead]:
    """The reads through a catalogued call with no default (`SECRET_KEY = config("SECRET_KEY")`,
    `Validator("DB_HOST", must_exist=True)`): not under a condition, and not assigned to a name assigned a
    second time in the same place."""
    counts = Counter((assignment.scope, assignment.target) for assignment in assignments)
    declared = {key for call in calls for key, _value in call.kwargs if _declares(call.callee, readers)}
    out = []
    for call in calls:
        entry = readers.get(call.callee)
        if entry is None or call.guard is not None or call.kwarg(*entry.default_keys) is not None:
            continue
        if call.target and counts.get((call.scope, call.target), 0) > 1:
            continue
        if entry.required_keys:  # a validator: every positional argument names a variable it requires
            if not re.search(rf"\b(?:{'|'.join(entry.required_keys)})\s*=\s*True\b", call.text):
                continue
            args = call.args
        elif len(call.args) == 1:  # a second positional argument is the default
            args = call.args
        else:
            continue
        names = [str(arg.strings[0]) for arg in args if len(arg.strings) == 1 and not arg.names]
        prefix = _prefix(entry, calls) if entry.prefix_key else ""
        for name in names:
            if name.isidentifier() and name not in declared:
                out.append(StartupRead(prefix + name, path, call.line, call.text, entry.label))
    return out


def _declares(callee: str, readers: Mapping[str, RequiredRead]) -> bool:
    """`callee` is a constructor declaring variables by keyword (`environ.Env(DEBUG=(bool, False))`)."""
    return any(callee in entry.scheme_calls for entry in readers.values())


def _prefix(entry: RequiredRead, calls: list[CallFact]) -> str:
    """The prefix the module's settings object gives the variables (`Dynaconf(envvar_prefix="APP")`:
    `APP_`), the catalogue's default where it gives none."""
    for call in calls:
        if call.callee in entry.prefix_calls:
            given = call.kwarg(entry.prefix_key)
            if given is not None and len(given.strings) == 1:
                return f"{given.strings[0]}_"
    return f"{entry.prefix_default}_" if entry.prefix_default else ""


def _stopped(
    path: str,
    calls: list[CallFact],
    assignments: list[Assignment],
    stops: tuple[tuple[bool, frozenset[str], str], ...],
) -> list[StartupRead]:
    """The stops (`raise ValueError(…)`, `sys.exit(…)`) under an `if` whose condition is one variable."""
    out = []
    for call in calls:
        for raises, names, label in stops:
            if not (names and call.callee in names) and not (raises and call.callee.startswith(RAISED)):
                continue
            variable = _variable(call.guard, assignments) if call.guard is not None else None
            if variable is not None:
                out.append(StartupRead(variable, path, call.line, call.text, label))
            break
    return out


def _variable(guard: Value, assignments: list[Assignment]) -> str | None:
    """The variable a condition tests alone: `not os.getenv("X")`, `"X" not in os.environ`, or `not X`
    after `X = os.getenv("X")` (no default); None for anything else (`os.getenv("ENV") == "prod"`)."""
    if guard.numbers or guard.parts:
        return None
    if guard.env and not guard.strings and not guard.names and len(guard.env) == 1:
        return guard.env[0]
    if len(guard.strings) == 1 and guard.names == ("environ",) and not guard.env:
        found = guard.strings[0]
        return found if isinstance(found, str) and found.isidentifier() else None
    if len(guard.names) == 1 and not guard.strings and not guard.env:
        read = [a.value for a in assignments if a.target == guard.names[0]]
        if len(read) == 1 and len(read[0].env) == 1 and not read[0].strings and not read[0].numbers:
            return read[0].env[0]
    return None


def application_python(found: Collection) -> set[str]:
    """The application's Python modules (the files the start-up stops of Python read)."""
    return {
        path
        for path, facts in found.facts.items()
        if facts.language.family is Family.PYTHON and found.scope_of(path) is Scope.APPLICATION
    }


def app_modules(facts: Mapping[str, FileFacts]) -> list[str]:
    """The modules that build a web app (`app = FastAPI()`, `Flask(__name__)` in a factory)."""
    return sorted(_factories(facts))


@cache
def _servers() -> frozenset[str]:
    """The Python frameworks' calls starting a server by their module's name (`aiohttp.web.run_app`,
    `uvicorn.run`): not a method of the app (`app.run()`)."""
    from cdverify.detect.framework.catalogue import specs

    return frozenset(
        name for spec in specs() if spec.family == "python" for name in spec.listen if "." in name
    )


def _serving_entries(facts: Mapping[str, FileFacts], graph: ImportGraph) -> list[tuple[str, str]]:
    """(file, function) of the project functions a Python entry's `if __name__ == "__main__":` block calls,
    where that block starts the server (`run_app(setup_app())`): they run as the application starts. An
    entry is a module no other one imports."""
    imported = {edge.target for path in facts for edge in graph.imports_of(path) if edge.target != path}
    servers = _servers()
    return [
        found
        for path, file_facts in facts.items()
        if path not in imported and any(call.callee in servers for call in main_block_calls(file_facts))
        for found in main_block_functions(path, facts, graph)
    ]


def _factories(facts: Mapping[str, FileFacts]) -> dict[str, set[str]]:
    """Each module building a web app, with the functions that build it ("" at module level)."""
    constructors = _app_constructors()
    out: dict[str, set[str]] = {}
    for path, file_facts in facts.items():
        for call in file_facts.calls:
            if call.callee.split("(", 1)[0] in constructors:
                out.setdefault(path, set()).add(call.scope)
    return out


def _reads(
    path: str, assignments: list[Assignment], patterns: tuple[tuple[re.Pattern[str], str], ...]
) -> list[StartupRead]:
    counts = Counter((assignment.scope, assignment.target) for assignment in assignments)
    out = []
    for assignment in assignments:
        if counts[(assignment.scope, assignment.target)] > 1:
            continue
        if assignment.text.startswith("return"):  # what a function returns, when it is called
            continue
        _target, _equals, right = assignment.text.partition("=")
        for pattern, label in patterns:
            found = pattern.search(right)
            if found is None:
                continue
            variable = found.group(2)
            evaluated = _evaluated(right, found.start())
            if evaluated if evaluated is not None else variable in assignment.value.env:
                out.append(StartupRead(variable, path, assignment.line, assignment.text, label))
                break
    return out


def _evaluated(right: str, at: int) -> bool | None:
    """Whether the read at `at` of an assignment's value runs whenever the assignment does: the value itself
    or an argument of a call (`TokenService(os.environ["JWT_SECRET"])`) does; one in a string, a lambda, a
    conditional expression or after `and`/`or` may not, so it is not taken. None: the text (shortened to
    one line) does not tokenize, nothing is decided."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(right.strip()).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    words = {token.string for token in tokens if token.type == tokenize.NAME}
    if words & {"lambda", "if", "else", "and", "or", "for"}:
        return False
    offset = len(right) - len(right.lstrip())
    return not any(
        token.type == tokenize.STRING and token.start[1] + offset <= at < token.end[1] + offset
        for token in tokens
        if token.start[0] == 1
    )
