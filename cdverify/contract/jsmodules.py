"""The npm packages a Postman script may `require`, resolved the way browserify bundles them for Postman.

The packages themselves are not part of this repository: the build (`hatch_build.py`) fetches the versions
`js/package-lock.json` pins from the npm registry into `js/node_modules/`, keeping only the files this module
finds reachable from the entry points that `js/package.json` lists under `cdverifySandbox`. At run time the
same resolution tells the sandbox which files a script can reach and what each `require("...")` in them
means, so the JavaScript side needs no resolver of its own.

Resolution follows Node's algorithm (relative files, `.js`/`.json`, `index.js`, `main`, `node_modules`
walking up) with browserify's `browser` field (a replacement main, file and module substitutions, `false`
for an empty module), because postman-sandbox is a browserify bundle and that is what newman's scripts see.

Pure standard library: the build hook imports this file before any of cdverify's dependencies exist.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

JS_DIR = Path(__file__).resolve().parent / "js"
# require("literal") in a package's own source; computed specifiers cannot be followed and are not needed
_REQUIRE = re.compile(r"""\brequire\s*\(\s*(['"])([^'"\n\\]+)\1\s*\)""")
INDEX = ".cdverify-requires.json"  # written by the build: every kept file's resolved requires
EMPTY = "<empty>"  # a module the browser field maps to false: require() gives {}
LICENCE_FILE = re.compile(r"^(licen[cs]e|copying|notice|.*-licen[cs]e)(\.[a-z]+)?$", re.IGNORECASE)


@dataclass(frozen=True)
class SandboxPackages:
    """What js/package.json declares: names scripts may require, and modules the sandbox loads itself."""

    modules: dict[str, str]  # name a script requires → specifier resolved from the tree's root
    internal: dict[str, str]  # chai-postman, faker: loaded by sandbox.js, not requirable by scripts

    @property
    def entries(self) -> dict[str, str]:
        return {**self.modules, **self.internal}


def declared_packages(js_dir: Path = JS_DIR) -> SandboxPackages:
    manifest = json.loads((js_dir / "package.json").read_text(encoding="utf-8"))
    config = manifest["cdverifySandbox"]
    return SandboxPackages(dict(config["modules"]), dict(config["internal"]))


@dataclass
class ModuleFile:
    """One file of the tree: its source and what each literal require in it resolves to."""

    path: str  # relative to the tree's root, POSIX separators
    source: str
    requires: dict[str, str | None] = field(default_factory=dict)  # specifier → path, EMPTY, or None

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "requires": self.requires, "json": self.path.endswith(".json")}


class NodeTree:
    """A node_modules tree on disk, resolved as browserify resolves it."""

    def __init__(self, root: Path, builtins: dict[str, str] | None = None) -> None:
        self.root = root
        self._index: dict[str, dict[str, str | None]] | None = None
        try:
            self._index = json.loads((root / "node_modules" / INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._index = None  # a tree the build did not make (or the build itself): resolve as we go
        # Node's built-in modules, as browserify provides them (stream → stream-browserify, ...)
        self.builtins = builtins or {}
        self._manifests: dict[str, dict[str, Any] | None] = {}

    # ---- files and packages -------------------------------------------------------------------------

    def _is_file(self, path: str) -> bool:
        return (self.root / path).is_file()

    def _manifest(self, package_dir: str) -> dict[str, Any] | None:
        if package_dir not in self._manifests:
            try:
                data = json.loads((self.root / package_dir / "package.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            self._manifests[package_dir] = data if isinstance(data, dict) else None
        return self._manifests[package_dir]

    def package_of(self, path: str) -> str | None:
        """The package folder holding a file: the deepest node_modules/<name> (or @scope/name) above it."""
        parts = path.split("/")
        found = None
        for index, part in enumerate(parts[:-1]):
            if part == "node_modules" and index + 1 < len(parts) - 1:
                width = 2 if parts[index + 1].startswith("@") else 1
                found = "/".join(parts[: index + 1 + width])
        return found

    def _browser_map(self, package_dir: str | None) -> dict[str, Any]:
        manifest = self._manifest(package_dir) if package_dir else None
        browser = manifest.get("browser") if manifest else None
        return browser if isinstance(browser, dict) else {}

    # ---- resolution ---------------------------------------------------------------------------------

    def _as_file(self, path: str) -> str | None:
        """path, path.js or path.json, after the browser field of its package (which may name files the
        build left out, as it keeps only what the browser field lets a script reach)."""
        for candidate in (path, path + ".js", path + ".json"):
            replaced = self._replacement(candidate)
            if replaced is not None:
                return replaced
            if self._is_file(candidate):
                return candidate
        return None

    def _as_directory(self, path: str) -> str | None:
        manifest = self._manifest(path) if self._is_file(path + "/package.json") else None
        if manifest is not None:
            browser = manifest.get("browser")
            main = browser if isinstance(browser, str) else manifest.get("main")
            if isinstance(main, str) and main:
                target = posixpath.normpath(posixpath.join(path, main))
                hit = self._as_file(target) or self._as_index(target)
                if hit:
                    return hit
        return self._as_index(path)

    def _as_index(self, path: str) -> str | None:
        for name in ("index.js", "index.json"):
            if self._is_file(f"{path}/{name}"):
                return f"{path}/{name}"
        return None

    def _replacement(self, path: str) -> str | None:
        """What the browser field of path's package puts in its place: a file, EMPTY, or None (nothing)."""
        package_dir = self.package_of(path)
        browser = self._browser_map(package_dir)
        if not browser or package_dir is None:
            return None
        relative = "./" + path[len(package_dir) + 1 :]
        if relative not in browser:
            return None
        replacement = browser[relative]
        if replacement is False:
            return EMPTY
        if isinstance(replacement, str) and replacement.startswith("."):
            target = posixpath.normpath(posixpath.join(package_dir, replacement))
            if target != path:
                for candidate in (target, target + ".js"):
                    if self._is_file(candidate):
                        return candidate
        return None

    def _substitute(self, resolved: str) -> str:
        replaced = self._replacement(resolved)
        return resolved if replaced is None else replaced

    def resolve(self, specifier: str, from_file: str | None) -> str | None:
        """The file a require(specifier) in from_file (None: the tree's root) loads; EMPTY or None."""
        from_package = self.package_of(from_file) if from_file else None
        mapped = self._browser_map(from_package).get(specifier) if from_package else None
        if mapped is False:
            return EMPTY
        if isinstance(mapped, str) and from_package and mapped.startswith("."):
            target = posixpath.normpath(posixpath.join(from_package, mapped))
            hit = self._as_file(target) or self._as_directory(target)
            return self._substitute(hit) if hit else None
        if isinstance(mapped, str):
            specifier = mapped
        base = posixpath.dirname(from_file) if from_file else ""
        if specifier.startswith(("./", "../")) or specifier in {".", ".."}:
            target = posixpath.normpath(posixpath.join(base, specifier))
            if target.startswith(".."):
                return None
            hit = self._as_file(target) or self._as_directory(target)
            return self._substitute(hit) if hit else None
        if specifier.startswith("/"):
            return None
        return self._resolve_package(specifier.rstrip("/"), base)

    def _resolve_package(self, specifier: str, base: str) -> str | None:
        parts = specifier.split("/")
        width = 2 if specifier.startswith("@") else 1
        name, subpath = "/".join(parts[:width]), "/".join(parts[width:])
        folder = base
        while True:
            candidate = posixpath.join(folder, "node_modules", name) if folder else f"node_modules/{name}"
            if (self.root / candidate).is_dir():
                target = posixpath.join(candidate, subpath) if subpath else candidate
                hit = (
                    (self._as_file(target) or self._as_directory(target))
                    if subpath
                    else self._as_directory(target)
                )
                return self._substitute(hit) if hit else None
            if not folder:
                alias = self.builtins.get(specifier)
                return (
                    self._resolve_package(alias.rstrip("/"), "")
                    if alias and alias.rstrip("/") != specifier
                    else None
                )
            folder = posixpath.dirname(folder)

    # ---- closure ------------------------------------------------------------------------------------

    def closure(self, entries: list[str]) -> dict[str, ModuleFile]:
        """Every file reachable from the entry specifiers through literal requires, by path."""
        files: dict[str, ModuleFile] = {}
        pending = [
            path for path in (self.resolve(entry, None) for entry in entries) if path and path != EMPTY
        ]
        while pending:
            path = pending.pop()
            if path in files:
                continue
            source = (self.root / path).read_text(encoding="utf-8", errors="replace")
            module = ModuleFile(path, source)
            files[path] = module
            if path.endswith(".json"):
                continue
            if self._index is not None and path in self._index:
                module.requires = dict(self._index[path])
                pending += [target for target in module.requires.values() if target and target != EMPTY]
                continue
            for match in _REQUIRE.finditer(source):
                specifier = match.group(2)
                if specifier in module.requires:
                    continue
                target = self.resolve(specifier, path)
                module.requires[specifier] = target
                if target and target != EMPTY and target not in files:
                    pending.append(target)
        return files


@dataclass(frozen=True)
class ScriptModules:
    """The files one script can load, and the root path of every name it may require."""

    files: dict[str, dict[str, Any]]
    roots: dict[str, str | None]


class ModuleSet:
    """The built sandbox packages of an installed cdverify, ready to hand to scripts."""

    def __init__(self, js_dir: Path = JS_DIR) -> None:
        self.packages = declared_packages(js_dir)
        self.tree = NodeTree(js_dir, self.packages.modules)
        self.available = (js_dir / "node_modules").is_dir()

    @cache  # noqa: B019 - one ModuleSet per process (module_set()), never collected
    def _closure(self, name: str) -> tuple[str | None, dict[str, ModuleFile]]:
        specifier = self.packages.entries[name]
        root = self.tree.resolve(specifier, None)
        return root, self.tree.closure([specifier]) if root else {}

    def for_names(self, names: list[str]) -> ScriptModules:
        files: dict[str, dict[str, Any]] = {}
        roots: dict[str, str | None] = {}
        for name in names:
            if name not in self.packages.entries:
                continue
            root, closure = self._closure(name)
            roots[name] = root
            for path, module in closure.items():
                files.setdefault(path, module.to_json())
        return ScriptModules(files, roots)


@cache
def module_set() -> ModuleSet:
    return ModuleSet()


def required_names(code: str) -> list[str]:
    """Names a script's own code requires by literal (pm.require and require alike)."""
    return sorted({match.group(2) for match in _REQUIRE.finditer(code)})
