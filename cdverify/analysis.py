"""The project model: what the pipeline's stages found, read by every verifier.

The detection reports (frameworks, database engines, data-access libraries, traced objects) are built on
first use, each once: a check reads only those its verifiers and its output format ask for, so
`check -c clean_architecture` with text output builds none of them. Their modules load with them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cdverify.detect.layers import LayerAssignment
from cdverify.discover import Project
from cdverify.manifest_records import Manifests
from cdverify.model import Family, FileFacts, Finding, Scope
from cdverify.resolve import ImportGraph

if TYPE_CHECKING:
    from cdverify.detect.database import DatabaseReport
    from cdverify.detect.framework import FrameworkReport
    from cdverify.detect.orm import OrmReport
    from cdverify.detect.tracing import Instances
    from cdverify.partials import Partials


@dataclass(frozen=True)
class Analysis:
    """The project model every verifier reads."""

    project: Project
    facts: dict[str, FileFacts]
    graph: ImportGraph
    named_layers: LayerAssignment  # by folder and file name only (detect/layers/names.py)
    manifests: Manifests
    findings: tuple[Finding, ...]  # discovery, parsing, manifest and resolution problems
    # each parsed file's content digest, its key in the facts cache (empty without the cache)
    digests: dict[str, bytes] = field(default_factory=dict)
    partials: Partials | None = None  # values kept between runs (None without the facts cache)

    @functools.cached_property
    def layers(self) -> LayerAssignment:
        """Each application file's layer by where it lives and what its code does (needs the framework
        and ORM reports: routes, raw SQL)."""
        from cdverify.detect.layers import by_role

        return by_role(
            self.named_layers,
            self.graph,
            self.facts,
            self.frameworks,
            self.orm_sites,
            self.traced,
            self.manifests.script_files,
            frozenset(f.path for f in self.project.sources if f.scope is Scope.MIGRATION),
            self.idle_libraries,
            self._script_sources,
        )

    @functools.cached_property
    def _script_sources(self) -> frozenset[str]:
        """The sources of the scripts scope (seeds, `scripts/` programs): the modules only they import
        are theirs (detect/layers/script_helpers.py)."""
        return frozenset(f.path for f in self.project.sources if f.scope is Scope.SCRIPT)

    @functools.cached_property
    def database(self) -> DatabaseReport:
        """Database engines: where the application connects, what it declares."""
        from cdverify.detect import database

        memo_of = None
        if self.partials is not None:
            memo_of = functools.partial(self.partials.per_file, digests=self.digests)
        root, idle = self.project.root, self.idle_libraries
        # the languages of the serving frameworks, asked only of a project holding several languages
        served = lambda: self.frameworks.serving_families()  # noqa: E731
        return database.collect(
            self.facts, self.scopes, self.manifests, self.graph, root, memo_of, idle, served
        )

    @functools.cached_property
    def frameworks(self) -> FrameworkReport:
        """Web frameworks: imports, serving applications, routes, run-time values."""
        from cdverify.detect import framework

        declared = {
            dep.name: (dep.ecosystem, dep.file, dep.line)
            for dep in self.manifests.dependencies
            if not dep.dev
        }
        memo_of = None
        if self.partials is not None:
            memo_of = functools.partial(self.partials.per_file, "framework", digests=self.digests)
        settings = self.manifests.settings
        return framework.collect(self.facts, self.scopes, declared, self.traced, settings, memo_of)

    @functools.cached_property
    def orm(self) -> OrmReport:
        """Data-access libraries and raw SQL; the SQL a command-line script runs (in a file the layers find
        to be one, or in a module only such scripts import) is in the `scripts` scope (detect/orm/
        scripts.py)."""
        from cdverify.detect.layers import Evidence
        from cdverify.detect.orm.scripts import may_be_in_scripts, run_by_scripts

        sites = self.orm_sites
        run = {*self.manifests.script_files, *self._script_sources}
        if not may_be_in_scripts(sites, self.facts, run, self.graph):
            return sites  # most projects': the layers are not built for it
        evidence = self.layers.evidence
        scripts = {path for path, why in evidence.items() if why is Evidence.SCRIPT}
        helpers = {path for path, why in evidence.items() if why is Evidence.SCRIPT_HELPER}
        return run_by_scripts(sites, self.facts, scripts, helpers)

    @functools.cached_property
    def orm_sites(self) -> OrmReport:
        """Data-access libraries and raw SQL by the files' own scopes, as the layers read them (a file's
        queries are part of what decides its layer)."""
        from cdverify.detect import orm

        memo_of = None
        if self.partials is not None:
            memo_of = functools.partial(self.partials.per_file, "orm", digests=self.digests)
        sql_files = self.manifests.sql_files
        traced, idle = self.traced, self.idle_libraries
        return orm.collect(self.facts, self.scopes, sql_files, traced, self.graph, memo_of, idle)

    @functools.cached_property
    def idle_libraries(self) -> frozenset[str]:
        """Libraries application code uses for no data (Supabase for sign-in alone: no `from`, `table` or
        `rpc` call on its client; detect/data_calls.py): no data-access library, engine or data client."""
        from cdverify.detect.data_calls import idle_libraries

        return idle_libraries(self.facts, self.scopes, lambda: self.traced)

    @functools.cached_property
    def traced(self) -> Instances:
        """Other modules' objects, shared by the detectors that follow calls."""
        from cdverify.detect.traced_state import brought_up_to_date
        from cdverify.detect.tracing import aliased_imports, instances_of

        generated = self.manifests.generated
        aliased = aliased_imports(self.facts, self.graph, generated)  # Node imports through path aliases
        if self.partials is None:
            return instances_of(self.facts, generated, aliased)
        # kept with what they were computed from (the facts' exports, the aliases), brought up to date
        state = self.partials.kept(
            "traced",
            repr(generated).encode(),
            lambda kept: brought_up_to_date(kept, self.facts, generated, aliased),
        )
        return state.instances(generated, aliased)

    @functools.cached_property
    def scopes(self) -> dict[str, Scope]:
        return {f.path: f.scope for f in self.project.files}

    @property
    def language(self) -> Family | None:
        """The family of most application files."""
        from cdverify.detect.framework import language_of

        return language_of(self.facts, self.scopes)

    @property
    def application(self) -> list[str]:
        """The application's source files (the scope the verifiers judge)."""
        return [f.path for f in self.project.sources if f.scope is Scope.APPLICATION]
