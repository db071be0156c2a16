"""An application that cannot be imported because a module it loads as it starts imports, from a module of
the project, a name that module does not define: `from blog.utils import generate_hash` with `generate_hash`
commented out (or renamed, or removed) in blog/utils.py raises `ImportError` (cannot import name …) as the
importing module runs, so the application cannot start in any environment, as for a name nothing defines
(undefined_names.py, which finds the modules loaded at start-up and reports both).

Only an import that runs whatever comes before it counts: at column 1 (under no `try`, `if` or `with`), not
in a function, not for type checking, not a star import. The module it names must be a file of the project
(a regular module or a package's `__init__.py`, never a stub), which the parser judged (`FileFacts.defines`:
the names it may bind at module level, a superset; a syntax error, a star import, a dynamic namespace, a
module-level `__getattr__` or `__path__` not judged: cdverify/parse/pyunbound.py). A name counts as found
where the module may bind it, or where the module is a package holding a submodule or a folder of that name
(`from pkg import views` imports pkg/views.py). An absolute import is judged only when its top-level name is
no standard-library module and no declared distribution's, and every file of the project it could name, from
any folder the path may start at, is judged and lacks the name. Nothing here reads a source."""

from __future__ import annotations

import posixpath
from collections.abc import Collection as Paths
from collections.abc import Mapping
from typing import TYPE_CHECKING

from cdverify.files import probe
from cdverify.model import Family, FileFacts, ImportFact, ImportKind
from cdverify.resolve.python import STDLIB, python_declared

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph

Missing = tuple[str, int, str, str]  # (importing file, line, `from X import name`, why it stops the app)


def missing_imports(
    found: Collection, graph: ImportGraph, python: set[str], root: Path | None = None
) -> dict[str, Missing]:
    """Each of the application's Python modules (`python`) whose unconditional module-level `from X import
    name` names a project module that defines no `name`: the first such import of each module. `root`: the
    project's folder, where a submodule left out of the analysis is looked for."""
    out: dict[str, Missing] = {}
    declared: frozenset[str] | None = None
    paths: _Files | None = None
    for path in sorted(python):
        for edge in graph.imports_of(path):
            fact = edge.fact
            if fact.col != 1 or not fact.names or path in out:  # the cheap tests first
                continue
            target = edge.target
            if target is None or not _lacks(found.facts.get(target), fact.names) or not _unconditional(fact):
                continue
            module = _module_file(path, fact, target)
            if module is None:
                continue
            if paths is None:
                paths = _Files(found.scopes.keys() | found.facts.keys(), root)
            missing = next((n for n in fact.names if _absent(found.facts, paths, module, n)), None)
            if missing is None:
                continue
            if not fact.specifier.startswith("."):
                first = fact.specifier.split(".", 1)[0]
                if declared is None:
                    manifests = found.manifests.dependencies
                    declared = frozenset(d.name for d in manifests if d.ecosystem is Family.PYTHON)
                if first in STDLIB or python_declared(first, declared):
                    continue
                others = paths.named(fact.specifier)
                if any(not _absent(found.facts, paths, other, missing) for other in others):
                    continue
            text = f"from {fact.specifier} import {missing}"
            why = f"raises ImportError (cannot import name '{missing}'): {module} defines no {missing}"
            out[path] = (path, fact.line, text, why)
    return out


def _unconditional(fact: ImportFact) -> bool:
    """`from X import a, b` at column 1, outside functions, for run time, no star."""
    return (
        fact.col == 1
        and not fact.in_function
        and fact.kind is ImportKind.STATIC
        and bool(fact.names)
        and "*" not in fact.names
    )


def _module_file(importer: str, fact: ImportFact, target: str) -> str | None:
    """`target` when it is the file of the module `fact` imports from (not a submodule it names)."""
    spec = fact.specifier
    if not target.endswith(".py"):
        return None
    if spec.startswith("."):
        level = len(spec) - len(spec.lstrip("."))
        base = posixpath.dirname(importer)
        for _ in range(level - 1):
            base = posixpath.dirname(base)
        rest = spec[level:].replace(".", "/")
        stem = posixpath.join(base, rest) if rest else base
        if target == posixpath.join(stem, "__init__.py") or (rest and target == f"{stem}.py"):
            return target
        return None
    stem = spec.replace(".", "/")
    for suffix in (f"{stem}/__init__.py", f"{stem}.py"):
        if target == suffix or target.endswith("/" + suffix):
            return target
    return None


def _lacks(facts: FileFacts | None, names: tuple[str, ...]) -> bool:
    """Whether the judged module binds some of `names` nowhere (the cheap test, before submodules)."""
    if facts is None or facts.defines is None or facts.syntax_issues or facts.too_deep is not None:
        return False
    defined = facts.defines
    return any(name not in defined for name in names)


def _absent(facts: Mapping[str, FileFacts], paths: _Files, module: str, name: str) -> bool:
    """Whether `from module import name` finds nothing: the judged module binds no `name` and, for a
    package, holds no submodule or folder of that name."""
    if not _lacks(facts.get(module), (name,)):
        return False
    if posixpath.basename(module) == "__init__.py":
        below = posixpath.join(posixpath.dirname(module), name)
        if f"{below}.py" in paths.files or below in paths.folders or paths.compiled(below):
            return False
        return not paths.on_disk(f"{below}.py", below)  # a submodule left out of the analysis
    stem = module[: -len(".py")]  # an extension module or a package beside x.py is loaded first
    return not (paths.compiled(stem) or paths.on_disk(f"{stem}/__init__.py"))


class _Files:
    """The project's files and folders, to look modules up by path."""

    def __init__(self, files: Paths[str], root: Path | None) -> None:
        self.files = frozenset(files)
        self.root = root
        folders: set[str] = set()
        for path in self.files:
            parent = posixpath.dirname(path)
            while parent and parent not in folders:
                folders.add(parent)
                parent = posixpath.dirname(parent)
        self.folders = frozenset(folders)

    def compiled(self, stem: str) -> bool:
        """Whether a compiled module `stem` is there (`x.cpython-312-x86_64-linux-gnu.so`, `x.pyd`)."""
        return any(p.startswith(stem + ".") and p.endswith((".so", ".pyd", ".pyc")) for p in self.files)

    def on_disk(self, *paths: str) -> bool:
        """Whether one of `paths` is in the project's folder though not analysed (excluded, git-ignored in a
        working copy): a file or a folder Python would find."""
        root = self.root
        return root is not None and any(probe(root / path) is not None for path in paths)

    def named(self, dotted: str) -> list[str]:
        """Every file of the project that module `dotted` could be, from any folder."""
        stem = dotted.replace(".", "/")
        suffixes = (f"{stem}/__init__.py", f"{stem}.py")
        return sorted(p for p in self.files if p in suffixes or p.endswith(tuple("/" + s for s in suffixes)))
