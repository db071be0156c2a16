"""Layers: which Clean Architecture layer each application file is in, by folder and file name.

Detection only — what the project *is*; the architecture verifier checks the imports between layers.
Also which web framework an external import belongs to (rules/frameworks.toml), shared by the layer
check and the framework detector.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from cdverify.catalog import load_rules
from cdverify.config import Config, LayerSpec, normalise_dir_name
from cdverify.model import Family, Scope, SourceFile
from cdverify.rules_schema import Frameworks


@dataclass(frozen=True)
class LayerAssignment:
    """Which layer each application file is in, and where each layer lives."""

    files: dict[str, str]  # file → layer
    locations: dict[str, list[str]]  # layer → sorted folders (or files, when known by name only)
    by_name_only: dict[str, str] = field(default_factory=dict)  # file → layer, no layer folder

    def layer_of(self, path: str) -> str | None:
        return self.files.get(path)


def _suffix_layer(name: str, layers: Iterable[LayerSpec]) -> str | None:
    """Layer named by a file name alone: `users.service.ts`, `user_repository.py`, `models.py`."""
    base = name.rsplit(".", 1)[0] if "." in name else name
    base = normalise_dir_name(base.removesuffix(".d"))
    for spec in layers:
        for suffix in spec.file_suffixes:
            if base == suffix or base.endswith(("_" + suffix, "." + suffix)):
                return spec.name
    return None


_PACKAGE_MANIFESTS = ("package.json", "pyproject.toml", "setup.py", "setup.cfg")


def package_roots(paths: Iterable[str]) -> frozenset[str]:
    """Folders below the project root that hold their own package manifest (monorepo members)."""
    return frozenset(
        path.rsplit("/", 1)[0]
        for path in paths
        if "/" in path and path.rsplit("/", 1)[1] in _PACKAGE_MANIFESTS
    )


def assign_layers(
    sources: Iterable[SourceFile], config: Config, packages: frozenset[str] = frozenset()
) -> LayerAssignment:
    """Layer of every application source file: user globs first, then the deepest layer folder on the
    path, then the file name. In a monorepo only folders inside a member package count, so a package
    folder named `api/` or `domain/` is not itself a layer."""
    globs = []
    if any(spec.paths for spec in config.layers):
        from pathspec import PathSpec  # loaded only for user globs

        globs = [
            (spec.name, PathSpec.from_lines("gitignore", spec.paths)) for spec in config.layers if spec.paths
        ]
    files: dict[str, str] = {}
    locations: dict[str, set[str]] = {spec.name: set() for spec in config.layers}
    by_name: dict[str, str] = {}
    for source in sources:
        if source.scope is not Scope.APPLICATION or source.language is None:
            continue
        path = source.path
        parts = path.split("/")
        layer = next((name for name, spec in globs if spec.match_file(path)), None)
        if layer is not None:
            files[path] = layer
            locations[layer].add("/".join(parts[:-1]) or ".")
            continue
        lowest = max(
            (i + 1 for i in range(len(parts) - 1) if "/".join(parts[: i + 1]) in packages), default=0
        )
        for depth in range(len(parts) - 2, lowest - 1, -1):
            name = normalise_dir_name(parts[depth])
            match = next((spec.name for spec in config.layers if name in spec.directories), None)
            if match is not None:
                files[path] = match
                locations[match].add("/".join(parts[: depth + 1]))
                break
        else:
            if any(normalise_dir_name(d) in config.abstraction_dirs for d in parts[:-1]):
                continue
            by_suffix = _suffix_layer(parts[-1], config.layers)
            if by_suffix is not None:
                files[path] = by_suffix
                by_name[path] = by_suffix
                locations[by_suffix].add(path)
    return LayerAssignment(files, {k: sorted(v) for k, v in locations.items()}, by_name)


@cache
def framework_packages(family: Family) -> tuple[tuple[str, str], ...]:
    """(package pattern, framework name) pairs for `python` or `node`, from rules/frameworks.toml."""
    data = load_rules(Frameworks).family(family)
    return tuple((pattern, name) for name, entry in data.items() for pattern in entry.packages)


@cache
def implied_frameworks() -> dict[str, set[str]]:
    """Framework → the frameworks built on it (`starlette` → {`fastapi`}), from rules/frameworks.toml."""
    data = load_rules(Frameworks)
    return {
        name: set(entry.implied_by) for family in (data.python, data.node) for name, entry in family.items()
    }


def framework_of(specifier: str, family: Family) -> str | None:
    """The web framework an external import belongs to, if any."""
    for pattern, name in framework_packages(family):
        if family == "python":
            if specifier == pattern or specifier.startswith(pattern + "."):
                return name
        elif pattern.endswith("/*"):
            if specifier.startswith(pattern[:-1]):
                return name
        elif specifier == pattern or specifier.startswith(pattern + "/"):
            return name
    return None
