"""Resolve Node.js / TypeScript import specifiers to files of the project, statically.

The analysed project is never installed, so there is no `node_modules` to look into: a specifier lands
on a file of the project (INTERNAL), on a third-party package (EXTERNAL), on a Node built-in (STDLIB), or
it plainly means the project's own code but no file matches (UNRESOLVED).

A specifier is tried, in this order (TypeScript's order where the two runtimes differ,
because the code we verify is written against the type checker):

1. `node:` scheme → built-in; any other URL scheme (`https:`, `data:`) → external, package = scheme.
2. `./x`, `../x`, `.`, `..` → relative to the importer; an absolute path only when it lies inside the root.
3. tsconfig/jsconfig `paths` of the nearest config (exact pattern, else the longest-prefix wildcard).
4. `#name` → `imports` of the nearest package.json.
5. `baseUrl` of the nearest config, when a file matches. It wins over built-ins, as it does for `tsc`: with
   `baseUrl: "src"`, `import "domain/user"` means `src/domain/user.ts`, not Node's `domain` module.
6. Node built-ins (`fs`, `fs/promises`; the catalogue is `rules/node/builtins.toml`).
7. The importer's own package name (self-reference), then the project's local packages (workspaces).
8. Anything else bare → external, unless it had matched a `paths` alias or is alias-shaped (`@/x`, `~/x`).

Files are probed in TypeScript's order: the path as written with a TS source preferred over the emitted
JavaScript it names (`./user.js` → `user.ts`), then the path plus each extension, then the directory
(its package.json entry, then `index.*`). Workspace packages are rarely built, so a manifest entry such as
`./dist/index.js` that does not exist falls back to its source (`src/index.ts`).

Existence checks never touch the disk: they use the discovered file list. Each manifest is read once;
nearest-config lookups and results are cached per directory. A malformed manifest never raises: it is
treated as absent and reported in `NodeResolver.problems`.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import json5

from cdverify.catalog import load_rules
from cdverify.files import MAX_UNTRUSTED_BYTES, NotReadable, read_regular
from cdverify.model import Resolution, TargetKind
from cdverify.rules_schema import NodeBuiltins

# Probe order of TypeScript (sources, then declarations, then JavaScript), then what Node itself loads.
EXTENSIONS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json")

# TypeScript's ESM convention: the import names the emitted file, the project holds its source.
_SOURCES_OF_EMITTED = {
    ".js": (".ts", ".tsx", ".d.ts"),
    ".jsx": (".tsx",),
    ".mjs": (".mts", ".d.mts"),
    ".cjs": (".cts", ".d.cts"),
}
# A declaration file stands for the JavaScript emitted beside it; its source is found from there.
_EMITTED_OF_DECLARATION = {".d.ts": ".js", ".d.mts": ".mjs", ".d.cts": ".cjs"}

# Export conditions we follow, most preferred first; other conditions come after them, in written order.
_CONDITIONS = ("types", "import", "require", "node", "default")
# package.json fields naming a package's entry point, most preferred first.
_ENTRY_FIELDS = ("types", "typings", "module", "main")
# Output folders of a build, whose files do not exist in an unbuilt checkout, and the format sub-folders
# that builds often add below them (`dist/esm/index.js`).
_BUILD_DIRS = frozenset({"dist", "build", "lib", "out"})
_BUILD_FORMATS = frozenset({"esm", "cjs", "es", "mjs", "umd", "types"})

_CONFIG_NAMES = ("tsconfig.json", "jsconfig.json")
_MAX_EXTENDS = 32  # a tsconfig `extends` chain longer than this is cut (each link is one recursion)
_WORKSPACE_CONFIGS = frozenset({"pnpm-workspace.yaml", "lerna.json"})
_DEPENDENCY_FIELDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
# Dependency specs that point into the project itself rather than at a registry.
_LOCAL_PROTOCOLS = ("file:", "link:", "portal:", "workspace:")
_PATH_PROTOCOLS = ("file:", "link:", "portal:")

# Two letters at least, so that a Windows drive (`C:`) is not taken for a scheme.
_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]+):")

JsonObject = Mapping[str, object]


@dataclass(frozen=True)
class _PathAlias:
    """One `compilerOptions.paths` entry with its substitutions made project-relative."""

    pattern: str
    targets: tuple[str, ...]

    @property
    def is_catch_all(self) -> bool:
        """`"*"` (or every target inside node_modules) maps packages, not the project's own code: a miss
        there says nothing about the specifier being an alias."""
        return self.pattern == "*" or all("node_modules" in t.split("/") for t in self.targets)


@dataclass(frozen=True)
class _ModuleOptions:
    """What the nearest tsconfig/jsconfig (after `extends`) contributes to resolution."""

    base_url: str | None = None  # project-relative directory
    paths: tuple[_PathAlias, ...] = ()


_NO_OPTIONS = _ModuleOptions()


@dataclass(frozen=True)
class _Setting:
    """A compiler option's raw value and the directory of the config that set it: relative values in an
    extended config are relative to that config, not to the one extending it."""

    value: object
    config_dir: str


@dataclass(frozen=True)
class _RawOptions:
    base_url: _Setting | None = None
    paths: _Setting | None = None

    def overridden_by(self, other: _RawOptions) -> _RawOptions:
        return _RawOptions(
            base_url=other.base_url or self.base_url,
            paths=other.paths or self.paths,
        )


@dataclass(frozen=True)
class _Package:
    """A parsed package.json and the directory it governs."""

    dir: str
    data: JsonObject

    @property
    def name(self) -> str | None:
        name = self.data.get("name")
        return name if isinstance(name, str) and name else None

    def dependency_specs(self) -> Iterator[tuple[str, str]]:
        for field in _DEPENDENCY_FIELDS:
            deps = self.data.get(field)
            if isinstance(deps, dict):
                for name, spec in deps.items():
                    if isinstance(name, str) and isinstance(spec, str):
                        yield name, spec


@dataclass(frozen=True)
class _LocalPackage:
    """A package of the project that a bare specifier may name. `declared` is False for a package.json
    found in the tree that no workspace, `file:` or `link:` dependency wires up."""

    dir: str
    declared: bool


class NodeResolver:
    """Resolves import specifiers of one Node.js / TypeScript project, without node_modules.

    `root` is the absolute project root; `files` every discovered file (sources and manifests) as POSIX
    paths relative to it. Only those files are read, plus the targets of tsconfig `extends` inside the root.
    Problems met on the way (a malformed tsconfig, a cyclic `extends`) are collected in `problems` as
    `(path, message)` pairs for the caller to report.
    """

    def __init__(self, root: Path, files: Collection[str]) -> None:
        self.problems: list[tuple[str, str]] = []
        self._root = root
        self._files = frozenset(files)
        self._dirs = _parent_dirs(self._files)
        self._builtins = node_builtin_names()
        self._json: dict[str, object | None] = {}
        self._packages: dict[str, _Package | None] = {}
        self._nearest_packages: dict[str, _Package | None] = {}
        self._raw_configs: dict[str, _RawOptions | None] = {}
        self._nearest_options: dict[str, _ModuleOptions] = {}
        self._local: dict[str, _LocalPackage] | None = None
        self._results: dict[tuple[str, str], Resolution] = {}

    def resolve(self, importer: str, specifier: str) -> Resolution:
        """Where `specifier`, imported by the project file `importer`, lands."""
        directory = posixpath.dirname(importer)
        key = (directory, specifier)
        result = self._results.get(key)
        if result is None:
            result = self._resolve(directory, specifier)
            self._results[key] = result
        return result

    # --- the decision ------------------------------------------------------------------------------

    def _resolve(self, directory: str, specifier: str) -> Resolution:
        if specifier.startswith("node:"):
            return _builtin(specifier[len("node:") :])
        scheme = _URL_SCHEME.match(specifier)
        if scheme:
            return Resolution(TargetKind.EXTERNAL, package=scheme.group(1).lower(), via="external")
        cleaned = _strip_query(specifier)
        if not cleaned:
            return _unresolved(specifier, None)
        if _is_relative(cleaned):
            return self._resolve_relative(directory, cleaned, specifier)
        if cleaned.startswith("/"):
            return self._resolve_absolute(cleaned, specifier)
        return self._resolve_bare(directory, cleaned, specifier)

    def _resolve_relative(self, directory: str, cleaned: str, specifier: str) -> Resolution:
        found = self._resolve_path(_join(directory, cleaned))
        return _internal(found, "relative") if found else _unresolved(specifier, "relative")

    def _resolve_absolute(self, cleaned: str, specifier: str) -> Resolution:
        root = self._root.as_posix().rstrip("/") + "/"
        if cleaned.startswith(root):
            found = self._resolve_path(_join(cleaned[len(root) :]))
            if found:
                return _internal(found, "relative")
        return _unresolved(specifier, "relative")

    def _resolve_bare(self, directory: str, cleaned: str, specifier: str) -> Resolution:
        options = self._options_for(directory)
        alias_missed = False
        match = _match_path_alias(options.paths, cleaned)
        if match:
            alias, captured = match
            for target in alias.targets:
                found = self._resolve_path(_join(target.replace("*", captured)))
                if found:
                    return _internal(found, "tsconfig-paths")
            alias_missed = not alias.is_catch_all
        if cleaned.startswith("#"):
            return self._resolve_package_import(directory, cleaned, specifier)
        aliased = self._resolve_module_alias(directory, cleaned, specifier)
        if aliased:
            return aliased
        if options.base_url is not None:
            found = self._resolve_path(_join(options.base_url, cleaned))
            if found:
                return _internal(found, "tsconfig-baseurl")
        name, subpath = _split_package(cleaned)
        if name in self._builtins and not cleaned.endswith("/"):
            return _builtin(cleaned)
        local = self._resolve_local_package(directory, name, subpath, specifier)
        if local:
            return local
        if alias_missed or _looks_like_alias(cleaned):
            return _unresolved(specifier, "tsconfig-paths")
        return Resolution(TargetKind.EXTERNAL, package=name, via="external")

    def _resolve_module_alias(self, directory: str, cleaned: str, specifier: str) -> Resolution | None:
        """`_moduleAliases` of the nearest package.json that has them (the `module-alias` package):
        `"@app": "./src/app"` sends `@app` and `@app/x` there. As module-alias does, the aliases are tried
        in reverse sorted order and match the whole specifier or a prefix ending at a `/`."""
        package = self._nearest_package(directory)
        aliases: dict[str, object] = {}
        while package is not None and not aliases:
            declared = package.data.get("_moduleAliases")
            if isinstance(declared, dict) and declared:
                aliases = declared
            elif package.dir:
                package = self._nearest_package(posixpath.dirname(package.dir))
            else:
                package = None
        if package is None:
            return None
        for alias in sorted(aliases, reverse=True):
            target = aliases[alias]
            if not (isinstance(target, str) and alias and cleaned.startswith(alias)):
                continue
            rest = cleaned[len(alias) :]
            if rest and not rest.startswith("/"):
                continue
            found = self._resolve_path(_join(package.dir, target, rest.lstrip("/")))
            return _internal(found, "module-alias") if found else _unresolved(specifier, "module-alias")
        return None

    def _resolve_package_import(self, directory: str, cleaned: str, specifier: str) -> Resolution:
        """`#name` through the `imports` field of the importer's package. A target may name a package
        instead of a file (`"#db": {"node": "pg"}`); the answer is then where that specifier lands."""
        package = self._nearest_package(directory)
        imports = package.data.get("imports") if package else None
        if package and isinstance(imports, dict):
            targets = _subpath_targets(imports, cleaned) or []
            files = [t for t in targets if _is_relative(t)]
            packages = [t for t in targets if not _is_relative(t) and not t.startswith("#")]
            if packages and packages[0] == targets[0]:
                return self._resolve(package.dir, packages[0])
            found = self._resolve_targets(package.dir, files)
            if found:
                return _internal(found, "package-imports")
            if packages:
                return self._resolve(package.dir, packages[0])
        return _unresolved(specifier, "package-imports")

    def _resolve_local_package(
        self, directory: str, name: str, subpath: str, specifier: str
    ) -> Resolution | None:
        """A package of the project named by a bare specifier: the importer's own one, else a workspace.

        A package.json that nothing wires up still counts (generated monorepos often forget the
        `workspaces` field, and an exact name match is strong evidence), except when the importer's
        package declares that name as a registry dependency: then npm installs the published package
        and the local copy is only vendored.
        """
        own = self._nearest_package(directory)
        if own is not None and own.name == name:
            return self._package_resolution(own, subpath, specifier, "self-reference")
        local = self._local_packages().get(name)
        if local is None:
            return None
        if not local.declared and own is not None and _depends_on_registry(own, name):
            return None
        package = self._package_at(local.dir)
        if package is None:
            return None
        return self._package_resolution(package, subpath, specifier, "workspace")

    def _package_resolution(self, package: _Package, subpath: str, specifier: str, via: str) -> Resolution:
        found = self._resolve_in_package(package, subpath)
        return _internal(found, via) if found else _unresolved(specifier, via)

    # --- files ---------------------------------------------------------------------------------------

    def _resolve_path(self, path: str, *, entry: bool = True) -> str | None:
        """The file a project-relative path designates: a file, else a directory (through its
        package.json when `entry`, then its index file)."""
        if path == ".." or path.startswith("../"):
            return None
        if path:
            for candidate in _file_candidates(path):
                if candidate in self._files:
                    return candidate
        if path not in self._dirs:
            return None
        if entry:
            package = self._package_at(path)
            if package is not None:
                return self._package_entry(package)
        return self._resolve_index(path)

    def _resolve_index(self, directory: str) -> str | None:
        for extension in EXTENSIONS:
            candidate = _join(directory, "index" + extension)
            if candidate in self._files:
                return candidate
        return None

    def _resolve_targets(self, directory: str, targets: Iterable[str]) -> str | None:
        """The first of a package's declared targets that exists, else the first whose source does.

        Every declared file gets its chance before any source fallback, so a package that ships some of
        its build (or hand-written entry files) is resolved to what it declares.
        """
        targets = list(targets)
        for target in targets:
            found = self._resolve_path(_join(directory, target), entry=False)
            if found:
                return found
        for target in targets:
            for source in _source_equivalents(target):
                found = self._resolve_path(_join(directory, source), entry=False)
                if found:
                    return found
        return None

    def _package_entry(self, package: _Package) -> str | None:
        """The file a package's root import lands on: its entry fields, else `index.*`, else `src/index.*`."""
        fields = (package.data.get(field) for field in _ENTRY_FIELDS)
        targets = [value for value in fields if isinstance(value, str) and value]
        return (
            self._resolve_targets(package.dir, targets)
            or self._resolve_index(package.dir)
            or self._resolve_index(_join(package.dir, "src"))
        )

    def _resolve_in_package(self, package: _Package, subpath: str) -> str | None:
        """`subpath` (`.` or `./sub/path`) inside a local package, through its `exports` when it has one.

        When `exports` does not list the subpath, or lists only files that exist neither built nor as
        source, the package is read as TypeScript's classic node resolution reads it (entry fields, then
        the file the subpath names): unbuilt monorepos often export less than they import. A subpath
        blocked with `null` stays blocked.
        """
        exports = package.data.get("exports")
        if exports is not None:
            targets = _exports_targets(exports, subpath)
            if targets == []:
                return None
            found = self._resolve_targets(package.dir, targets or [])
            if found:
                return found
        if subpath == ".":
            return self._package_entry(package)
        return self._resolve_targets(package.dir, [subpath])

    # --- manifests -----------------------------------------------------------------------------------

    def _read_json(self, path: str, *, jsonc: bool = False) -> object | None:
        """Parsed content of a project file, read once; None (and a problem) when unreadable."""
        if path in self._json:
            return self._json[path]
        data: object | None = None
        try:
            text = _read_text(self._root / path)
            data = json5.loads(text) if jsonc else json.loads(text)
        except (NotReadable, UnicodeDecodeError) as error:
            self.problems.append((path, f"cannot read {posixpath.basename(path)}: {error}"))
        except (ValueError, RecursionError) as error:
            message = " ".join(str(error).split())
            self.problems.append((path, f"malformed {posixpath.basename(path)}, ignored: {message}"))
        self._json[path] = data
        return data

    def _package_at(self, directory: str) -> _Package | None:
        if directory in self._packages:
            return self._packages[directory]
        path = _join(directory, "package.json")
        package = None
        if path in self._files:
            data = self._read_json(path)
            if isinstance(data, dict):
                package = _Package(directory, data)
            elif data is not None:
                self.problems.append((path, "package.json is not a JSON object, ignored"))
        self._packages[directory] = package
        return package

    def _nearest_package(self, directory: str) -> _Package | None:
        """The package.json at or above `directory` (a loop, not recursion: folders may nest 1,000 deep)."""
        climbed: list[str] = []
        package = None
        while True:
            if directory in self._nearest_packages:
                package = self._nearest_packages[directory]
                break
            climbed.append(directory)
            package = self._package_at(directory)
            if package is not None or not directory:
                break
            directory = posixpath.dirname(directory)
        for below in climbed:
            self._nearest_packages[below] = package
        return package

    def _options_for(self, directory: str) -> _ModuleOptions:
        """Resolution options of the nearest tsconfig.json (else jsconfig.json) at or above `directory`."""
        climbed: list[str] = []
        options: _ModuleOptions | None = None
        while options is None:  # a loop, not recursion: folders may nest 1,000 deep
            if directory in self._nearest_options:
                options = self._nearest_options[directory]
                break
            climbed.append(directory)
            for name in _CONFIG_NAMES:
                path = _join(directory, name)
                if path in self._files:
                    raw = self._raw_config(path, ())
                    if raw is not None:
                        options = self._finish_options(raw, directory)
                        break
            if options is None and not directory:
                options = _NO_OPTIONS
            directory = posixpath.dirname(directory)
        for below in climbed:
            self._nearest_options[below] = options
        return options

    def _raw_config(self, path: str, chain: tuple[str, ...]) -> _RawOptions | None:
        """A config's `baseUrl` and `paths` after its `extends` chain; None when the file is unusable."""
        if path in self._raw_configs:
            return self._raw_configs[path]
        data = self._read_json(path, jsonc=True)
        if not isinstance(data, dict):
            if data is not None:
                self.problems.append((path, "config is not a JSON object, ignored"))
            self._raw_configs[path] = None
            return None
        config_dir = posixpath.dirname(path)
        merged = _RawOptions()
        for parent in _extends_list(data.get("extends")):
            parent_path = self._locate_extended(config_dir, parent)
            if parent_path is None:
                if _is_relative(parent):
                    self.problems.append((path, f"extended config {parent!r} not found"))
                continue
            if parent_path in chain or parent_path == path:
                self.problems.append((path, f"cyclic extends through {parent_path}"))
                continue
            if len(chain) >= _MAX_EXTENDS:
                self.problems.append(
                    (path, f"extends more than {_MAX_EXTENDS} configs deep, {parent_path} ignored")
                )
                continue
            parent_options = self._raw_config(parent_path, (*chain, path))
            if parent_options is not None:
                merged = merged.overridden_by(parent_options)
        merged = merged.overridden_by(_own_options(data, config_dir))
        self._raw_configs[path] = merged
        return merged

    def _locate_extended(self, config_dir: str, reference: str) -> str | None:
        """The project path of an `extends` target. A package reference is looked up under node_modules
        folders inside the root, which are normally absent: it is then quietly ignored."""
        if _is_relative(reference) or reference.startswith("/"):
            path = self._project_path(reference, config_dir, config_dir)
            candidates = [path] if path.endswith(".json") else [path, path + ".json"]
        else:
            candidates = []
            directory = config_dir
            while True:
                base = _join(directory, "node_modules", reference)
                candidates += [base, base + ".json", base + "/tsconfig.json"]
                if not directory:
                    break
                directory = posixpath.dirname(directory)
        for candidate in candidates:
            if candidate.startswith(("../", "/")) or candidate == "..":
                continue
            if candidate in self._files or (self._root / candidate).is_file():
                return candidate
        return None

    def _finish_options(self, raw: _RawOptions, leaf_dir: str) -> _ModuleOptions:
        """Turn merged raw options into project paths. `paths` are relative to `baseUrl` when set, else
        to the config that defined them; `${configDir}` is the directory of the config in use."""
        base_url = None
        if raw.base_url is not None and isinstance(raw.base_url.value, str):
            base_url = self._project_path(raw.base_url.value, raw.base_url.config_dir, leaf_dir)
        aliases: list[_PathAlias] = []
        if raw.paths is not None:
            paths_base = base_url if base_url is not None else raw.paths.config_dir
            for pattern, targets in _valid_paths(raw.paths.value):
                resolved = tuple(self._project_path(t, paths_base, leaf_dir) for t in targets)
                aliases.append(_PathAlias(pattern, resolved))
        return _ModuleOptions(base_url=base_url, paths=tuple(aliases))

    def _project_path(self, value: str, base_dir: str, leaf_dir: str) -> str:
        """A path written in a config, made project-relative (it may start with `../` when outside)."""
        if value.startswith("${configDir}"):
            return _join(leaf_dir, value[len("${configDir}") :].lstrip("/"))
        if value.startswith("/"):
            root = self._root.as_posix().rstrip("/")
            inside = value == root or value.startswith(root + "/")
            return _join(value[len(root) :].lstrip("/")) if inside else value
        return _join(base_dir, value)

    # --- workspaces ----------------------------------------------------------------------------------

    def _local_packages(self) -> dict[str, _LocalPackage]:
        if self._local is None:
            self._local = self._index_local_packages()
        return self._local

    def _index_local_packages(self) -> dict[str, _LocalPackage]:
        """Name → directory of every package of the project, built once on first need.

        Precedence when two packages share a name: declared workspace members, then packages wired by
        `file:`/`link:` dependencies (under the dependency's name), then any other named package.json.
        """
        manifests = sorted(
            path
            for path in self._files
            if posixpath.basename(path) == "package.json" and not _under_node_modules(path)
        )
        found = (self._package_at(posixpath.dirname(path)) for path in manifests)
        packages = [package for package in found if package is not None]
        includes, excludes = _compile_globs(self._workspace_globs(packages))
        members = {
            p.dir
            for p in packages
            if any(g.fullmatch(p.dir + "/") for g in includes)
            and not any(g.fullmatch(p.dir + "/") for g in excludes)
        }
        table: dict[str, _LocalPackage] = {}
        for package in packages:
            if package.dir in members and package.name:
                self._add_local(table, package.name, _LocalPackage(package.dir, declared=True))
        for package in packages:
            for name, spec in package.dependency_specs():
                if spec.startswith(_PATH_PROTOCOLS):
                    target = _join(package.dir, spec.split(":", 1)[1])
                    if target in self._dirs and name not in table:
                        table[name] = _LocalPackage(target, declared=True)
        for package in packages:
            if package.name and package.name not in table:
                table[package.name] = _LocalPackage(package.dir, declared=False)
        return table

    def _add_local(self, table: dict[str, _LocalPackage], name: str, package: _LocalPackage) -> None:
        known = table.get(name)
        if known is None:
            table[name] = package
        elif known.dir != package.dir:
            where = _join(package.dir, "package.json")
            self.problems.append((where, f"workspace package name {name!r} also used by {known.dir}/"))

    def _workspace_globs(self, packages: Iterable[_Package]) -> Iterator[str]:
        """Every workspace glob of the project, made project-relative (`!` kept in front)."""
        for package in packages:
            yield from _relative_globs(package.dir, _workspaces_field(package.data.get("workspaces")))
        configs = sorted(
            path
            for path in self._files
            if posixpath.basename(path) in _WORKSPACE_CONFIGS and not _under_node_modules(path)
        )
        for path in configs:
            if path.endswith("pnpm-workspace.yaml"):
                data = self._read_yaml(path)
                patterns = data.get("packages") if isinstance(data, dict) else None
                yield from _relative_globs(posixpath.dirname(path), _string_list(patterns))
            else:
                lerna = self._read_json(path)
                if isinstance(lerna, dict):
                    patterns = lerna.get("packages", ["packages/*"])
                    yield from _relative_globs(posixpath.dirname(path), _string_list(patterns))

    def _read_yaml(self, path: str) -> object | None:
        import yaml  # type: ignore[import-untyped, unused-ignore]  # only pnpm projects pay for it

        try:
            text = _read_text(self._root / path)
            data: object = yaml.safe_load(text)
        except (NotReadable, UnicodeDecodeError, yaml.YAMLError) as error:
            message = " ".join(str(error).split())
            self.problems.append((path, f"malformed {posixpath.basename(path)}, ignored: {message}"))
            return None
        return data


