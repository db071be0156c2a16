"""Layers by path: what each application file's folders and file name say about its Clean Architecture layer.

Detection only — what the project *is*; the architecture verifier checks the imports between layers.
Also which web framework an external import belongs to (rules/frameworks.toml), shared by the layer
check and the framework detector.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any, NamedTuple

from cdverify.catalog import architecture_preset, load_rules, preset_names
from cdverify.config import Config, LayerSpec, normalise_dir_name
from cdverify.model import Family, Scope, SourceFile
from cdverify.rules_schema import Frameworks


class Evidence(StrEnum):
    """What decided a file's layer (`architecture.evidence` in the JSON report)."""

    CONFIG = "config glob"
    FOLDER = "folder"
    FILE_NAME = "file name"
    ROUTES = "code: routes"
    MODELS = "code: models"
    QUERIES = "code: queries"
    USE_CASE = "code: use case"
    COMPOSITION_ROOT = "composition root"
    SCRIPT = "command-line script"  # a program of its own in a folder of scripts or commands: no layer
    MIGRATION_HELPER = "migration helper"  # imported by migrations only: no layer


class Named(NamedTuple):
    """What a file's path says about its layer, before its code is read."""

    glob: str | None  # the layer a user glob gives it
    folders: tuple[tuple[str, str], ...]  # (layer, folder) of every layer folder on the path, deepest first
    suffix: str | None  # the layer its file name names (`users.service.ts`)
    abstract: bool  # inside a folder of abstractions (`interfaces/`, `ports/`)


@dataclass(frozen=True)
class LayerAssignment:
    """Which layer each application file is in, where each layer lives, and what decided it."""

    files: dict[str, str]  # file → layer
    locations: dict[str, list[str]]  # layer → sorted folders (or files, when not in a folder of the layer)
    by_name_only: dict[str, str] = field(default_factory=dict)  # file → layer, not in a folder of it
    evidence: dict[str, Evidence] = field(default_factory=dict)  # file → what decided its layer
    named: dict[str, Named] = field(default_factory=dict)  # every application source file → its path's say
    composition_roots: tuple[str, ...] = ()  # files that wire the app: no layer, may import anything
    preset: str = ""  # the architecture preset whose `[roles]` read the code
    order: tuple[str, ...] = ()  # the layer names, highest first
    # (model file, module) where the module only builds the ORM or database instance the model binds to
    # (layers/instances.py): an import a model cannot do without, no upward import
    instance_imports: frozenset[tuple[str, str]] = frozenset()

    def layer_of(self, path: str) -> str | None:
        return self.files.get(path)


def _suffix_layer(
    name: str, layers: Iterable[LayerSpec], classes: frozenset[str] = frozenset()
) -> str | None:
    """Layer named by a file name alone: `users.service.ts`, `user_repository.py`, `models.py`, and a
    PascalCase class file whose last word is one of `classes` (`BaseController.ts`; not `LanguageModel.ts`,
    where the word names no layer's class). A TypeScript declaration file (`fastify-list-routes.d.ts`)
    holds only the types of some other module: its name says nothing of a layer."""
    written = name.rsplit(".", 1)[0] if "." in name else name
    if written.endswith(".d"):
        return None
    base = normalise_dir_name(written)
    for spec in layers:
        for suffix in spec.file_suffixes:
            if base == suffix or base.endswith(("_" + suffix, "." + suffix)):
                return spec.name
    # a class per file, named in PascalCase: `UserController.ts`, `BaseService.ts`, `PetRepository.ts`
    tail = next((word for word in classes if _PASCAL.match(written) and written.endswith(word)), None)
    if tail is not None and written[-len(tail) - 1 : -len(tail)].islower():  # `UserService`, not `Service`
        return next((spec.name for spec in layers if tail.lower() in spec.file_suffixes), None)
    return None


_PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*$")


_PACKAGE_MANIFESTS = ("package.json", "pyproject.toml", "setup.py", "setup.cfg")


def package_roots(paths: Iterable[str]) -> frozenset[str]:
    """Folders below the project root that hold their own package manifest (monorepo members)."""
    return frozenset(
        path.rsplit("/", 1)[0]
        for path in paths
        if "/" in path and path.rsplit("/", 1)[1] in _PACKAGE_MANIFESTS
    )


