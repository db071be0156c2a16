"""The ORM detector: which data-access libraries application code uses (imports, mapped models), and
every raw SQL statement that reaches an execution sink, directly, through a project helper, or in a
`.sql` file the application runs.

A sink is decided from the call site first: the callee is traced to its import (`sqlalchemy.text`,
`sqlite3.connect().cursor().execute`, `sequelize.Sequelize().query`), so a method called `execute` on
anything else is never a sink. The SQL argument is then confirmed by the string classifier."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from typing import TYPE_CHECKING, NamedTuple

from cdverify.detect.orm.barrels import project_name, python_heads, through_barrels, traced
from cdverify.detect.orm.catalogue import (
    Sink,
    app_holders,
    callback_sink,
    errors_only,
    libraries,
    library_of,
    sink_of,
    sinks,
    values_only,
)
from cdverify.detect.orm.constants import Pending, imported_statements, reference
from cdverify.detect.orm.helpers import (
    Functions,
    Helper,
    Helpers,
    Key,
    function_table,
    key,
    passed_parameter,
    through_helpers,
)
from cdverify.detect.orm.raw_sql import (
    at,
    raw_sql,
    run_of_bound,
    runner_callbacks,
    settled,
    sql_argument,
    sql_file_statements,
    statement_formats,
    with_enclosing,
    with_formats,
)
from cdverify.detect.orm.report import LibraryUse, OrmReport, RawKind, RawSql
from cdverify.detect.orm.startup import started_schema
from cdverify.detect.tracing import (
    Asked,
    Instances,
    asking,
    foreign,
    instances_of,
    relative_stem,
    same_answers,
    unaliased,
)
from cdverify.generated_clients import package_of
from cdverify.model import Callee, CallFact, Family, FileFacts, ImportFact, Scope, Value
from cdverify.rules_schema import LibraryKind

if TYPE_CHECKING:
    from cdverify.partials import FileMemo
    from cdverify.resolve import ImportGraph


class _Uses:
    """Where application code uses each library: the files importing it, its first import, the module
    first imported, and the mapped models it defines."""

    def __init__(self) -> None:
        self.files: dict[str, list[str]] = {}
        self.first: dict[str, tuple[str, int, str]] = {}
        self.module: dict[str, str] = {}
        self.models: dict[str, list[tuple[str, int, str]]] = {}
        self.model_names = {name: entry.models for name, entry in libraries().items()}
        self.libraries: dict[tuple[str, bool], str | None] = {}  # module → its library, as read
        # what a mapped model's base class starts with, per library (`declarative_base()` →
        # `declarative_base`)
        self.model_bases = {
            name: tuple(n.removesuffix("()") for n in names) for name, names in self.model_names.items()
        }
        # a call that defines a model (`sequelize.define`) → its libraries, in the catalogue's order
        self.model_calls: dict[str, list[str]] = {}
        for library, names in self.model_names.items():
            for n in dict.fromkeys(names):
                self.model_calls.setdefault(n, []).append(library)

    def read(
        self, path: str, file_facts: FileFacts, instances: Instances, own: Set[ImportFact] = frozenset()
    ) -> None:
        """`own`: this file's imports that resolve to a project file (Kimchi's `records/` package is not
        the `records` library)."""
        python = file_facts.language.family == "python"
        for fact in file_facts.imports:
            specifier = fact.specifier
            if instances.generated and not python:
                # `../generated/prisma/client` (or `@/generated/prisma/client` through a tsconfig `paths`
                # alias): a client generated into the project is its package
                relative = unaliased(specifier, path, instances)
                if relative.startswith("."):
                    specifier = package_of(relative_stem(path, relative), instances.generated) or specifier
            if fact in own and specifier == fact.specifier:
                continue
            module = self.named_module(specifier, fact.names) if python else specifier
            library = self.library_of(module, python)
            if library is not None and not fact.kind.type_only and not (python and errors_only(fact)):
                if values_only(fact, library):
                    continue  # `import { ObjectId } from "mongodb"` beside Mongoose: a value type, no use
                self.files.setdefault(library, []).append(path)
                self.first.setdefault(library, (path, fact.line, fact.text))
                self.module.setdefault(library, module.lstrip("."))
        family = file_facts.language.family
        for class_name, written, line in file_facts.classes:
            bases = [foreign(base, path, family, instances) or base for base in written]
            for library, starts in self.model_bases.items():
                if starts and any(base.startswith(starts) for base in bases):
                    self.models.setdefault(library, []).append((path, line, class_name))
        for call in file_facts.calls:
            traced = foreign(call.callee, path, family, instances)
            if traced is not None and python:
                continue  # `Tag(name=name)` of a project model class: a row made, no model defined
            callee = traced or call.callee
            for library in self.model_calls.get(callee, ()):
                self.models.setdefault(library, []).append((path, call.line, call.text))

    def fresh(self) -> _Uses:
        """An empty `_Uses` sharing this one's catalogue tables and library look-ups."""
        out = copy.copy(self)
        out.files, out.first, out.module, out.models = {}, {}, {}, {}
        return out

    def named_module(self, specifier: str, names: tuple[str, ...]) -> str:
        """The Python module an import names a library by: the imported module when it is one, else the
        first imported name that is (`from django.db import models`, `from google.cloud import firestore`)."""
        if self.library_of(specifier, True) is not None:
            return specifier
        return next(
            (f"{specifier}.{n}" for n in names if self.library_of(f"{specifier}.{n}", True)), specifier
        )

    def library_of(self, spec: str, python: bool) -> str | None:
        if (spec, python) not in self.libraries:
            self.libraries[(spec, python)] = library_of(spec, python)
        return self.libraries[(spec, python)]

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
    graph: ImportGraph | None = None,
    memo_of: Callable[[bytes], FileMemo] | None = None,
    idle: frozenset[str] | None = None,
) -> OrmReport:
    """`memo_of`: the memo of the per-file step under a digest of the project-wide inputs it reads
    (cdverify/partials.py); None to read every file. `idle`: the libraries used for no data (Supabase
    for sign-in alone: detect/data_calls.py), not reported; None to find them."""
    instances = through_barrels(facts, instances if instances is not None else instances_of(facts))
    if graph is not None:
        scopes = served_scopes(scopes, graph, _web_modules(facts, instances), _programs(facts))
    uses = _Uses()
    found: dict[Key, RawSql] = {}  # by call: a helper's caller replaces a guess
    helpers = Helpers()
    imported: dict[str, tuple[Pending, ...]] = {}
    heads = python_heads(facts)
    sinks: dict[tuple[str, Family], Sink | None] = {}  # callee → its sink: the same callees recur
    # the heads and generated clients are read besides each file (the catalogues are in every key)
    memo = memo_of(repr((sorted(heads), instances.generated)).encode()) if memo_of else None
    for path, file_facts in facts.items():
        scope = scopes.get(path, Scope.APPLICATION)
        own = _own(path, file_facts, graph) if graph and scope is Scope.APPLICATION else ()

        per_file = _file_read(memo, path, file_facts, scope, own, instances, heads, uses, sinks)
        if per_file.uses is not None:
            per_file.uses.into(uses)
        found.update(per_file.found)
        for helper in per_file.helpers:
            helpers.add(helper)
        if per_file.imported:
            imported[path] = per_file.imported
    if memo is not None:
        memo.save()
    if helpers.all:
        through_helpers(facts, scopes, helpers, found, heads, instances)
    imported_statements(facts, scopes, imported, found, instances)
    if graph is not None:
        started_schema(facts, scopes, graph, found)
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
    used = uses.report()
    if idle is None:
        from cdverify.detect.data_calls import gated, idle_libraries  # it reads this package's catalogue

        idle = idle_libraries(facts, scopes, lambda: instances) if used.keys() & gated().keys() else None
    if idle:
        used = {name: use for name, use in used.items() if name not in idle}
    return OrmReport(used, tuple(raw), tuple(fragments))


