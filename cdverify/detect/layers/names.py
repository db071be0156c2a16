"""Layers by path: what each application file's folders and file name say about its Clean Architecture layer.

Detection only — what the project *is*; the architecture verifier checks the imports between layers.
Also which web framework an external import belongs to (rules/frameworks.toml), shared by the layer
check and the framework detector.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any, NamedTuple

import msgspec

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
    SCRIPT_HELPER = "script helper"  # imported by command-line scripts only: no layer
    PACKAGE = "package"  # a code-silent `__init__.py` whose package's modules all share one layer
    CONFIGURATION = "framework configuration"  # a Django app's `apps.py`, `admin.py`: no layer
    LOGGING = "logging"  # a logging module (`services/utils/logger.js`) whose code shows no role: no layer
    SETTINGS = "settings"  # a settings module (`config/index.ts`) whose code shows no role: no layer


class Named(NamedTuple):
    """What a file's path says about its layer, before its code is read."""

    glob: str | None  # the layer a user glob gives it
    folders: tuple[tuple[str, str], ...]  # (layer, folder) of every layer folder on the path, deepest first
    suffix: str | None  # the layer its file name names (`users.service.ts`)
    abstract: bool  # inside a folder of abstractions (`interfaces/`, `ports/`)
    # the layer a PascalCase last word of `[roles] data_class_suffixes` names (`StudentModel.ts`: models),
    # or the data-access layer for a file named for the database (`[roles] data_file_names`: `database.ts`),
    # which counts only where the file's code runs queries (roles.decide)
    data_word: str | None = None


class LayerAssignment(msgspec.Struct, frozen=True):
    """Which layer each application file is in, where each layer lives, and what decided it."""

    files: dict[str, str]  # file → layer
    locations: dict[str, list[str]]  # layer → sorted folders (or files, when not in a folder of the layer)
    by_name_only: dict[str, str] = msgspec.field(default_factory=dict)  # file → layer, not in a folder of it
    evidence: dict[str, Evidence] = msgspec.field(default_factory=dict)  # file → what decided its layer
    named: dict[str, Named] = msgspec.field(
        default_factory=dict
    )  # every application source file → its path's say
    composition_roots: tuple[str, ...] = ()  # files that wire the app: no layer, may import anything
    preset: str = ""  # the architecture preset whose `[roles]` read the code
    order: tuple[str, ...] = ()  # the layer names, highest first
    # (model file, module) where the module only builds the ORM or database instance the model binds to
    # (layers/instances.py): an import a model cannot do without, no upward import
    instance_imports: frozenset[tuple[str, str]] = frozenset()

    def layer_of(self, path: str) -> str | None:
        return self.files.get(path)


def _suffix_layer(
    name: str,
    layers: Iterable[LayerSpec],
    classes: frozenset[str] = frozenset(),
    implementations: frozenset[str] = frozenset(),
) -> str | None:
    """Layer named by a file name alone: `users.service.ts`, `user_repository.py`, `models.py`, and a
    PascalCase class file or camelCase module whose last word is one of `classes` (`BaseController.ts`,
    `usersService.js`; not `LanguageModel.ts`, where the word names no layer's class). A dotted name may add
    one of `implementations` after the layer word, the technology or implementation of that layer
    (`user.repository.drizzle.ts`, `user.repository.impl.ts`). A suffix written with its dot (`.domain`)
    matches only a dotted name (`transactions.domain.ts`, not `email_domain.py` nor `domain.py`). A TypeScript
    declaration file (`fastify-list-routes.d.ts`) holds only the types of some other module: its name says
    nothing of a layer."""
    written = name.rsplit(".", 1)[0] if "." in name else name
    if written.endswith(".d"):
        return None
    base = normalise_dir_name(written)
    stem, dot, last = base.rpartition(".")
    bases = (base, stem) if dot and stem and last in implementations else (base,)
    for spec in layers:
        for suffix in spec.file_suffixes:
            # a suffix written with its dot (`.domain`) names the layer only in a dotted name
            words = (suffix,) if suffix.startswith(".") else ("_" + suffix, "." + suffix)
            if any(b == suffix or b.endswith(words) for b in bases):
                return spec.name
    # a class per file, named in PascalCase: `UserController.ts`, `BaseService.ts`, `PetRepository.ts`; or a
    # module named so in camelCase (`usersService.js`, `authController.js`)
    humped = _PASCAL.match(written) or _CAMEL.match(written)
    tail = next((word for word in classes if humped and written.endswith(word)), None)
    if tail is not None and written[-len(tail) - 1 : -len(tail)].islower():  # `UserService`, not `Service`
        return next((spec.name for spec in layers if tail.lower() in spec.file_suffixes), None)
    return None


_PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*$")
_CAMEL = re.compile(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$")


_PACKAGE_MANIFESTS = ("package.json", "pyproject.toml", "setup.py", "setup.cfg")
# An Nx workspace (`nx.json` at its top) declares each of its projects with a `project.json`
# (https://nx.dev/reference/project-configuration), which marks `apps/web/` or `libs/todo/` as one member even
# where it has no package.json; elsewhere a `project.json` is as likely data (`models/project.json`).
_NX_PROJECT, _NX_WORKSPACE = "project.json", "nx.json"


def package_roots(paths: Iterable[str]) -> frozenset[str]:
    """Folders below the project root that hold their own package manifest, or an Nx project file inside an
    Nx workspace (monorepo members): such a folder and those above it name a member (`apps/web/`), not a
    layer."""
    paths = list(paths)
    workspaces = {path.rpartition("/")[0] for path in paths if path.rpartition("/")[2] == _NX_WORKSPACE}

    def member(path: str) -> bool:
        folder, _, name = path.rpartition("/")
        if name in _PACKAGE_MANIFESTS:
            return True
        return name == _NX_PROJECT and any(not top or folder.startswith(top + "/") for top in workspaces)

    return frozenset(path.rsplit("/", 1)[0] for path in paths if "/" in path and member(path))


def _named(
    path: str,
    config: Config,
    globs: list[tuple[str, Any]],
    packages: frozenset[str],
    helpers: frozenset[str] = frozenset(),
    classes: frozenset[str] = frozenset(),
    implementations: frozenset[str] = frozenset(),
    data_classes: frozenset[str] = frozenset(),
    data: DataNames | None = None,
    constants: frozenset[str] = frozenset(),
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
        if match is None and data is not None:
            match = _database_folder(name, config.layers, data.folder_prefixes)
        if match is not None:
            folders.append((match, "/".join(parts[: depth + 1])))
    abstract = any(normalise_dir_name(d) in config.abstraction_dirs for d in parts[:-1])
    # in a folder of constants (`constants/endpoints.js`) a file's name names what its values are about
    named_for = not any(normalise_dir_name(d) in constants for d in parts[:-1])
    suffix = _suffix_layer(parts[-1], config.layers, classes, implementations) if named_for else None
    stem = parts[-1].partition(".")[0]
    compound = _FIRST_WORD.match(stem)
    first = normalise_dir_name(compound[0]) if compound else ""
    if suffix is not None and data is not None and first in data.file_prefixes and _CAMEL.match(stem):
        suffix = None  # `database/databaseService.ts`: a module of the database, named after its class
    word = _suffix_layer(parts[-1], config.layers, data_classes) if data_classes and suffix is None else None
    if word is None and suffix is None and data is not None:
        # `services/database.ts`, `services/migrator.ts`, `services/postgresql_executor.py`: the file is named
        # for the database, not a use case
        named_for_database = normalise_dir_name(stem) in data.file_names or first in data.file_prefixes
        word = data.layer if named_for_database or _in_database_folder(parts, folders, data) else None
    return Named(glob, tuple(folders), suffix, abstract, word)


class DataNames(NamedTuple):
    """The preset's names of the database's own folders and files (`[roles] data_folder_prefixes`,
    `data_file_names`, `data_file_prefixes`), and the data-access layer a file so named is in where its code
    runs queries."""

    folder_prefixes: frozenset[str]
    file_names: frozenset[str]
    layer: str
    file_prefixes: frozenset[str] = frozenset()


# the first word of a compound file name: up to `_`, `-` or a camelCase hump (`supabase` of `supabaseClient`);
# a name of one word has none
_FIRST_WORD = re.compile(r"[a-z0-9]+(?=[_-]|[A-Z])|[A-Z][a-z0-9]+(?=[_-]|[A-Z])", re.ASCII)


def _in_database_folder(parts: list[str], folders: list[tuple[str, str]], data: DataNames) -> bool:
    """Whether a file sits in a folder named just for the database (`[roles] data_folder_prefixes`: `db/`,
    `database/`) below the deepest layer folder on its path (`services/db/queries.py`): the data-access
    part of that layer's folder, as `db-stores/` is, which counts only where the file's code runs queries."""
    if not folders:
        return False
    below = parts[folders[0][1].count("/") + 1 : -1]
    return any(normalise_dir_name(part) in data.folder_prefixes for part in below)


def _database_folder(name: str, layers: Iterable[LayerSpec], prefixes: frozenset[str]) -> str | None:
    """The layer a folder named for the database's part of a layer names (`db-stores/`, `db_repositories/`:
    a database word, then a layer folder's name); None for any other compound name (`todo-api/`)."""
    head, sep, tail = name.partition("_")
    if not sep or head not in prefixes:
        return None
    return next((spec.name for spec in layers if tail in spec.directories), None)


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
    roles = architecture_preset(config.preset).roles if config.preset in preset_names() else None
    helpers = frozenset(roles.helper_directories) if roles is not None else frozenset()
    constant_dirs = roles.constant_directories if roles is not None else ()
    constants = frozenset(normalise_dir_name(d) for d in constant_dirs)
    classes = frozenset(roles.class_suffixes) if roles is not None else frozenset()
    words = frozenset(roles.implementation_words) if roles is not None else frozenset()
    data = frozenset(roles.data_class_suffixes) if roles is not None else frozenset()
    queries = roles.layers.get("queries") if roles is not None else None
    database = (
        DataNames(
            frozenset(roles.data_folder_prefixes),
            frozenset(roles.data_file_names),
            queries,
            frozenset(roles.data_file_prefixes),
        )
        if roles is not None and queries is not None
        else None
    )
    named = {
        path: _named(path, config, globs, packages, helpers, classes, words, data, database, constants)
        for path in application
    }
    named = outer_agreement(feature_folders(named))
    return settle(named, {}, tuple(config.layer_order), preset=config.preset)


def outer_agreement(named: dict[str, Named]) -> dict[str, Named]:
    """A file whose own name names the layer an outer folder on its path names, inside a deeper folder of
    another layer (`services/model/model_service.py`, a service of the machine-learning model in a `model/`
    subfolder of `services/`): its name and the outer folder agree against the deeper folder, which names
    the file's topic there, so the folders deeper than the agreeing one name no layer for it."""
    out = named
    for path, name in named.items():
        suffix = None if name.abstract else name.suffix
        if suffix is None or not name.folders or name.folders[0][0] == suffix or name.glob is not None:
            continue
        agreeing = next((i for i, (layer, _folder) in enumerate(name.folders) if layer == suffix), None)
        if agreeing is None:
            continue
        if out is named:
            out = dict(named)
        out[path] = name._replace(folders=name.folders[agreeing:])
    return out


def feature_folders(named: dict[str, Named]) -> dict[str, Named]:
    """A layer folder that holds files named after it for two or more other layers (`modules/store/` of
    `store.controller.js`, `store.service.js`, `store.entity.js`) is a feature module whose name happens
    to be a layer word (a shop's `store`, not a data store): it names no layer for the files under it, and
    their names and code decide."""
    kinds: dict[str, set[str]] = {}  # layer folder → the layers its own feature-named files name
    for path, name in named.items():
        folder, _, file = path.rpartition("/")
        if name.suffix is None or not name.folders or name.folders[0][1] != folder:
            continue
        if normalise_dir_name(file.partition(".")[0]) == normalise_dir_name(folder.rpartition("/")[2]):
            kinds.setdefault(folder, {name.folders[0][0]}).add(name.suffix)
    return without_folders(named, {folder for folder, layers in kinds.items() if len(layers) >= 3})


def without_folders(named: dict[str, Named], dropped: set[str]) -> dict[str, Named]:
    """`named` with the layer folders `dropped` naming no layer for the paths under them."""
    if not dropped:
        return named
    return {
        path: name._replace(folders=tuple(f for f in name.folders if f[1] not in dropped))
        if any(f[1] in dropped for f in name.folders)
        else name
        for path, name in named.items()
    }


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
    return without_folders(named, containers)


def app_packages(
    named: dict[str, Named],
    top: str,
    routing: Collection[str],
    confirmed: Mapping[str, str],
    apps: Collection[str],
) -> dict[str, Named]:
    """A folder named for the top layer that is the app's own package: a file directly in it builds the app
    (`apps`), the request handlers it mounts live in a deeper folder of that layer (`src/api/routers/`,
    a file there whose code registers routes: `routing`), and beside them the files directly in it are, by
    their own names or code, in two other layers or more, one of them confirmed by code (`repositories.py`
    running queries, `models.py`); no file directly in it but the app's registers routes (the app's own
    health route does not make the folder a routes folder). Files directly in it take no layer from it:
    `src/api/settings.py`, `src/api/utils.py` beside `main.py`, `routers/`, `repositories.py` and `db.py`
    are the app's settings and helpers, not request handlers."""
    direct: dict[str, list[str]] = {}  # folder of the top layer → files directly in it
    deeper: set[str] = set()  # folders of the top layer holding a deeper routes folder with a router
    for path, name in named.items():
        for i, (layer, folder) in enumerate(name.folders):
            if layer != top:
                continue
            if i == 0 and path.rpartition("/")[0] == folder:
                direct.setdefault(folder, []).append(path)
            elif i > 0 and path in routing and any(inner == top for inner, _f in name.folders[:i]):
                deeper.add(folder)
    packages = set()
    for folder, files in direct.items():
        if folder not in deeper or not any(path in apps for path in files):
            continue
        if any(path in routing and path not in apps for path in files):
            continue
        named_layers = {named[path].suffix for path in files} | {confirmed.get(path) for path in files}
        shown = {confirmed.get(path) for path in files} - {None, top}
        if len(named_layers - {None, top}) >= 2 and shown:
            packages.add(folder)
    return without_folders(named, packages)


def beside_folders(named: dict[str, Named], pairs: Mapping[str, str]) -> dict[str, Named]:
    """Files under a folder named in `pairs` (a name → a sibling's name: `[roles] beside_folders`) that
    sits beside a layer folder of that name (`core/queries/` next to `core/commands/`) are in that
    folder's layer; a layer folder deeper on the path still decides first."""
    if not pairs:
        return named
    wanted = {normalise_dir_name(name): normalise_dir_name(sibling) for name, sibling in pairs.items()}
    layered = {folder: layer for name in named.values() for layer, folder in name.folders}
    by_name = {
        (folder.rpartition("/")[0], normalise_dir_name(folder.rpartition("/")[2])): layer
        for folder, layer in layered.items()
    }
    chosen: dict[str, str] = {}
    for path in named:
        parts = path.split("/")[:-1]
        for depth, part in enumerate(parts):
            sibling = wanted.get(normalise_dir_name(part))
            parent = "/".join(parts[:depth])
            if sibling is not None and (parent, sibling) in by_name:
                chosen["/".join(parts[: depth + 1])] = by_name[(parent, sibling)]
    return _with_folders(named, chosen)


def beside_layers(named: dict[str, Named], folders: Mapping[str, str], models: str) -> dict[str, Named]:
    """Files under a folder named in `folders` (a name → its layer: `[roles] beside_layers`) that sits
    beside folders of two other layers, one of them the `models` layer (`internal/app/` next to
    `internal/domain/` and `internal/adapters/`), are in that layer, as if the name were listed for it; a
    layer folder deeper on the path still decides first. A Django project package `app/` beside `api/`
    and `services/` (no domain) names no layer."""
    if not folders:
        return named
    layered = {folder: layer for name in named.values() for layer, folder in name.folders}
    siblings: dict[str, set[str]] = {}  # parent folder → the layers of the layer folders in it
    for folder, layer in layered.items():
        siblings.setdefault(folder.rpartition("/")[0], set()).add(layer)
    chosen: dict[str, str] = {}  # folder → its layer
    for path in named:
        parts = path.split("/")[:-1]
        for depth, part in enumerate(parts):
            named_for = folders.get(normalise_dir_name(part))
            folder = "/".join(parts[: depth + 1])
            if named_for is not None and folder not in layered:
                beside = siblings.get(folder.rpartition("/")[0], set()) - {named_for}
                if len(beside) >= 2 and models in beside:
                    chosen[folder] = named_for
    return _with_folders(named, chosen)


def _with_folders(named: dict[str, Named], chosen: Mapping[str, str]) -> dict[str, Named]:
    """`named` with the layer folders of `chosen` (folder → layer) added to the paths under them."""
    if not chosen:
        return named
    out = dict(named)
    for path, name in named.items():
        extra = [
            (layer, folder)
            for folder, layer in chosen.items()
            if path.startswith(folder + "/") and (layer, folder) not in name.folders
        ]
        if extra:
            merged = sorted((*name.folders, *extra), key=lambda item: -item[1].count("/"))
            out[path] = name._replace(folders=tuple(merged))
    return out


def not_inside(named: dict[str, Named], parents: Mapping[str, Collection[str]]) -> dict[str, Named]:
    """Files whose path has a layer folder named in `parents` (a name → parent folder names:
    `[roles] not_inside`) directly inside one of those parents (`outbound/adapters/`): that folder names
    no layer for them."""
    wanted = {normalise_dir_name(name): {normalise_dir_name(p) for p in ps} for name, ps in parents.items()}

    def cancelled(folder: str) -> bool:
        parts = folder.split("/")
        inside = wanted.get(normalise_dir_name(parts[-1]), ())
        return len(parts) > 1 and normalise_dir_name(parts[-2]) in inside

    if not any(cancelled(folder) for name in named.values() for _layer, folder in name.folders):
        return named
    return {
        path: name._replace(folders=tuple(f for f in name.folders if not cancelled(f[1])))
        for path, name in named.items()
    }


def not_above(named: dict[str, Named], children: Mapping[str, Collection[str]]) -> dict[str, Named]:
    """Files whose path has a layer folder named in `children` (a name → child folder names: `[roles]
    not_above`) holding, on that path, one of those children (`adapters/outbound/`): that folder names no
    layer for them, as `not_inside` cancels it in `outbound/adapters/`."""
    wanted = {normalise_dir_name(name): {normalise_dir_name(c) for c in cs} for name, cs in children.items()}

    def cancelled(path: str, folder: str) -> bool:
        below = wanted.get(normalise_dir_name(folder.rsplit("/", 1)[-1]))
        if not below or not path.startswith(folder + "/"):
            return False
        rest = path[len(folder) + 1 :].split("/")
        return len(rest) > 1 and normalise_dir_name(rest[0]) in below

    out = {
        path: name._replace(folders=tuple(f for f in name.folders if not cancelled(path, f[1])))
        for path, name in named.items()
        if any(cancelled(path, folder) for _layer, folder in name.folders)
    }
    return {**named, **out} if out else named


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
        choice = (
            decided[path] if path in decided else _by_path(name, layers[0] if layers else "", layers, path)
        )
        if choice is None:
            continue
        layer, files_evidence = choice
        files[path] = layer
        evidence[path] = files_evidence
        if files_evidence is Evidence.PACKAGE:
            continue  # a package marker follows its modules: it locates no layer
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
    _own_folders(files, evidence, named, by_name, locations, layers[-1] if layers else "")
    located = {k: sorted(v) for k, v in locations.items()}
    return LayerAssignment(files, located, by_name, evidence, named, roots, preset, layers)


_CODE = (Evidence.ROUTES, Evidence.MODELS, Evidence.QUERIES)


def _own_folders(
    files: Mapping[str, str],
    evidence: Mapping[str, Evidence],
    named: Mapping[str, Named],
    by_name: dict[str, str],
    locations: dict[str, set[str]],
    lowest: str,
) -> None:
    """A file whose code put it in a layer no folder on its path names is not "named" into it: it keeps
    its layer for the import checks but is no ARCH005. Its folder is the layer's location when every
    layered file under it is of that layer (`gateways/` of route modules, `lib/prisma.ts` alone), or of
    the `lowest` layer by its code while that layer has a folder elsewhere (`data/orm.py` of mapped rows
    beside `data/` query modules, with `domain/` the models' folder); otherwise (a `db.py` beside `app.py`,
    a query module in `routes/`) the layer is not located there. A file named for its layer inside a folder
    so located (`data/article_repository.py`) is in its layer's folder: no ARCH005 either. A file named
    for its layer that no folder locates (`infrastructure/models.py` of mapped models) is only let go when
    its layer has a folder elsewhere (`domain/`); otherwise it stays located by its name."""
    unlocated: dict[str, str] = {}
    found: dict[str, str] = {}  # folder → the layer its code-placed files locate there
    for path, layer in list(by_name.items()):
        if evidence.get(path) not in _CODE:
            continue
        del by_name[path]
        locations[layer].discard(path)
        folders = named[path].folders
        own = path.rpartition("/")[0]
        # the layer folder on its path, else its own folder below that one (`adapters/db/` of query modules
        # inside an `adapters/` of route modules: a folder of the layer's own)
        places = [folders[0][1]] if folders else [own]
        if folders and own.startswith(folders[0][1] + "/"):
            places.append(own)
        beside = _placed_below(files, evidence, locations, lowest) if layer != lowest else frozenset()
        folder = next((f for f in places if _only(files, f, layer, beside)), "")
        if folder:
            locations[layer].add(folder)
            found[folder] = layer
        elif named[path].suffix == layer:
            unlocated[path] = layer
    for path, layer in unlocated.items():
        if not any(place not in by_name for place in locations[layer]):
            by_name[path] = layer
            locations[layer].add(path)
    for path, layer in list(by_name.items()):
        if evidence.get(path) is Evidence.FILE_NAME and any(
            path.startswith(folder + "/") and found[folder] == layer for folder in found
        ):
            del by_name[path]
            locations[layer].discard(path)


def _placed_below(
    files: Mapping[str, str], evidence: Mapping[str, Evidence], locations: Mapping[str, set[str]], lowest: str
) -> frozenset[str]:
    """The files of the `lowest` layer placed there by their code (mapped models) outside every folder
    that locates that layer, when some folder does: they may sit beside the data access that uses them."""
    folders = [place for place in locations.get(lowest, ()) if files.get(place) is None]
    if not folders:
        return frozenset()
    return frozenset(
        path
        for path, layer in files.items()
        if layer == lowest
        and evidence.get(path) is Evidence.MODELS
        and not any(path.startswith(folder + "/") for folder in folders)
    )


def _only(files: Mapping[str, str], folder: str, layer: str, beside: Collection[str] = ()) -> bool:
    """`folder` is named and every layered file under it is of `layer` (or one of `beside`)."""
    return bool(folder) and all(
        other == layer or p in beside for p, other in files.items() if p.startswith(folder + "/")
    )


def _by_path(
    name: Named, top: str, layers: tuple[str, ...] = (), path: str = ""
) -> tuple[str, Evidence] | None:
    """User glob, then the deepest layer folder, then the file name; but inside a folder of the top layer
    (`routes/article/`, a feature folder of handlers), a file named for another layer
    (`article.service.ts`, `article.model.ts`) is in that layer; and inside a folder of the bottom one
    (`domain/hive/`, an aggregate's folder in the domain), so is a file whose lower-case name names a middle
    layer (`domain/hive/service.py`, `domain/hive/repository.py`) — not an entity's class file named like a
    layer word (`domain/Route.ts`, `models/AppointmentService.ts`)."""
    if name.glob is not None:
        return name.glob, Evidence.CONFIG
    suffix = None if name.abstract else name.suffix
    if name.folders and name.folders[0][0] == top and suffix not in (None, top):
        return suffix, Evidence.FILE_NAME
    if (
        name.folders
        and layers
        and name.folders[0][0] == layers[-1]
        and suffix in layers[1:-1]
        and path.rpartition("/")[2][:1].islower()
    ):
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


@cache
def routes_only_frameworks() -> frozenset[str]:
    """Frameworks whose routes only the frameworks they are implied by serve (`routes_only`)."""
    data = load_rules(Frameworks)
    return frozenset(
        name for family in (data.python, data.node) for name, entry in family.items() if entry.routes_only
    )


@cache
def _not_web(family: Family) -> tuple[str, ...]:
    """The modules of the frameworks' packages that are no part of their web layer (`not_web`)."""
    entries = load_rules(Frameworks).family(family).values()
    return tuple(module for entry in entries for module in entry.not_web)


def web_module(specifier: str, family: Family, names: tuple[str, ...] = ()) -> str | None:
    """The web framework an import of a service reaches (ARCH003): `framework_of`, unless the module is one
    of the framework's that handle no HTTP (`django.db`, `django.utils.text`), or all the `names` it takes
    are (`from django.utils import timezone`)."""
    framework = framework_of(specifier, family)
    if framework is None:
        return None
    safe = _not_web(family)

    def quiet(module: str) -> bool:
        return any(module == m or module.startswith(m + ".") for m in safe)

    if quiet(specifier) or (names and all(quiet(f"{specifier}.{name}") for name in names)):
        return None
    return framework


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