# --- pure helpers ------------------------------------------------------------------------------------


def _parent_dirs(files: Iterable[str]) -> frozenset[str]:
    """Every directory holding a file, the root included as ``""``."""
    dirs = {""}
    for path in files:
        cut = path.rfind("/")
        while cut > 0:
            directory = path[:cut]
            if directory in dirs:
                break
            dirs.add(directory)
            cut = directory.rfind("/")
    return frozenset(dirs)


@cache
def node_builtin_names() -> frozenset[str]:
    """Top-level names of the Node built-ins importable without `node:` (rules/node/builtins.toml)."""
    return frozenset(m.split("/")[0] for m in load_rules(NodeBuiltins).modules)


def _join(*parts: str) -> str:
    """Normalised project-relative POSIX path; the root is ``""``."""
    path = posixpath.normpath(posixpath.join(*parts)) if any(parts) else "."
    return "" if path == "." else path


def _is_relative(specifier: str) -> bool:
    return specifier in (".", "..") or specifier.startswith(("./", "../"))


def _strip_query(specifier: str) -> str:
    """`./x?raw` and `./x#frag` name `./x` (bundler suffixes); a leading `#` is a package import."""
    cut = len(specifier)
    for mark, start in (("?", 0), ("#", 1)):
        at = specifier.find(mark, start)
        if at >= 0:
            cut = min(cut, at)
    return specifier[:cut]