Own = tuple[int, ...]  # the indices of a file's imports that resolve to a project file


def _own(path: str, file_facts: FileFacts, graph: ImportGraph) -> Own:
    resolved = {edge.fact for edge in graph.imports_of(path) if edge.target is not None}
    return tuple(n for n, fact in enumerate(file_facts.imports) if fact in resolved)


class _FileUses(NamedTuple):
    """What one file adds to `_Uses`, in the order it adds it."""

    files: dict[str, list[str]]
    first: dict[str, tuple[str, int, str]]
    module: dict[str, str]
    models: dict[str, list[tuple[str, int, str]]]

    def into(self, uses: _Uses) -> None:
        for library, paths in self.files.items():
            uses.files.setdefault(library, []).extend(paths)
        for library, first in self.first.items():
            uses.first.setdefault(library, first)
        for library, module in self.module.items():
            uses.module.setdefault(library, module)
        for library, models in self.models.items():
            uses.models.setdefault(library, []).extend(models)


class _FileRead(NamedTuple):
    """One file's part of the ORM report, with what it was read from besides the file (kept between
    runs: served again while the file, its scope, its project imports and its traced answers are the
    same)."""

    scope: Scope
    own: Own
    asked: Asked
    uses: _FileUses | None  # None: it uses no library
    found: dict[Key, RawSql]
    helpers: tuple[Helper, ...]
    imported: tuple[Pending, ...] = ()  # sink calls handed another module's constant (constants.py)


