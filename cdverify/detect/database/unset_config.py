"""A Flask extension set up at start-up on a configuration key read from a variable with no default
(rules/python/startup.toml `unset_configs`): `app.config["SQLALCHEMY_DATABASE_URI"] =
os.environ.get("DATABASE_URL")`, then `db.init_app(app)`. Where the variable is unset the key holds None, and
Flask-SQLAlchemy 3.x raises in `init_app` ("Either 'SQLALCHEMY_DATABASE_URI' or 'SQLALCHEMY_BINDS' must be
set"), so the module raises as it is imported and the application cannot start, whatever engine it is
configured for (harness.py decides with the variables set there: `StartupStop.stops`).

Claimed only where it is certain: the key is bound once in the application, at module level (column 1:
under no `if`, `try` or `with`) of a module loaded at start-up, to a bare read of one variable (no default,
no `or`, no method called on it); the set-up is a statement at column 1 of the same module below it, given
the app the key was set on; no module binds the key again or sets one of `others` (SQLALCHEMY_BINDS), and
the app's configuration is loaded by no other means (`app.config.from_object(…)`, `update`, dynaconf). The
version: each requirement of the distribution must admit a release that raises (pip installs the newest a
requirement allows; an unpinned one, or none, installs the newest), and each lock file naming it must lock
such a release; a requirement or lock cdverify cannot read leaves the case unclaimed."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.optional_packages import LOCK_LIMIT
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.startup import application_python
from cdverify.detect.database.undefined_names import loaded_at_start
from cdverify.files import NotReadable, probe, read_regular
from cdverify.model import Assignment, CallFact, Family, FileFacts
from cdverify.rules_schema import PythonStartup

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph
    from cdverify.rules_schema.python import UnsetConfig

_CONFIG_CALLS = "flask.Flask().config."  # the app's configuration loaded by a call (`from_object`, `update`)
_VERSION = re.compile(r"""version["']?\s*[=:]\s*["'](?:==)?(\d[\w.+!-]*)""")


def unset_configs(found: Collection, graph: ImportGraph, root: Path) -> list[StartupStop]:
    """The set-up calls, one per module loaded at start-up, that raise where the key's variable is unset."""
    python = application_python(found)
    out: list[StartupStop] = []
    for entry in load_rules(PythonStartup).unset_configs:
        keys = {entry.key, *entry.others}  # `app.config["SQLALCHEMY_BINDS"] = {…}` binds its entries
        bound = [
            (path, a)
            for path in sorted(python)
            for a in found.facts[path].assignments
            if keys & set(a.target.split("."))
        ]
        if len(bound) != 1 or loads_config(found, python):
            continue
        path, setting = bound[0]
        variable = _bare_read(setting, entry.key)
        if variable is None or not _raising_version(found, root, entry):
            continue
        if path not in loaded_at_start(found.facts, python, graph):
            continue
        call = _setup(found.facts[path], setting, entry)
        if call is not None:
            reason = (
                f"raises as the app is set up where ${variable} is unset: {entry.key} holds None "
                f"({setting.text} at {path}:{setting.line}) and {entry.label} 3.x then raises "
                f"RuntimeError: {entry.error}"
            )
            fix = f"give {entry.key} a value where ${variable} is unset (a default or a .env entry)"
            out.append(StartupStop(path, call.line, call.text, (variable,), reason, fix))
    return out


def _bare_read(setting: Assignment, key: str) -> str | None:
    """The variable a module-level binding of the app's `key` reads with no default, else None."""
    value = setting.value
    if setting.scope or setting.branch or setting.col != 1 or setting.owner:
        return None
    if not setting.target.endswith(f".config.{key}") or setting.target.count(".") != 2:
        return None
    if len(value.env) != 1 or value.strings or value.numbers or value.names or value.calls:
        return None
    if value.rewrites or value.parts or value.handed:
        return None
    return value.env[0]


def loads_config(found: Collection, python: set[str]) -> bool:
    """Whether the application loads the app's configuration by other means than assigning keys."""
    return any(
        call.callee.startswith(_CONFIG_CALLS) or "dynaconf" in call.callee.lower()
        for path in python
        for call in found.facts[path].calls
    )


def _setup(facts: FileFacts, setting: Assignment, entry: UnsetConfig) -> CallFact | None:
    """The extension's set-up given the app, a module-level statement below the key's binding."""
    app = setting.target.split(".", 1)[0]
    statements = {(a.line, a.target) for a in facts.assignments if not a.scope and a.col == 1}
    for call in facts.calls:
        if call.scope or call.guard is not None or call.line <= setting.line:
            continue
        setup = call.callee in entry.setups and call.col == 1
        if not setup and not (call.callee in entry.constructors and (call.line, call.target) in statements):
            continue
        given = call.args[0] if call.args else dict(call.kwargs).get("app")
        if given is not None and given.names == (app,) and not given.env and not given.strings:
            return call
    return None


def _raising_version(found: Collection, root: Path, entry: UnsetConfig) -> bool:
    """Whether the release installed is one that raises: every requirement of the distribution admits one,
    and every lock file naming it locks one."""
    from packaging.requirements import InvalidRequirement, Requirement

    raising = entry.raising
    for dep in found.manifests.dependencies:
        if dep.ecosystem is not Family.PYTHON or dep.name != entry.distribution:
            continue
        try:
            requirement = Requirement(dep.spec)
        except InvalidRequirement:
            return False  # a requirement not of PEP 508 (Poetry's `^2.5`): not read
        if not any(requirement.specifier.contains(version) for version in raising):
            return False
    locks = load_rules(PythonStartup).optional_types.lock_files
    written = "[-_.]".join(re.escape(part) for part in entry.distribution.split("-"))
    name = re.compile(rf"""["']{written}["']""", re.IGNORECASE)
    for path in found.scopes:
        if path.rpartition("/")[2] not in locks or probe(root / path) is None:
            continue
        try:
            text = read_regular(root / path, LOCK_LIMIT).decode("utf-8", "replace")
        except NotReadable:
            return False
        for named in name.finditer(text):
            version = _VERSION.search(text, named.end(), named.end() + 2000)
            if version is None or version.group(1) not in raising:
                return False
    return True