def _named(
    path: str,
    config: Config,
    globs: list[tuple[str, Any]],
    packages: frozenset[str],
    beside: Mapping[str, str] | None = None,
    helpers: frozenset[str] = frozenset(),
    classes: frozenset[str] = frozenset(),
) -> Named:
    parts = path.split("/")
    glob = next((name for name, spec in globs if spec.match_file(path)), None)
    lowest = max((i + 1 for i in range(len(parts) - 1) if "/".join(parts[: i + 1]) in packages), default=0)
    # below a folder of helpers (`utils/http/status.ts`) a folder names the helpers' topic, not a layer
    inside = (i for i in range(len(parts) - 1) if normalise_dir_name(parts[i]) in helpers)
    top = min(inside, default=len(parts))
    folders = []
    for depth in range(min(len(parts) - 2, top), lowest - 1, -1):
        name = normalise_dir_name(parts[depth])
        match = next((spec.name for spec in config.layers if name in spec.directories), None)
        if match is None and beside:
            match = beside.get("/".join(parts[: depth + 1]))
        if match is not None:
            folders.append((match, "/".join(parts[: depth + 1])))
    abstract = any(normalise_dir_name(d) in config.abstraction_dirs for d in parts[:-1])
    return Named(glob, tuple(folders), _suffix_layer(parts[-1], config.layers, classes), abstract)


def assign_layers(
    sources: Iterable[SourceFile], config: Config, packages: frozenset[str] = frozenset()
) -> LayerAssignment:
    """Layer of every application source file by its path: user globs first, then the deepest layer
    folder on the path, then the file name. In a monorepo only folders inside a member package count, so
    a package folder named `api/` or `domain/` is not itself a layer. `roles.by_role` then reads the code."""
    globs: list[tuple[str, Any]] = []
    if any(spec.paths for spec in config.layers):
        from pathspec import PathSpec  # loaded only for user globs

        globs = [
            (spec.name, PathSpec.from_lines("gitignore", spec.paths)) for spec in config.layers if spec.paths
        ]
    application = [s.path for s in sources if s.scope is Scope.APPLICATION and s.language is not None]
    beside = _beside_folders(application, config)
    roles = architecture_preset(config.preset).roles if config.preset in preset_names() else None
    helpers = frozenset(roles.helper_directories) if roles is not None else frozenset()
    classes = frozenset(roles.class_suffixes) if roles is not None else frozenset()
    named = {path: _named(path, config, globs, packages, beside, helpers, classes) for path in application}
    return settle(named, {}, tuple(config.layer_order), preset=config.preset)


def _beside_folders(paths: Iterable[str], config: Config) -> dict[str, str]:
    """Folder → layer for the folders the preset's `[roles.beside]` places by a sibling folder (a CQRS
    `queries/` beside `commands/` takes the services layer of `commands/`)."""
    roles = architecture_preset(config.preset).roles if config.preset in preset_names() else None
    if roles is None or not roles.beside:
        return {}
    children: dict[str, dict[str, str]] = {}  # folder → its subfolders, normalised name → name as written
    for path in paths:
        parts = path.split("/")[:-1]
        for depth in range(len(parts)):
            children.setdefault("/".join(parts[:depth]), {})[normalise_dir_name(parts[depth])] = parts[depth]
    out = {}
    for parent, names in children.items():
        for name, partner in roles.beside.items():
            layer = next((spec.name for spec in config.layers if partner in spec.directories), None)
            if name in names and partner in names and layer is not None:
                out[f"{parent}/{names[name]}" if parent else names[name]] = layer
    return out


