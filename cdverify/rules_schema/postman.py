"""Postman's dynamic variables (rules/postman_dynamic_variables.toml) for the contract runner."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from cdverify.rules_schema.base import Strings

# -- postman_dynamic_variables.toml -----------------------------------------------------------------


@dataclass(frozen=True)
class DynamicVariable:
    name: str
    group: str
    description: str
    faker: str | None = None  # the faker call that makes a value
    special: str | None = None  # or a value cdverify makes itself
    args: tuple[int | str | Strings | Mapping[str, int], ...] = ()


@dataclass(frozen=True)
class DynamicVariables:
    FILE: ClassVar[str] = "postman_dynamic_variables"
    variable: tuple[DynamicVariable, ...]
