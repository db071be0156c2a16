"""Python distributions (rules/python/distributions.toml): import names to PyPI names, server programs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from cdverify.rules_schema.base import Strings

# -- python/distributions.toml ----------------------------------------------------------------------


@dataclass(frozen=True)
class RunPrograms:
    servers: Strings


@dataclass(frozen=True)
class Distributions:
    FILE: ClassVar[str] = "python/distributions"
    imports: Mapping[str, Strings]  # import name → distributions that install it
    provided_by: Mapping[str, Strings]  # module → distributions that bring it as a dependency
    run: RunPrograms
