"""The verifiers: one module per constraint axis, each a `Verifier` (see base.py), run in this order.

A verifier module is named after its axis and loaded when first run, so that a check of one constraint
does not import the detection that only the others read."""

from __future__ import annotations

import importlib
from typing import Any, cast

from cdverify.verifiers.base import Verifier

AXES: tuple[str, ...] = ("architecture", "database", "framework", "orm", "task")


def verifier(axis: str) -> Verifier:
    """The verifier module of `axis` (one of `AXES`)."""
    return cast(Verifier, importlib.import_module(f"cdverify.verifiers.{axis}"))


def __getattr__(name: str) -> Any:
    if name == "VERIFIERS":  # every verifier, in order (loads them all)
        return tuple(verifier(axis) for axis in AXES)
    raise AttributeError(f"module 'cdverify.verifiers' has no attribute {name!r}")