def _file_read(
    memo: FileMemo | None,
    path: str,
    file_facts: FileFacts,
    scope: Scope,
    own: Own,
    instances: Instances,
    heads: frozenset[str],
    shared_uses: _Uses,
    sinks: dict[tuple[str, Family], Sink | None],
) -> _FileRead:
    """`_read_file`, kept in `memo` between runs: served again while the file, its scope, its imports of
    project files and every answer it had about other modules' objects are the same."""

    def read() -> _FileRead:
        return _read_file(path, file_facts, scope, own, instances, heads, shared_uses, sinks)

    def still(kept: _FileRead) -> bool:
        family = file_facts.language.family
        return kept.scope is scope and kept.own == own and same_answers(kept.asked, path, family, instances)

    return read() if memo is None else memo.value(path, read, still)


def _read_file(
    path: str,
    file_facts: FileFacts,
    scope: Scope,
    own: Own,
    instances: Instances,
    heads: frozenset[str],
    shared_uses: _Uses,
    sinks: dict[tuple[str, Family], Sink | None],
) -> _FileRead:
    """The libraries one file uses (application files) and the raw SQL of its sink calls."""
    instances, answers = asking(instances)
    uses = shared_uses.fresh()
    if scope is Scope.APPLICATION:
        uses.read(path, file_facts, instances, {file_facts.imports[n] for n in own})
    found: dict[Key, RawSql] = {}
    helpers = Helpers()
    imported: list[Pending] = []
    _sinks_in(path, scope, file_facts, instances, heads, helpers, found, sinks, imported)
    file_uses = (
        _FileUses(uses.files, uses.first, uses.module, uses.models) if uses.files or uses.models else None
    )
    return _FileRead(
        scope,
        own,
        tuple(answers.asked.items()),
        file_uses if uses.files or uses.models else None,
        found,
        tuple(helpers.all),
        tuple(imported),
    )


def _sinks_in(
    path: str,
    scope: Scope,
    file_facts: FileFacts,
    instances: Instances,
    heads: frozenset[str],
    helpers: Helpers,
    found: dict[Key, RawSql],
    known_sinks: dict[tuple[str, Family], Sink | None],
    imported: list[Pending],
) -> None:
    """The raw SQL of one file's sink calls into `found`; a sink whose SQL is a parameter of the
    function it is in makes that function a helper, whose callers hold the SQL; a sink handed another
    module's value goes to `imported`. `known_sinks` keeps the sink of every callee met."""
    family = file_facts.language.family
    sinks: list[tuple[CallFact, Sink]] = []
    for call in _traced_calls(path, file_facts, instances):
        site = (call.callee, family)
        if site not in known_sinks:
            known_sinks[site] = _sink(call.callee, family, heads)
        sink = known_sinks[site]
        if sink is None and _hands_callback(call):  # `db.all(sql, [], (err, rows) => …)` of sqlite3
            sink = callback_sink(Callee.of(call.callee).method, family)
        if sink is not None:
            sinks.append((call, sink))
    if not sinks:  # most files: none of the file's own tables is needed
        return
    assigned = {(a.scope, a.key): a.value for a in file_facts.assignments}
    functions = function_table(file_facts)
    local_calls = {(*at(c), c.text): c.callee for c in file_facts.local_calls}
    formats = statement_formats(file_facts)  # `const q = format('SELECT … %I', table)` of pg-format
    callbacks = runner_callbacks(file_facts)  # `new Postgrator({ execQuery: (query) => … })`
    seen_around = with_enclosing(
        with_formats(assigned, file_facts, formats),
        file_facts,
        (call.scope for call, _sink in sinks if call.scope),
    )
    for call, sink in sinks:
        item = raw_sql(path, scope, call, sink, seen_around, formats=formats)
        # a call of the file's own function traced through what it returns is only a guess, which
        # the helper it calls settles (its SQL argument need not be the first)
        called = local_calls.get((*at(call), call.text)) if file_facts.local_calls else None
        guess = called is not None
        if (
            guess
            and item is not None
            and item.kind is RawKind.DYNAMIC
            and not _hands_sql(called, sinks, functions, assigned)
        ):
            # `select_by_id(table, id_)` of `def select_by_id(table, id_): query = select([table]);
            # return await database.fetch_one(query)`: no parameter of it reaches its sink's SQL, so
            # what the caller hands it is no SQL (a table handed to a query builder)
            continue
        known = (
            item is not None and item.kind is not RawKind.DYNAMIC
        )  # `sql = "…"; cur.execute(sql.format(t))`
        helper = None if guess or known else passed_parameter(call, sink, functions, assigned)
        spread = _spread(call, sink)
        if spread and helper is None:
            continue  # `cur.execute(*query)` of a local tuple: its items are not followed
        if helper is not None and helper[0].scope in callbacks:
            continue  # `execQuery: (query) => client.query(query)` of postgrator: the runner's SQL
        if helper is not None:  # `def query(sql): cur.execute(sql)`: its callers hold the SQL
            function, param = helper
            via = f"{function.name} ({path}:{at(call)[0]})"
            # `def fetchall(dbc, sql_and_args): dbc.execute(*sql_and_args)`: callers hand a (statement, args)
            reached = sink._replace(first_item=True) if spread else sink
            helpers.add(Helper(path, function, param, reached, via, (item,) if item else ()))
        elif item is not None:
            runs = _run_by(call, file_facts.calls) if sink.mixed else None
            runs = runs or (run_of_bound(call, file_facts) if sink.builds else None)
            found[key(path, call)] = settled(
                item if runs is None else item._replace(line=runs.line, col=runs.col), sink
            )
        elif reference(call, sink, assigned):  # `pool.query(GET_USER)`, `pool.query(queries.byId(id))`
            imported.append((call, sink))


