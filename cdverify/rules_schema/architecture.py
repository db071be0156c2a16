"""Architecture presets (rules/architecture/<preset>.toml): the layers, the allowed bypasses, the
layers by role.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdverify.rules_schema.base import Strings, table

# -- architecture/<preset>.toml ---------------------------------------------------------------------


@dataclass(frozen=True)
class PresetLayer:
    title: str
    directories: Strings
    file_suffixes: Strings


@dataclass(frozen=True)
class Bypass:
    source: str = field(metadata={"key": "from"})
    to: str


@dataclass(frozen=True)
class LayerRoles:  # layers by role (detect/layers/roles.py)
    layers: Mapping[str, str]  # role (routes, models, queries, services) → the layer it puts a file in
    clients: Mapping[str, Strings]  # family → traced calls opening a connection, pool, session or client
    tables: Mapping[str, Strings]  # family → traced calls defining a mapped table
    # family → traced decorators / calls declaring a request handler outside route tables (GraphQL resolvers)
    handlers: Mapping[str, Strings] = table()


@dataclass(frozen=True)
class ArchitecturePreset:
    name: str
    order: Strings  # highest layer first
    layers: Mapping[str, PresetLayer]
    required: Strings | None = None  # None: every layer of `order`
    abstraction_directories: Strings = ()
    bypass: tuple[Bypass, ...] = ()
    roles: LayerRoles | None = None  # None: layers by folder and file name only
