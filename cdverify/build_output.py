"""Build output the project's own build configuration names (rules/scopes.toml `[build_output]`).

Discovery skips build output by folder name (`dist`, `build`, `out`, …). A project whose compiler or
bundler writes elsewhere — `outDir: "api"` in tsup.config.ts, `"outDir": "lib"` in tsconfig.json, vite's
`build.outDir`, rollup's `output.dir`, webpack's `output.path`, esbuild's `outdir`, `babel src --out-dir lib`
in a package.json script — and commits what it wrote would have its compiled copy of the application analysed
as application code: its routes, connections, drivers and layers counted twice. Once the files are parsed, the
folders (or single files) so named are placed in the `generated` scope: listed, not analysed.

The configuration is read as data, never run: JSON files as JSON with comments, package.json scripts as words,
and configuration written as code from its parsed facts (the literal options of its calls and of the object it
exports). A folder is left out only when that is safe: it lies inside the project, is neither the
configuration's folder nor a folder above it, holds none of the sources the configuration names (`rootDir`,
`include`, `entry`, … and the folder's own `src/`), no TypeScript source other than declaration files and no
tsconfig/jsconfig, and the sources it is built from are in the project (some parsed source file under the
configuration's folder, outside it). A file a user's `[scopes]` glob places keeps its scope.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from fnmatch import fnmatch, translate
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from cdverify.catalog import load_rules
from cdverify.config import Config
from cdverify.files import NotReadable, read_regular
from cdverify.model import BuildOutput, Family, FileFacts, Scope, SourceFile, Value
from cdverify.package_scripts import script_words
from cdverify.rules_schema import Scopes
from cdverify.rules_schema.scopes import BuildOutputRules, CodeBuild, CommandBuild
from cdverify.test_code import placed_by_user

if TYPE_CHECKING:
    from cdverify.discover import Project

_MAX_CONFIG_BYTES = 1_048_576
# the scopes whose files a build output folder takes out of the analysis (the parsed ones)
_MOVED = frozenset({Scope.APPLICATION, Scope.TEST, Scope.MIGRATION, Scope.SCRIPT, Scope.CONFIG})


class _Named(NamedTuple):
    """An output a configuration names, before the safety checks."""

    path: str | None  # the project path written, None when it is not followed (see `_join`)
    is_file: bool
    base: str  # the folder the build runs in (relative paths are relative to it)
    sources: tuple[str, ...]  # the configuration's sources, project paths
    output: BuildOutput  # with `path` as the configuration writes it


def with_build_output(project: Project, facts: Mapping[str, FileFacts], config: Config) -> Project:
    """`project`, where the parsed files inside a folder (or the file) the project's build configuration names
    as its output are `generated`, and `built` says which configuration named each."""
    rules = load_rules(Scopes).build_output
    found = [
        output
        for named in _named(project, facts, rules)
        if (output := _checked(named, project, rules)) is not None
    ]
    if not found:
        return project
    placed = placed_by_user(config)
    outputs: dict[str, BuildOutput] = {}
    for output in found:
        outputs.setdefault(output.path, output)
    moved: set[str] = set()
    used: dict[str, BuildOutput] = {}
    for source in project.sources:
        if source.scope not in _MOVED or placed(source.path):
            continue
        output = next((o for path, o in outputs.items() if _inside(source.path, path)), None)
        if output is not None:
            moved.add(source.path)
            used.setdefault(output.path, output)
    if not moved:
        return project
    files = tuple(f._replace(scope=Scope.GENERATED) if f.path in moved else f for f in project.files)
    return replace(project, files=files, built=tuple(sorted(used.values())))


def _inside(path: str, output: str) -> bool:
    return path == output or path.startswith(output + "/")


def _checked(named: _Named, project: Project, rules: BuildOutputRules) -> BuildOutput | None:
    """The output with its project path, when leaving it out is safe (see the module's docstring)."""
    path = named.path
    if path is None or path == ".":
        return None  # not followed, or the project's root
    config_dir = posixpath.dirname(named.output.config)
    if _inside(config_dir, path) or _inside(named.base, path):
        return None  # the configuration's folder or one above it
    own_sources = (*named.sources, posixpath.join(named.base, "src"))
    if any(_inside(source, path) for source in own_sources):
        return None  # a source root
    inside = [f for f in project.files if _inside(f.path, path)]
    if not inside:
        return None
    for f in inside:
        name = f.path.rsplit("/", 1)[-1]
        if any(fnmatch(name, root) for root in rules.roots):
            return None  # a project of its own
        if name.endswith(tuple(rules.typescript)) and not name.endswith(tuple(rules.declarations)):
            return None  # TypeScript sources: compiled, not written
    if named.is_file and len(inside) != 1:
        return None
    under = config_dir + "/" if config_dir else ""
    if not any(
        f.language is not None
        and f.scope in _MOVED
        and f.path.startswith(under)
        and not _inside(f.path, path)
        for f in project.files
    ):
        return None  # what it is built from is not in the project: the committed copy is all there is
    return named.output._replace(path=path, line=_key_line(project, named.output))


def _key_line(project: Project, output: BuildOutput) -> int:
    """The line of the option's key at or after the line of the call or statement that holds it (a call's
    options carry the call's line: `defineConfig({` three lines above `outDir: "api"`)."""
    if output.config.rsplit("/", 1)[-1] == "package.json" or output.config.endswith(".json"):
        return output.line
    content = _read(project, output.config)
    if content is None:
        return output.line
    key = re.escape(output.setting.rsplit(".", 1)[-1])
    start = sum(len(row) for row in content.splitlines(keepends=True)[: output.line - 1])
    found = re.compile(rf"(?<![\w$])[\"']?{key}[\"']?\s*:").search(content, start)
    return content.count("\n", 0, found.start()) + 1 if found else output.line


def _named(project: Project, facts: Mapping[str, FileFacts], rules: BuildOutputRules) -> Iterator[_Named]:
    """Every output the configuration files of the project name."""
    json_files = [(_matcher(entry.files), entry) for entry in rules.json]
    for source in project.files:
        name = source.path.rsplit("/", 1)[-1]
        if name == "package.json":
            yield from _script_outputs(project, source, rules)
        for matches, entry in json_files:
            if matches(name):
                yield from _json_outputs(project, source, entry.folder, entry.sources, entry.no_output)
    code_files = [(_matcher(code.files), code) for code in rules.code]
    for path, file_facts in facts.items():
        if file_facts.language.family is not Family.NODE:
            continue
        name = path.rsplit("/", 1)[-1]
        for matches, code in code_files:
            if matches(name):
                options = _module_options(file_facts)
            elif code.calls and _imports_module_of(file_facts, code.calls):
                options = _call_options(file_facts, code.calls)
            else:
                continue
            yield from _code_outputs(path, file_facts, code, options, _package_folder(path, project.paths))


@cache
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """One compiled test of a file name against the globs (`fnmatch`'s, case-sensitive)."""
    if not patterns:
        return lambda _name: False
    match = re.compile("|".join(translate(pattern) for pattern in patterns)).match
    return lambda name: match(name) is not None


def _package_folder(path: str, paths: frozenset[str]) -> str:
    """The folder of the nearest package.json at or above the file's (where npm runs its scripts), else the
    file's own folder."""
    folder = here = posixpath.dirname(path)
    while True:
        if posixpath.join(folder, "package.json") in paths:
            return folder
        if not folder:
            return here
        folder = posixpath.dirname(folder)


def _read(project: Project, path: str) -> str | None:
    try:
        return read_regular(project.root / path, _MAX_CONFIG_BYTES, follow_symlinks=False).decode()
    except (NotReadable, UnicodeDecodeError):
        return None  # the manifest reader and the resolver report what is wrong with it


def _line(content: str, needle: str) -> int:
    found = content.find(needle)
    return content.count("\n", 0, found) + 1 if found >= 0 else 1


def _json_outputs(
    project: Project,
    source: SourceFile,
    folder: Iterable[str],
    sources: Iterable[str],
    no_output: Iterable[str],
) -> Iterator[_Named]:
    """tsconfig.json's `compilerOptions.outDir` (comments and trailing commas allowed, as tsc reads it)."""
    keys = tuple(folder)
    content = _read(project, source.path)
    if content is None or not any(f'"{key.rsplit(".", 1)[-1]}"' in content for key in keys):
        return  # no output key written: not parsed
    import json5

    try:
        data = json5.loads(content)
    except (ValueError, RecursionError):
        return
    if not isinstance(data, dict) or any(_get(data, key) is True for key in no_output):
        return
    base = posixpath.dirname(source.path)
    roots = tuple(
        _folder_of(posixpath.join(base, written))
        for key in sources
        for written in _strings(_get(data, key))
        if not written.startswith(("/", "$"))
    )
    for key in keys:
        value = _get(data, key)
        if isinstance(value, str):
            line = _line(content, f'"{key.rsplit(".", 1)[-1]}"')
            yield _Named(_join(base, value), False, base, roots, BuildOutput(value, source.path, line, key))


def _join(base: str, written: str) -> str | None:
    """`written` relative to `base` as a normalised project path; None for an absolute path, a variable, a
    Windows path, a glob, or a path outside the project."""
    written = written.strip()
    if not written or written.startswith(("/", "~", "$")) or "\\" in written or "*" in written:
        return None
    path = posixpath.normpath(posixpath.join(base, written))
    return None if path == ".." or path.startswith("../") else path


def _get(data: object, key: str) -> object:
    for part in key.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _folder_of(pattern: str) -> str:
    """The folder part of an `include` glob before its first wildcard (`src/**/*` → `src`)."""
    parts = []
    for part in posixpath.normpath(pattern).split("/"):
        if any(c in part for c in "*?["):
            break
        parts.append(part)
    return "/".join(parts) or "."


def _script_outputs(project: Project, source: SourceFile, rules: BuildOutputRules) -> Iterator[_Named]:
    """The output options of the build tools package.json scripts run (`tsc --outDir lib`)."""
    content = _read(project, source.path)
    if content is None:
        return
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        return
    scripts = data.get("scripts") if isinstance(data, dict) else None
    if not isinstance(scripts, dict):
        return
    base = posixpath.dirname(source.path)
    for command in scripts.values():
        if not isinstance(command, str):
            continue
        for words in script_words(command):
            words = [posixpath.basename(words[0]), *words[1:]]  # `./node_modules/.bin/tsc`
            for launcher in rules.launchers:
                if tuple(words[: len(launcher)]) == launcher:
                    words = words[len(launcher) :]
                    break
            tool = next((t for t in rules.commands if tuple(words[: len(t.words)]) == t.words), None)
            if tool is not None:
                yield from _tool_outputs(tool, words[len(tool.words) :], base, source.path, content)


def _tool_outputs(
    tool: CommandBuild, words: list[str], base: str, package: str, content: str
) -> Iterator[_Named]:
    named: list[tuple[str, str, bool]] = []  # (option, value, is_file)
    sources: list[str] = []
    valued = {*tool.folder, *tool.file, *tool.sources}
    index = 0
    while index < len(words):
        word = words[index]
        option, equals, attached = word.partition("=")
        if option in valued:
            if equals:
                value = attached
            elif index + 1 < len(words):
                index += 1
                value = words[index]
            else:
                break
            if option in tool.sources:
                sources.append(value)
            else:
                named.append((option, value, option in tool.file))
        elif not word.startswith("-"):
            sources.append(word)  # `babel src --out-dir lib`: the command's inputs
        index += 1
    roots = tuple(
        _folder_of(posixpath.join(base, s)) for s in sources if not s.startswith(("/", "$")) and s != "."
    )
    for option, value, is_file in named:
        line = _line(content, option)
        output = BuildOutput(value, package, line, option)
        yield _Named(_join(base, value), is_file, base, roots, output)


# -- configuration written as code -----------------------------------------------------------------------

_Option = tuple[str, Value, int]  # (dotted key, value, line)


def _module_options(facts: FileFacts) -> list[_Option]:
    """The options a configuration module gives: its module-level calls' object arguments
    (`defineConfig({ outDir: "api" })`) and the entries of the object it exports (`export default { … }`,
    `module.exports = { … }`, `const config = { … }; export default config`)."""
    exported = {variable for _name, variable in facts.aliases}
    out: list[_Option] = [
        (key, value, call.line) for call in facts.calls if not call.scope for key, value in call.kwargs
    ]
    for assignment in facts.assignments:
        if assignment.scope:
            continue
        for prefix in ("module.exports.", "exports.default.", *(f"{v}." for v in exported)):
            if assignment.target.startswith(prefix):
                out.append((assignment.target[len(prefix) :], assignment.value, assignment.line))
                break
    return out


def _call_options(facts: FileFacts, calls: Iterable[str]) -> list[_Option]:
    wanted = frozenset(calls)
    return [
        (key, value, call.line) for call in facts.calls if call.callee in wanted for key, value in call.kwargs
    ]


def _imports_module_of(facts: FileFacts, calls: Iterable[str]) -> bool:
    modules = {call.split(".", 1)[0] for call in calls}
    return any(fact.specifier in modules for fact in facts.imports)


def _code_outputs(
    path: str, facts: FileFacts, code: CodeBuild, options: list[_Option], cwd: str
) -> Iterator[_Named]:
    """The outputs a configuration module's options name. A literal path is relative to `cwd`, the folder
    the build runs in (the package's, where its package.json is); `path.resolve(__dirname, "api")` to the
    file's."""
    if not options:
        return
    names = {a.target: a.value for a in facts.assignments if not a.scope and "." not in a.target}
    here = posixpath.dirname(path)
    base = cwd
    if code.root:
        roots = [
            p for key, value, _line in options if key == code.root for p in _paths(value, names, here, cwd)
        ]
        if len(roots) > 1 or None in roots:
            return  # more than one root, or one not followed
        base = next((root for root in roots if root is not None), base)
    sources = tuple(
        _folder_of(source)
        for key, value, _line in options
        if any(key == s or key.startswith(s + ".") for s in code.sources)
        for source in _paths(value, names, here, base)
        if source is not None
    )
    for key, value, line in options:
        is_file = key in code.file
        if is_file or key in code.folder:
            for joined, written in zip(_paths(value, names, here, base), _written(value, names), strict=True):
                yield _Named(joined, is_file, base, sources, BuildOutput(written, path, line, key))


def _values(value: Value, names: Mapping[str, Value]) -> Value:
    """The value, or that of the module-level variable it names (`output: { path: outDir }`)."""
    if value.literals or any(isinstance(p, str) for p in value.paths):
        return value
    return next((names[name] for name in value.names if name in names), value)


def _written(value: Value, names: Mapping[str, Value]) -> list[str]:
    value = _values(value, names)
    return [*value.literals, *(p for p in value.paths if isinstance(p, str))]


def _paths(value: Value, names: Mapping[str, Value], here: str, cwd: str) -> list[str | None]:
    """The project paths a value may be: its literal strings, relative to `cwd`, and the paths
    `path.resolve(__dirname, "api")` builds (`./api`, relative to the file's folder `here`)."""
    value = _values(value, names)
    literal = [_join(cwd, written) for written in value.literals]
    built = [
        _join(here, p[2:]) if p.startswith("./") else _join(cwd, p) for p in value.paths if isinstance(p, str)
    ]
    return [*literal, *built]
