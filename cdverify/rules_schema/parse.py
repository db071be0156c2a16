"""The parser's library bindings (rules/parse.toml): how libraries read the environment, build paths,
wrap plugins.
"""

from __future__ import annotations

from typing import ClassVar

from cdverify.rules_schema.base import Record, Strings

# -- parse.toml ------------------------------------------------------------------------------------


class PythonBindings(Record, frozen=True):
    """How Python libraries read the environment, as the parser traces them."""

    env_getters: Strings  # traced calls: `os.getenv("X", default)`
    env_helpers: Strings  # called as written: `config("X", default=…)`
    env_getter_suffixes: Strings  # traced calls ending so: `environ.Env()`
    env_mappings: Strings  # subscripted: `os.environ["X"]`
    wrappers: Strings = ()  # traced calls whose result stands for their first argument: `contextlib.closing`


class ThisBindings(Record, frozen=True):
    """Where `this` is a traced data-access object (a TypeORM custom repository)."""

    bases: Strings  # prefixes of traced base classes
    extend: Strings  # methods of a repository whose object literal of methods gets it as `this`
    repositories: Strings  # traced values ending so are repositories


class ParameterBinding(Record, frozen=True):
    """A function's first parameter that is a library's object, by its name or its type annotation."""

    value: str  # the traced value it is bound to
    names: Strings = ()
    type_contains: Strings = ()
    types: Strings = ()
    second: str = ""  # the traced value of the second parameter, if any


class AppCallback(Record, frozen=True):
    """An option callback of a traced call whose first parameter is a new app."""

    call: str
    option: str
    app: str


class NodeBindings(Record, frozen=True):
    """How JavaScript libraries read the environment, build paths, wrap plugins and register routes."""

    env_objects: Strings
    env_getters: Strings
    path_modules: Strings
    path_functions: Strings
    transactions: Strings
    plugin_registers: Strings
    plugin_wrappers: Strings
    router_methods: Strings
    this: ThisBindings
    parameters: tuple[ParameterBinding, ...] = ()
    app_callbacks: tuple[AppCallback, ...] = ()
    plugin_options: Strings = ()  # module-level names a loader hands the exported plugin as its options


class ParseBindings(Record, frozen=True):
    FILE: ClassVar[str] = "parse"
    python: PythonBindings
    node: NodeBindings
