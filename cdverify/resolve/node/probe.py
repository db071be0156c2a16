"""Which file of the tree a project path designates, probed in TypeScript's order without touching the
disk (existence comes from the discovered file list), and the file a local package's entry, `exports`
or subpath lands on.

A path is tried as written, with a TS source preferred over the emitted JavaScript it names
(`./user.js` → `user.ts`), then plus each extension, then as a directory (its package.json entry, then
`index.*`). Workspace packages are rarely built, so a declared target such as `./dist/index.js` that
does not exist falls back to its source (`src/index.ts`). Extensions and build folders come from
rules/node/resolution.toml.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator

from cdverify.resolve.node.exports import exports_targets
from cdverify.resolve.node.manifests import ManifestReader, Package
from cdverify.resolve.node.specifiers import conventions, join


class FileProbe:
    """Answers "which file is this?" for one project: `dirs` is every folder holding a file."""

    def __init__(self, manifests: ManifestReader, dirs: frozenset[str]) -> None:
        rules = conventions()
        self._manifests = manifests
        self._files = manifests.files
        self._dirs = dirs
        self._extensions = rules.extensions
        self._sources_of_emitted = dict(rules.sources_of_emitted)
        self._emitted_of_declaration = tuple(rules.emitted_of_declaration.items())
        self._entry_fields = rules.entry_fields
        self._build_dirs = frozenset(rules.build_dirs)
        self._build_formats = frozenset(rules.build_formats)

    def resolve_path(self, path: str, *, entry: bool = True) -> str | None:
        """The file a project-relative path designates: a file, else a directory (through its
        package.json when `entry`, then its index file)."""
        if path == ".." or path.startswith("../"):
            return None
        if path:
            for candidate in self._file_candidates(path):
                if candidate in self._files:
                    return candidate
        if path not in self._dirs:
            return None
        if entry:
            package = self._manifests.package_at(path)
            if package is not None:
                return self.package_entry(package)
        return self._resolve_index(path)

    def resolve_targets(self, directory: str, targets: Iterable[str]) -> str | None:
        """The first of a package's declared targets that exists, else the first whose source does.

        Every declared file gets its chance before any source fallback, so a package that ships some of
        its build (or hand-written entry files) is resolved to what it declares.
        """
        targets = list(targets)
        for target in targets:
            found = self.resolve_path(join(directory, target), entry=False)
            if found:
                return found
        for target in targets:
            for source in self._source_equivalents(target):
                found = self.resolve_path(join(directory, source), entry=False)
                if found:
                    return found
        return None

    def package_entry(self, package: Package) -> str | None:
        """The file a package's root import lands on: its entry fields, else `index.*`, else `src/index.*`."""
        fields = (package.data.get(field) for field in self._entry_fields)
        targets = [value for value in fields if isinstance(value, str) and value]
        return (
            self.resolve_targets(package.dir, targets)
            or self._resolve_index(package.dir)
            or self._resolve_index(join(package.dir, "src"))
        )

    def resolve_in_package(self, package: Package, subpath: str) -> str | None:
        """`subpath` (`.` or `./sub/path`) inside a local package, through its `exports` when it has one.

        When `exports` does not list the subpath, or lists only files that exist neither built nor as
        source, the package is read as TypeScript's classic node resolution reads it (entry fields, then
        the file the subpath names): unbuilt monorepos often export less than they import. A subpath
        blocked with `null` stays blocked.
        """
        exports = package.data.get("exports")
        if exports is not None:
            targets = exports_targets(exports, subpath)
            if targets == []:
                return None
            found = self.resolve_targets(package.dir, targets or [])
            if found:
                return found
        if subpath == ".":
            return self.package_entry(package)
        return self.resolve_targets(package.dir, [subpath])

    def _resolve_index(self, directory: str) -> str | None:
        for extension in self._extensions:
            candidate = join(directory, "index" + extension)
            if candidate in self._files:
                return candidate
        return None

    def _file_candidates(self, path: str) -> Iterator[str]:
        stem, extension = posixpath.splitext(path)
        for source in self._sources_of_emitted.get(extension, ()):
            yield stem + source
        yield path
        for extension in self._extensions:
            yield path + extension

    def _source_equivalents(self, target: str) -> list[str]:
        """Where the source of a build output would live: `x.d.ts` → `x.js`; `dist/index.js` →
        `src/index.js` and `index.js`; `dist/esm/x.js` → also `src/x.js`. Probing then finds `.ts` for
        `.js`."""
        original = join(target)
        path = self._emitted_name(original)
        candidates = [path] if path != original else []
        parts = path.split("/")
        if len(parts) > 1 and parts[0] in self._build_dirs:
            rest = parts[1:]
            candidates.append("/".join(["src", *rest]))
            if len(rest) > 1 and rest[0] in self._build_formats:
                candidates.append("/".join(["src", *rest[1:]]))
            candidates.append("/".join(rest))
        return candidates

    def _emitted_name(self, path: str) -> str:
        """The JavaScript file a declaration file describes (`x.d.ts` → `x.js`); other paths unchanged."""
        for declaration, emitted in self._emitted_of_declaration:
            if path.endswith(declaration):
                return path[: -len(declaration)] + emitted
        return path