def without_containers(
    named: dict[str, Named], top: str, handlers: frozenset[str], confirmed: Mapping[str, str]
) -> dict[str, Named]:
    """A folder named for the top layer that holds folders of two or more other layers, one of them
    confirmed by the code of a file in it (`confirmed`: file → the layer its code shows), and registers
    no routes in a file of its own (`handlers`: folders holding one directly), is the app's own folder,
    not that layer (`src/api/` of `controllers/`, `services/`, Mongoose `models/`): files directly in it
    or in its unnamed subfolders (`api/errors/`, `api/Context.ts`) take no layer from it. An `api/` of
    routers beside request `models/` (pydantic schemas) stays the routes layer; lower layers keep theirs
    (a `domain/` of entities beside `services/` and `repositories/` interfaces is still models)."""
    others: dict[str, set[str]] = {}
    shown: set[str] = set()
    for path, name in named.items():
        for i, (layer, folder) in enumerate(name.folders):
            if layer != top or folder in handlers:
                continue
            for inner_layer, _inner in name.folders[:i]:  # deeper folders on the same path
                if inner_layer != layer:
                    others.setdefault(folder, set()).add(inner_layer)
                    if confirmed.get(path) == inner_layer:
                        shown.add(folder)
    containers = {folder for folder, layers in others.items() if len(layers) >= 2 and folder in shown}
    if not containers:
        return named
    return {
        path: name._replace(folders=tuple(f for f in name.folders if f[1] not in containers))
        if any(f[1] in containers for f in name.folders)
        else name
        for path, name in named.items()
    }


def settle(
    named: dict[str, Named],
    decided: Mapping[str, tuple[str, Evidence] | None],
    layers: tuple[str, ...],
    roots: tuple[str, ...] = (),
    preset: str = "",
) -> LayerAssignment:
    """The assignment from each file's path and, where the code decided, its (layer, evidence): a file
    outside every folder of its layer is located by its own path and listed in `by_name_only`."""
    files: dict[str, str] = {}
    evidence: dict[str, Evidence] = {}
    locations: dict[str, set[str]] = {layer: set() for layer in layers}
    by_name: dict[str, str] = {}
    for path, name in named.items():
        choice = decided[path] if path in decided else _by_path(name, layers[0] if layers else "")
        if choice is None:
            continue
        layer, files_evidence = choice
        files[path] = layer
        evidence[path] = files_evidence
        if files_evidence is Evidence.CONFIG:
            locations.setdefault(layer, set()).add(path.rsplit("/", 1)[0] if "/" in path else ".")
            continue
        folder = next((f for lay, f in name.folders if lay == layer), None)
        if files_evidence is Evidence.FOLDER:
            folder = name.folders[0][1]
        if folder is not None:
            locations.setdefault(layer, set()).add(folder)
        else:
            by_name[path] = layer
            locations.setdefault(layer, set()).add(path)
    _own_folders(files, evidence, named, by_name, locations)
    located = {k: sorted(v) for k, v in locations.items()}
    return LayerAssignment(files, located, by_name, evidence, named, roots, preset, layers)


_CODE = (Evidence.ROUTES, Evidence.MODELS, Evidence.QUERIES)


def _own_folders(
    files: Mapping[str, str],
    evidence: Mapping[str, Evidence],
    named: Mapping[str, Named],
    by_name: dict[str, str],
    locations: dict[str, set[str]],
) -> None:
    """A file whose code put it in a layer no folder on its path names is not "named" into it: it keeps
    its layer for the import checks but is no ARCH005. Its folder is the layer's location when every
    layered file under it is of that layer (`gateways/` of route modules, `lib/prisma.ts` alone);
    otherwise (a `db.py` beside `app.py`, a query module in `routes/`) the layer is not located there."""
    for path, layer in list(by_name.items()):
        if evidence.get(path) not in _CODE:
            continue
        del by_name[path]
        locations[layer].discard(path)
        folders = named[path].folders
        folder = folders[0][1] if folders else path.rpartition("/")[0]
        inside = [files[p] for p in files if p.startswith(folder + "/")]
        if folder and all(other == layer for other in inside):
            locations[layer].add(folder)


def _by_path(name: Named, top: str) -> tuple[str, Evidence] | None:
    """User glob, then the deepest layer folder, then the file name; but inside a folder of the top layer
    (`routes/article/`, a feature folder of handlers), a file named for another layer
    (`article.service.ts`, `article.model.ts`) is in that layer."""
    if name.glob is not None:
        return name.glob, Evidence.CONFIG
    suffix = None if name.abstract else name.suffix
    if name.folders and name.folders[0][0] == top and suffix not in (None, top):
        return suffix, Evidence.FILE_NAME
    if name.folders:
        return name.folders[0][0], Evidence.FOLDER
    if name.suffix is not None and not name.abstract:
        return name.suffix, Evidence.FILE_NAME
    return None


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


@lru_cache(maxsize=1 << 14)  # pure, and asked again and again for the same names on a big tree
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