def _split_package(specifier: str) -> tuple[str, str]:
    """`@scope/name/sub/path` → (`@scope/name`, `./sub/path`); `lodash` → (`lodash`, `.`)."""
    parts = specifier.split("/")
    size = 2 if specifier.startswith("@") and len(parts) > 1 else 1
    rest = "/".join(parts[size:])
    return "/".join(parts[:size]), "./" + rest if rest else "."


def _looks_like_alias(specifier: str) -> bool:
    """Specifiers no npm package can have, which projects use as path aliases (`@/x`, `~/x`, `$lib`)."""
    return specifier.startswith(("@/", "~", "$")) or (specifier.startswith("@") and "/" not in specifier)


def _file_candidates(path: str) -> Iterator[str]:
    stem, extension = posixpath.splitext(path)
    for source in _SOURCES_OF_EMITTED.get(extension, ()):
        yield stem + source
    yield path
    for extension in EXTENSIONS:
        yield path + extension


def _source_equivalents(target: str) -> list[str]:
    """Where the source of a build output would live: `x.d.ts` → `x.js`; `dist/index.js` → `src/index.js`
    and `index.js`; `dist/esm/x.js` → also `src/x.js`. Probing then finds `.ts` for `.js`."""
    original = _join(target)
    path = _emitted_name(original)
    candidates = [path] if path != original else []
    parts = path.split("/")
    if len(parts) > 1 and parts[0] in _BUILD_DIRS:
        rest = parts[1:]
        candidates.append("/".join(["src", *rest]))
        if len(rest) > 1 and rest[0] in _BUILD_FORMATS:
            candidates.append("/".join(["src", *rest[1:]]))
        candidates.append("/".join(rest))
    return candidates


