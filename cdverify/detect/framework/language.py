"""The language of an application: the family most of its application files are written in."""

from __future__ import annotations

from collections.abc import Mapping

from cdverify.model import Family, FileFacts, Scope


def language_of(facts: Mapping[str, FileFacts], scopes: Mapping[str, Scope]) -> Family | None:
    """The family of most application files."""
    counts = dict.fromkeys(Family, 0)
    for path, file_facts in facts.items():
        if scopes.get(path) is Scope.APPLICATION:
            counts[file_facts.language.family] += 1
    if not any(counts.values()):
        return None
    return Family.PYTHON if counts[Family.PYTHON] >= counts[Family.NODE] else Family.NODE