# lines a run call's opening may take before the `sql` template it is handed (`db.execute<{ …row type… }>(`)
_RUN_CALL_LINES = 12


def _run_by(tag: CallFact, calls: Iterable[CallFact]) -> CallFact | None:
    """The call a `sql` template is handed to, when that call opens on an earlier line (`db.execute<Row>(`
    above the template): the statement runs there, so the site is that call. None when the template is
    handed on the run call's own line, or is no call's argument (`sql`…`.execute(db)`). A call whose scope
    the facts leave unrecorded (its arguments name no variable) may be any function's."""
    handed = tag.callee + "()"
    above = [
        call
        for call in calls
        if call.scope in (tag.scope, "")
        and 0 <= tag.line - call.line <= _RUN_CALL_LINES
        and call is not tag
        and any(handed in value.calls for value in call.args)
    ]
    if not above:
        return None
    runs = max(above, key=lambda call: (call.line, call.col))
    if runs.line == tag.line:
        return None
    # another template between the two is the one that call is handed
    between = any(other.callee == tag.callee and runs.line <= other.line < tag.line for other in calls)
    return None if between else runs


# an inline callback's head as the call's argument reads (parse/jsvalues.py `function_head`)
_CALLBACK = re.compile(r"(?:async )?(?:function\b.*|.*=>)")


def _hands_callback(call: CallFact) -> bool:
    """The call's last argument is an inline callback (`(err, rows) =>`, `function (err)`)."""
    return bool(call.args) and _CALLBACK.fullmatch(call.args[-1].text) is not None


def _spread(call: CallFact, sink: Sink) -> bool:
    """The sink's SQL argument is a name spread into the call (`dbc.execute(*sql_and_args)`)."""
    value = sql_argument(call, sink)
    return value is not None and value.splat


def _hands_sql(
    called: str | None,
    sinks: list[tuple[CallFact, Sink]],
    functions: Functions,
    assigned: Mapping[tuple[str, str], Value],
) -> bool:
    """Whether a function of the file named `called` hands one of its parameters to a sink's SQL argument
    (it is a helper, which settles the guess at its callers)."""
    return any(
        (found := passed_parameter(call, sink, functions, assigned)) is not None and found[0].name == called
        for call, sink in sinks
    )


def _traced_calls(path: str, file_facts: FileFacts, instances: Instances) -> Iterator[CallFact]:
    """The file's calls, each traced to another module's object where it names one."""
    family = file_facts.language.family
    for written_call in file_facts.calls:
        through = traced(written_call.callee, path, family, instances)
        yield written_call._replace(callee=through) if through else written_call


