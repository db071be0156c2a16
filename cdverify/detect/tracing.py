"""Calls made through another module's object: `from extensions import db` then `db.Model`,
`require("./db.js").define(…)`. Each module's instances (names bound to traced calls, what
`module.exports` / `export default` holds, and what its factory functions return: `makeRouter()`) are
looked up by the importing callee's module path."""

from __future__ import annotations

import heapq
import posixpath
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from sys import stdlib_module_names
from typing import TYPE_CHECKING, NamedTuple

from cdverify.catalog import load_rules
from cdverify.generated_clients import GeneratedClient, package_of
from cdverify.model import APP_PLACEHOLDER, Family, FileFacts, Language, TargetKind
from cdverify.rules_schema import Scopes

if TYPE_CHECKING:
    from cdverify.resolve import ImportEdge, ImportGraph


_STDLIB = frozenset(stdlib_module_names)


class Instances(NamedTuple):
    """(module key, exported name) → traced value; `heads` are the first components of the Python
    module keys, so that a callee naming no project module is rejected at once."""

    names: dict[tuple[str, str], str]
    heads: frozenset[str]
    # (callee, importer, family) → what `foreign` answered: the framework and ORM detectors ask alike
    answers: dict[tuple[str, str, Family], str | None]
    # (importer, `..name`): names imported from a package by dots alone (`from . import main`)
    packaged: frozenset[tuple[str, str]] = frozenset()
    # clients generated into the project (a Prisma client's `output` folder): modules there are the package
    generated: tuple[GeneratedClient, ...] = ()
    # importer → (specifier, relative specifier) of its Node imports that name a project module without a
    # path (`@/lib/db`, `~/db`, a workspace package), longest first: `@/lib/db.getDatabase()` is `../lib/db…`
    aliased: Mapping[str, tuple[tuple[str, str], ...]] | None = None


Asked = tuple[tuple[str, str | None], ...]  # one file's questions to `foreign`: callee → answer
_UNASKED = object()  # no answer yet (None is an answer)


class AskedAnswers(dict[tuple[str, str, Family], str | None]):
    """The `answers` of `Instances` as one file's step sees them: shared with every other step, and
    noting each question asked, so that the step's value, kept between runs, is served again only while
    every answer it read is the same (`same_answers`)."""

    def __init__(self, shared: dict[tuple[str, str, Family], str | None]) -> None:
        super().__init__()
        self.shared = shared
        self.asked: dict[str, str | None] = {}

    def __contains__(self, key: object) -> bool:
        return key in self.shared

    def __getitem__(self, key: tuple[str, str, Family]) -> str | None:
        answer = self.asked[key[0]] = self.shared[key]
        return answer

    def get(self, key: tuple[str, str, Family], default: object = None) -> object:  # type: ignore[override]
        answer = self.shared.get(key, _UNASKED)
        if answer is _UNASKED:
            return default
        self.asked[key[0]] = answer  # type: ignore[assignment]
        return answer

    def __setitem__(self, key: tuple[str, str, Family], answer: str | None) -> None:
        self.shared[key] = self.asked[key[0]] = answer


def asking(instances: Instances) -> tuple[Instances, AskedAnswers]:
    """`instances` noting the questions `foreign` is asked through them (by one file: its callees)."""
    answers = AskedAnswers(instances.answers)
    return instances._replace(answers=answers), answers


def same_answers(asked: Asked, importer: str, family: Family, instances: Instances) -> bool:
    """Every question `importer` asked (`asked`) gets the same answer from `instances`."""
    return all(foreign(callee, importer, family, instances) == answer for callee, answer in asked)


def package_imports(facts: Mapping[str, FileFacts]) -> frozenset[tuple[str, str]]:
    """(importer, written head) of every Python name imported by dots alone: `from . import main` binds
    `main` to `..main`, which reads like `from ..main import …` (one package up) unless told apart."""
    return frozenset(
        (path, f"{fact.specifier}.{name}")
        for path, file_facts in facts.items()
        if file_facts.language.family == "python"
        for fact in file_facts.imports
        if fact.specifier.startswith(".") and not fact.specifier.strip(".")
        for name in fact.names
    )


