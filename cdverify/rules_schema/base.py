"""What every catalogue record shares: the string-tuple type and the default of a table."""

from __future__ import annotations

from dataclasses import field
from typing import Any

Strings = tuple[str, ...]


def table() -> Any:
    """The default of an optional TOML table: an empty mapping."""
    return field(default_factory=dict)
