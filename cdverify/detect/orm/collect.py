"""The ORM detector: which data-access libraries application code uses (imports, mapped models), and
every raw SQL statement that reaches an execution sink, directly, through a project helper, or in a
`.sql` file the application runs.

A sink is decided from the call site first: the callee is traced to its import (`sqlalchemy.text`,
`sqlite3.connect().cursor().execute`, `sequelize.Sequelize().query`), so a method called `execute` on
anything else is never a sink. The SQL argument is then confirmed by the string classifier."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cdverify.detect.orm.barrels import project_name, python_heads, through_barrels, traced
from cdverify.detect.orm.catalogue import libraries, library_of, sink_of
from cdverify.detect.orm.helpers import Helper, Helpers, Key, key, passed_parameter, through_helpers
from cdverify.detect.orm.raw_sql import at, raw_sql, sql_file_statements
from cdverify.detect.orm.report import LibraryUse, OrmReport, RawKind, RawSql
from cdverify.detect.tracing import Instances, foreign, instances_of
from cdverify.model import FileFacts, Scope
from cdverify.rules_schema import LibraryKind


class _Uses:
    """Where application code uses each library: the files importing it, its first import, the module
    first imported, and the mapped models it defines."""

    def __init__(self) -> None:
        self.files: dict[str, list[str]] = {}
        self.first: dict[str, tuple[str, int, str]] = {}
        self.module: dict[str, str] = {}
        self.models: dict[str, list[tuple[str, int, str]]] = {}
        self.model_names = {name: entry.models for name, entry in libraries().items()}

    def read(self, path: str, file_facts: FileFacts, instances: Instances) -> None:
        python = file_facts.language.family == "python"
        for fact in file_facts.imports:
            library = library_of(fact.specifier, python)
            if library is None and python:  # `from django.db import models`, `from pony import orm`
                library = next(
                    (lib for n in fact.names if (lib := library_of(f"{fact.specifier}.{n}", python))),
                    None,
                )
            if library is not None and not fact.kind.type_only:
                self.files.setdefault(library, []).append(path)
                self.first.setdefault(library, (path, fact.line, fact.text))
                self.module.setdefault(library, fact.specifier.lstrip("."))
        family = file_facts.language.family
        for class_name, written, line in file_facts.classes:
            bases = [foreign(base, path, family, instances) or base for base in written]
            for library, names in self.model_names.items():
                if any(base.startswith(n.removesuffix("()")) for base in bases for n in names):
                    self.models.setdefault(library, []).append((path, line, class_name))
        for call in file_facts.calls:
            callee = foreign(call.callee, path, family, instances) or call.callee
            for library, names in self.model_names.items():
                if callee in names:
                    self.models.setdefault(library, []).append((path, call.line, call.text))

    def report(self) -> dict[str, LibraryUse]:
        return {
            name: LibraryUse(
                name,
                libraries()[name].kind,
                tuple(dict.fromkeys(paths)),
                tuple(self.models.get(name, [])),
                self.first[name],
                self.module[name],
            )
            for name, paths in self.files.items()
        }

    def runs_sql_files(self) -> bool:
        """The application runs the SQL kept in `.sql` files (aiosql)."""
        return any(libraries()[name].kind is LibraryKind.SQL_FILES for name in self.files)


def collect(
    facts: Mapping[str, FileFacts],
    scopes: Mapping[str, Scope],
    sql_files: Iterable[tuple[str, str]] = (),
    instances: Instances | None = None,
) -> OrmReport:
    instances = through_barrels(facts, instances if instances is not None else instances_of(facts))
    uses = _Uses()
    found: dict[Key, RawSql] = {}  # by call: a helper's caller replaces a guess
    helpers = Helpers()
    heads = python_heads(facts)
    for path, file_facts in facts.items():
        scope = scopes.get(path, Scope.APPLICATION)
        if scope is Scope.APPLICATION:
            uses.read(path, file_facts, instances)
        _sinks_in(path, scope, file_facts, instances, heads, helpers, found)
    if helpers.all:
        through_helpers(facts, scopes, helpers, found)
    raw: list[RawSql] = []
    fragments: list[RawSql] = []
    order = {path: number for number, path in enumerate(facts)}
    for item in sorted(found.values(), key=lambda r: (order.get(r.file, len(order)), r.line, r.col)):
        (fragments if item.kind is RawKind.FRAGMENT else raw).append(item)
    if uses.runs_sql_files():
        for path, text in sql_files:
            scope = scopes.get(path, Scope.APPLICATION)
            if scope is not Scope.MIGRATION:
                raw.extend(sql_file_statements(path, text, scope))
    return OrmReport(uses.report(), tuple(raw), tuple(fragments))


def _sinks_in(
    path: str,
    scope: Scope,
    file_facts: FileFacts,
    instances: Instances,
    heads: frozenset[str],
    helpers: Helpers,
    found: dict[Key, RawSql],
) -> None:
    """The raw SQL of one file's sink calls into `found`; a sink whose SQL is a parameter of the
    function it is in makes that function a helper, whose callers hold the SQL."""
    assigned = {(a.scope, a.key): a.value for a in file_facts.assignments}
    functions = {f.scope: f for f in file_facts.functions}
    local_calls = {(*at(c), c.text) for c in file_facts.local_calls}
    family = file_facts.language.family
    for written_call in file_facts.calls:
        through = traced(written_call.callee, path, family, instances)
        call = written_call._replace(callee=through) if through else written_call
        name = call.name
        sink = sink_of(name, family)
        if sink is None and project_name(call.callee, family, heads):
            # a method on an object from another module that no library import explains
            # (`connection = await initConnection()`): as untraced, a complete statement only
            sink = sink_of(name._replace(traced=False), family)
        if sink is None:
            continue
        item = raw_sql(path, scope, call, sink, assigned)
        # a call of the file's own function traced through what it returns is only a guess, which
        # the helper it calls settles (its SQL argument need not be the first)
        guess = bool(file_facts.local_calls) and (*at(call), call.text) in local_calls
        known = (
            item is not None and item.kind is not RawKind.DYNAMIC
        )  # `sql = "…"; cur.execute(sql.format(t))`
        helper = None if guess or known else passed_parameter(call, sink, functions, assigned)
        if helper is not None:  # `def query(sql): cur.execute(sql)`: its callers hold the SQL
            function, param = helper
            via = f"{function.name} ({path}:{at(call)[0]})"
            helpers.add(Helper(path, function, param, sink, via, (item,) if item else ()))
        elif item is not None:
            found[key(path, call)] = item
