"""The `[roles]` lists of an architecture preset (rules/architecture/<preset>.toml), read once: the layer
each role puts a file in, and the traced calls that open a client, define a table, declare a handler, make
the models' base or store a value on the app (detect/layers/roles.py reads the code with them)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

from cdverify.catalog import architecture_preset
from cdverify.model import Family
from cdverify.rules_schema import LayerRoles


class Layers(NamedTuple):
    """The layer each role puts a file in (`[roles.layers]` of the preset)."""

    routes: str
    models: str
    queries: str
    services: str


@cache
def preset_roles(preset: str) -> tuple[LayerRoles, Layers] | None:
    """The preset's `[roles]`, or None when it has none or names no layer for one of the four roles."""
    roles = architecture_preset(preset).roles
    if roles is None or not set(Layers._fields) <= roles.layers.keys():
        return None
    return roles, Layers(**{field: roles.layers[field] for field in Layers._fields})


class Names(NamedTuple):
    """Names to match a callee against: the names, and what a call on one or a member of one starts with."""

    names: frozenset[str]
    starts: tuple[str, ...]


def names_of(names: Iterable[str]) -> Names:
    listed = tuple(names)
    return Names(frozenset(listed), tuple(start for n in listed for start in (n + ".", n + "()")))


def matches(callee: str, names: Names) -> bool:
    """`callee` is one of `names`, or a call on its result or a member of it."""
    return callee in names.names or callee.startswith(names.starts)


@cache
def model_names(preset: str, family: Family) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(base classes, calls) that define a mapped model: the ORM catalogue's model names (Python's are
    bases: `declarative_base()` makes a base, no model) and the preset's own calls (`Table`, `pgTable`)."""
    from cdverify.detect.orm.catalogue import libraries

    roles = architecture_preset(preset).roles
    assert roles is not None  # by_role read it
    clients = set(roles.clients.get(family, ()))
    tables = roles.tables.get(family, ())
    listed = tuple(n for library in libraries().values() for n in library.models if n not in clients)
    if family == "python":
        return listed, tables
    return listed, tuple(dict.fromkeys((*listed, *tables)))


@cache
def client_names(preset: str, family: Family, idle: frozenset[str] = frozenset()) -> Names:
    """The preset's clients; in Node also the instances of the data-client types a typed parameter stands
    for (rules/parse.toml `[node.injected]`: `eb: ExpressionBuilder<DB>`, `db: LibSQLDatabase<S>` make
    `eb.selectFrom(…)` a call on a client), not their constructors (`new Sequelize(…)` only builds the
    instance models bind to: detect/layers/instances.py). Not those of the `idle` libraries, which the
    application uses for no data (Supabase for sign-in alone: detect/data_calls.py)."""
    roles = architecture_preset(preset).roles
    if roles is None:
        return names_of(())
    listed = roles.clients.get(family, ())
    if family == "node":
        from cdverify.parse.libraries import node_libraries

        instances = {f"{client}()" for client in node_libraries().injected}
        listed = (*listed, *sorted(instances - set(listed)))
    if idle:
        from cdverify.detect.data_calls import library_of_name

        listed = tuple(n for n in listed if library_of_name(n.removesuffix("()"), family) not in idle)
    return names_of(listed)


@cache
def handler_names(preset: str, family: Family) -> frozenset[str]:
    """Traced decorators or bases that declare a request handler outside a route table (GraphQL resolvers)."""
    roles = architecture_preset(preset).roles
    return frozenset(roles.handlers.get(family, ()) if roles is not None else ())


@cache
def schema_syncs(preset: str, family: Family) -> frozenset[str]:
    """Client methods that create the models' tables (`sync`: `[roles.schema_syncs]`): no query."""
    roles = architecture_preset(preset).roles
    return frozenset(roles.schema_syncs.get(family, ()) if roles is not None else ())


@cache
def repository_getters(preset: str, family: Family) -> frozenset[str]:
    """Client methods handing out one entity's repository (`getRepository`: `[roles.repository_getters]`)."""
    roles = architecture_preset(preset).roles
    return frozenset(roles.repository_getters.get(family, ()) if roles is not None else ())


@cache
def base_makers(preset: str, family: Family) -> frozenset[str]:
    """Calls that make the base of mapped models (`declarative_base()`, `registry()`: `[roles.bases]`)."""
    roles = architecture_preset(preset).roles
    return frozenset(roles.bases.get(family, ()) if roles is not None else ())


@cache
def model_starts(preset: str, family: Family) -> tuple[str, ...]:
    """What the base class of a mapped model starts with (`declarative_base()` → `declarative_base`)."""
    return tuple(n.removesuffix("()") for n in model_names(preset, family)[0])


@cache
def store_names(preset: str, family: Family) -> frozenset[str]:
    roles = architecture_preset(preset).roles
    return frozenset(roles.stores.get(family, ()) if roles is not None else ())


@cache
def client_plugins(preset: str, family: Family) -> dict[str, str]:
    """Plugins registering a database client on the app → the name they decorate it with
    (`[roles.client_plugins]`: `@fastify/postgres` → `pg`)."""
    roles = architecture_preset(preset).roles
    return dict(roles.client_plugins.get(family, {})) if roles is not None else {}
