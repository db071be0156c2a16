"""Calls made through another module's object: `from extensions import db` then `db.Model`,
`require("./db.js").define(…)`. Each module's instances (names bound to traced calls, what
`module.exports` / `export default` holds, and what its factory functions return: `makeRouter()`) are
looked up by the importing callee's module path."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from functools import cache
from typing import NamedTuple

from cdverify.catalog import load_rules
from cdverify.model import APP_PLACEHOLDER, Family, FileFacts, Language
from cdverify.rules_schema import Scopes


class Instances(NamedTuple):
    """(module key, exported name) → traced value; `heads` are the first components of the Python
    module keys, so that a callee naming no project module is rejected at once."""

    names: dict[tuple[str, str], str]
    heads: frozenset[str]
    # (callee, importer, family) → what `foreign` answered: the framework and ORM detectors ask alike
    answers: dict[tuple[str, str, Family], str | None]


def instances_of(facts: Mapping[str, FileFacts]) -> Instances:
    """(module key, exported name) → traced instance, for calls made through another module's object:
    Python modules under every dotted suffix of their path (`conduit/app.py` is `conduit.app` and
    `app`), Node modules by path without extension."""
    out: dict[tuple[str, str], str] = {}
    homes: dict[tuple[str, str], tuple[str, Family]] = {}
    for path, file_facts in facts.items():
        if not file_facts.exports:
            continue
        keys = module_keys(path, file_facts.language.family)
        family = file_facts.language.family
        for key in keys:
            for name, value in file_facts.exports:
                out.setdefault((key, name), value)
                homes[(key, name)] = (path, family)
    heads = frozenset(key.split(".")[0] for key, _ in out if "/" not in key)

    def project_bound(value: str) -> bool:  # an import from another project module
        return value.startswith(".") or value.split(".", 1)[0] in heads

    # drop plain imports passed through (`from flask import jsonify` binds `jsonify` to `flask.jsonify`):
    # another module imports those from the library itself
    out = {
        entry: value
        for entry, value in out.items()
        if project_bound(value) or not value.endswith("." + entry[1])
    }
    instances = Instances(out, heads, {})
    # values that are themselves imports from other modules (`Model = db.Model` after
    # `from .extensions import db`), resolved in their own module, a few hops deep
    pending = [entry for entry, value in out.items() if project_bound(value)]
    for _ in range(3):
        changed = False
        for entry in pending:
            value = out[entry]
            path, family = homes[entry]
            # not through the memo of `foreign`: `out` still changes between the rounds
            resolved = _foreign(value, path, family, instances) if project_bound(value) else None
            if resolved is not None and resolved != value:
                out[entry] = resolved
                changed = True
        if not changed:
            break
    return instances


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


def foreign(callee: str, importer: str, family: Family, instances: Instances) -> str | None:
    """`app.app.route` (from `from app import app`) → `flask.Flask().route`; `./app.listen` (from
    `require("./app")`) → `express().listen`. None when the callee names no other module's instance."""
    key = (callee, importer, family)
    if key in instances.answers:
        return instances.answers[key]
    answer = instances.answers[key] = _foreign(callee, importer, family, instances)
    return answer


def _foreign(callee: str, importer: str, family: Family, instances: Instances) -> str | None:
    names = instances.names
    if not names or callee.startswith(APP_PLACEHOLDER):
        return None
    if family == "python":
        dots = len(callee) - len(callee.lstrip("."))
        if not dots and callee.split(".", 1)[0] not in instances.heads:
            return None
        parts = callee.lstrip(".").split(".")
        if dots:
            base = importer.split("/")[:-1]
            base = base[: len(base) - (dots - 1)] if dots > 1 else base
            parts = [*base, *parts]
        for end in range(len(parts) - 1, 0, -1):
            value = names.get((".".join(parts[:end]), parts[end]))
            if value is not None:
                rest = parts[end + 1 :]
                return value + ("." + ".".join(rest) if rest else "")
        return None
    if not callee.startswith(("./", "../")):
        return None
    slash = callee.rfind("/")
    if callee.endswith("()") and "." not in callee[slash + 1 :]:  # `require("./routes")(deps)`
        callee += "."  # what the default export returns, with nothing after it
    # the longest module path first: `./db.js.define` is `define` on `./db.js`, not `js.define` on `./db`
    for dot in reversed([i for i, char in enumerate(callee) if char == "." and i > slash]):
        spec, rest = callee[:dot], callee[dot + 1 :].split(".")
        if spec.endswith("()"):  # `require("./routes")(deps).get`: what the default export returns
            spec, rest = spec[:-2], ["default()", *[part for part in rest if part]]
        stem = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
        stem = node_stem(stem)
        for key in (stem, stem.removesuffix("/index")):
            # `makeRouter()`: what an exported factory returns (its `name()` entry)
            named = names.get((key, rest[0] if rest[0].endswith("()") else rest[0].removesuffix("()")))
            if named is None and rest[0].endswith("()") and rest[0] != "default()":
                # `new UserRepository()` of a class exported with a traced base (`extends Repository<User>`)
                made = names.get((key, rest[0][:-2]))
                named = f"{made}()" if made is not None else None
            if named is not None:
                return named + ("." + ".".join(rest[1:]) if rest[1:] else "")
            default = names.get((key, "default"))
            if default is not None and rest[0] != "default()":
                return default + "." + ".".join(rest)
    return None
