"""Stage 3 — resolution: every import fact to a project file, a package, or the standard library."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from cdverify.catalog import make_finding
from cdverify.discover import Project
from cdverify.model import FileFacts, Finding, Language, Location, Resolution, TargetKind
from cdverify.resolve.graph import ImportEdge, ImportGraph
from cdverify.resolve.python import PythonResolver

if TYPE_CHECKING:
    from cdverify.partials import FileMemo

__all__ = ["ImportEdge", "ImportGraph", "build_graph", "python_inputs"]


def build_graph(
    project: Project,
    facts: Mapping[str, FileFacts],
    declared: Collection[str] = (),
    memo: FileMemo | None = None,
) -> tuple[ImportGraph, list[Finding]]:
    """Resolve every import of every parsed file. Unresolvable project imports become RES001 findings.
    `declared`: the Python distributions the manifests declare (a project folder without `__init__.py`
    does not shadow them). `memo`: each Python file's resolutions kept between runs, under the digest
    of all the resolver reads besides the file (`python_inputs`)."""
    paths = project.paths
    python = _PythonFiles(paths, declared, project.root.name)
    node = None
    if any(f.language.family == "node" for f in facts.values()):
        from cdverify.resolve.node import NodeResolver  # with json5 and the tsconfig reader: JS projects only

        node = NodeResolver(project.root, paths)
    edges: list[ImportEdge] = []
    findings: list[Finding] = []
    for path in sorted(facts):
        file_facts = facts[path]
        if file_facts.language is Language.PYTHON:
            resolved = functools.partial(python.resolutions, path, file_facts)
            per_import = memo.value(path, resolved) if memo is not None else resolved()
        else:
            assert node is not None
            per_import = tuple((node.resolve(path, fact.specifier),) for fact in file_facts.imports)
        for fact, resolutions in zip(file_facts.imports, per_import, strict=True):
            for resolution in resolutions:
                edges.append(ImportEdge(path, fact, resolution))
                if resolution.kind is TargetKind.UNRESOLVED:
                    findings.append(
                        make_finding(
                            "RES001",
                            Location(path, fact.line, fact.col),
                            f"import {fact.specifier!r} points into the project but matches no file",
                            evidence=fact.text,
                            hint="fix the module path, or add the missing module",
                            data={"import": fact.specifier, "import_kind": fact.kind.value},
                        )
                    )
    if node is not None:
        for config_path, problem in getattr(node, "problems", []):
            findings.append(
                make_finding(
                    "RES002",
                    Location(config_path),
                    problem,
                    evidence=config_path,
                    hint="fix the JSON so that its paths and aliases can be resolved",
                )
            )
    if memo is not None:
        memo.save()
    return ImportGraph(facts.keys(), edges), findings


class _PythonFiles:
    """Resolves Python files' imports, with a resolver made only when a file's are not kept (`memo`)."""

    def __init__(self, paths: frozenset[str], declared: Collection[str], root_name: str = "") -> None:
        self._paths = paths
        self._declared = declared
        self._root_name = root_name
        self._resolver: PythonResolver | None = None

    def resolutions(self, path: str, file_facts: FileFacts) -> tuple[tuple[Resolution, ...], ...]:
        """Where each import of one Python file lands (several places for `from pkg import a, b`)."""
        if self._resolver is None:
            self._resolver = PythonResolver(self._paths, self._declared, self._root_name)
        resolver = self._resolver
        return tuple(tuple(resolver.resolve(path, fact)) for fact in file_facts.imports)


def python_inputs(project: Project, declared: Collection[str]) -> bytes:
    """A digest of what Python resolution reads besides the importing file: the project's listing and
    the declared distributions (the catalogues are in every partial's key, cdverify/partials.py)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update("\0".join(sorted(project.paths)).encode("utf-8", "surrogateescape"))
    digest.update(b"\1" + "\0".join(sorted(declared)).encode("utf-8", "surrogateescape"))
    digest.update(b"\2" + project.root.name.encode("utf-8", "surrogateescape"))  # a package root's own name
    return digest.digest()