def aliased_imports(
    facts: Mapping[str, FileFacts], graph: ImportGraph, generated: tuple[GeneratedClient, ...] = ()
) -> dict[str, tuple[tuple[str, str], ...]]:
    """importer → (specifier, the same module as a relative specifier) of every Node import that reaches a
    project file without a relative path: a tsconfig `paths` alias (`@/lib/db`), `_moduleAliases`, a
    workspace package. Longest specifier first, so that `@/db/client` is tried before `@/db`. Also an alias
    into a `generated` client's folder, which holds no file (`@/generated/prisma/client`, Prisma's git-ignored
    `output`): the path the alias maps it to, which tracing reads as the package the folder stands for."""
    found: dict[str, set[tuple[str, str]]] = {}
    edges = (
        edge
        for path, file_facts in facts.items()
        if file_facts.language.family == Family.NODE
        for edge in graph.imports_of(path)
    )
    for edge in edges:
        target, specifier = edge.target, edge.fact.specifier
        if target is None and generated and _into_generated(edge, generated):
            target = edge.resolution.target
        if target is None or not specifier or specifier.startswith("."):
            continue
        relative = posixpath.relpath(target, posixpath.dirname(edge.source) or ".")
        relative = relative if relative.startswith("../") else "./" + relative
        found.setdefault(edge.source, set()).add((specifier, relative))
    return {path: tuple(sorted(pairs, key=lambda pair: -len(pair[0]))) for path, pairs in found.items()}


def _into_generated(edge: ImportEdge, generated: tuple[GeneratedClient, ...]) -> bool:
    """An unresolved import whose `paths` alias maps it into a generated client's folder."""
    mapped = edge.resolution.target
    if edge.resolution.kind is not TargetKind.UNRESOLVED or not mapped:
        return False
    return package_of(mapped, generated) is not None


def unaliased(value: str, importer: str, instances: Instances) -> str:
    """`@/lib/db.getDatabase()` → `../lib/db.ts.getDatabase()` in `src/models/user.ts` when `@/lib/db`
    names a project module there; any other value as it is."""
    return unaliased_in(value, importer, instances.aliased)


def unaliased_in(value: str, importer: str, aliased: Mapping[str, tuple[tuple[str, str], ...]] | None) -> str:
    if aliased is None or value.startswith("."):
        return value
    for specifier, relative in aliased.get(importer, ()):
        if value.startswith(specifier) and value[len(specifier) : len(specifier) + 1] in ("", ".", "("):
            return relative + value[len(specifier) :]
    return value


class Trail(NamedTuple):
    """What a resolution did, for bringing its result up to date later (detect/traced_state.py): the
    values each entry held when it changed (its first value included), the entries found through
    each entry, and the names passed through."""

    held: dict[tuple[str, str], list[str]]
    readers: dict[tuple[str, str], set[tuple[str, str]]]
    # the names passed through (`passed_through`) the computation added → (value, file), in its order
    passed: dict[tuple[str, str], tuple[str, str]]


def bound_to_project(value: str, heads: frozenset[str]) -> bool:
    """The value is an import from another project module (relative, or headed by a project module)."""
    return value.startswith(".") or value.split(".", 1)[0] in heads


def instances_of(
    facts: Mapping[str, FileFacts],
    generated: tuple[GeneratedClient, ...] = (),
    aliased: Mapping[str, tuple[tuple[str, str], ...]] | None = None,
    trail: Trail | None = None,
) -> Instances:
    """(module key, exported name) → traced instance, for calls made through another module's object:
    Python modules under every dotted suffix of their path (`conduit/app.py` is `conduit.app` and
    `app`), Node modules by path without extension; modules of a `generated` client's folder are its
    package (`../generated/prisma/client.PrismaClient` → `@prisma/client.PrismaClient`); `aliased`
    (see `aliased_imports`) turns aliased module names into relative ones; `trail`, when given, is
    filled with what the resolution did."""
    out: dict[tuple[str, str], str] = {}
    homes: dict[tuple[str, str], tuple[str, Family]] = {}
    module_heads: set[str] = set()
    packages: set[tuple[str, str]] = set()  # entries naming a generated client's package: always kept
    for path, file_facts in facts.items():
        if not file_facts.exports:
            continue
        family = file_facts.language.family
        keys = module_keys(path, family)
        home = (path, family)
        for key in keys:
            if "/" not in key:
                module_heads.add(key.split(".")[0])
            for name, value in file_facts.exports:
                entry = (key, name)
                written = unaliased_in(value, path, aliased)
                if generated and family == "node" and written.startswith(("./", "../")):
                    # `export const prisma = new PrismaClient()` of `../generated/prisma/client`: the
                    # package's client, wherever the module's importers call it (they import it from here)
                    package = _generated(written, path, generated)
                    if package is not None:
                        written = package
                        packages.add(entry)
                out.setdefault(entry, written)
                homes[entry] = home
    # names imported from a library into a module others import them from: after every export
    passed = {entry: offer for entry, offer in passed_through(facts).items() if entry not in out}
    for entry, (value, home_path) in passed.items():
        out[entry] = value
        homes[entry] = (home_path, Family.PYTHON)
        module_heads.add(entry[0].split(".")[0])
    if trail is not None:
        trail.passed.update(passed)
    heads = frozenset(module_heads)

    # drop plain imports passed through (`from flask import jsonify` binds `jsonify` to `flask.jsonify`):
    # another module imports those from the library itself
    kept: dict[tuple[str, str], str] = {}
    # values that are themselves imports from other modules (`Model = db.Model` after
    # `from .extensions import db`), resolved in their own module, a few hops deep
    pending: list[tuple[str, str]] = []
    for entry, value in out.items():
        if bound_to_project(value, heads):
            kept[entry] = value
            pending.append(entry)
        elif not value.endswith("." + entry[1]) or entry in packages or entry in passed:
            kept[entry] = value
    out = kept
    packaged = package_imports(facts)
    instances = Instances(out, heads, {}, packaged, generated, aliased)
    resolve_rounds(pending, out, homes, heads, packaged, trail)
    return instances


