"""What every catalogue record shares: its base class, the string-tuple type and the default of a table.

A record is a frozen `msgspec.Struct`, not a frozen dataclass: the same typed, immutable, comparable and
hashable value, but a class costs ~0.02 ms to define where a dataclass costs ~0.6 ms (it writes and
compiles six methods), and every run defines the ~60 records of these modules before it can read a
catalogue (issue 17: 37 → 2 ms of a run's start-up). `typed_toml` reads a record's fields with
`msgspec.structs.fields`; a TOML key that is not a valid attribute name is a field's `name`
(`source: str = msgspec.field(name="from")`).
"""

from __future__ import annotations

from typing import Any

import msgspec

Strings = tuple[str, ...]


class Record(msgspec.Struct, frozen=True):
    """A catalogue record: its fields are the TOML keys (see cdverify/typed_toml.py). A record is
    declared `class Name(Record, frozen=True)`: msgspec inherits `frozen`, mypy sees it only when spelt."""


def table() -> Any:
    """The default of an optional TOML table: an empty mapping."""
    return msgspec.field(default_factory=dict)
