"""tsconfig.json / jsconfig.json as module resolution reads them: `baseUrl` and `paths` of the nearest
config at or above a folder, after following its `extends` chain.

Relative values in an extended config are relative to that config; `paths` are relative to `baseUrl`
when set, else to the config that defined them; `${configDir}` is the folder of the config in use.
A config that cannot be used (malformed, not an object, a cyclic or too long `extends` chain) is
reported in the reader's `problems` and ignored.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cdverify.files import is_regular_file
from cdverify.resolve.node.manifests import JsonObject, ManifestReader
from cdverify.resolve.node.specifiers import best_pattern, conventions, is_relative, join, string_list

_MAX_EXTENDS = 32  # a tsconfig `extends` chain longer than this is cut (each link is one recursion)


@dataclass(frozen=True)
class PathAlias:
    """One `compilerOptions.paths` entry with its substitutions made project-relative."""

    pattern: str
    targets: tuple[str, ...]

    @property
    def is_catch_all(self) -> bool:
        """`"*"` (or every target inside node_modules) maps packages, not the project's own code: a miss
        there says nothing about the specifier being an alias."""
        return self.pattern == "*" or all("node_modules" in t.split("/") for t in self.targets)


@dataclass(frozen=True)
class ModuleOptions:
    """What the nearest tsconfig/jsconfig (after `extends`) contributes to resolution."""

    base_url: str | None = None  # project-relative directory
    paths: tuple[PathAlias, ...] = ()


NO_OPTIONS = ModuleOptions()


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


class CompilerOptions:
    """The module options in force in each folder of one project, read through `manifests`."""

    def __init__(self, manifests: ManifestReader) -> None:
        self._manifests = manifests
        self._config_files = conventions().config_files
        self._raw_configs: dict[str, _RawOptions | None] = {}
        self._nearest_options: dict[str, ModuleOptions] = {}

    def options_for(self, directory: str) -> ModuleOptions:
        """Resolution options of the nearest tsconfig.json (else jsconfig.json) at or above `directory`."""
        climbed: list[str] = []
        options: ModuleOptions | None = None
        while options is None:  # a loop, not recursion: folders may nest 1,000 deep
            if directory in self._nearest_options:
                options = self._nearest_options[directory]
                break
            climbed.append(directory)
            for name in self._config_files:
                path = join(directory, name)
                if path in self._manifests.files:
                    raw = self._raw_config(path, ())
                    if raw is not None:
                        options = self._finish_options(raw, directory)
                        break
            if options is None and not directory:
                options = NO_OPTIONS
            directory = posixpath.dirname(directory)
        for below in climbed:
            self._nearest_options[below] = options
        return options

    def _raw_config(self, path: str, chain: tuple[str, ...]) -> _RawOptions | None:
        """A config's `baseUrl` and `paths` after its `extends` chain; None when the file is unusable."""
        if path in self._raw_configs:
            return self._raw_configs[path]
        problems = self._manifests.problems
        data = self._manifests.read_json(path, jsonc=True)
        if not isinstance(data, dict):
            if data is not None:
                problems.append((path, "config is not a JSON object, ignored"))
            self._raw_configs[path] = None
            return None
        config_dir = posixpath.dirname(path)
        merged = _RawOptions()
        for parent in _extends_list(data.get("extends")):
            parent_path = self._locate_extended(config_dir, parent)
            if parent_path is None:
                if is_relative(parent):
                    problems.append((path, f"extended config {parent!r} not found"))
                continue
            if parent_path in chain or parent_path == path:
                problems.append((path, f"cyclic extends through {parent_path}"))
                continue
            if len(chain) >= _MAX_EXTENDS:
                problems.append(
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
        if is_relative(reference) or reference.startswith("/"):
            path = self._project_path(reference, config_dir, config_dir)
            candidates = [path] if path.endswith(".json") else [path, path + ".json"]
        else:
            candidates = []
            directory = config_dir
            while True:
                base = join(directory, "node_modules", reference)
                candidates += [base, base + ".json", base + "/tsconfig.json"]
                if not directory:
                    break
                directory = posixpath.dirname(directory)
        for candidate in candidates:
            if candidate.startswith(("../", "/")) or candidate == "..":
                continue
            if candidate in self._manifests.files or is_regular_file(self._manifests.root / candidate):
                return candidate
        return None

    def _finish_options(self, raw: _RawOptions, leaf_dir: str) -> ModuleOptions:
        """Turn merged raw options into project paths. `paths` are relative to `baseUrl` when set, else
        to the config that defined them; `${configDir}` is the directory of the config in use."""
        base_url = None
        if raw.base_url is not None and isinstance(raw.base_url.value, str):
            base_url = self._project_path(raw.base_url.value, raw.base_url.config_dir, leaf_dir)
        aliases: list[PathAlias] = []
        if raw.paths is not None:
            paths_base = base_url if base_url is not None else raw.paths.config_dir
            for pattern, targets in _valid_paths(raw.paths.value):
                resolved = tuple(self._project_path(t, paths_base, leaf_dir) for t in targets)
                aliases.append(PathAlias(pattern, resolved))
        return ModuleOptions(base_url=base_url, paths=tuple(aliases))

    def _project_path(self, value: str, base_dir: str, leaf_dir: str) -> str:
        """A path written in a config, made project-relative (it may start with `../` when outside)."""
        if value.startswith("${configDir}"):
            return join(leaf_dir, value[len("${configDir}") :].lstrip("/"))
        if value.startswith("/"):
            root = self._manifests.root.as_posix().rstrip("/")
            inside = value == root or value.startswith(root + "/")
            return join(value[len(root) :].lstrip("/")) if inside else value
        return join(base_dir, value)


def match_path_alias(aliases: Iterable[PathAlias], specifier: str) -> tuple[PathAlias, str] | None:
    """The `paths` entry a bare specifier matches and the text its `*` captured."""
    by_pattern = {alias.pattern: alias for alias in aliases}
    match = best_pattern(by_pattern, specifier)
    return (by_pattern[match[0]], match[1]) if match else None


def _extends_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return string_list(value)


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
            strings = string_list(targets)
            if strings:
                yield pattern, strings
