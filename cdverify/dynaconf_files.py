"""dynaconf's settings files (`settings.toml|yaml|json`, `.secrets.*`): the values a `Dynaconf(…)` settings
object gives its attributes (`settings.SQLALCHEMY_DATABASE_URI`). Read into settings keyed by the name as
written (dynaconf's keys are case-insensitive): a top-level value has no section; a value inside a top-level
table has the table's name as its section, the environment it belongs to where the object is made with
`environments=True` (`[default]`, `[development]`, `[production]`, `[global]`). A nested table's values are
keyed by their dotted path, as code reaches them (`settings.db.url`; the last name alone would match too
loosely): `[default.db] url` is `db.url` in the `default` section, and a top-level `[db] url` is also `db.url`
with no section (a settings object made without environments). Pure reading: the database detector
(cdverify/detect/database/values.py) follows the values."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from cdverify.files import parse_toml
from cdverify.node_config import NodeSetting, Unreadable, load_json_or_yaml


def _scalars(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in data.items():
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            yield str(key), str(value)


_NESTING = 3  # how deep nested tables are read (`[default.db.pool] size`)


def _nested(data: dict[str, Any], depth: int = _NESTING) -> Iterator[tuple[str, str]]:
    """(dotted path, value) of the scalars of the tables inside `data`, a few levels deep."""
    if not depth:
        return
    for name, table in data.items():
        if isinstance(table, dict):
            for key, value in _scalars(table):
                yield f"{name}.{key}", value
            for key, value in _nested(table, depth - 1):
                yield f"{name}.{key}", value


def _line(content: str, key: str, start: int) -> int:
    for needle in (f"{key} =", f"{key}=", f'"{key}"', f"{key}:"):
        index = content.find(needle, start)
        if index >= 0:
            return content.count("\n", 0, index) + 1
    return 1


def dynaconf_settings(rel: str, content: str) -> list[NodeSetting] | str:
    """The settings of one dynaconf file, or why it cannot be read."""
    suffix = PurePosixPath(rel).suffix
    data: Any
    if suffix in (".toml", ".tml"):
        data = parse_toml(content)
        if isinstance(data, str):
            return f"invalid TOML: {data.splitlines()[0][:120] if data else data}"
    else:
        data = load_json_or_yaml(content, suffix[1:])
        if isinstance(data, Unreadable):
            return data.why
    if not isinstance(data, dict):
        return []
    out = [NodeSetting(key, value, _line(content, key, 0), "", "") for key, value in _scalars(data)]
    out += [NodeSetting(key, value, _dotted_line(content, key), "", "") for key, value in _nested(data)]
    for section, table in data.items():
        if not isinstance(table, dict):
            continue
        start = max(content.find(str(section)), 0)
        out += [
            NodeSetting(key, value, _line(content, key, start), str(section).lower(), "")
            for key, value in _scalars(table)
        ]
        out += [
            NodeSetting(key, value, _dotted_line(content, f"{section}.{key}"), str(section).lower(), "")
            for key, value in _nested(table, _NESTING - 1)
        ]
    return out


def _dotted_line(content: str, path: str) -> int:
    """The line of a nested value: its last name after where its tables' names are written."""
    *tables, key = path.split(".")
    start = 0
    for table in tables:
        found = content.find(table, start)
        start = found if found >= 0 else start
    return _line(content, key, start)
