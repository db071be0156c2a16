"""The JSON of `cdverify rules --format json` as typed models: the source of its JSON Schema (`cdverify
schema rules`). `RuleDoc.to_json` (cdverify/rule_docs.py) builds each entry; docs/rules/index.md says what
the keys hold. To add a key: declare it here, document it there, bump `RULES_SCHEMA_VERSION`'s minor in
cdverify/rule_docs.py, regenerate the schema (`python -m cdverify.schemas --write`).
"""

from __future__ import annotations

from typing import Literal, TypedDict


class Rule(TypedDict):
    rule: str
    name: str
    constraint: str
    severity: Literal["error", "warning", "info"]
    summary: str
    doc_url: str


class Rules(TypedDict):
    """Every rule of rules/findings.toml, in its order."""

    schema_version: str
    rules: list[Rule]