def _emitted_name(path: str) -> str:
    """The JavaScript file a declaration file describes (`x.d.ts` → `x.js`); other paths unchanged."""
    for declaration, emitted in _EMITTED_OF_DECLARATION.items():
        if path.endswith(declaration):
            return path[: -len(declaration)] + emitted
    return path


def _best_pattern(patterns: Iterable[str], request: str) -> tuple[str, str] | None:
    """The pattern matching `request` and the text its `*` captured: an exact pattern first, else the
    wildcard with the longest prefix (then the longest pattern), as both Node and TypeScript choose."""
    best: tuple[int, int, str, str] | None = None
    for pattern in patterns:
        star = pattern.find("*")
        if star < 0:
            if pattern == request:
                return pattern, ""
            continue
        prefix, suffix = pattern[:star], pattern[star + 1 :]
        fits = len(request) >= len(prefix) + len(suffix) and request != prefix
        if fits and request.startswith(prefix) and request.endswith(suffix):
            rank = (len(prefix), len(pattern))
            if best is None or rank > best[:2]:
                captured = request[len(prefix) : len(request) - len(suffix)]
                best = (*rank, pattern, captured)
    return (best[2], best[3]) if best else None


def _match_path_alias(aliases: Iterable[_PathAlias], specifier: str) -> tuple[_PathAlias, str] | None:
    by_pattern = {alias.pattern: alias for alias in aliases}
    match = _best_pattern(by_pattern, specifier)
    return (by_pattern[match[0]], match[1]) if match else None


