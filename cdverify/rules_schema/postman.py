"""Postman's dynamic variables (rules/postman_dynamic_variables.toml) for the contract runner."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from cdverify.rules_schema.base import Record, Strings

# -- postman_dynamic_variables.toml -----------------------------------------------------------------


class DynamicVariable(Record, frozen=True):
    name: str
    group: str
    description: str
    faker: str | None = None  # the faker call that makes a value
    special: str | None = None  # or a value cdverify makes itself
    args: tuple[int | str | Strings | Mapping[str, int], ...] = ()


class DynamicVariables(Record, frozen=True):
    FILE: ClassVar[str] = "postman_dynamic_variables"
    variable: tuple[DynamicVariable, ...]
