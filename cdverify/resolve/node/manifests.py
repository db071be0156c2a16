"""The Node project's manifests as the resolver reads them: package.json, tsconfig/jsconfig (JSONC) and
workspace files, each read once through the untrusting reader and kept parsed.

Also the package.json lookups the resolver needs: the package of a folder, and the nearest one at or
above a folder (cached per folder). A malformed or unreadable file never raises: it is treated as absent
and reported in `ManifestReader.problems` as a `(path, message)` pair.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cdverify.files import MAX_UNTRUSTED_BYTES, NotReadable, read_regular
from cdverify.resolve.node.specifiers import conventions, join

JsonObject = Mapping[str, object]


@dataclass(frozen=True)
class Package:
    """A parsed package.json and the directory it governs."""

    dir: str
    data: JsonObject

    @property
    def name(self) -> str | None:
        name = self.data.get("name")
        return name if isinstance(name, str) and name else None

    def dependency_specs(self) -> Iterator[tuple[str, str]]:
        """(name, spec) of every dependency, in the catalogue's order of dependency fields."""
        for field in conventions().dependency_fields:
            deps = self.data.get(field)
            if isinstance(deps, dict):
                for name, spec in deps.items():
                    if isinstance(name, str) and isinstance(spec, str):
                        yield name, spec


class ManifestReader:
    """Reads the manifests of one project: `root` is its absolute root, `files` its discovered files as
    POSIX paths relative to it (a package.json not among them is not looked for)."""

    def __init__(self, root: Path, files: frozenset[str]) -> None:
        self.root = root
        self.files = files
        self.problems: list[tuple[str, str]] = []
        self._json: dict[str, object | None] = {}
        self._packages: dict[str, Package | None] = {}
        self._nearest_packages: dict[str, Package | None] = {}

    def read_json(self, path: str, *, jsonc: bool = False) -> object | None:
        """Parsed content of a project file, read once; None (and a problem) when unreadable."""
        if path in self._json:
            return self._json[path]
        data: object | None = None
        try:
            text = _read_text(self.root / path)
            if jsonc:  # tsconfig/jsconfig: comments and trailing commas; json5 loads only for them
                import json5

                data = json5.loads(text)
            else:
                data = json.loads(text)
        except (NotReadable, UnicodeDecodeError) as error:
            self.problems.append((path, f"cannot read {posixpath.basename(path)}: {error}"))
        except (ValueError, RecursionError) as error:
            message = " ".join(str(error).split())
            self.problems.append((path, f"malformed {posixpath.basename(path)}, ignored: {message}"))
        self._json[path] = data
        return data

    def read_yaml(self, path: str) -> object | None:
        import yaml  # type: ignore[import-untyped, unused-ignore]  # only pnpm projects pay for it

        try:
            text = _read_text(self.root / path)
            data: object = yaml.safe_load(text)
        except (NotReadable, UnicodeDecodeError, yaml.YAMLError) as error:
            message = " ".join(str(error).split())
            self.problems.append((path, f"malformed {posixpath.basename(path)}, ignored: {message}"))
            return None
        return data

    def package_at(self, directory: str) -> Package | None:
        """The package.json of `directory` itself, when it has one that is a JSON object."""
        if directory in self._packages:
            return self._packages[directory]
        path = join(directory, "package.json")
        package = None
        if path in self.files:
            data = self.read_json(path)
            if isinstance(data, dict):
                package = Package(directory, data)
            elif data is not None:
                self.problems.append((path, "package.json is not a JSON object, ignored"))
        self._packages[directory] = package
        return package

    def nearest_package(self, directory: str) -> Package | None:
        """The package.json at or above `directory` (a loop, not recursion: folders may nest 1,000 deep)."""
        climbed: list[str] = []
        package = None
        while True:
            if directory in self._nearest_packages:
                package = self._nearest_packages[directory]
                break
            climbed.append(directory)
            package = self.package_at(directory)
            if package is not None or not directory:
                break
            directory = posixpath.dirname(directory)
        for below in climbed:
            self._nearest_packages[below] = package
        return package


def _read_text(path: Path) -> str:
    """A project's JSON or YAML manifest through the one untrusting reader (files.read_regular): links are
    followed as before (a pnpm package folder is one), but never into a FIFO or a device, and never past
    the bound. Raises NotReadable or UnicodeDecodeError."""
    return read_regular(path, MAX_UNTRUSTED_BYTES).decode("utf-8-sig")
