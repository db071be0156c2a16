"""Stable fingerprints of findings: what a finding is, not where it is (issue 19).

A fingerprint hashes the rule, the file, the evidence as written (whitespace collapsed, and the
`file.py:12` positions some evidence quotes reduced to the file) and the rule's identity fields of
`Finding.data` (`IDENTITY_KEYS`: the import and its target for an architecture finding, the statement for
ORM001, the engine for DB002, …). Adding or removing lines above a finding keeps its fingerprint; changing
the violating code (another import, another statement) changes it.

Two findings that agree on all of that — the same import written twice in one file — are told apart by
their order in the file: the first keeps the plain hash, the n-th (n ≥ 1, counted from 0) hashes `#n` on
top of it. A baseline (cdverify/baseline.py) and `check --since` compare reports by these fingerprints.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from cdverify.model import Finding

FINGERPRINT_VERSION = "1"  # hashed into every fingerprint: a change of the recipe changes them all

# The fields of `Finding.data` that say which violation a finding is. Fields that describe the rest of
# the project (`engines`, `libraries`, `serving`, `files`, the harness `environment`) are left out: they
# change without the finding's code changing.
IDENTITY_KEYS = (
    "import",
    "target",
    "kind",
    "layer",
    "cycle",
    "api",
    "sql",
    "engine",
    "framework",
    "library",
    "package",
    "manifest",
    "path",
    "url",
    "reason",
    "required",
    "expected",
)

_SOURCE_SUFFIXES = r"py|pyi|js|jsx|mjs|cjs|ts|tsx|mts|cts"
# `app/a.py:12` or `app/a.py:12:5` in evidence (an import cycle's steps): the position goes, the file stays
_POSITION = re.compile(rf"(\.(?:{_SOURCE_SUFFIXES})):\d+(?::\d+)?\b")
_LENGTH = 16  # hex digits: 64 bits


def normalised_evidence(evidence: str) -> str:
    """The evidence as the fingerprint reads it: one space between words, no `file:line` positions."""
    return " ".join(_POSITION.sub(r"\1", evidence).split())


def identity(finding: Finding) -> dict[str, Any]:
    """The identity fields of the finding's `data` (`IDENTITY_KEYS`) that it has."""
    return {key: finding.data[key] for key in IDENTITY_KEYS if key in finding.data}


def base_fingerprint(finding: Finding) -> str:
    """The fingerprint of a finding that no other finding of its report shares."""
    parts = [
        FINGERPRINT_VERSION,
        finding.rule,
        finding.location.path,
        normalised_evidence(finding.evidence),
        json.dumps(identity(finding), sort_keys=True, default=str, ensure_ascii=False),
    ]
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=_LENGTH // 2).hexdigest()


def _nth(base: str, index: int) -> str:
    if index == 0:
        return base
    return hashlib.blake2b(f"{base}#{index}".encode(), digest_size=_LENGTH // 2).hexdigest()


def fingerprints(findings: Iterable[Finding]) -> list[str]:
    """The fingerprint of each finding, in the order given; duplicates numbered in file order (line,
    column), whatever the order given."""
    items = list(findings)
    bases = [base_fingerprint(finding) for finding in items]
    order = sorted(range(len(items)), key=lambda i: (bases[i], items[i].sort_key()))
    out = [""] * len(items)
    seen: dict[str, int] = {}
    for i in order:
        index = seen.get(bases[i], 0)
        seen[bases[i]] = index + 1
        out[i] = _nth(bases[i], index)
    return out


def fingerprinted(*groups: Sequence[Finding]) -> tuple[tuple[Finding, ...], ...]:
    """Each group of findings with `Finding.fingerprint` set, numbered over all groups together (the kept
    and the suppressed findings of one report, so that an ignore does not renumber the rest)."""
    every = [finding for group in groups for finding in group]
    prints = iter(fingerprints(every))
    return tuple(
        tuple(dataclasses.replace(finding, fingerprint=next(prints)) for finding in group) for group in groups
    )
