"""The configuration table (`cdverify.toml`, or `[tool.cdverify]` in pyproject.toml) as typed models: the
source of the JSON Schema `cdverify schema config` prints, for editors (taplo, Even Better TOML) and CI.

cdverify/config.py reads the table and says what is wrong in a file, naming the key; these models say what
is right. The tests keep the two together: the same keys at every level, every configuration of the
documentation valid here and accepted there, and the hostile ones rejected by both. A glob list may be
given as one string (`exclude = "build/"`).
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from cdverify.model import Scope

Strings = str | list[str]


class Layer(TypedDict, total=False):
    """A layer of the preset: names added to (or with `replace`, replacing) its folder names and file
    suffixes, and globs assigning files to it."""

    directories: Strings
    file_suffixes: Strings
    paths: Strings
    replace: bool


Ignore = TypedDict("Ignore", {"rule": str, "path": str, "reason": str, "import": NotRequired[str]})
Ignore.__doc__ = "A suppression: `rule` (an id or a name), `path` (a glob), a non-empty `reason`, `import`."


class Configuration(TypedDict, total=False):
    """cdverify's configuration (docs/configuration.md)."""

    constraints: str
    preset: str
    layers: dict[str, Layer]
    required_layers: Strings
    scopes: dict[Scope, Strings]
    exclude: Strings
    ignore: list[Ignore]
    max_file_bytes: int
    port: int
    harness_env: dict[str, str]
    type_only_imports: Literal["report", "ignore"]