def passed_through(facts: Mapping[str, FileFacts]) -> dict[tuple[str, str], tuple[str, str]]:
    """(module key, name) → (value, file) of each name a Python module imports at its top from a library or
    by an absolute module path and that another module imports from it (`from aiohttp import web` in
    settings.py, then `from app.settings import web` and `web.Application()`): a module's namespace holds
    every name it imports. The first such file of a key gives the value. Not a name a module imports from a
    module its key names (`from aiohttp import web` in `util/aiohttp.py`: the library, not itself), nor
    one imported from an undotted standard-library module (`from time import time` names no `time.py`). A
    star import of a module (`from app.models import *`) takes every name it imports so."""
    python = [
        (path, ff.imports) for path, ff in facts.items() if ff.imports and ff.language.family == Family.PYTHON
    ]
    keys_of = {path: module_keys(path, Family.PYTHON) for path, _ in python}
    project = {key for keys in keys_of.values() for key in keys}  # the modules that can pass names on
    wanted: dict[str, set[str]] = {}
    starred: set[str] = set()  # modules a star import takes every name of (`from app.models import *`)
    for path, imports in python:
        for fact in imports:
            names = fact.names
            star = not names and fact.text.startswith("from ") and fact.text.endswith("*")
            if not (names or star) or fact.in_function:
                continue
            module = fact.specifier
            if module.startswith("."):
                module = ".".join(part for part in absolute_parts(module, path, frozenset()) if part)
            elif module in project and "." not in module and module in _STDLIB:
                continue
            if module in project:
                wanted.setdefault(module, set()).update(names)
                if star:
                    starred.add(module)
    offered: dict[tuple[str, str], tuple[str, str]] = {}
    for path, imports in python if wanted else ():
        keys = [key for key in keys_of[path] if key in wanted]
        for fact in imports if keys else ():
            specifier = fact.specifier
            if not fact.names or fact.in_function or specifier.startswith("."):
                continue
            for name in fact.names:
                for key in keys:
                    if key != specifier and (name in wanted[key] or key in starred):
                        offered.setdefault((key, name), (f"{specifier}.{name}", path))
    return offered


def resolve_rounds(
    pending: list[tuple[str, str]],
    out: dict[tuple[str, str], str],
    homes: Mapping[tuple[str, str], tuple[str, Family]],
    heads: frozenset[str],
    packaged: frozenset[tuple[str, str]],
    trail: Trail | None = None,
) -> None:
    """Up to three rounds over `pending` in order, each entry's value replaced by what it names in its own
    module (an entry sees the values changed before it in the same round). Not through the memo of
    `foreign`: `out` still changes between the rounds. An entry is read again only when its value or
    the value it was found through changed: read again with the same values it would change nothing.
    Where a value is found stays the same from round to round (the entries stay, their values change).
    `trail`, when given, gets each changed entry's values and the entries found through each entry."""
    located: dict[tuple[str, str, Family], tuple[tuple[str, str], str] | None] = {}
    # an entry → the pending entries found through it
    readers: dict[tuple[str, str], list[int]] = {}
    due: Iterable[int] = range(len(pending))
    for _ in range(3):
        changed = False
        queued = set(due) if isinstance(due, list) else None  # None: all are due
        again: set[int] = set()  # read in the next round
        later: list[int] = []  # read later in this round: a heap
        ahead = iter(due)
        number = next(ahead, None)
        while number is not None or later:
            if later and (number is None or later[0] < number):
                current = heapq.heappop(later)
            else:
                assert number is not None
                current, number = number, next(ahead, None)
            entry = pending[current]
            value = out[entry]
            if not bound_to_project(value, heads):
                continue
            path, family = homes[entry]
            site = (value, path, family)
            if site in located:
                found = located[site]
            else:
                found = located[site] = _locate(value, path, family, out, heads, packaged)
            if found is None:
                continue
            readers.setdefault(found[0], []).append(current)
            resolved = out[found[0]] + found[1]
            if resolved == value:
                continue
            out[entry] = resolved
            if trail is not None:
                trail.held.setdefault(entry, [value]).append(resolved)
            changed = True
            again.add(current)
            for reader in readers.get(entry, ()):
                if reader <= current:
                    again.add(reader)
                elif queued is not None and reader not in queued:
                    queued.add(reader)
                    heapq.heappush(later, reader)
        if not changed:
            break
        due = sorted(again)
    if trail is not None:
        for found_entry, numbers in readers.items():
            trail.readers.setdefault(found_entry, set()).update(pending[number] for number in numbers)


