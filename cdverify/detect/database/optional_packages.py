"""A model field whose type needs a package the project never installs, declared in a module loaded at
start-up: `email: EmailStr` in a pydantic model, where no declared distribution brings email-validator.
pydantic builds the model's validators as the class statement runs, and `EmailStr`'s imports
email-validator, so importing the module raises ImportError ("email-validator is not installed") and the
application cannot start, whatever engine it is configured for (harness.py), as for a name nothing defines
(undefined_names.py).

The types, the package and the distributions that bring it (pydantic's `email` extra, FastAPI's `all` and
`standard` extras, libraries requiring it) are catalogue data (rules/python/startup.toml `optional_types`).
The package counts as installed — and nothing is claimed — where a declared distribution brings it, where a
lock file names it, where any module of the project imports it (whoever wrote that had it), and where the
project declares no Python distribution at all (the environment it runs in is then unknown). Only annotated
fields of classes with a base the parser traces (`FileFacts.members`) count, and not those of classes whose
bases build no validator (`TypedDict`, `NamedTuple`, `Enum`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.startup import application_python
from cdverify.detect.database.undefined_names import loaded_at_start
from cdverify.files import NotReadable, probe, read_regular
from cdverify.manifests import normalise_distribution
from cdverify.model import Family, Member
from cdverify.rules_schema import PythonStartup

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph
    from cdverify.rules_schema.python import OptionalPackage

LOCK_LIMIT = 8 << 20  # a lockfile read for the packages it names (shipped.py too)


def missing_optional_packages(found: Collection, graph: ImportGraph, root: Path) -> list[StartupStop]:
    """The first field of each module loaded at start-up whose type needs a package nothing installs
    (module docstring), as a stop of the project as shipped."""
    rules = load_rules(PythonStartup).optional_types
    declared = {  # `pydantic[email]` for an extra (manifests.py)
        normalise_distribution(dep.name)
        for dep in found.manifests.dependencies
        if dep.ecosystem is Family.PYTHON
    }
    if not declared:
        return []  # no requirements: what the environment holds is unknown
    python = application_python(found)
    wanted = {
        annotation: package
        for package in rules.packages
        if not _installed(found, root, package, declared, rules.lock_files)
        for annotation in package.types
    }
    if not wanted or not any(m.annotation in wanted for path in python for m in found.facts[path].members):
        return []
    out = []
    for path in sorted(loaded_at_start(found.facts, python, graph)):
        facts = found.facts[path]
        plain = {
            name
            for name, bases, _line in facts.classes
            if bases and all(base in rules.plain_bases for base in bases)
        }
        fields = [
            m for m in facts.members if m.annotation in wanted and not m.method and m.owner not in plain
        ]
        if fields:
            field = min(fields, key=lambda m: m.line)
            out.append(_stop(path, field, wanted[field.annotation]))
    return out


def _stop(path: str, field: Member, package: OptionalPackage) -> StartupStop:
    kind = field.annotation.rpartition(".")[2]
    label = package.label.format(type=kind)
    reason = (
        f"raises ImportError ({package.error}) as the class {field.owner} is built: {label} needs "
        f"{package.package}, which no declared dependency installs"
    )
    fix = f"{package.fix}, so that {field.owner} can be built as {path} is imported"
    return StartupStop(path, field.line, f"{field.name}: {kind}", (), reason, fix)


def _installed(
    found: Collection, root: Path, package: OptionalPackage, declared: set[str], locks: tuple[str, ...]
) -> bool:
    """Whether the project's environment has `package`: a declared distribution brings it, a lock file
    names it, or a module of the project imports it."""
    if any(normalise_distribution(name) in declared for name in package.provided_by):
        return True
    if any(
        i.specifier == package.module or i.specifier.startswith(package.module + ".")
        for facts in found.facts.values()
        for i in facts.imports
    ):
        return True
    names = {normalise_distribution(package.package), package.module}
    for path in found.scopes:
        if path.rpartition("/")[2] in locks and probe(root / path) is not None:
            try:
                text = read_regular(root / path, LOCK_LIMIT).decode("utf-8", "replace")
            except NotReadable:
                return True  # unread: it may name the package
            if any(name in text.lower() for name in names):
                return True
    return False
