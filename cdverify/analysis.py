"""The project model: what the pipeline's detection stages found, read by every verifier."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from cdverify.detect import framework, orm
from cdverify.detect.database import DatabaseReport
from cdverify.detect.framework import FrameworkReport
from cdverify.detect.layers import LayerAssignment
from cdverify.detect.orm import OrmReport
from cdverify.detect.tracing import Instances
from cdverify.discover import Project
from cdverify.manifests import Manifests
from cdverify.model import Family, FileFacts, Finding, Scope
from cdverify.resolve import ImportGraph


@dataclass(frozen=True)
class Analysis:
    """The project model every verifier reads."""

    project: Project
    facts: dict[str, FileFacts]
    graph: ImportGraph
    layers: LayerAssignment
    manifests: Manifests
    database: DatabaseReport
    frameworks: FrameworkReport
    findings: tuple[Finding, ...]  # discovery, parsing, manifest and resolution problems
    traced: Instances  # other modules' objects, shared by the detectors that follow calls

    @functools.cached_property
    def orm(self) -> OrmReport:
        """Data-access libraries and raw SQL, collected on first use: a check that neither asks for an
        ORM constraint nor prints the ORM section (text output) does not pay for it."""
        return orm.collect(self.facts, self.scopes, self.manifests.sql_files, self.traced)

    @functools.cached_property
    def scopes(self) -> dict[str, Scope]:
        return {f.path: f.scope for f in self.project.files}

    @property
    def language(self) -> Family | None:
        """The family of most application files."""
        return framework.language_of(self.facts, self.scopes)

    @property
    def application(self) -> list[str]:
        """The application's source files (the scope the verifiers judge)."""
        return [f.path for f in self.project.sources if f.scope is Scope.APPLICATION]
