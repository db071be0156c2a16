"""Engine modules imported in code: an engine-only module (`sqlalchemy.dialects.postgresql`,
`drizzle-orm/pg-core`) is `dialect` evidence, a driver (`psycopg2`, `pg`) is `import` evidence. A driver
imported by a module whose every connection of that engine runs under one condition on a variable (`if
(client === "sqlite") { const Database = require("better-sqlite3"); … new Database(file) }`) is switched
as those connections are: the import only says the engine is used, the connections say when. An engine module
imported inside a function is `lazy` (a TypeDecorator loading PostgreSQL's UUID where the dialect is
PostgreSQL): the harness does not run its engine on it alone."""

from __future__ import annotations

from collections.abc import Mapping

from cdverify.detect.database.collection import Collection
from cdverify.detect.database.report import Evidence, EvidenceKind
from cdverify.model import FileFacts, Language, Scope


def imports(found_in: Collection, path: str, scope: Scope, file_facts: FileFacts) -> None:
    python = file_facts.language is Language.PYTHON
    verdicts = found_in.import_verdicts  # the same imports recur in thousands of files
    for fact in file_facts.imports:
        key = (fact.specifier, fact.names, python)
        verdict = verdicts.get(key)
        if verdict is None:
            verdict = verdicts[key] = _verdict(found_in, fact.specifier, fact.names, python)
        if verdict:
            engine, kind, detail = verdict
            item = Evidence(engine, kind, scope, path, fact.line, fact.text, detail, col=fact.col)
            if kind is EvidenceKind.DIALECT and fact.in_function:
                item = item._replace(lazy=True)
            way = _switched_with(found_in.evidence, path, engine) if kind is EvidenceKind.IMPORT else None
            if way is not None:
                item = item._replace(switch=way.switch, guarded=True, when=way.when)
                item = item._replace(otherwise=way.otherwise, default=way.default)
            found_in.add(item)


def _switched_with(evidence: list[Evidence], path: str, engine: str) -> Evidence | None:
    """The one connection of `engine` the file `path` makes under a condition on a variable, standing for
    all of them when they are all so switched the same way; None otherwise. The file's items are the last
    ones of `evidence` (its connections come before its imports)."""
    ways: dict[tuple[str, str, bool, bool], Evidence] = {}
    for item in reversed(evidence):
        if item.file != path:
            break
        if item.engine != engine or item.kind is not EvidenceKind.CONNECTION:
            continue
        if not (item.guarded and item.switch):
            return None
        ways.setdefault((item.switch, item.when, item.otherwise, item.default), item)
    return next(iter(ways.values())) if len(ways) == 1 else None


def _verdict(
    found_in: Collection, spec: str, names: tuple[str, ...], python: bool
) -> tuple[str, EvidenceKind, str] | tuple[()]:
    """What importing `spec` (and `names` from it) shows: (engine, kind, detail), or () for nothing."""
    known = found_in.catalogue
    modules = known.by_python_module if python else known.by_npm
    dialects = known.dialect_modules
    if python:
        # `from sqlalchemy.dialects import postgresql` names the module by the imported name
        full = [f"{spec}.{name}" for name in names]
        spec = next((f for f in full if _module_engine(f, dialects, python)), spec)
    module = _longest_module(spec, dialects, python)
    if module is not None:
        return dialects[module], EvidenceKind.DIALECT, f"imports {module}"
    engine = _module_engine(spec, modules, python)
    if engine is not None:
        return engine, EvidenceKind.IMPORT, f"imports {spec}"
    return ()


def _longest_module(spec: str, modules: Mapping[str, str], python: bool) -> str | None:
    """The catalogued module `spec` is or lies in: `sqlalchemy.dialects.postgresql.json` →
    `sqlalchemy.dialects.postgresql`; `drizzle-orm/pg-core` → itself; `@scope/pkg/sub` → `@scope/pkg`."""
    separator = "." if python else "/"
    parts = spec.split(separator)
    for end in range(len(parts), 0, -1):
        candidate = separator.join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def _module_engine(spec: str, modules: Mapping[str, str], python: bool) -> str | None:
    module = _longest_module(spec, modules, python)
    return modules[module] if module is not None else None
