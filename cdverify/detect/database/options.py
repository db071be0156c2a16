"""Connection options handed to a connection call by name (`createConnection(connectionOptions)` after
`const connectionOptions: ConnectionOptions = { type: "postgres", url: … }`, or an options object another
module exports): the object literal's entries are read as if written at the call."""

from __future__ import annotations

from collections.abc import Mapping

from cdverify.model import Assignment, CallFact, FileFacts, Value


def with_named_options(
    call: CallFact, path: str, own: FileFacts | None, facts: Mapping[str, FileFacts]
) -> CallFact:
    """`call` with the entries of the object literal its only argument names as its keyword entries; the
    call itself when it has entries of its own or its argument is not one name. The name is looked up at
    module level in the call's file first, then in the other files of `facts` (an imported options object;
    only when exactly one file defines it, so two configurations of the same name decide nothing)."""
    if call.kwargs or len(call.args) != 1:
        return call
    name = _named(call.args[0])
    if not name:
        return call
    entries = _entries(own, name) if own is not None else ()
    if not entries:
        found = [e for other, f in facts.items() if other != path if (e := _entries(f, name))]
        entries = found[0] if len(found) == 1 else ()
    if not entries:
        return call
    prefix = len(name) + 1
    return call._replace(kwargs=tuple((a.target[prefix:], a.value) for a in entries))


def _named(value: Value) -> str:
    """The one name a value is (`connectionOptions`, an imported `ormConfig`), or ""."""
    if value.strings or value.env or value.numbers or len(value.names) != 1:
        return ""
    name = value.names[0]
    # an imported binding is traced to `<module>.<name>`: a reference, not a call
    if any(callee.endswith("()") or callee.rpartition(".")[2] != name for callee in value.calls):
        return ""
    return name


def _entries(file_facts: FileFacts, name: str) -> tuple[Assignment, ...]:
    """The module-level entries of an object literal assigned to `name` (`name.type`, `name.url`)."""
    start = name + "."
    return tuple(a for a in file_facts.assignments if not a.scope and a.target.startswith(start))