def absolute_parts(callee: str, importer: str, packaged: frozenset[tuple[str, str]]) -> list[str]:
    """A Python callee's dotted parts, a relative one (`..views.setup`) made absolute from the importer's
    folder (`app/views.setup` → [`app`, `views`, `setup`])."""
    dots = len(callee) - len(callee.lstrip("."))
    parts = callee.lstrip(".").split(".")
    if dots > 1 and (importer, "." * dots + parts[0]) in packaged:
        dots -= 1  # `from . import main`: `main` of this package, not the module `main` one up
    if dots:
        base = importer.split("/")[:-1]
        base = base[: len(base) - (dots - 1)] if dots > 1 else base
        parts = [*base, *parts]
    return parts


def module_keys(path: str, family: Family) -> list[str]:
    """The keys other modules name a module by: a Python module under every dotted suffix of its path
    (`conduit/app.py` is `conduit.app` and `app`), a Node module by its path without extension."""
    if family == "python":
        parts = path.removesuffix(".py").split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        return [".".join(parts[start:]) for start in range(len(parts))]
    stem = node_stem(path)
    return [stem, stem.removesuffix("/index")] if stem.endswith("/index") else [stem]


@cache
def _node_extensions() -> frozenset[str]:
    """The extensions of Node.js and TypeScript sources: those of rules/scopes.toml `sources`."""
    sources = load_rules(Scopes).sources
    return frozenset(
        ext for name, exts in sources.items() if Language(name).family == Family.NODE for ext in exts
    )


def node_stem(path: str) -> str:
    """A Node module's path without its source extension (`src/db.mjs` → `src/db`)."""
    stem, extension = posixpath.splitext(path)
    return stem if extension in _node_extensions() else path


def relative_stem(importer: str, spec: str) -> str:
    """The key of the Node module `spec` names in `importer` (`../db.js` in `src/routes/a.ts` → `src/db`)."""
    return _stem_in(_folder(importer), spec)


# a file's folder, asked for every relative callee of the file by every detector (167 k times on a
# 1,400-file TypeScript tree): posixpath.dirname each time cost more than the cached stem itself
_folder = lru_cache(maxsize=1 << 14)(posixpath.dirname)


@lru_cache(maxsize=1 << 16)  # every dot of every relative callee, by every detector (15 k on ts-mono)
def _stem_in(folder: str, spec: str) -> str:
    return node_stem(posixpath.normpath(posixpath.join(folder, spec)))


def foreign(callee: str, importer: str, family: Family, instances: Instances) -> str | None:
    """`app.app.route` (from `from app import app`) → `flask.Flask().route`; `./app.listen` (from
    `require("./app")`) → `express().listen`. None when the callee names no other module's instance."""
    key = (callee, importer, family)
    answer = instances.answers.get(key, _UNASKED)  # one look-up: asked by every detector, for every call
    if answer is _UNASKED:
        answer = instances.answers[key] = _foreign(callee, importer, family, instances)
    return answer  # type: ignore[return-value]


def _foreign(callee: str, importer: str, family: Family, instances: Instances) -> str | None:
    if family == "node":
        callee = unaliased_in(callee, importer, instances.aliased)
    if instances.generated and family == "node" and callee.startswith(("./", "../")):
        package = _generated(callee, importer, instances.generated)
        if package is not None:
            return package
    found = _locate(callee, importer, family, instances.names, instances.heads, instances.packaged)
    return None if found is None else instances.names[found[0]] + found[1]


def dots_after(callee: str, start: int) -> list[int]:
    """The positions of the dots in `callee` after position `start`, in order (found in C, not by reading
    every character: long callees are asked about for every call of every file)."""
    out = []
    at = callee.find(".", start + 1)
    while at != -1:
        out.append(at)
        at = callee.find(".", at + 1)
    return out


