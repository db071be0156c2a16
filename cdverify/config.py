"""User configuration: `cdverify.toml` or `[tool.cdverify]` in `pyproject.toml`, then command-line overrides.

Every problem in a configuration is collected and reported at once (`ConfigError` carries the list),
as import-linter's typed fields do: a user fixing a config should not have to run the tool five times.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdverify.catalog import load_rules
from cdverify.model import Scope

CONFIG_FILE = "cdverify.toml"


class ConfigError(Exception):
    """Invalid configuration or usage; the CLI maps it to exit code 2."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LayerSpec:
    name: str
    title: str
    directories: frozenset[str]  # normalised names (lower case, `-` → `_`)
    file_suffixes: frozenset[str]
    paths: tuple[str, ...] = ()  # user globs assigning files to this layer, strongest evidence


@dataclass(frozen=True)
class Ignore:
    """A suppression. It must say why, and it is reported when it matches nothing."""

    rule: str
    path: str  # glob on the file path
    reason: str
    import_pattern: str | None = None  # glob on the import specifier


@dataclass(frozen=True)
class Config:
    preset: str = "clean_architecture"
    layers: tuple[LayerSpec, ...] = ()  # in order, highest first
    required_layers: tuple[str, ...] = ()
    bypass: tuple[tuple[str, str], ...] = ()
    abstraction_dirs: frozenset[str] = frozenset()  # no layer by file name inside these folders
    scope_overrides: tuple[tuple[str, Scope], ...] = ()  # (glob, scope); later entries win
    exclude: tuple[str, ...] = ()
    ignores: tuple[Ignore, ...] = ()
    max_file_bytes: int = 1_048_576
    constraints: str | None = None  # the project's own constraint spec, used when none is given
    port: int | None = None  # the port the server must listen on (default: 8080 Python, 3000 Node)
    source: str | None = None  # the file the configuration came from

    def layer(self, name: str) -> LayerSpec:
        for spec in self.layers:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def layer_order(self) -> dict[str, int]:
        return {spec.name: index for index, spec in enumerate(self.layers)}


def normalise_dir_name(name: str) -> str:
    return name.lower().replace("-", "_")


def _preset(name: str, problems: list[str]) -> dict[str, Any]:
    try:
        return load_rules(f"architecture/{name}")
    except FileNotFoundError:
        problems.append(f"unknown architecture preset {name!r}")
        return load_rules("architecture/clean_architecture")


