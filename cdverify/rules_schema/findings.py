"""The finding catalogue (rules/findings.toml): each rule id's name, constraint, severity and summary."""

from __future__ import annotations

from dataclasses import dataclass

from cdverify.model import Severity

# -- findings.toml ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingRule:
    """One finding id: the whole file is a table of these, keyed by id (`ARCH001`)."""

    name: str
    constraint: str
    severity: Severity
    summary: str
