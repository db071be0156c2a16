"""A parsed TOML document checked against frozen records (`msgspec.Struct`s, cdverify/rules_schema/base.py),
with errors that name file, line and key.

The records are the schema: a field's name is the TOML key (or its `msgspec.field(name=…)` when the key
is a Python keyword, as `from` is), its annotation the expected type, and a field with a default is
optional. Supported annotations: `str`, `int`, `bool`, `float`, `tuple[T, ...]` (a TOML array),
`Mapping[str, T]` (a table whose keys are data), a `StrEnum`, another such record (a table whose
keys are fields), `T | U` (the first that fits) and `object` (anything, for free-form data).

Every error of a document is collected before one `SchemaError` is raised, the way import-linter
collects field errors: a misspelt key and a wrong type in the same file are reported together.
`tomllib` keeps no positions, so the line of a key is found by a light scan of the file's text
(`key_lines`); a path the scan cannot place falls back to the line of its nearest placed parent.
"""

from __future__ import annotations

import difflib
import enum
import re
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar, Union

import msgspec

T = TypeVar("T")
Path = tuple[str | int, ...]


class SchemaError(ValueError):
    """A TOML file that does not fit its schema; `problems` are `(line, message)` pairs."""

    def __init__(self, file: str, problems: list[tuple[int, str]]) -> None:
        self.file = file
        self.problems = problems
        super().__init__("\n".join(f"{file}:{line}: {message}" for line, message in problems))


def decode(document: Mapping[str, Any], schema: type[T], file: str, text: str) -> T:
    """`document` (from `tomllib.loads(text)`) as an instance of `schema`, or SchemaError."""
    errors: list[tuple[Path, str]] = []
    value = _convert(document, schema, (), errors)
    if errors:
        lines = key_lines(text)
        raise SchemaError(file, [(_line_of(path, lines), message) for path, message in errors])
    return typing.cast(T, value)


# -- conversion -------------------------------------------------------------------------------------


def _describe(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(annotation))
    if origin is tuple:
        return f"an array of {_plural(_describe(typing.get_args(annotation)[0]))}"
    if origin is Mapping:
        return f"a table of {_plural(_describe(typing.get_args(annotation)[1]))}"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "one of " + ", ".join(repr(m.value) for m in annotation)
    if _is_record(annotation):
        return "a table"
    return {str: "a string", int: "an integer", bool: "a boolean", float: "a number"}.get(
        annotation, str(annotation)
    )


def _plural(description: str) -> str:
    for article in ("a ", "an "):
        if description.startswith(article) and " " not in description[len(article) :]:
            return description[len(article) :] + "s"
    return f"items each {description}"


