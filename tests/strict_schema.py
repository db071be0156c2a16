"""The shipped JSON Schemas made strict for the tests: `additionalProperties: false` on every object that
lists its properties, so that a key no model declares fails validation (readers of the outputs allow such
keys; the tests must not)."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema

from cdverify.schemas import schema


def strict(node: Any) -> Any:
    """The schema with `additionalProperties: false` on every object that lists its properties (in place)."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            strict(value)
    elif isinstance(node, list):
        for value in node:
            strict(value)
    return node


def strict_validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator of the shipped schema `name`, made strict."""
    return jsonschema.Draft202012Validator(strict(copy.deepcopy(schema(name))))
