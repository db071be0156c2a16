"""Connection options handed to a connection call by name (`createConnection(connectionOptions)` after
`const connectionOptions: ConnectionOptions = { type: "postgres", url: … }`, or an options object another
module exports): the object literal's entries are read as if written at the call."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from cdverify.model import Assignment, CallFact, FileFacts, Value
from cdverify.rules_schema import Connection


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


def with_environment_options(
    call: CallFact,
    own: FileFacts | None,
    entry: Connection,
    has_file: Callable[[str], bool],
    is_set: Callable[[str], bool],
) -> CallFact:
    """`call` reading its dialect (and URL) from the environment, as its entry's `env_options` say (rules/
    database/connections.toml): when it is handed the result of one of the getters
    (`createConnection(connectionOptions)` after `const connectionOptions = await getConnectionOptions()`,
    or the getter's call itself) or, for a `bare` call, nothing at all, and no settings file the entry
    names is in the project (`has_file`, by name: that file gives the options then). Its dialect key then
    holds `$dialect_env`, and its URL key `$url_env` where the project's settings set that variable
    (`is_set`); the call itself when it sets entries of its own or is handed anything else."""
    reader = entry.env_options
    if reader is None or call.kwargs or not entry.dialect or any(map(has_file, reader.files)):
        return call
    if call.args:
        if len(call.args) != 1 or not _from_getter(call.args[0], own, reader.getters):
            return call
    elif call.callee not in reader.bare:
        return call
    read = [(entry.dialect[0], Value(env=(reader.dialect_env,)))]
    url = next((key for key in entry.url if not key.isdigit()), "")
    if url and reader.url_env and is_set(reader.url_env):
        read.append((url, Value(env=(reader.url_env,))))
    return call._replace(kwargs=tuple(read))


def _from_getter(value: Value, own: FileFacts | None, getters: tuple[str, ...]) -> bool:
    """`value` is a getter's result: the call itself (`createConnection(await getConnectionOptions())`),
    or the one name the file assigns one to (`CallFact.target`)."""
    if any(called.endswith("()") and called[:-2] in getters for called in value.calls):
        return True
    if own is None or value.strings or value.env or len(value.names) != 1:
        return False
    name = value.names[0]
    return any(fact.target == name and fact.callee in getters for fact in own.calls)
