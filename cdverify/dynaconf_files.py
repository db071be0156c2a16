"""dynaconf's settings files (`settings.toml|yaml|json`, `.secrets.*`): the values a `Dynaconf(…)` settings
object gives its attributes (`settings.SQLALCHEMY_DATABASE_URI`). Read into settings keyed by the name as
written (dynaconf's keys are case-insensitive): a top-level value has no section; a value inside a top-level
table has the table's name as its section, the environment it belongs to where the object is made with
`environments=True` (`[default]`, `[development]`, `[production]`, `[global]`). Nested tables are not read:
their values are reached as `settings.db.url`, whose last name alone would match too loosely. Pure reading:
the database detector (cdverify/detect/database/values.py) follows the values."""

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
    for section, table in data.items():
        if not isinstance(table, dict):
            continue
        start = max(content.find(str(section)), 0)
        out += [
            NodeSetting(key, value, _line(content, key, start), str(section).lower(), "")
            for key, value in _scalars(table)
        ]
    return out
