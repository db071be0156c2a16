"""User configuration: `cdverify.toml` or `[tool.cdverify]` in `pyproject.toml`, then command-line overrides.

Every problem in a configuration is collected and reported at once (`ConfigError` carries the list),
as import-linter's typed fields do: a user fixing a config should not have to run the tool five times.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import msgspec

from cdverify.catalog import architecture_preset, finding_rules, load_rules, preset_names
from cdverify.config_paths import ignore_applies, rebase_gitignore, relative_base, search_folders
from cdverify.files import NotReadable, is_regular_file, parse_toml, probe, read_regular
from cdverify.model import Finding, Scope
from cdverify.rules_schema import ArchitecturePreset, Scopes

CONFIG_FILE = "cdverify.toml"


class ConfigError(Exception):
    """Invalid configuration or usage; the CLI maps it to exit code 2."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class TypeOnlyImports(StrEnum):
    """What the layer rules do with an import that vanishes at run time (TS `import type`, Python under
    `if TYPE_CHECKING:`): Clean Architecture's dependency rule is about source code, so by default it is
    reported (marked `type_only`); `ignore` holds the layers to run-time imports only, as tach does."""

    REPORT = "report"
    IGNORE = "ignore"


class LayerSpec(msgspec.Struct, frozen=True):
    name: str
    title: str
    directories: frozenset[str]  # normalised names (lower case, `-` → `_`)
    file_suffixes: frozenset[str]
    paths: tuple[str, ...] = ()  # user globs assigning files to this layer, strongest evidence


class Ignore(msgspec.Struct, frozen=True):
    """A suppression. It must say why, and it is reported when it matches nothing."""

    rule: str
    path: str  # glob on the file path
    reason: str
    import_pattern: str | None = None  # glob on the import specifier
    base: str = ""  # the project's folder below the configuration's, `path` being relative to the latter

    def covers(self, path: str) -> bool:
        """Whether `path` (project-relative) matches this ignore's `path` glob."""
        return fnmatch(f"{self.base}/{path}" if self.base else path, self.path)

    def suppresses(self, finding: Finding) -> bool:
        """Whether this ignore hides `finding`: its rule id or name, its file, its import (when given)."""
        if self.rule not in (finding.rule, finding.name) or not self.covers(finding.location.path):
            return False
        return not self.import_pattern or fnmatch(str(finding.data.get("import", "")), self.import_pattern)


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
    # the variables the app sees where it is evaluated (`harness_env` table, `--env NAME=VALUE`); the
    # database constraint is judged in it. None: not declared (the paper's for paper task names)
    harness_env: tuple[tuple[str, str], ...] | None = None
    type_only_imports: TypeOnlyImports = TypeOnlyImports.REPORT  # the layer rules on type-only imports
    source: str | None = None  # the file the configuration came from

    def layer(self, name: str) -> LayerSpec:
        for spec in self.layers:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def suppression_reason(self, finding: Finding) -> str:
        """The reason of the first `[[ignore]]` that hides `finding` (the CI reports show it)."""
        reasons = (ignore.reason for ignore in self.ignores if ignore.suppresses(finding))
        return next(reasons, "suppressed by the configuration")

    def with_harness_env(self, variables: dict[str, str]) -> Config:
        """This configuration with `variables` added to its harness environment (`--env NAME=VALUE`,
        which overrides the configuration's `harness_env`); unchanged when there are none."""
        if not variables:
            return self
        merged = {**dict(self.harness_env or ()), **variables}
        return dataclasses.replace(self, harness_env=tuple(sorted(merged.items())))

    @property
    def layer_order(self) -> dict[str, int]:
        return {spec.name: index for index, spec in enumerate(self.layers)}


def normalise_dir_name(name: str) -> str:
    return name.lower().replace("-", "_")


_MAX_CONFIG_BYTES = 4 * 1_048_576
_TOML_TYPES = ((bool, "boolean"), (int, "integer"), (float, "float"), (str, "string"), (list, "array"))
_KNOWN_KEYS = frozenset(
    {
        "constraints",
        "preset",
        "layers",
        "required_layers",
        "scopes",
        "exclude",
        "ignore",
        "max_file_bytes",
        "port",
        "harness_env",
        "type_only_imports",
    }
)
_LAYER_KEYS = frozenset({"directories", "file_suffixes", "paths", "replace"})
_IGNORE_KEYS = frozenset({"rule", "path", "reason", "import"})


def toml_type(value: object) -> str:
    """The TOML name of a parsed value's type, for messages (`integer`, `array`, `table`, …)."""
    if isinstance(value, dict):
        return "table"
    return next((name for kind, name in _TOML_TYPES if isinstance(value, kind)), "date or time")


