"""The database catalogues (rules/database/engines.toml and connections.toml) indexed for lookup, and
the questions answered from them alone: which engine a URL or a dialect value names, whether a URL
keeps its data in memory, an engine's label."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import NamedTuple

from cdverify.catalog import load_rules
from cdverify.model import Text
from cdverify.rules_schema import (
    Connection,
    Connections,
    Engine,
    Engines,
    EnvExampleLoader,
    EnvJsonSchema,
    EnvSchema,
    Scopes,
    SettingsClass,
    SettingsFiles,
    SqlAlchemyUrls,
    TemplateDefault,
)

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9.-]*)(?:\+([A-Za-z0-9_.-]+))?:")


class Catalogue(NamedTuple):
    engines: Mapping[str, Engine]
    by_scheme: dict[str, str]
    by_value: dict[str, str]
    by_python_package: dict[str, str]
    by_python_module: dict[str, str]
    by_npm: dict[str, str]
    dialect_modules: dict[str, str]  # module → engine
    by_image: dict[str, str]
    image_prefixes: tuple[str, ...]
    env_prefixes: tuple[tuple[str, str], ...]
    connections: dict[str, dict[str, Connection]]  # family → traced callee → entry
    tool_calls: frozenset[str]  # a command-line tool's configuration calls (drizzle-kit's `defineConfig`)
    deferred_calls: frozenset[str]  # calls making the call of their first argument (`providers.Singleton`)
    url_keys: frozenset[str]
    value_keys: frozenset[str]
    response_bodies: tuple[
        str, ...
    ]  # a handler's answer (`ctx.body`): entries assigned there are no settings
    sqlalchemy_keys: frozenset[str]
    sqlalchemy: SqlAlchemyUrls
    switch_name: re.Pattern[str]  # a guard's name that selects the database
    template_defaults: Mapping[str, TemplateDefault]  # value → the template that writes it
    settings_files: SettingsFiles
    example_settings: re.Pattern[str]  # a settings file's last suffix that marks it an example
    saved_settings: re.Pattern[str] | None  # an env file's last suffix marking a saved copy (`.env.bak`)
    memory_markers: tuple[str, ...]
    file_scheme: str
    file_url: re.Pattern[str]  # a `file:` URL that names a database
    env_schemas: Mapping[str, EnvSchema]  # traced callee → the start-up schema it builds
    settings_classes: Mapping[str, SettingsClass]  # traced base → the settings classes deriving from it
    env_example_loaders: tuple[EnvExampleLoader, ...]  # `.env` loaders checking the example's variables
    env_json_schemas: tuple[EnvJsonSchema, ...]  # JSON schemas of the environment (@fastify/env)


@cache
def catalogue() -> Catalogue:
    data = load_rules(Engines)
    engines = data.engines

    def index(field_name: str, lower: bool = True) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, spec in engines.items():
            for item in getattr(spec, field_name):
                out.setdefault(item.lower() if lower else item, name)
        return out

    connections = load_rules(Connections)
    config = connections.config
    example_files = load_rules(Scopes).example_files
    example_words = "|".join(map(re.escape, example_files.words))
    copy_words = "|".join(map(re.escape, example_files.copies))
    return Catalogue(
        engines=engines,
        by_scheme=index("url_schemes"),
        by_value=index("values"),
        by_python_package=index("python_packages"),
        by_python_module=index("python_modules", lower=False),
        by_npm=index("npm_packages", lower=False),
        dialect_modules={m: n for n, s in engines.items() for m in s.dialect_modules},
        by_image=index("images"),
        image_prefixes=data.images.implicit_prefixes,
        env_prefixes=tuple((p, n) for n, s in engines.items() for p in s.env_prefixes),
        connections={
            family: {call: entry for entry in connections.family(family) for call in entry.calls}
            for family in ("python", "node")
        },
        tool_calls=frozenset(
            call for entry in (*connections.python, *connections.node) for call in entry.calls if entry.tool
        ),
        deferred_calls=frozenset(connections.deferred_calls),
        url_keys=frozenset(k.lower() for k in config.url_keys),
        value_keys=frozenset(k.lower() for k in config.value_keys),
        response_bodies=tuple(config.response_bodies),
        sqlalchemy_keys=frozenset(k.lower() for k in config.sqlalchemy_keys),
        sqlalchemy=connections.sqlalchemy,
        switch_name=re.compile("(" + "|".join(map(re.escape, config.switch_words)) + ")", re.I),
        template_defaults={default.value: default for default in connections.template_defaults},
        settings_files=connections.settings_files,
        example_settings=re.compile(rf"\.({example_words})$"),
        saved_settings=re.compile(rf"\.({copy_words})$", re.IGNORECASE) if copy_words else None,
        memory_markers=data.memory_markers.strings,
        file_scheme=data.file_urls.scheme,
        file_url=re.compile(data.file_urls.pattern),
        env_schemas={call: schema for schema in connections.env_schemas for call in schema.calls},
        settings_classes={base: kind for kind in connections.settings_classes for base in kind.bases},
        env_example_loaders=connections.env_example_loaders,
        env_json_schemas=connections.env_json_schemas,
    )


def _head(text: Text) -> str:
    """The literal start of a text, where a URL's scheme is read (a computed scheme is no scheme)."""
    return text if isinstance(text, str) else text.head


def is_url(text: Text) -> bool:
    """Whether `text` starts with a URL scheme (`postgresql+asyncpg:`, `sqlite:`)."""
    return _SCHEME.match(_head(text)) is not None


def engine_of_url(url: Text) -> str | None:
    """`postgresql+asyncpg://…` → postgresql; `sqlite::memory:` → sqlite; None when not a database URL."""
    match = _SCHEME.match(_head(url).strip())
    if match is None:
        return None
    known = catalogue()
    scheme = match.group(1).lower()
    pieces = (url,) if isinstance(url, str) else url.pieces
    if scheme == known.file_scheme and not any(known.file_url.search(piece) for piece in pieces):
        return None
    return known.by_scheme.get(scheme)


def engine_of_value(value: str) -> str | None:
    """The engine a dialect, client, type, provider or ENGINE value names (`pg`, `django.db.backends.…`)."""
    return catalogue().by_value.get(value.strip().lower())


def in_memory(url: Text) -> bool:
    """Whether the URL names an in-memory database: it is, or ends with, a marker (`:memory:`)."""
    tail = url if isinstance(url, str) else url.pieces[-1]
    return any(tail.endswith(marker) for marker in catalogue().memory_markers)


def label(engine: str) -> str:
    """How messages name an engine (`PostgreSQL`); an unknown engine by its own name."""
    spec = catalogue().engines.get(engine)
    return engine if spec is None else spec.label