def packaged(callee: str, importer: str, clients: tuple[GeneratedClient, ...]) -> str:
    """`callee` as the package a generated client's folder stands for writes it (`_generated`), else as is."""
    return (_generated(callee, importer, clients) if clients else None) or callee


def _generated(callee: str, importer: str, clients: tuple[GeneratedClient, ...]) -> str | None:
    """`../generated/prisma/client.PrismaClient` → `@prisma/client.PrismaClient` when the module it names
    (its path up to the first dot after the last slash, a source extension included) lies in a generated
    client's folder; None otherwise."""
    slash = callee.rfind("/")
    dot = callee.find(".", slash + 1)
    if dot < 0:
        return None
    package = package_of(relative_stem(importer, callee[:dot]), clients)
    if package is None:
        return None
    rest = callee[dot:]
    extension = rest.split(".", 2)[1]
    if "." + extension in _node_extensions() and rest.count(".") > 1:
        rest = rest[len(extension) + 1 :]  # `client.js.PrismaClient`
    return package + rest


def _locate(
    callee: str,
    importer: str,
    family: Family,
    names: Mapping[tuple[str, str], str],
    heads: frozenset[str],
    packaged: frozenset[tuple[str, str]] = frozenset(),
) -> tuple[tuple[str, str], str] | None:
    """Where `callee` names another module's instance: the entry of `names` and what follows its value
    (the answer of `foreign` is that entry's value and the rest). It depends only on which entries
    exist, not on their values."""
    if not names or callee.startswith(APP_PLACEHOLDER):
        return None
    if family == "python":
        if not callee.startswith(".") and callee.split(".", 1)[0] not in heads:
            return None
        parts = absolute_parts(callee, importer, packaged)
        for end in range(len(parts) - 1, 0, -1):
            if end + 1 < len(parts):  # a class's attribute (`UserDto.api` of `class UserDto: api = …`)
                entry = (".".join(parts[:end]), f"{parts[end]}.{parts[end + 1]}")
                if entry in names:
                    rest = parts[end + 2 :]
                    return entry, ("." + ".".join(rest) if rest else "")
            entry = (".".join(parts[:end]), parts[end])
            if entry in names:
                rest = parts[end + 1 :]
                return entry, ("." + ".".join(rest) if rest else "")
            if parts[end].endswith("()"):
                # `create_app().run` (from `from app import create_app`): what another module's factory
                # returns, its entry bound to the instance's constructor (`def create_app(): … return app`)
                entry = (".".join(parts[:end]), parts[end][:-2])
                if entry in names:
                    rest = parts[end + 1 :]
                    return entry, "()" + ("." + ".".join(rest) if rest else "")
        return None
    if not callee.startswith(("./", "../")):
        return None
    slash = callee.rfind("/")
    if callee.endswith("()") and "." not in callee[slash + 1 :]:  # `require("./routes")(deps)`
        callee += "."  # what the default export returns, with nothing after it
    # the longest module path first: `./db.js.define` is `define` on `./db.js`, not `js.define` on `./db`
    for dot in reversed(dots_after(callee, slash)):
        spec, rest = callee[:dot], callee[dot + 1 :].split(".")
        if spec.endswith("()"):  # `require("./routes")(deps).get`: what the default export returns
            spec, rest = spec[:-2], ["default()", *[part for part in rest if part]]
        stem = relative_stem(importer, spec)
        after = "." + ".".join(rest[1:]) if rest[1:] else ""
        # `src/db/index` is also asked for as `src/db`; any other stem once
        for key in (stem, stem[: -len("/index")]) if stem.endswith("/index") else (stem,):
            # `makeRouter()`: what an exported factory returns (its `name()` entry)
            entry = (key, rest[0] if rest[0].endswith("()") else rest[0].removesuffix("()"))
            if entry in names:
                return entry, after
            if rest[0].endswith("()") and rest[0] != "default()":
                # `new UserRepository()` of a class exported with a traced base (`extends Repository<User>`)
                entry = (key, rest[0][:-2])
                if entry in names:
                    return entry, "()" + after
                # `BaseController().router.get`: a field the class sets (`this.router = Router()`)
                entry = (key, f"{rest[0]}.{rest[1]}") if len(rest) > 1 else entry
                if entry in names:
                    return entry, "." + ".".join(rest[2:]) if rest[2:] else ""
            entry = (key, "default")
            if entry in names and rest[0] != "default()":
                return entry, "." + ".".join(rest)
            if entry in names:  # `require("./connection")("movies").select()`: the exported instance, called
                return entry, "()" + after
    return None