def did_you_mean(name: str, known: list[str] | frozenset[str]) -> str:
    """` (did you mean 'x'?)` for the closest known name (difflib), or `""`."""
    import difflib  # only for a configuration with an unknown name

    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _got(value: object) -> str:
    shown = repr(value)
    return f"{toml_type(value)} {shown if len(shown) <= 40 else shown[:37] + '...'}"


def glob_problem(glob: str) -> str | None:
    """Why a gitignore-style glob cannot be used (`[z-a]`: a bad character range), or None."""
    from pathspec import PathSpec

    try:
        PathSpec.from_lines("gitignore", [glob])
    except (ValueError, re.error) as exc:
        return f"invalid gitignore-style glob {glob!r}: {pattern_error(exc)}"
    return None


def pattern_error(exc: Exception) -> str:
    """A glob's compile error in its own words: `bad character range z-a`, without the position in the
    regular expression it was translated to (which the user never wrote)."""
    return str(getattr(exc, "msg", None) or exc)


class _Checker:
    """Collects problems, each naming its key as the file spells it (`tool.cdverify.…` in pyproject.toml)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.problems: list[str] = []

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def add(self, message: str) -> None:
        self.problems.append(message)

    def wrong(self, name: str, expected: str, value: object) -> None:
        self.add(f"{self.key(name)} must be {expected} (got {_got(value)})")

    def str_list(self, value: Any, name: str, *, globs: bool = False) -> list[str]:
        """A string or an array of strings (a string is a list of one); each a valid glob if `globs`."""
        if value is None:
            return []
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            self.wrong(name, "a string or an array of strings", value)
            return []
        if globs:
            for index, glob in enumerate(items):
                if (problem := glob_problem(glob)) is not None:
                    where = name if isinstance(value, str) else f"{name}[{index}]"
                    self.add(f"{self.key(where)}: {problem}")
        return list(items)

    def table(self, raw: dict[str, Any], name: str) -> dict[str, Any]:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            self.wrong(name, "a table", value)
            return {}
        return value

    def unknown_keys(self, table: dict[str, Any], known: frozenset[str], where: str) -> None:
        for key in sorted(set(table) - known):
            place = f"{self.key(where)}: unknown key" if where else "unknown configuration key"
            self.add(f"{place} {key!r}{did_you_mean(key, known)} (known: {', '.join(sorted(known))})")


def _preset(name: str, check: _Checker) -> ArchitecturePreset:
    known = preset_names()
    if name not in known:
        suggestion = did_you_mean(name, known)
        check.add(f"unknown architecture preset {name!r}{suggestion} (known: {', '.join(known)})")
        name = "clean_architecture"
    return architecture_preset(name)


def find_config_file(root: Path, *, search_parents: bool = True) -> tuple[Path, dict[str, Any]] | None:
    """The project's own configuration: in `root` (a file's folder for a file), else the nearest parent
    that has one up to the repository root (`config_paths.search_folders`; not with `search_parents=False`).
    In each folder `cdverify.toml` first, else `[tool.cdverify]` in `pyproject.toml`.

    A `pyproject.toml` that cannot be read is the project's problem (reported as DISC006), unless it holds
    a `[tool.cdverify]` table: then the configuration it meant to give is lost, which is an error."""
    start = root if root.is_dir() or not root.exists() else root.parent
    for index, folder in enumerate(search_folders(start) if search_parents else [start]):
        found = _config_in(start if index == 0 else folder)
        if found is not None:
            return found
    return None


def _config_in(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    own = folder / CONFIG_FILE
    if probe(own, follow_symlinks=False) is not None:
        return own, _read_toml(own)
    pyproject = folder / "pyproject.toml"
    if is_regular_file(pyproject):
        try:
            document = _read_toml(pyproject)
        except ConfigError:
            if _mentions_cdverify(pyproject):
                raise
            return None
        tool = document.get("tool")
        if isinstance(tool, dict) and "cdverify" in tool:
            return pyproject, _cdverify_table(pyproject, tool["cdverify"])
    return None


def _cdverify_table(path: Path, table: object) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError([f"{path}: tool.cdverify must be a table (got {_got(table)})"])
    return table


def _mentions_cdverify(path: Path) -> bool:
    try:
        data = read_regular(path, _MAX_CONFIG_BYTES)
    except NotReadable:
        return False
    return re.search(rb"^\s*\[+\s*tool\s*\.\s*cdverify\b", data, re.M) is not None


def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed file, or a ConfigError naming the file and, for bad bytes, the line."""
    try:
        data = read_regular(path, _MAX_CONFIG_BYTES)
    except NotReadable as exc:
        raise ConfigError([f"{path}: cannot read: {exc.reason}"]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError(
            [f"{path}: line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); TOML files are UTF-8"]
        ) from None
    document = parse_toml(text)
    if isinstance(document, str):
        raise ConfigError([f"{path}: invalid TOML: {document}"])
    return document


def build_config(
    raw: dict[str, Any] | None = None,
    *,
    source: str | None = None,
    preset: str | None = None,
    layer_globs: dict[str, list[str]] | None = None,
    exclude: list[str] | None = None,
    required_layers: list[str] | None = None,
    base: str = "",
) -> Config:
    """Merge the preset, the project's configuration table and command-line overrides (strongest last).
    Every value is checked for its type; every problem is collected, naming the key and what it expects.
    `base`: the project's folder relative to the configuration's (found in a parent): the configuration's
    globs are rewritten for it (`config_paths`); the command line's are the project's own."""
    raw = dict(raw or {})
    check = _Checker("tool.cdverify." if source and Path(source).name == "pyproject.toml" else "")
    check.unknown_keys(raw, _KNOWN_KEYS, "")

    preset_name = preset if preset is not None else raw.get("preset", "clean_architecture")
    if not isinstance(preset_name, str):
        check.wrong("preset", "a string naming a preset", preset_name)
        preset_name = "clean_architecture"
    data = _preset(preset_name, check)
    user_layers = check.table(raw, "layers")

    order: list[str] = list(data.order)
    for name in user_layers:
        if name not in order:
            check.add(
                f"{check.key(f'layers.{name}')}: unknown layer{did_you_mean(name, order)} "
                f"(the {preset_name} preset has {', '.join(order)})"
            )

    layers = []
    for name in order:
        named = data.layers[name]
        extra = user_layers.get(name, {})
        if not isinstance(extra, dict):
            check.wrong(f"layers.{name}", "a table", extra)
            extra = {}
        check.unknown_keys(extra, _LAYER_KEYS, f"layers.{name}")
        replace_names = extra.get("replace", False)
        if not isinstance(replace_names, bool):
            check.wrong(f"layers.{name}.replace", "a boolean", replace_names)
            replace_names = False
        dirs = check.str_list(extra.get("directories"), f"layers.{name}.directories")
        suffixes = check.str_list(extra.get("file_suffixes"), f"layers.{name}.file_suffixes")
        globs = _rebased(check.str_list(extra.get("paths"), f"layers.{name}.paths", globs=True), base)
        for glob in (layer_globs or {}).get(name, []):
            if (problem := glob_problem(glob)) is not None:
                check.add(f"--layer {name}={glob}: {problem}")
            globs.append(glob)
        layers.append(
            LayerSpec(
                name=name,
                title=named.title,
                directories=frozenset(
                    normalise_dir_name(d) for d in (dirs if replace_names else [*named.directories, *dirs])
                ),
                file_suffixes=frozenset(
                    s.lower() for s in (suffixes if replace_names else [*named.file_suffixes, *suffixes])
                ),
                paths=tuple(globs),
            )
        )
    for name in layer_globs or {}:
        if name not in order:
            check.add(f"--layer {name}=…: unknown layer (known: {', '.join(order)})")

    required = required_layers or check.str_list(raw.get("required_layers"), "required_layers")
    required = required or list(order if data.required is None else data.required)
    for name in required:
        if name not in order:
            check.add(f"required layer {name!r} is not a layer of the preset")

    scope_overrides: list[tuple[str, Scope]] = []
    for scope_name, globs in check.table(raw, "scopes").items():
        try:
            scope = Scope(scope_name)
        except ValueError:
            known_scopes = [s.value for s in Scope]
            check.add(
                f"{check.key(f'scopes.{scope_name}')}: unknown scope{did_you_mean(scope_name, known_scopes)} "
                f"(known: {', '.join(known_scopes)})"
            )
            continue
        for glob in _rebased(check.str_list(globs, f"scopes.{scope_name}", globs=True), base):
            scope_overrides.append((glob, scope))

    ignores = [
        msgspec.structs.replace(item, base=base)
        for item in _ignores(raw, check)
        if ignore_applies(item.path, base)
    ]

    max_bytes = raw.get("max_file_bytes", load_rules(Scopes).limits.max_file_bytes)
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        check.wrong("max_file_bytes", "a positive integer", max_bytes)
        max_bytes = 1_048_576

    port = raw.get("port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536):
        check.wrong("port", "an integer between 1 and 65535", port)
        port = None

    harness = _harness_env(raw, check)

    type_only = raw.get("type_only_imports", TypeOnlyImports.REPORT.value)
    if not isinstance(type_only, str) or type_only not in {item.value for item in TypeOnlyImports}:
        check.wrong("type_only_imports", '"report" or "ignore"', type_only)
        type_only = TypeOnlyImports.REPORT.value

    constraints = raw.get("constraints")
    if constraints is not None and not isinstance(constraints, str):
        check.wrong("constraints", 'a string such as "flask+clean_architecture"', constraints)
        constraints = None

    excluded = _rebased(check.str_list(raw.get("exclude"), "exclude", globs=True), base)
    for glob in exclude or []:
        if (problem := glob_problem(glob)) is not None:
            check.add(f"--exclude {glob}: {problem}")
        excluded.append(glob)
    if check.problems:
        raise ConfigError([f"{source}: {p}" if source else p for p in check.problems])
    return Config(
        preset=preset_name,
        layers=tuple(layers),
        required_layers=tuple(required),
        bypass=tuple((item.source, item.to) for item in data.bypass),
        abstraction_dirs=frozenset(normalise_dir_name(d) for d in data.abstraction_directories),
        scope_overrides=tuple(scope_overrides),
        exclude=tuple(excluded),
        ignores=tuple(ignores),
        max_file_bytes=max_bytes,
        constraints=constraints or None,
        port=port,
        harness_env=None if harness is None else tuple(sorted(harness.items())),
        type_only_imports=TypeOnlyImports(type_only),
        source=source,
    )


def _rebased(globs: list[str], base: str) -> list[str]:
    """The configuration's globs for a project `base` below its folder: those that can match there."""
    return [rebased for glob in globs if (rebased := rebase_gitignore(glob, base)) is not None]


def _harness_env(raw: dict[str, Any], check: _Checker) -> dict[str, str] | None:
    """`harness_env`: a table of variable names to strings (None when the key is absent)."""
    if "harness_env" not in raw:
        return None
    table = check.table(raw, "harness_env")
    out = {}
    for key, value in table.items():
        if not isinstance(value, str):
            check.wrong(f"harness_env.{key}", "a string", value)
        else:
            out[key] = value
    return out


def _ignores(raw: dict[str, Any], check: _Checker) -> list[Ignore]:
    """`[[ignore]]` tables: `rule`, `path` and a non-empty `reason` are required strings; `import` is
    optional."""
    items = raw.get("ignore", [])
    if not isinstance(items, list):
        check.wrong("ignore", "an array of tables ([[ignore]])", items)
        return []
    ignores = []
    for index, item in enumerate(items):
        where = f"ignore[{index}]"
        if not isinstance(item, dict):
            check.wrong(where, "a table with rule, path and reason", item)
            continue
        check.unknown_keys(item, _IGNORE_KEYS, where)
        fields = {key: item[key] for key in ("rule", "path", "reason", "import") if key in item}
        usable = True
        for key, value in fields.items():
            if not isinstance(value, str):
                check.wrong(f"{where}.{key}", "a string", value)
                usable = False
        if "rule" not in item or "path" not in item:
            check.add(f"{check.key(where)}: 'rule' and 'path' are required")
            usable = False
        elif isinstance(item["rule"], str) and (problem := _unknown_rule(item["rule"])):
            check.add(f"{check.key(f'{where}.rule')}: {problem}")
            usable = False
        elif not str(item.get("reason", "")).strip():
            check.add(f"{check.key(where)}: an ignore must carry a non-empty 'reason'")
            usable = False
        if usable:
            ignores.append(
                Ignore(
                    rule=fields["rule"],
                    path=fields["path"],
                    reason=fields["reason"].strip(),
                    import_pattern=fields.get("import") or None,
                )
            )
    return ignores


def _unknown_rule(rule: str) -> str | None:
    """Why `rule` names no finding (an id such as `ARCH002` or a name such as `route-bypasses-service`)."""
    rules = finding_rules()
    names = {entry.name for entry in rules.values()}
    if rule in rules or rule in names:
        return None
    return f"unknown rule {rule!r}{did_you_mean(rule, [*rules, *names])} (rule ids: docs/rules/index.md)"


def load_config(
    root: Path,
    config_file: Path | None = None,
    *,
    search_parents: bool = True,
    **overrides: Any,
) -> Config:
    """The configuration in force for `root`: an explicit file, else the project's own (in `root` or, with
    `search_parents`, the nearest parent up to the repository root), else defaults."""
    if config_file is not None:
        raw = _read_toml(config_file)
        if config_file.name == "pyproject.toml":
            tool = raw.get("tool")
            raw = _cdverify_table(config_file, tool.get("cdverify", {}) if isinstance(tool, dict) else {})
        return build_config(raw, source=str(config_file), **overrides)
    found = find_config_file(root, search_parents=search_parents)
    if found is None:
        return build_config(None, **overrides)
    path, raw = found
    start = root if root.is_dir() or not root.exists() else root.parent
    base = relative_base(path.parent, start)
    return build_config(raw, source=str(path), base=base, **overrides)


__all__ = [
    "Config",
    "ConfigError",
    "Ignore",
    "LayerSpec",
    "build_config",
    "did_you_mean",
    "find_config_file",
    "glob_problem",
    "load_config",
    "normalise_dir_name",
    "pattern_error",
]
