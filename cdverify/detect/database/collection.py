"""One collection of database evidence in progress: the project it reads (facts, scopes, manifests),
the catalogue, the value follower, and what has been found so far. The readers of code
(`connections.py`, `code.py`, `imports.py`) and of the other project files (`files.py`) add to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cdverify.detect.database.catalogue import Catalogue, catalogue
from cdverify.detect.database.report import Evidence, EvidenceKind, RejectedUrl
from cdverify.detect.database.values import Values
from cdverify.manifests import Manifests
from cdverify.model import FileFacts, Location, Scope, Text, Value, shown


class Collection:
    def __init__(
        self, facts: Mapping[str, FileFacts], scopes: Mapping[str, Scope], manifests: Manifests
    ) -> None:
        self.facts = facts
        self.scopes = scopes
        self.manifests = manifests
        self.catalogue: Catalogue = catalogue()
        self.values = Values(facts, scopes, manifests)
        self.evidence: list[Evidence] = []
        self.rejected: list[RejectedUrl] = []
        self.claimed: set[tuple[str, int]] = set()  # (file, line) already explained by a stronger item
        self._runtime_facts: dict[str, FileFacts] | None = None
        # (specifier, names, Python?) → what importing it shows (imports.py): computed once per import
        self.import_verdicts: dict[
            tuple[str, tuple[str, ...], bool], tuple[str, EvidenceKind, str] | tuple[()]
        ] = {}

    def runtime_facts(self) -> dict[str, FileFacts]:
        """The facts of application and configuration files (where start-up code is)."""
        if self._runtime_facts is None:
            runtime = (Scope.APPLICATION, Scope.CONFIG)
            self._runtime_facts = {p: f for p, f in self.facts.items() if self.scope_of(p) in runtime}
        return self._runtime_facts

    def scope_of(self, path: str) -> Scope:
        return self.scopes.get(path, Scope.APPLICATION)

    def add(self, evidence: Evidence, *, claims: bool = False) -> None:
        """Record an item; `claims`: its line is explained, a URL written there is no mere mention."""
        self.evidence.append(evidence)
        if claims:
            self.claimed.add((evidence.file, evidence.line))

    def rejected_scheme(self, url: Text) -> bool:
        """Whether SQLAlchemy rejects the URL's scheme (`postgres://`)."""
        head = url if isinstance(url, str) else url.head
        return head.lower().startswith(self.catalogue.sqlalchemy.rejected_scheme)

    def rejects(self, url: Text, value: Value) -> bool:
        """Whether the URL reaches SQLAlchemy in the rejected scheme: nothing on the way rewrites it."""
        prefix = self.catalogue.sqlalchemy.rejected_scheme.removesuffix("//")
        return self.rejected_scheme(url) and not self.values.rewritten(value, prefix)

    def reject(self, location: Location, text: str, url: Text, detail: str) -> None:
        self.rejected.append(RejectedUrl(location, text, shown(url), detail))

    def drivers(self, engines: Iterable[str]) -> list[str]:
        """Those of `engines` whose driver the project declares as a run-time dependency."""
        declared: set[str] = set()
        for dep in self.manifests.dependencies:
            if dep.dev:
                continue
            index = self.catalogue.by_python_package if dep.ecosystem == "python" else self.catalogue.by_npm
            engine = index.get(dep.name)
            if engine is not None:
                declared.add(engine)
        return [engine for engine in engines if engine in declared]
