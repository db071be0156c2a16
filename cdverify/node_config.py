"""node-config (the `config` npm package): `config/default.json|yaml`, the NODE_ENV files beside it
(`development.json`, `production.yaml`, `local.json`, …) and `config/custom-environment-variables.json`,
which maps settings to environment variables. Read into `Setting`s keyed by the dotted path that
`config.get("db.url")` / `config.db.url` name: the file's stem is the section (`default`, `production`,
`custom-environment-variables`), a mapped variable is the setting's `env_var` (source `node-config`).
Pure reading: the database detector (cdverify/detect/database/values.py) follows the values."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any, NamedTuple

CUSTOM_ENVIRONMENT = "custom-environment-variables"
_MAX_DEPTH = 16


def _leaves(data: Any, prefix: str = "", depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(dotted path, leaf value) of every string, number or boolean in nested objects."""
    if depth > _MAX_DEPTH or not isinstance(data, dict):
        return
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            if "__name" in value:  # custom-environment-variables' {"__name": "VAR", "__format": "json"}
                yield path, value["__name"]
            else:
                yield from _leaves(value, path, depth + 1)
        elif isinstance(value, str | int | float | bool):
            yield path, value


def _line(content: str, key: str) -> int:
    leaf = key.rsplit(".", 1)[-1]
    for needle in (f'"{leaf}"', f"'{leaf}'", f"{leaf}:"):
        index = content.find(needle)
        if index >= 0:
            return content.count("\n", 0, index) + 1
    return 1


class Unreadable(NamedTuple):
    """Why a settings file cannot be read, in one line."""

    why: str


def load_json_or_yaml(content: str, suffix: str) -> Any:
    """A JSON (`suffix` "json") or YAML document, or `Unreadable`."""
    try:
        if suffix == "json":
            return json.loads(content)
        import yaml

        return yaml.safe_load(content)
    except (ValueError, RecursionError) as error:  # json.JSONDecodeError is a ValueError
        return Unreadable(f"invalid {suffix.upper()}: {str(error).splitlines()[0][:120]}")
    except Exception as error:  # yaml.YAMLError: the class is only known once yaml is imported
        return Unreadable(f"invalid YAML: {str(error).splitlines()[0][:120]}")


class NodeSetting(NamedTuple):
    """One leaf of a node-config file (the manifest reader makes it a `Setting`)."""

    key: str  # the dotted path, `db.url`
    value: str
    line: int
    section: str  # the file's stem: `default`, `production`, `custom-environment-variables`
    env_var: str  # the variable a custom-environment-variables entry maps the key to


def node_config_settings(rel: str, content: str) -> list[NodeSetting] | str:
    """The settings of one node-config file, or why it cannot be read."""
    name = PurePosixPath(rel).name
    stem, _, suffix = name.rpartition(".")
    data = load_json_or_yaml(content, suffix)
    if isinstance(data, Unreadable):
        return data.why
    out = []
    for key, value in _leaves(data):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            continue
        text = str(value)
        env_var = text if stem == CUSTOM_ENVIRONMENT else ""
        out.append(NodeSetting(key, text, _line(content, key), stem, env_var))
    return out
