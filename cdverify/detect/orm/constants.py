"""SQL held in another module's constant (issue 18): `export const GET_USER = "SELECT …"` in `queries.js`
then `pool.query(GET_USER, [id])`, an object of statements (`queries.listUsers`), Python's
`from app.sql import GET_USER` then `cur.execute(GET_USER)`. The parser sees one file, so the sink's
argument is only a reference to the other module; the constants are looked up here, across the project's
modules, the way traced instances are (`tracing.foreign`), and the statement is reported at the sink."""

from __future__ import annotations

from collections.abc import Mapping

from cdverify.detect.orm.catalogue import Sink
from cdverify.detect.orm.raw_sql import at, raw_sql, sql_argument
from cdverify.detect.orm.report import RawSql
from cdverify.detect.tracing import Instances, foreign, module_keys
from cdverify.model import CallFact, FileFacts, Scope, Value
from cdverify.sql.starts import statement_like

Pending = tuple[CallFact, Sink]  # a sink call handed a reference to another module's value
Key = tuple[str, int, int, str, int]  # as helpers.Key: (file, line, col, call, -1)
_MARK = "<constant>"  # the traced value of a module-level constant: `<constant>FILE\0NAME`


def reference(call: CallFact, sink: Sink, assigned: Mapping[tuple[str, str], Value]) -> tuple[str, ...]:
    """The other modules' names a sink's SQL argument may be (`./queries.GET_USER`, `app.sql.GET_USER`), or
    () (a string, a local value). A call's result is one: `pool.query(userQueries.byId(id))` runs the
    query-config object `./user.queries.userQueries.byId()` returns (`sink.keys`), and
    `pool.query(queries.list())` the statement `list: () => `SELECT * FROM ${resource}`` returns; also
    through a variable the call's function (or the module) binds to such calls alone
    (`const q = admin ? queries.full(id) : queries.short(id); pool.query(q)`)."""
    if sink.arg >= len(call.args) and not (sink.keys and call.kwarg(*sink.keys)):
        return ()  # neither at its position nor by keyword (`await db.fetch(query=GET_CHATS)`)
    value = sql_argument(call, sink)
    if value is None or value.strings or value.env:
        return ()
    if len(value.calls) == 1:  # a constant, a query-config object's function or a statement's function
        return (value.calls[0],)
    if value.calls or len(value.names) != 1 or not sink.keys:
        return ()
    name = value.names[0]
    bound = assigned.get((call.scope, name)) or assigned.get(("", name))
    if bound is None or bound.strings or bound.env or bound.names or not bound.calls:
        return ()
    return bound.calls if all(written.endswith("()") for written in bound.calls) else ()


def imported_statements(
    facts: Mapping[str, FileFacts],
    scopes: Mapping[str, Scope],
    pending: Mapping[str, tuple[Pending, ...]],
    found: dict[Key, RawSql],
    project: Instances,
) -> None:
    """Add to `found` the statement of each pending sink call whose reference names a module-level string
    constant (or an entry of a module-level object of them) of another project module."""
    if not pending:
        return
    names: dict[tuple[str, str], str] = {}
    values: dict[tuple[str, str], Value] = {}  # (file, target) → the constant
    for path, file_facts in facts.items():
        constants = [a for a in file_facts.assignments if not a.scope and _statement_like(a.value)]
        if not constants:
            continue
        family = file_facts.language.family
        heads = set()
        for assignment in constants:
            exported = _exported(assignment.target)
            values[(path, exported)] = assignment.value
            head = exported.split(".", 1)[0]
            heads.add(head)
            for module in module_keys(path, family):
                names.setdefault((module, head), f"{_MARK}{path}\0{head}")
        # `export default queries`: the object of statements under the name another module imports it by
        for exported, local in file_facts.aliases:
            if local in heads:
                for module in module_keys(path, family):
                    names.setdefault((module, exported), f"{_MARK}{path}\0{local}")
    if not names:
        return
    reach = Instances(names, project.heads, {}, project.packaged, (), project.aliased)
    for path, calls in pending.items():
        file_facts = facts[path]
        family = file_facts.language.family
        assigned = {(a.scope, a.key): a.value for a in file_facts.assignments}
        for call, sink in calls:
            found_values = []
            for written in reference(call, sink, assigned):
                answer = foreign(written, path, family, reach)
                if answer is None or not answer.startswith(_MARK):
                    continue
                target = tuple(answer.removeprefix(_MARK).split("\0", 1))
                if len(target) != 2 or target[0] == path:
                    continue
                # a call's result: the statement key of the query-config object it returns (`byId().text`),
                # or the statement it returns as it is (`list: () => `SELECT * FROM ${resource}``)
                keys = [target[1]]
                if target[1].endswith(")"):
                    keys = [*(f"{target[1]}.{key}" for key in sink.keys), target[1]]
                found_values += [constant for key in keys if (constant := values.get((target[0], key)))]
            if not found_values:
                continue
            constant = found_values[0]
            if len(found_values) > 1:  # one of several statements (`admin ? queries.full(id) : …`)
                constant = Value(strings=tuple(t for v in found_values for t in v.strings))
            args = (*call.args[: sink.arg], constant, *call.args[sink.arg + 1 :])
            item = raw_sql(
                path, scopes.get(path, Scope.APPLICATION), call._replace(args=args), sink, assigned
            )
            if item is not None:
                found.setdefault((path, *at(call), call.text, -1), item)


_EXPORTS = ("module.exports.", "exports.")


def _exported(target: str) -> str:
    """The name another module imports an assigned constant by: an entry of CommonJS's exports object
    (`module.exports = { ALL_TAGS: "SELECT …" }`, `exports.ALL_TAGS = …`) by its key, else the target."""
    for prefix in _EXPORTS:
        if target.startswith(prefix):
            return target.removeprefix(prefix)
    return target


def _statement_like(value: Value) -> bool:
    """One of the value's strings may be a statement (how it starts)."""
    return any(statement_like(text) for text in value.strings)
