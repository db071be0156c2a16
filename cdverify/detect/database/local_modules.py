"""A Python module the repository keeps out of itself, imported at start-up: `from config import Config` or
`import config` at the top of a module the app runs as it starts, where `config.py` is not in the project
and the repository itself says the module is its own — its `.gitignore` names the file (`config.py`), or an
example of it sits where it would be (`config.example.py`, `config.py.sample`: rules/database/
connections.toml `local_module_examples`). Python raises ModuleNotFoundError as the importing module loads,
so the application cannot start from the repository as shipped, as Node's relative `require` of a missing
file (stops.py). An import of a name the repository does not point at is left alone: it may be an
undeclared third-party package, installed by hand."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, NamedTuple

from cdverify.catalog import load_rules
from cdverify.files import NotReadable, probe, read_regular
from cdverify.model import Family, Scope, TargetKind
from cdverify.rules_schema import Connections

if TYPE_CHECKING:
    from pathlib import Path

    from pathspec import GitIgnoreSpec

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportEdge, ImportGraph

_GITIGNORE_LIMIT = 1 << 20


def missing_local_modules(found: Collection, graph: ImportGraph, root: Path) -> dict[str, list[Missing]]:
    """Importing file → (line, import, reason) of every unconditional module-level import in it, in a
    Python application module, of a module the repository points at as its own but does not ship (module
    docstring); stops.py keeps those of the modules run at start-up. Only an import written at the top of
    the module (column 1: under no `try`, `if` or `with`) counts, so `try: from local_settings import * /
    except ImportError: pass` does not."""
    examples = load_rules(Connections).local_module_examples
    declared = {_normal(dep.name) for dep in found.manifests.dependencies if dep.ecosystem == Family.PYTHON}
    ignores: dict[str, GitIgnoreSpec | None] = {}  # folder → its .gitignore's spec (None: none)
    owned: dict[tuple[str, str], str] = {}  # (folder, module) → why it is the repository's own ("": not)
    out: dict[str, list[Missing]] = {}
    for path, facts in found.facts.items():
        if facts.language.family != Family.PYTHON or found.scope_of(path) is not Scope.APPLICATION:
            continue
        for edge in graph.imports_of(path):
            name = _candidate(edge)
            if name is None or _normal(name) in declared:
                continue
            why = ""
            for folder in dict.fromkeys(("", posixpath.dirname(path))):
                if (folder, name) not in owned:
                    owned[(folder, name)] = _owned(found, root, folder, name, examples, ignores)
                why = why or owned[(folder, name)]
            if why:
                reason = f"raises ModuleNotFoundError: {name} is not in the project ({why})"
                out.setdefault(path, []).append(Missing(edge.fact.line, edge.fact.text, reason))
    return out


class Missing(NamedTuple):
    line: int
    text: str  # the import as written
    reason: str


def _normal(name: str) -> str:
    return name.replace("_", "-").lower()


def _candidate(edge: ImportEdge) -> str | None:
    """The top-level module an unconditional module-level absolute import names, when it resolves to no
    project file and to no standard-library module."""
    fact = edge.fact
    if (
        edge.resolution.kind is not TargetKind.EXTERNAL
        or not edge.runtime
        or fact.in_function
        or fact.col != 1
        or fact.specifier.startswith(".")
    ):
        return None
    return fact.specifier.partition(".")[0] or None


def _owned(
    found: Collection,
    root: Path,
    folder: str,
    name: str,
    examples: tuple[str, ...],
    ignores: dict[str, GitIgnoreSpec | None],
) -> str:
    """Why the repository points at `name` in `folder` as its own module that it leaves out ("" when it
    does not, or when the module is on disk: a working copy holding the ignored file starts)."""
    base = posixpath.join(folder, name) if folder else name
    why = ""
    for pattern in examples:
        example = posixpath.join(folder, pattern.format(name=name)) if folder else pattern.format(name=name)
        if example in found.scopes:
            why = f"{example} is its example"
            break
    for ignoring in ancestors(folder) if not why else ():
        spec = gitignore_spec(root, ignoring, ignores)
        inside = base[len(ignoring) + 1 :] if ignoring else base
        matched = next(
            (c for c in (f"{inside}.py", f"{inside}/__init__.py") if spec and spec.match_file(c)), None
        )
        if matched is not None:
            where = posixpath.join(ignoring, ".gitignore") if ignoring else ".gitignore"
            why = f"{where} ignores {posixpath.join(ignoring, matched) if ignoring else matched}"
            break
    if why and (probe(root / f"{base}.py") is not None or probe(root / base / "__init__.py") is not None):
        return ""
    return why


def ancestors(folder: str) -> list[str]:
    """`folder` and every folder above it, the project's root (`""`) first."""
    parts = folder.split("/") if folder else []
    return ["/".join(parts[:depth]) for depth in range(len(parts) + 1)]


def gitignore_spec(root: Path, folder: str, ignores: dict[str, GitIgnoreSpec | None]) -> GitIgnoreSpec | None:
    """The gitignore spec of `folder`'s `.gitignore`, read once (None where there is none)."""
    if folder not in ignores:
        path = root / folder / ".gitignore" if folder else root / ".gitignore"
        spec: GitIgnoreSpec | None = None
        if probe(path) is not None:
            try:
                text = read_regular(path, _GITIGNORE_LIMIT).decode("utf-8", "replace")
            except NotReadable:
                text = ""
            if text:
                from pathspec import GitIgnoreSpec  # loaded only when a .gitignore is read

                try:
                    spec = GitIgnoreSpec.from_lines(text.splitlines())
                except (ValueError, TypeError):
                    spec = None
        ignores[folder] = spec
    return ignores[folder]


def ignored_by(root: Path, path: str, ignores: dict[str, GitIgnoreSpec | None]) -> str:
    """The `.gitignore` of the project at `root` that ignores the project path `path` (a file or a folder
    above it), as `.gitignore ignores keys/x.pem`; "" when none does."""
    for folder in ancestors(posixpath.dirname(path)):
        spec = gitignore_spec(root, folder, ignores)
        inside = path[len(folder) + 1 :] if folder else path
        if spec is not None and spec.match_file(inside):
            where = posixpath.join(folder, ".gitignore") if folder else ".gitignore"
            return f"{where} ignores {path}"
    return ""
