"""One object per distinct string and value in a project's facts.

The parser makes a new string each time it reads a name, traces a callee or shortens a statement, and a
new `Value` for each argument: on Home Assistant's package 1.1 M strings hold 0.3 M distinct ones (84 →
30 MB) and 272 k values 105 k distinct ones. Sharing equal ones where a fact is made (not in `text`, which
reads ten times more strings than the facts keep: 0.6 s more) halves the facts in memory (175 → 87 MB),
and the facts cache pickles (and then loads) a shared object once. The tables
live while a project is parsed; `release` forgets them, so a long-lived process (the MCP server) keeps
nothing between runs.
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypeVar, cast

from cdverify.model import Assignment, CallFact, FileFacts, ImportFact, Value

T = TypeVar("T", bound=tuple[Any, ...])
R = TypeVar("R", bound=NamedTuple)

_STRINGS: dict[str, str] = {}  # a string → the first equal one met
_VALUES: dict[Value, Value] = {}
# plain tuples, and records by class: a record equals the plain tuple of its fields, and must not be
# handed out for it
_TUPLES: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_RECORDS: dict[type, dict[Any, Any]] = {}


def shared(text: str) -> str:
    """The first string equal to `text` met since `release`."""
    return _STRINGS.setdefault(text, text)


def shared_value(value: Value) -> Value:
    """The first value equal to `value` met since `release`."""
    return _VALUES.setdefault(value, value)


def shared_tuple(items: T) -> T:
    """The first plain tuple equal to `items` met since `release` (its items shared already)."""
    return cast(T, _TUPLES.setdefault(items, items))


def shared_record(record: R) -> R:
    """The first record of `record`'s class equal to it met since `release` (an import statement
    repeated across files: `from __future__ import annotations` at line 1)."""
    table = _RECORDS.get(type(record))
    if table is None:
        table = _RECORDS[type(record)] = {}
    found: R = table.setdefault(record, record)
    return found


def release() -> None:
    """Forget every string, value and tuple met: the facts made keep theirs, later ones start afresh."""
    _STRINGS.clear()
    _VALUES.clear()
    _TUPLES.clear()
    _RECORDS.clear()


def reshared(facts: FileFacts) -> FileFacts:
    """`facts` decoded from another process (a parser worker's part): its imports, the arguments and
    guards of its calls, its assigned values and exports shared as the parser shares them where it makes
    them, here with the tables of this process. msgspec builds one object per occurrence, so without
    this a worker's part held its equal values and tuples apart (Home Assistant `-j 2`: 155 k tuples and
    80 k values more than `-j 1`, ~20 MB)."""
    return facts._replace(
        imports=tuple(map(_import, facts.imports)),
        calls=tuple(map(_call, facts.calls)),
        local_calls=tuple(map(_call, facts.local_calls)),
        free_calls=tuple(map(_call, facts.free_calls)),
        assignments=tuple(map(_assignment, facts.assignments)),
        exports=tuple(shared_tuple((shared(name), shared(value))) for name, value in facts.exports),
    )


def _import(fact: ImportFact) -> ImportFact:
    table = _RECORDS.get(ImportFact)
    found = table.get(fact) if table is not None else None
    if found is not None:
        return cast(ImportFact, found)
    return shared_record(fact._replace(specifier=shared(fact.specifier), names=_names(fact.names)))


def _names(names: tuple[str, ...]) -> tuple[str, ...]:
    return shared_tuple(tuple(map(shared, names)))


def _call(fact: CallFact) -> CallFact:
    args, kwargs, guard = fact.args, fact.kwargs, fact.guard
    if not args and not kwargs and guard is None:
        return fact
    return _record(
        CallFact,
        (
            *fact[:4],
            shared_tuple(tuple(map(shared_value, args))),
            shared_tuple(tuple(_pair(key, value) for key, value in kwargs)) if kwargs else (),
            fact.new,
            None if guard is None else shared_value(guard),
            *fact[8:],
        ),
    )


def _pair(key: str, value: Value) -> tuple[str, Value]:
    return shared_tuple((shared(key), shared_value(value)))


def _assignment(fact: Assignment) -> Assignment:
    return _record(Assignment, (fact.target, shared_value(fact.value), *fact[2:]))


def _record(kind: type[R], fields: tuple[Any, ...]) -> R:
    """A record of `kind` with `fields`, made without the call `_replace` costs (a worker's part holds
    tens of thousands)."""
    return tuple.__new__(kind, fields)
