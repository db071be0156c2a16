"""Python distributions (rules/python/distributions.toml): import names to PyPI names, server programs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from cdverify.rules_schema.base import Record, Strings

# -- python/distributions.toml ----------------------------------------------------------------------


class RunPrograms(Record, frozen=True):
    servers: Strings


class Distributions(Record, frozen=True):
    FILE: ClassVar[str] = "python/distributions"
    imports: Mapping[str, Strings]  # import name → distributions that install it
    provided_by: Mapping[str, Strings]  # module → distributions that bring it as a dependency
    run: RunPrograms
