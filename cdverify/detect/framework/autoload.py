"""@fastify/autoload: the plugin files a folder-loading plugin registers, and the prefix each takes
(its options, the folder path, the plugin's own `autoPrefix` / `prefixOverride`); the option names,
defaults and file patterns are in rules/frameworks.toml ([autoload])."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from functools import cache

from cdverify.detect.framework.catalogue import autoload_rules, specs
from cdverify.detect.framework.objects import Key, Objects
from cdverify.detect.framework.values import UNKNOWN_PREFIX, first_string
from cdverify.model import CallFact, Family, FileFacts, Scope, Value
from cdverify.rules_schema import Flag


def autoloaded(objects: Objects) -> dict[str, tuple[Key | None, str, bool]]:
    """Plugin file → (the object autoload registers it on, its prefix, whether Fastify applies it).

    @fastify/autoload registers every script under `dir` (only `index.*` in a folder that has one;
    not `autohooks.*`) with prefix `options.prefix` + the folder path (`routes/users/_id/x.js` →
    `/users/_id`, `/users/:id` with `routeParams`; none with `dirNameRoutePrefix: false`), unless
    the plugin sets `autoPrefix` (instead of the folder path) or `prefixOverride` (instead of
    everything). Fastify ignores the prefix of a plugin wrapped in fastify-plugin (or loaded with
    `encapsulate: false`). The prefixes known are kept in `objects.options` (what plugins read as
    `opts.prefix`)."""
    rules = autoload_rules()
    out: dict[str, tuple[Key | None, str, bool]] = {}
    for load in objects.autoloads:
        folder = _folder(load.file, load.options.get(rules.dir))
        if folder is None:
            continue
        option = load.options.get(f"{rules.options}.{rules.prefix}")
        given = objects.values.string(option, (load.file, load.line)) if option is not None else None
        if option is not None and given is None:
            given = UNKNOWN_PREFIX
        elif option is None and rules.options in load.options:  # `options: config`
            given = _options_prefix(objects, load.options[rules.options])
        # the plugins' `opts.prefix` is unknown when their options are an object not traced
        told = given is not None or rules.options not in load.options
        head = (given or "").rstrip("/")
        folder_names = _flag(load.options, rules.folder_names)
        params = _flag(load.options, rules.route_params)
        encapsulate = _flag(load.options, rules.encapsulate)
        holder = objects.holder(load.file, *load.holder)
        for path in _plugins(objects, folder):
            parts = path[len(folder) + 1 :].split("/")[:-1]
            folder_prefix = "/" + "/".join(parts) if parts and folder_names else ("/" if parts else "")
            own = _plugin_setting(objects.facts[path], rules.plugin_prefix)
            override = _plugin_setting(objects.facts[path], rules.plugin_override)
            if override is not None:
                prefix = override
            else:
                prefix = head + re.sub(r"/+", "/", own or folder_prefix) if (own or folder_prefix) else head
            if params:
                prefix = prefix.replace("__", ":") if "__" in prefix else prefix.replace("/_", "/:")
            wrapped = any(
                value.startswith(wrapper)
                for name, value in objects.facts[path].exports
                if name == "default"
                for wrapper in load.spec.plugin_wrappers
            )
            out.setdefault(path, (holder, prefix, encapsulate and not wrapped))
            if told and UNKNOWN_PREFIX not in prefix:
                objects.options.setdefault(path, prefix)
    return out


def loaders(objects: Objects) -> dict[str, frozenset[str]]:
    """File registering @fastify/autoload → the plugin files it loads (as an import would bring them in)."""
    out: dict[str, set[str]] = {}
    for load in objects.autoloads:
        folder = _folder(load.file, load.options.get(autoload_rules().dir))
        if folder is not None:
            out.setdefault(load.file, set()).update(p for p in _plugins(objects, folder) if p != load.file)
    return {path: frozenset(files) for path, files in out.items() if files}


def _options_prefix(objects: Objects, value: Value) -> str | None:
    """`options: config` with `config = { prefix: … }` assigned in the application: its prefix, or
    UNKNOWN_PREFIX when it is computed."""
    wanted = {f"{name}.{autoload_rules().prefix}" for name in value.names}
    for path, file_facts in objects.facts.items():
        if objects.scopes.get(path) is Scope.APPLICATION:
            for assignment in file_facts.assignments:
                if assignment.target in wanted:
                    return objects.values.string(assignment.value, (path, assignment.line)) or UNKNOWN_PREFIX
    return None


@cache
def _hooks() -> re.Pattern[str]:
    return re.compile(autoload_rules().hooks, re.I)


def autoload_modules() -> frozenset[str]:
    """The modules of the folder-loading plugins (@fastify/autoload), for a call's first argument."""
    return frozenset(module for spec in specs() if spec.autoload for module in spec.autoload)


