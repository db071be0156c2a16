"""Stage 3 — resolution: every import fact to a project file, a package, or the standard library."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from cdverify.catalog import make_finding
from cdverify.discover import Project
from cdverify.model import FileFacts, Finding, Language, Location, TargetKind
from cdverify.resolve.graph import ImportEdge, ImportGraph
from cdverify.resolve.python import PythonResolver

__all__ = ["ImportEdge", "ImportGraph", "build_graph"]


def build_graph(
    project: Project, facts: Mapping[str, FileFacts], declared: Collection[str] = ()
) -> tuple[ImportGraph, list[Finding]]:
    """Resolve every import of every parsed file. Unresolvable project imports become RES001 findings.
    `declared`: the Python distributions the manifests declare (a project folder without `__init__.py`
    does not shadow them)."""
    paths = project.paths
    python = (
        PythonResolver(paths, declared)
        if any(f.language is Language.PYTHON for f in facts.values())
        else None
    )
    node = None
    if any(f.language.family == "node" for f in facts.values()):
        from cdverify.resolve.node import NodeResolver  # with json5 and the tsconfig reader: JS projects only

        node = NodeResolver(project.root, paths)
    edges: list[ImportEdge] = []
    findings: list[Finding] = []
    for path in sorted(facts):
        file_facts = facts[path]
        for fact in file_facts.imports:
            if file_facts.language is Language.PYTHON:
                assert python is not None
                resolutions = python.resolve(path, fact)
            else:
                assert node is not None
                resolutions = [node.resolve(path, fact.specifier)]
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
    return ImportGraph(facts.keys(), edges), findings
