"""Gets at start-up of a node-config key only an unset variable gives (rules/database/connections.toml
`config_getters`): node-config's `config.get("jwtPrivateKey")` throws ("Configuration property
"jwtPrivateKey" is not defined") where the merged configuration holds no value for the key, and a key that
config/custom-environment-variables.json alone gives (`{"jwtPrivateKey": "APP_JWT_KEY"}`) holds none while
that variable is unset (node-config sets a mapped key only from a variable that is set and not empty). Made
as the application starts, the get stops it there, before any engine is reached: the shape of the
`require("./startup/config")()` start-up module, whose exported function checks
`if (!config.get("jwtPrivateKey")) throw …` (the get throws first).

The files merged are those the package reads from the `config` folder beside the package.json that declares
it (the harness starts the application there): `default`, the environment's (`development` where
$NODE_CONFIG_ENV and $NODE_ENV are unset, as in the paper's harness) and `local` ones; where the project
sets either variable itself (a start script, the run script, an env file, an assignment in code), every
environment's file may be read and counts. A key any of those files defines (a value, an object, a list,
`null`) holds: nothing is claimed. Nothing is claimed either where cdverify cannot know the merged keys: a
loaded file in a format it does not read (`default.js`, `.toml`, …) or one it cannot parse, values given
another way ($NODE_CONFIG, $NODE_CONFIG_DIR set by the project, `config.util.setModuleDefaults(…)` in code),
`config` resolving to a project module, or a key mapped to several variables (any one of them defines it).

A get counts where it surely runs at start-up (`FileFacts.sure_gets`: under no `if` branch, in no loop or
`try` that carries on, not after `&&` / `||` / `??`, so a `config.has(key)` guard spares it): at module level
of a module run at start-up (stops.py `started_modules`), or in a function run then — one the module calls by
itself (`main()`, `init()`: jsonschemas.py `started_functions`, with what those surely call), or the default
export of a project module called as it is required (`require("./startup/config")()`). A get in a route
handler, or in a function nothing runs at start-up, claims nothing. An `async` function counts too: its
throw rejects the promise the start-up call drops, which ends the process (Node's default for an unhandled
rejection), and a `catch` on it still skips what the function does after the get. Whether the variable is
set where the application runs (the project's `.env`, the run script) is the harness's to say
(`StartupStop.stops`)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cdverify.catalog import load_rules
from cdverify.detect.database.jsonschemas import started_functions
from cdverify.detect.database.plugin_stops import called_functions
from cdverify.detect.database.report import StartupStop
from cdverify.files import NotReadable, list_dir, read_regular
from cdverify.model import CallFact, Family, FileFacts, Scope
from cdverify.node_config import Unreadable, load_json_or_yaml
from cdverify.rules_schema import ConfigGetter, Connections, Reader

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph


_LIMIT = 1 << 20  # the largest configuration file read


class _Folder:
    """One configuration folder: the keys its loaded files define (key → whether the value is an object) and
    the variables its mapping file maps keys to; `known` False where a loaded file cannot be read."""

    def __init__(self, base: str, mapped: dict[str, str], mapping: str) -> None:
        self.base = base  # the package's folder ("" at the root)
        self.mapped = mapped
        self.mapping = mapping  # the mapping file (`config/custom-environment-variables.json`)
        self.defined: dict[str, bool] = {}
        self.known = True


def unset_config_gets(
    found: Collection, graph: ImportGraph, root: Path, started: Callable[[], set[str]]
) -> list[StartupStop]:
    """The gets made at start-up of a key only an unset variable gives, each with its variable."""
    out: list[StartupStop] = []
    for getter in load_rules(Connections).config_getters:
        folders = _folders(found, getter, root)
        if folders and not _overridden(found, getter):
            out += _gets(found, graph, started(), getter, folders)
    return out


def _folders(found: Collection, getter: ConfigGetter, root: Path) -> dict[str, _Folder]:
    """The package folder → its configuration folder, for folders whose mapping file maps a key, beside a
    package.json declaring the package."""
    declaring = {
        posixpath.dirname(dep.file)
        for dep in found.manifests.dependencies
        if dep.ecosystem is Family.NODE and dep.name == getter.package
    }
    mapped: dict[str, dict[str, str]] = {}
    files: dict[str, str] = {}
    for setting in found.manifests.settings:
        folder = posixpath.dirname(setting.file)
        base = posixpath.dirname(folder)
        stem = posixpath.basename(setting.file).rpartition(".")[0]
        if (
            setting.source is Reader.NODE_CONFIG
            and setting.env_var
            and stem == getter.mapping
            and posixpath.basename(folder) == getter.folder
            and base in declaring
        ):
            mapped.setdefault(base, {})[setting.key] = setting.env_var
            files.setdefault(base, setting.file)
    out: dict[str, _Folder] = {}
    stems = _loaded_stems(found, getter)
    for base, keys in mapped.items():
        read = _Folder(base, keys, files[base])
        _read(read, root / base / getter.folder if base else root / getter.folder, getter, stems)
        if read.known:
            out[base] = read
    return out


def _loaded_stems(found: Collection, getter: ConfigGetter) -> frozenset[str] | None:
    """The file stems merged where the application runs, None where the project names its environment
    itself (then any environment's file may be)."""
    if _sets(found, getter.environment):
        return None
    env = getter.unset_environment
    return frozenset(stem.replace("{env}", env) for stem in getter.loaded)


def _sets(found: Collection, variables: Iterable[str]) -> bool:
    """Whether the project sets one of `variables` itself: an env file, Compose or the run script, a package
    script, or an assignment to `process.env` in run-time code."""
    names = set(variables)
    if names & set(found.values.env):
        return True
    if any(name in command for command in found.manifests.commands() for name in names):
        return True
    return any(
        assignment.key in names and "process.env" in assignment.text.partition("=")[0]
        for facts in found.runtime_facts().values()
        for assignment in facts.assignments
    )


def _overridden(found: Collection, getter: ConfigGetter) -> bool:
    """Whether the project may give values another way: $NODE_CONFIG / $NODE_CONFIG_DIR set, or a setter
    called in code (`config.util.setModuleDefaults(…)`)."""
    if _sets(found, getter.overrides):
        return True
    prefixes = tuple(getter.code_setters)
    return any(
        call.callee.startswith(prefixes) for facts in found.runtime_facts().values() for call in facts.calls
    )


def _read(folder: _Folder, where: Path, getter: ConfigGetter, stems: frozenset[str] | None) -> None:
    """The keys the folder's loaded files define (`stems`; None: every file but the tests' and the
    mapping)."""
    try:
        names = sorted(list_dir(where))
    except OSError:
        folder.known = False
        return
    for name in names:
        stem, _, extension = name.rpartition(".")
        if extension not in getter.formats or stem == getter.mapping:
            continue
        if stems is not None and stem not in stems:
            continue
        if stems is None and (stem == "test" or stem.startswith(("test-", "test."))):
            continue
        try:
            content = read_regular(where / name, _LIMIT).decode("utf-8-sig")
        except (NotReadable, UnicodeDecodeError):
            content = None
        known = content is not None and extension in getter.read_formats
        data = load_json_or_yaml(content, extension) if known and content is not None else None
        if data is None or isinstance(data, Unreadable):
            folder.known = False  # `default.js`, `production.toml`, or a file that cannot be read
            return
        _defined(data, "", folder.defined)


def _defined(data: Any, prefix: str, out: dict[str, bool], depth: int = 0) -> None:
    """Every dotted path of nested objects (objects, values, lists and `null` alike) → whether an object."""
    if depth > 16 or not isinstance(data, dict):
        return
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out[path] = out.get(path, False) or isinstance(value, dict)
        _defined(value, path, out, depth + 1)


def _variable(folder: _Folder, key: str) -> str | None:
    """The one variable that alone gives `key` a value (mapped to it, or to its only mapped entry below it),
    where no loaded file defines it; None where the key may hold a value otherwise."""
    if key in folder.defined:
        return None
    parts = key.split(".")
    if any(not folder.defined.get(".".join(parts[:n]), True) for n in range(1, len(parts))):
        return None  # below a value that is no object (a list, a string): left to run time
    below = {name for mapped, name in folder.mapped.items() if mapped == key or mapped.startswith(f"{key}.")}
    return next(iter(below)) if len(below) == 1 else None


def _gets(
    found: Collection,
    graph: ImportGraph,
    started: set[str],
    getter: ConfigGetter,
    folders: Mapping[str, _Folder],
) -> list[StartupStop]:
    """The gets of a key only an unset variable gives, made at start-up in application code."""
    calls = frozenset(getter.calls)
    running = _running(found.facts, started, graph)
    out = []
    for path in sorted(found.facts):
        facts = found.facts[path]
        if found.scope_of(path) is not Scope.APPLICATION or not facts.sure_gets:
            continue
        folder = _folder_of(path, folders)
        if folder is None or not _package_import(path, getter, graph):
            continue
        sure = set(facts.sure_gets)
        functions = running.get(path, set())
        for call in facts.calls:
            if call.callee not in calls or (call.line, call.col) not in sure or not call.args:
                continue
            if not (_runs_in(call.scope, functions) if call.scope else path in started):
                continue
            key = call.args[0].literals[0] if call.args[0].literals else ""
            variable = _variable(folder, key) if isinstance(key, str) and key else None
            if variable is not None:
                out.append(_stop(path, call, key, variable, folder, getter))
    return out


def _folder_of(path: str, folders: Mapping[str, _Folder]) -> _Folder | None:
    """The configuration folder of the package holding `path` (the nearest package folder above it)."""
    inside = [base for base in folders if not base or path.startswith(f"{base}/")]
    return folders[max(inside, key=len)] if inside else None


def _package_import(path: str, getter: ConfigGetter, graph: ImportGraph) -> bool:
    """Whether the file imports the package itself, not a project module the name resolves to."""
    return any(
        edge.fact.specifier == getter.package and edge.target is None for edge in graph.imports_of(path)
    )


def _stop(
    path: str, call: CallFact, key: str, variable: str, folder: _Folder, getter: ConfigGetter
) -> StartupStop:
    where = posixpath.join(folder.base, getter.folder)
    reason = (
        f'throws when ${variable} is unset: {folder.mapping} maps "{key}" to that variable and no '
        f"{getter.label} file gives the key a value, so the get finds it undefined"
    )
    fix = (
        f'give "{key}" a value in {where}/default.json, or set ${variable} in a `.env` file the application '
        f"loads before it requires {getter.package}, so that {call.text} finds it as the application starts"
    )
    return StartupStop(path, call.line, call.text, (variable,), reason, fix)


def _running(facts: Mapping[str, FileFacts], started: set[str], graph: ImportGraph) -> dict[str, set[str]]:
    """File → the functions run at start-up (jsonschemas.py `started_functions`), with the default export of
    a project module a started module calls as it requires it (`require("./startup/config")()`) and what
    those functions surely call by name (plugin_stops.py `called_functions`), transitively."""
    running = started_functions(facts, started, graph)
    for path in sorted(started):
        for target, function in _required_calls(path, facts, graph):
            running.setdefault(target, set()).add(function)
    starts = [
        (path, function)
        for path, functions in running.items()
        if path in facts and facts[path].language.family == Family.NODE
        for function in sorted(functions)
    ]
    for path, function in called_functions(starts, facts, graph):
        running.setdefault(path, set()).add(function)
    return running


def _required_calls(path: str, facts: Mapping[str, FileFacts], graph: ImportGraph) -> list[tuple[str, str]]:
    """(file, function) of each project module's default export a module calls at module level as it requires
    it, under no `if` (`require("./startup/config")()`, `require("./startup/routes")(app)`)."""
    file_facts = facts.get(path)
    if file_facts is None:
        return []
    out = []
    for edge in graph.imports_of(path):
        target = edge.target
        if target is None or target not in facts or edge.fact.in_function or not edge.runtime:
            continue
        called = any(
            call.callee == edge.fact.specifier
            and call.line == edge.fact.line
            and call.guard is None
            and not call.scope
            and call.text.startswith(edge.fact.text)
            and call.text != edge.fact.text
            for call in file_facts.calls
        )
        function = _default_function(facts[target])
        if called and function:
            out.append((target, function))
    return out


def _default_function(file_facts: FileFacts) -> str:
    aliases = dict(file_facts.aliases)
    return aliases.get("default", "") or file_facts.default_function


def _runs_in(scope: str, names: set[str]) -> bool:
    """Whether the function a scope names (`main@12`, `function@4`) is one of `names`, by name or scope."""
    return scope in names or scope.partition("@")[0] in names