def _condition_targets(value: object) -> list[str]:
    """Target strings of an exports/imports value, most preferred first (conditions flattened; walked
    with a stack of its own, as a hostile package.json may nest them hundreds deep)."""
    targets: list[str] = []
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            targets.append(value)
        elif isinstance(value, list):
            stack.extend(reversed(value))
        elif isinstance(value, dict):
            keys = [k for k in value if isinstance(k, str) and not k.startswith(".")]
            keys.sort(key=lambda k: _CONDITIONS.index(k) if k in _CONDITIONS else len(_CONDITIONS))
            stack.extend(value[key] for key in reversed(keys))
    return targets


def _subpath_targets(mapping: Mapping[str, object], request: str) -> list[str] | None:
    """Targets of an `exports`/`imports` subpath map for `request`: None when no key matches, an empty
    list when the matching key is blocked (`null`)."""
    match = _best_pattern((k for k in mapping if isinstance(k, str)), request)
    if match is None:
        return None
    key, captured = match
    return [target.replace("*", captured) for target in _condition_targets(mapping[key])]


def _exports_targets(exports: object, subpath: str) -> list[str] | None:
    """`exports` in any of its shapes: a string, an array, a conditions object (all sugar for `"."`),
    or a subpath map."""
    if isinstance(exports, dict) and any(isinstance(k, str) and k.startswith(".") for k in exports):
        return _subpath_targets(exports, subpath)
    return _subpath_targets({".": exports}, subpath)


