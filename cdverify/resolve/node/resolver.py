"""The decision: which step of resolution answers a Node.js / TypeScript specifier.

A specifier is tried, in this order (TypeScript's order where the two runtimes differ, because the code
we verify is written against the type checker):

1. `node:` scheme → built-in; any other URL scheme (`https:`, `data:`) → external, package = scheme.
2. `./x`, `../x`, `.`, `..` → relative to the importer; an absolute path only when it lies inside the root.
3. tsconfig/jsconfig `paths` of the nearest config (exact pattern, else the longest-prefix wildcard) —
   except an exact pattern naming a dependency the nearest package.json declares, when no runtime path
   loader (`tsconfig-paths`) is declared: Node ignores `paths`, so the import loads the package (a type
   stub mapped over `@prisma/client`).
4. `#name` → `imports` of the nearest package.json.
5. `_moduleAliases` of the nearest package.json that has them (the `module-alias` package).
6. `baseUrl` of the nearest config, when a file matches. It wins over built-ins, as it does for `tsc`: with
   `baseUrl: "src"`, `import "domain/user"` means `src/domain/user.ts`, not Node's `domain` module.
7. Node built-ins (`fs`, `fs/promises`; the catalogue is `rules/node/builtins.toml`).
8. The importer's own package name (self-reference), then the project's local packages (workspaces).
9. Anything else bare → external, unless it had matched a `paths` alias or is alias-shaped (`@/x`, `~/x`).

Results are cached per (importer folder, specifier).
"""

from __future__ import annotations

import posixpath
from collections.abc import Collection
from pathlib import Path

from cdverify.model import Resolution, TargetKind
from cdverify.resolve.node.exports import subpath_targets
from cdverify.resolve.node.manifests import ManifestReader, Package
from cdverify.resolve.node.probe import FileProbe
from cdverify.resolve.node.specifiers import (
    URL_SCHEME,
    builtin,
    conventions,
    internal,
    is_relative,
    join,
    looks_like_alias,
    node_builtin_names,
    parent_dirs,
    split_package,
    strip_query,
    unresolved,
)
from cdverify.resolve.node.tsconfig import CompilerOptions, match_path_alias
from cdverify.resolve.node.workspaces import LocalPackage, depends_on_registry, index_local_packages