def _sink(callee: str, family: Family, heads: frozenset[str]) -> Sink | None:
    """The sink a call of `callee` is, if any."""
    name = Callee.of(callee)
    sink = sink_of(name, family)
    if sink is None and name.traced and _untraced_holder(name.receiver, family, heads):
        # a method on an object from another module that no library import explains
        # (`connection = await initConnection()`), or on what an app's state holds
        # (`app["pool"]`, `app.state.db`, `fastify.pg`): as untraced, a complete statement only
        sink = sink_of(name._replace(traced=False), family)
    if sink is None and name.traced:
        # `(await getDatabase()).all("SELECT …")`: what a project module's function hands out, a wrapper
        # around a sqlite-style client; its read methods are names too common on other objects (`map.get`,
        # an exported `new Cache()`'s own `get`) to keep untraced. Also what a plugin decorated the app
        # instance with (`fastify.sqlite.db.all("SELECT …")`): a complete statement only, as untraced
        receiver = name.receiver
        made = receiver.endswith("()") and project_name(receiver, family, heads)
        if made or receiver.startswith(app_holders(family)):
            sink = next(
                (
                    s
                    for s in sinks(family)
                    if name.method in s.project_methods and (made or receiver.startswith(s.app_holders))
                ),
                None,
            )
    if sink is None and name.traced:
        # fastify.sql`SELECT …`: a SQL tag or function a project plugin decorated the app instance with,
        # called on the instance itself (the framework's own methods take paths and handlers); a complete
        # statement only
        sink = next((s for s in sinks(family) if name.receiver in s.app_receivers), None)
    return sink


def _untraced_holder(receiver: str, family: Family, heads: frozenset[str]) -> bool:
    """The receiver is no data-access library's object, so the catalogue says nothing about it: another
    project module's object, or what a framework object holds (an app's state, a decorated instance)."""
    if project_name(receiver, family, heads):
        return True
    module = receiver.split(".", 1)[0].removesuffix("()")  # `fastify().pg` → `fastify`
    return library_of(module, family == "python") is None


# the scopes whose helpers take theirs, first found first: a module serving migrations is a migration
_SERVED = (Scope.MIGRATION, Scope.SCRIPT)


def served_scopes(
    scopes: Mapping[str, Scope], graph: ImportGraph, web: Set[str], programs: Set[str] = frozenset()
) -> Mapping[str, Scope]:
    """`scopes`, where an application module that only migrations or scripts import (tests aside, as they
    import anything) takes their scope: a migration helper outside `migrations/`
    (`src/utils/migrations.ts` imported by `src/migrations/*`) runs with the migrations, a few helpers
    deep; and a module of `programs` (run as a program: `if __name__ == "__main__":`) that no other
    module imports, tests aside, is a script (a setup script, `python init_db.py`). A module in `web`
    (it makes or uses a web app or router) is an entry point the application starts, whatever imports it
    (`from main import Base` in Alembic's `env.py`): it stays application."""
    importers: dict[str, set[str]] = {}
    for edge in graph.internal_edges():
        if edge.target is not None and edge.target != edge.source:
            importers.setdefault(edge.target, set()).add(edge.source)
    out = dict(scopes)
    for program in programs:
        alone = all(out.get(source) is Scope.TEST for source in importers.get(program, ()))
        if alone and program not in web and out.get(program, Scope.APPLICATION) is Scope.APPLICATION:
            out[program] = Scope.SCRIPT
    for _ in range(3):
        changed = False
        for target, sources in importers.items():
            if target in web or out.get(target, Scope.APPLICATION) is not Scope.APPLICATION:
                continue
            kinds = {out.get(source, Scope.APPLICATION) for source in sources} - {Scope.TEST}
            served = next((scope for scope in _SERVED if scope in kinds), None)
            if served is not None and kinds <= set(_SERVED):
                out[target] = served
                changed = True
        if not changed:
            break
    return out


def _web_modules(facts: Mapping[str, FileFacts], instances: Instances) -> set[str]:
    """The files that make or use a web framework's app or router (`Flask(…)`, `app.get(…)` on an
    imported app, `express.Router()`)."""
    from cdverify.detect.framework.catalogue import specs

    names = {spec.family: set[str]() for spec in specs()}
    for spec in specs():
        names[spec.family] |= {*spec.apps, *spec.routers}
    out = set()
    for path, file_facts in facts.items():
        family = file_facts.language.family
        known = names.get(family, set())
        for call in file_facts.calls:
            callee = foreign(call.callee, path, family, instances) or call.callee
            if callee.split("(", 1)[0] in known:
                out.add(path)
                break
    return out


def _programs(facts: Mapping[str, FileFacts]) -> set[str]:
    """The Python modules run as programs: a call under `if __name__ == "__main__":`."""
    return {
        path
        for path, file_facts in facts.items()
        if file_facts.language.family == "python"
        and any(
            call.guard is not None and "__main__" in call.guard.strings and "__name__" in call.guard.names
            for call in file_facts.calls
        )
    }