def _extends_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return _string_list(value)


def _own_options(config: JsonObject, config_dir: str) -> _RawOptions:
    options = config.get("compilerOptions")
    if not isinstance(options, dict):
        return _RawOptions()
    base_url = options.get("baseUrl")
    paths = options.get("paths")
    return _RawOptions(
        base_url=_Setting(base_url, config_dir) if isinstance(base_url, str) else None,
        paths=_Setting(paths, config_dir) if isinstance(paths, dict) else None,
    )


def _valid_paths(value: object) -> Iterator[tuple[str, list[str]]]:
    """`paths` entries TypeScript accepts: at most one `*` in the pattern, a list of strings as targets."""
    if not isinstance(value, dict):
        return
    for pattern, targets in value.items():
        if isinstance(pattern, str) and pattern.count("*") <= 1:
            strings = _string_list(targets)
            if strings:
                yield pattern, strings


def _string_list(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


def _workspaces_field(value: object) -> list[str]:
    """`workspaces` as npm/yarn write it: a list of globs, or `{packages: [...]}`."""
    if isinstance(value, dict):
        return _string_list(value.get("packages"))
    return _string_list(value)


def _relative_globs(config_dir: str, patterns: Iterable[str]) -> Iterator[str]:
    for pattern in patterns:
        negated = pattern.startswith("!")
        path = _join(config_dir, pattern.lstrip("!").strip())
        if not path.startswith("../"):
            yield ("!" if negated else "") + path


def _compile_globs(patterns: Iterable[str]) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """Include and exclude regexes, matched against a directory path plus a trailing `/`."""
    includes: list[re.Pattern[str]] = []
    excludes: list[re.Pattern[str]] = []
    for pattern in patterns:
        target = excludes if pattern.startswith("!") else includes
        target.append(_glob_regex(pattern.lstrip("!")))
    return includes, excludes


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A workspace glob as a regex: `*` and `?` within one segment, `**` across any number of them,
    `{a,b}` alternatives."""
    parts: list[str] = []
    for segment in pattern.split("/") if pattern else []:
        parts.append("(?:[^/]+/)*" if segment == "**" else _glob_segment(segment) + "/")
    return re.compile("".join(parts) if parts else "/")


def _glob_segment(segment: str) -> str:
    out: list[str] = []
    for char in segment:
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "{":
            out.append("(?:")
        elif char == "}":
            out.append(")")
        elif char == ",":
            out.append("|")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _under_node_modules(path: str) -> bool:
    return "node_modules" in path.split("/")


def _depends_on_registry(package: _Package, name: str) -> bool:
    return any(
        dep == name and not spec.startswith(_LOCAL_PROTOCOLS) for dep, spec in package.dependency_specs()
    )


def _builtin(specifier: str) -> Resolution:
    return Resolution(TargetKind.STDLIB, package=specifier.split("/")[0], via="builtin")


def _internal(target: str, via: str) -> Resolution:
    return Resolution(TargetKind.INTERNAL, target=target, via=via)


def _unresolved(specifier: str, via: str | None) -> Resolution:
    return Resolution(TargetKind.UNRESOLVED, package=specifier, via=via)


def _read_text(path: Path) -> str:
    """A project's JSON or YAML manifest through the one untrusting reader (files.read_regular): links are
    followed as before (a pnpm package folder is one), but never into a FIFO or a device, and never past
    the bound. Raises NotReadable or UnicodeDecodeError."""
    return read_regular(path, MAX_UNTRUSTED_BYTES).decode("utf-8-sig")
