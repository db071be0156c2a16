"""The finding catalogue (rules/findings.toml): each rule id's name, constraint, severity and summary."""

from __future__ import annotations

from cdverify.model import Severity
from cdverify.rules_schema.base import Record

# -- findings.toml ----------------------------------------------------------------------------------


class FindingRule(Record, frozen=True):
    """One finding id: the whole file is a table of these, keyed by id (`ARCH001`)."""

    name: str
    constraint: str
    severity: Severity
    summary: str