def autoloaded_files(path: str, call: CallFact, paths: Iterable[str]) -> list[str]:
    """The files of `paths` an autoload registration in the file at `path` loads (`fastify.register(AutoLoad,
    { dir: path.join(__dirname, 'plugins') })`), read from the call alone; [] when it names no folder."""
    folder = _folder(path, call.kwarg(autoload_rules().dir))
    return [p for p in _in_folder(paths, folder) if p != path] if folder is not None else []


def loaded_folders(facts: Mapping[str, FileFacts], paths: Iterable[str]) -> dict[str, list[str]]:
    """File → the project files (`paths`, of any scope) that an @fastify/autoload registration of its own
    loads, read from its calls alone (`fastify.register(AutoLoad, { dir: path.join(__dirname, 'routes') })`),
    before any framework is detected: a scaffold's `routes/example/` plugin is served as the others are."""
    modules = [(module, spec.mounts) for spec in specs() if spec.autoload for module in spec.autoload]
    names = frozenset(module for module, _mounts in modules)
    candidates: list[str] | None = None
    out: dict[str, list[str]] = {}
    for path, file_facts in facts.items():
        if file_facts.language.family != Family.NODE or not any(
            fact.specifier in names for fact in file_facts.imports
        ):
            continue  # only a file importing the plugin registers it
        for call in file_facts.calls:
            method = call.callee.rpartition(".")[2]
            if not call.args or not any(
                method in mounts and (ref == module or ref.startswith(module + "."))
                for ref in call.args[0].calls
                for module, mounts in modules
            ):
                continue
            folder = _folder(path, call.kwarg(autoload_rules().dir))
            if folder is not None:
                candidates = list(paths) if candidates is None else candidates
                out.setdefault(path, []).extend(p for p in _in_folder(candidates, folder) if p != path)
    return out


def _plugins(objects: Objects, folder: str) -> list[str]:
    """The application files @fastify/autoload loads from a folder, with its default patterns."""
    return _in_folder((p for p in objects.facts if objects.scopes.get(p) is Scope.APPLICATION), folder)


def _in_folder(paths: Iterable[str], folder: str) -> list[str]:
    """The files of `paths` @fastify/autoload loads from a folder, with its default patterns."""
    rules = autoload_rules()
    inside = [
        path
        for path in paths
        if path.startswith(folder + "/") and path.endswith(rules.scripts) and not path.endswith(rules.skipped)
    ]

    def index(path: str) -> bool:
        return posixpath.basename(path).split(".")[0] == rules.index

    with_index = {posixpath.dirname(p) for p in inside if index(p)}
    return [
        path
        for path in inside
        if not _hooks().match(posixpath.basename(path))
        and (posixpath.dirname(path) not in with_index or index(path))
    ]


def _folder(importer: str, value: Value | None) -> str | None:
    """The project folder an autoload `dir` names: `path.join(__dirname, "routes")` is next to the file,
    `"src/routes"` (or `path.resolve("src/routes")`) is under the working directory, the project root."""
    if value is None:
        return None
    for written in (*value.paths, *value.strings):
        if not isinstance(written, str) or written.startswith("/"):  # computed, or absolute
            continue
        if written.startswith("./") and written in value.paths:
            written = posixpath.join(posixpath.dirname(importer), written)
        folder = posixpath.normpath(written)
        if not folder.startswith(".."):
            return folder
    return None


def _flag(options: dict[str, Value], flag: Flag) -> bool:
    """An autoload option written `true` / `false`; a function or a variable keeps the default."""
    value = options.get(flag.option)
    if value is None or value.text not in ("true", "false"):
        return flag.default
    return value.text == "true"


def _plugin_setting(file_facts: FileFacts, name: str) -> str | None:
    """`module.exports.autoPrefix = "/x"` / `export const autoPrefix = "/x"` of a plugin file."""
    for assignment in file_facts.assignments:
        if assignment.key == name and not assignment.scope:
            return first_string([assignment.value])
    return None
