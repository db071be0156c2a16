"""The verifiers: one module per constraint axis, each a `Verifier` (see base.py), run in this order."""

from __future__ import annotations

from cdverify.verifiers import architecture, database, framework, orm, task
from cdverify.verifiers.base import Verifier

VERIFIERS: tuple[Verifier, ...] = (architecture, database, framework, orm, task)