def _shown(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def _type_name(value: object) -> str:
    return {str: "a string", int: "an integer", bool: "a boolean", float: "a number", list: "an array"}.get(
        type(value), "a table" if isinstance(value, dict) else type(value).__name__
    )


class _Mismatch(Exception):
    pass


def _convert(value: Any, annotation: Any, path: Path, errors: list[tuple[Path, str]]) -> Any:
    try:
        return _fit(value, annotation, path, errors)
    except _Mismatch:
        errors.append((path, f"`{_shown(path)}` must be {_describe(annotation)}, not {_type_name(value)}"))
        return None


def _fit(value: Any, annotation: Any, path: Path, errors: list[tuple[Path, str]]) -> Any:
    if annotation is object or annotation is Any:
        return value
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        for option in typing.get_args(annotation):
            trial: list[tuple[Path, str]] = []
            try:
                fitted = _fit(value, option, path, trial)
            except _Mismatch:
                continue
            if not trial:
                return fitted
        raise _Mismatch
    if origin is tuple:
        if not isinstance(value, list):
            raise _Mismatch
        item = typing.get_args(annotation)[0]
        return tuple(_convert(v, item, (*path, i), errors) for i, v in enumerate(value))
    if origin is Mapping:
        if not isinstance(value, dict):
            raise _Mismatch
        item = typing.get_args(annotation)[1]
        return {k: _convert(v, item, (*path, k), errors) for k, v in value.items()}
    if _is_record(annotation):
        if not isinstance(value, dict):
            raise _Mismatch
        return _record(value, typing.cast(type, annotation), path, errors)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        try:
            return annotation(value)
        except ValueError:
            raise _Mismatch from None
    if annotation is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if annotation in (str, int, bool, float) and type(value) is annotation:
        return value
    raise _Mismatch


def _is_record(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, msgspec.Struct)


@cache
def _fields(schema: type) -> tuple[tuple[str, str, Any, bool], ...]:
    """(TOML key, attribute, annotation, required) of each field of a schema record."""
    return tuple(
        (field.encode_name, field.name, field.type, field.required)
        for field in msgspec.structs.fields(schema)
    )


def _record(table: dict[str, Any], schema: type, path: Path, errors: list[tuple[Path, str]]) -> Any:
    fields = _fields(schema)
    known = {key for key, _, _, _ in fields}
    for key in table:
        if key not in known:
            where = f" in [{_shown(path)}]" if path else ""
            close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            listed = ", ".join(sorted(known))
            errors.append(((*path, key), f"unknown key `{key}`{where}{hint} (known: {listed})"))
    values: dict[str, Any] = {}
    for key, attribute, annotation, required in fields:
        if key in table:
            values[attribute] = _convert(table[key], annotation, (*path, key), errors)
        elif required:
            errors.append((path, f"missing key `{_shown((*path, key))}` ({_describe(annotation)})"))
    try:
        return schema(**values)
    except TypeError:  # a required field was missing: already reported
        return None


# -- lines ------------------------------------------------------------------------------------------

_STRING = re.compile(r'''"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\])*"|'[^']*\'''')
_COMMENT = re.compile(rf"({_STRING.pattern})|#.*")
_NAME = r"""(?:[A-Za-z0-9_-]+|"(?:\\.|[^"\\])*"|'[^']*')"""
_DOTTED = rf"({_NAME}(?:\s*\.\s*{_NAME})*)"
_HEADER = re.compile(r"\s*(\[\[?)\s*(.+?)\s*\]\]?\s*$")
_KEY = re.compile(rf"\s*{_DOTTED}\s*=")
_INLINE_KEY = re.compile(rf"[{{,]\s*{_DOTTED}\s*=")
_PART = re.compile(_NAME)


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p[1:-1] if p[0] in "\"'" else p for p in _PART.findall(dotted))


def key_lines(text: str) -> dict[Path, int]:
    """Line (1-based) of each table header and key of a TOML text: `[a.b]` → ("a", "b"), the n-th
    `[[a]]` → ("a", n), `k = …` under it → (…, "k"), and the keys of an inline table on that line.
    Lines inside a multi-line array or inline table hold values, not keys, and are skipped."""
    lines: dict[Path, int] = {}
    arrays: dict[Path, int] = {}
    table: Path = ()
    depth = 0  # brackets and braces left open by a multi-line value
    for number, line in enumerate(text.splitlines(), start=1):
        code = _COMMENT.sub(lambda m: m.group(1) or "", line)
        if depth == 0:
            header = _HEADER.match(code)
            key = _KEY.match(code)
            if header and not key:
                parts = _parts(header.group(2))
                if header.group(1) == "[[":
                    arrays[parts] = arrays.get(parts, -1) + 1
                    table = (*parts, arrays[parts])
                else:
                    table = parts
                lines.setdefault(table, number)
                continue
            if key:
                own = (*table, *_parts(key.group(1)))
                lines.setdefault(own, number)
                for inner in _INLINE_KEY.finditer(code, key.end()):
                    lines.setdefault((*own, *_parts(inner.group(1))), number)
        bare = _STRING.sub('""', code)
        depth = max(0, depth + bare.count("[") + bare.count("{") - bare.count("]") - bare.count("}"))
    return lines


def _line_of(path: Path, lines: Mapping[Path, int]) -> int:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return 1