def _str_list(value: Any, where: str, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    problems.append(f"{where} must be a string or a list of strings")
    return []


def find_config_file(root: Path) -> tuple[Path, dict[str, Any]] | None:
    """The project's own configuration: `cdverify.toml` first, else `[tool.cdverify]` in `pyproject.toml`."""
    own = root / CONFIG_FILE
    if own.is_file():
        return own, _read_toml(own)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            table = _read_toml(pyproject).get("tool", {}).get("cdverify")
        except ConfigError:
            return None  # a broken pyproject.toml is the project's problem, not a cdverify config error
        if isinstance(table, dict):
            return pyproject, table
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError([f"{path}: {exc}"]) from exc


def build_config(
    raw: dict[str, Any] | None = None,
    *,
    source: str | None = None,
    preset: str | None = None,
    layer_globs: dict[str, list[str]] | None = None,
    exclude: list[str] | None = None,
    required_layers: list[str] | None = None,
) -> Config:
    """Merge the preset, the project's configuration table and command-line overrides (strongest last)."""
    raw = dict(raw or {})
    problems: list[str] = []
    known = {
        "constraints",
        "preset",
        "layers",
        "required_layers",
        "scopes",
        "exclude",
        "ignore",
        "max_file_bytes",
        "port",
    }
    for key in sorted(set(raw) - known):
        problems.append(f"unknown configuration key {key!r} (known: {', '.join(sorted(known))})")

    preset_name = preset or raw.get("preset") or "clean_architecture"
    data = _preset(str(preset_name), problems)
    user_layers = raw.get("layers") or {}
    if not isinstance(user_layers, dict):
        problems.append("layers must be a table of layer names")
        user_layers = {}

    order: list[str] = list(data["order"])
    for name in user_layers:
        if name not in order:
            problems.append(f"layers.{name}: unknown layer (the {preset_name} preset has {', '.join(order)})")

    layers = []
    for name in order:
        base = data["layers"][name]
        extra = user_layers.get(name, {}) if isinstance(user_layers.get(name, {}), dict) else {}
        replace_names = bool(extra.get("replace", False))
        dirs = _str_list(extra.get("directories"), f"layers.{name}.directories", problems)
        suffixes = _str_list(extra.get("file_suffixes"), f"layers.{name}.file_suffixes", problems)
        globs = _str_list(extra.get("paths"), f"layers.{name}.paths", problems)
        globs += (layer_globs or {}).get(name, [])
        layers.append(
            LayerSpec(
                name=name,
                title=str(base.get("title", name)),
                directories=frozenset(
                    normalise_dir_name(d) for d in (dirs if replace_names else [*base["directories"], *dirs])
                ),
                file_suffixes=frozenset(
                    s.lower() for s in (suffixes if replace_names else [*base["file_suffixes"], *suffixes])
                ),
                paths=tuple(globs),
            )
        )
    for name in layer_globs or {}:
        if name not in order:
            problems.append(f"--layer {name}=…: unknown layer (known: {', '.join(order)})")

    required = required_layers or _str_list(raw.get("required_layers"), "required_layers", problems)
    required = required or list(data.get("required", order))
    for name in required:
        if name not in order:
            problems.append(f"required layer {name!r} is not a layer of the preset")

    scope_overrides: list[tuple[str, Scope]] = []
    scopes = raw.get("scopes") or {}
    if isinstance(scopes, dict):
        for scope_name, globs in scopes.items():
            try:
                scope = Scope(scope_name)
            except ValueError:
                problems.append(
                    f"scopes.{scope_name}: unknown scope (known: {', '.join(s.value for s in Scope)})"
                )
                continue
            for glob in _str_list(globs, f"scopes.{scope_name}", problems):
                scope_overrides.append((glob, scope))
    else:
        problems.append("scopes must be a table of scope name → globs")

    ignores = []
    raw_ignores = raw.get("ignore") or []
    if not isinstance(raw_ignores, list):
        problems.append("ignore must be an array of tables ([[tool.cdverify.ignore]])")
        raw_ignores = []
    for index, item in enumerate(raw_ignores):
        where = f"ignore[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be a table")
            continue
        reason = str(item.get("reason", "")).strip()
        if not item.get("rule") or not item.get("path"):
            problems.append(f"{where}: 'rule' and 'path' are required")
            continue
        if not reason:
            problems.append(f"{where}: an ignore must carry a non-empty 'reason'")
            continue
        ignores.append(
            Ignore(
                rule=str(item["rule"]),
                path=str(item["path"]),
                reason=reason,
                import_pattern=str(item["import"]) if item.get("import") else None,
            )
        )

    max_bytes = raw.get("max_file_bytes", load_rules("scopes")["limits"]["max_file_bytes"])
    if not isinstance(max_bytes, int) or max_bytes <= 0:
        problems.append("max_file_bytes must be a positive integer")
        max_bytes = 1_048_576

    port = raw.get("port")
    if port is not None and (not isinstance(port, int) or not 0 < port < 65536):
        problems.append("port must be an integer between 1 and 65535")
        port = None

    excluded = _str_list(raw.get("exclude"), "exclude", problems) + list(exclude or [])
    if problems:
        raise ConfigError([f"{source}: {p}" if source else p for p in problems])
    return Config(
        preset=str(preset_name),
        layers=tuple(layers),
        required_layers=tuple(required),
        bypass=tuple((item["from"], item["to"]) for item in data.get("bypass", [])),
        abstraction_dirs=frozenset(normalise_dir_name(d) for d in data.get("abstraction_directories", [])),
        scope_overrides=tuple(scope_overrides),
        exclude=tuple(excluded),
        ignores=tuple(ignores),
        max_file_bytes=max_bytes,
        constraints=str(raw["constraints"]) if raw.get("constraints") else None,
        port=port,
        source=source,
    )


def load_config(
    root: Path,
    config_file: Path | None = None,
    **overrides: Any,
) -> Config:
    """The configuration in force for `root`: an explicit file, else the project's own, else defaults."""
    if config_file is not None:
        raw = _read_toml(config_file)
        if config_file.name == "pyproject.toml":
            raw = raw.get("tool", {}).get("cdverify", {})
        return build_config(raw, source=str(config_file), **overrides)
    found = find_config_file(root)
    if found is None:
        return build_config(None, **overrides)
    path, raw = found
    return build_config(raw, source=str(path), **overrides)


__all__ = [
    "Config",
    "ConfigError",
    "Ignore",
    "LayerSpec",
    "build_config",
    "load_config",
    "normalise_dir_name",
]