class NodeResolver:
    """Resolves import specifiers of one Node.js / TypeScript project, without node_modules.

    `root` is the absolute project root; `files` every discovered file (sources and manifests) as POSIX
    paths relative to it. Only those files are read, plus the targets of tsconfig `extends` inside the root.
    Problems met on the way (a malformed tsconfig, a cyclic `extends`) are collected in `problems` as
    `(path, message)` pairs for the caller to report.
    """

    def __init__(self, root: Path, files: Collection[str]) -> None:
        rules = conventions()
        self._root = root
        self._dirs = parent_dirs(files)
        self._manifests = ManifestReader(root, frozenset(files))
        self.problems: list[tuple[str, str]] = self._manifests.problems
        self._probe = FileProbe(self._manifests, self._dirs)
        self._options = CompilerOptions(self._manifests)
        self._builtins = node_builtin_names()
        self._alias_prefixes = rules.alias_prefixes
        self._module_aliases_field = rules.module_aliases_field
        self._path_loaders = frozenset(rules.runtime_path_loaders)
        self._local: dict[str, LocalPackage] | None = None
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

    def _resolve(self, directory: str, specifier: str) -> Resolution:
        if specifier.startswith("node:"):
            return builtin(specifier[len("node:") :])
        scheme = URL_SCHEME.match(specifier)
        if scheme:
            return Resolution(TargetKind.EXTERNAL, package=scheme.group(1).lower(), via="external")
        cleaned = strip_query(specifier)
        if not cleaned:
            return unresolved(specifier, None)
        if is_relative(cleaned):
            return self._resolve_relative(directory, cleaned, specifier)
        if cleaned.startswith("/"):
            return self._resolve_absolute(cleaned, specifier)
        return self._resolve_bare(directory, cleaned, specifier)

    def _resolve_relative(self, directory: str, cleaned: str, specifier: str) -> Resolution:
        found = self._probe.resolve_path(join(directory, cleaned))
        return internal(found, "relative") if found else unresolved(specifier, "relative")

    def _resolve_absolute(self, cleaned: str, specifier: str) -> Resolution:
        root = self._root.as_posix().rstrip("/") + "/"
        if cleaned.startswith(root):
            found = self._probe.resolve_path(join(cleaned[len(root) :]))
            if found:
                return internal(found, "relative")
        return unresolved(specifier, "relative")

    def _resolve_bare(self, directory: str, cleaned: str, specifier: str) -> Resolution:
        options = self._options.options_for(directory)
        alias_missed = False
        mapped = None  # where a `paths` alias maps the specifier when no file is there
        match = match_path_alias(options.paths, cleaned)
        if match and "*" not in match[0].pattern and self._loads_package(directory, cleaned):
            match = None
        if match:
            alias, captured = match
            for target in alias.targets:
                found = self._probe.resolve_path(join(target.replace("*", captured)))
                if found:
                    return internal(found, "tsconfig-paths")
            alias_missed = not alias.is_catch_all
            mapped = join(alias.targets[0].replace("*", captured)) if alias.targets else None
        if cleaned.startswith("#"):
            return self._resolve_package_import(directory, cleaned, specifier)
        aliased = self._resolve_module_alias(directory, cleaned, specifier)
        if aliased:
            return aliased
        if options.base_url is not None:
            found = self._probe.resolve_path(join(options.base_url, cleaned))
            if found:
                return internal(found, "tsconfig-baseurl")
        name, subpath = split_package(cleaned)
        if name in self._builtins and not cleaned.endswith("/"):
            return builtin(cleaned)
        local = self._resolve_local_package(directory, name, subpath, specifier)
        if local:
            return local
        if alias_missed:
            # the folder a generator writes and git ignores (Prisma's `output`): the path, for tracing
            return unresolved(specifier, "tsconfig-paths")._replace(target=mapped)
        if looks_like_alias(cleaned, self._alias_prefixes):
            return unresolved(specifier, "tsconfig-paths")
        return Resolution(TargetKind.EXTERNAL, package=name, via="external")

    def _loads_package(self, directory: str, cleaned: str) -> bool:
        """The nearest package.json declares the package `cleaned` names, from a registry, and no loader
        applying tsconfig `paths` at run time: Node, which ignores `paths`, loads the installed package."""
        package = self._manifests.nearest_package(directory)
        if package is None or not depends_on_registry(package, split_package(cleaned)[0]):
            return False
        return not any(depends_on_registry(package, loader) for loader in self._path_loaders)

    def _resolve_module_alias(self, directory: str, cleaned: str, specifier: str) -> Resolution | None:
        """`_moduleAliases` of the nearest package.json that has them (the `module-alias` package):
        `"@app": "./src/app"` sends `@app` and `@app/x` there. As module-alias does, the aliases are tried
        in reverse sorted order and match the whole specifier or a prefix ending at a `/`."""
        package = self._manifests.nearest_package(directory)
        aliases: dict[str, object] = {}
        while package is not None and not aliases:
            declared = package.data.get(self._module_aliases_field)
            if isinstance(declared, dict) and declared:
                aliases = declared
            elif package.dir:
                package = self._manifests.nearest_package(posixpath.dirname(package.dir))
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
            found = self._probe.resolve_path(join(package.dir, target, rest.lstrip("/")))
            return internal(found, "module-alias") if found else unresolved(specifier, "module-alias")
        return None

    def _resolve_package_import(self, directory: str, cleaned: str, specifier: str) -> Resolution:
        """`#name` through the `imports` field of the importer's package. A target may name a package
        instead of a file (`"#db": {"node": "pg"}`); the answer is then where that specifier lands."""
        package = self._manifests.nearest_package(directory)
        imports = package.data.get("imports") if package else None
        if package and isinstance(imports, dict):
            targets = subpath_targets(imports, cleaned) or []
            files = [t for t in targets if is_relative(t)]
            packages = [t for t in targets if not is_relative(t) and not t.startswith("#")]
            if packages and packages[0] == targets[0]:
                return self._resolve(package.dir, packages[0])
            found = self._probe.resolve_targets(package.dir, files)
            if found:
                return internal(found, "package-imports")
            if packages:
                return self._resolve(package.dir, packages[0])
        return unresolved(specifier, "package-imports")

    def _resolve_local_package(
        self, directory: str, name: str, subpath: str, specifier: str
    ) -> Resolution | None:
        """A package of the project named by a bare specifier: the importer's own one, else a workspace.

        A package.json that nothing wires up still counts (generated monorepos often forget the
        `workspaces` field, and an exact name match is strong evidence), except when the importer's
        package declares that name as a registry dependency: then npm installs the published package
        and the local copy is only vendored. The same holds for the importer's own package: one named
        like a dependency it declares (a project named `hono` depending on hono) gets the installed one.
        """
        own = self._manifests.nearest_package(directory)
        if own is not None and own.name == name and not depends_on_registry(own, name):
            return self._package_resolution(own, subpath, specifier, "self-reference")
        if self._local is None:
            self._local = index_local_packages(self._manifests, self._dirs)
        local = self._local.get(name)
        if local is None:
            return None
        if not local.declared and own is not None and depends_on_registry(own, name):
            return None
        package = self._manifests.package_at(local.dir)
        if package is None:
            return None
        return self._package_resolution(package, subpath, specifier, "workspace")

    def _package_resolution(self, package: Package, subpath: str, specifier: str, via: str) -> Resolution:
        found = self._probe.resolve_in_package(package, subpath)
        return internal(found, via) if found else unresolved(specifier, via)
