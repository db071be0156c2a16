"""Python import resolution, from files alone (nothing is installed or imported).

Source roots are found automatically: the project root, `src/`, the parent of every top-most regular
package (a folder with `__init__.py` whose parent has none), and every folder holding a project or
entry-point marker (`pyproject.toml`, `requirements.txt`, `manage.py`, `main.py`, …). An absolute
import is looked up in the roots that contain the importing file first (deepest first, as
`sys.path[0]` would be), then in the others. Namespace packages (folders without `__init__.py`) count,
but, as PEP 420 has regular packages found anywhere on the path win over namespace portions, a top-level
project folder without `__init__.py` named like a package the project declares (`alembic/` of
migrations beside the `alembic` dependency) does not shadow it, nor does it stand for an import it holds
nothing of (`from alembic import op` with no `alembic/op.py`): such imports are external. An import
that reaches into the folder and then misses (`app.repositories.user_repo` beside `app/repositories/`)
stays a broken project import.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Mapping
from functools import cache

from cdverify.catalog import load_rules
from cdverify.manifests import normalise_distribution
from cdverify.model import ImportFact, Resolution, TargetKind
from cdverify.rules_schema import Distributions

_ROOT_MARKERS = frozenset(
    {
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "Pipfile",
        "requirements.txt",
        "manage.py",
        "run.sh",
        "main.py",
        "app.py",
        "wsgi.py",
        "asgi.py",
        "server.py",
        "__main__.py",
    }
)
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}


@cache
def import_distributions() -> dict[str, list[str]]:
    """Import name → the distributions that install it, when their names differ (`yaml` → PyYAML)."""
    return {k: list(v) for k, v in load_rules(Distributions).imports.items()}


@cache
def _provided() -> dict[str, list[str]]:
    """Module → the distributions that bring it as a dependency (`starlette` ← fastapi)."""
    return {k: list(v) for k, v in load_rules(Distributions).provided_by.items()}


def python_declared(module: str, declared: Collection[str] | Mapping[str, object]) -> bool:
    """Whether the distributions `declared` (PEP 503 names) install the top-level module `module`: by its
    own name, by the distribution the catalogue gives it, or as a dependency of a declared one."""
    candidates = [
        normalise_distribution(module),
        *(normalise_distribution(d) for d in import_distributions().get(module, [])),
    ]
    if any(c in declared for c in candidates):
        return True
    return any(normalise_distribution(p) in declared for p in _provided().get(module, []))


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _join(base: str, rel: str) -> str:
    return f"{base}/{rel}" if base and rel else base or rel


class PythonResolver:
    """Resolves Python import facts of one project to files, packages or the standard library."""

    def __init__(self, files: Collection[str], declared: Collection[str] = (), root_name: str = "") -> None:
        """`declared`: the PEP 503 names of the Python distributions the project's manifests declare.
        `root_name`: the project folder's own name, the package its modules import it by when it is a
        regular package itself (`agent_service/` with `__init__.py`: `from agent_service.tools import db`)."""
        self._files = frozenset(files)
        self._declared = frozenset(declared)
        self._own_package = root_name if root_name.isidentifier() and "__init__.py" in self._files else ""
        dirs: set[str] = set()
        for path in self._files:
            parent = _parent(path)
            while parent and parent not in dirs:
                dirs.add(parent)
                parent = _parent(parent)
        self._dirs = frozenset(dirs)
        self.roots = self._source_roots()
        # (what the importer's position decides, specifier, names) → resolutions: a big project imports
        # the same modules from thousands of files (Home Assistant: 59 k imports, 0.50 → 0.33 s)
        self._known: dict[tuple[object, str, tuple[str, ...]], tuple[Resolution, ...]] = {}

    def _is_package(self, directory: str) -> bool:
        return _join(directory, "__init__.py") in self._files

    def _source_roots(self) -> tuple[str, ...]:
        roots = {""}
        if "src" in self._dirs:
            roots.add("src")
        for path in self._files:
            name = path.rsplit("/", 1)[-1]
            directory = _parent(path)
            if name in _ROOT_MARKERS or name.startswith("requirements"):
                roots.add(directory)
            if name == "__init__.py" and directory:
                top = directory
                while _parent(top) and self._is_package(_parent(top)):
                    top = _parent(top)
                roots.add(_parent(top))
        # Shallow roots first: a module path is most often written from the top of the project.
        return tuple(sorted(roots, key=lambda r: (r.count("/") + (1 if r else 0), r)))

    @cache  # noqa: B019 - one resolver per analysis; the cache dies with it
    def _roots_for(self, importer: str) -> tuple[str, ...]:
        """Roots containing the importer (deepest first, like sys.path[0]), then every other root."""
        own = [r for r in self.roots if not r or importer.startswith(r + "/")]
        own.sort(key=lambda r: -len(r))
        return tuple(own + [r for r in self.roots if r not in own])

    @cache  # noqa: B019 - one resolver per analysis; the cache dies with it
    def _namespace_only(self, name: str) -> bool:
        """Top-level `name` is, in every source root that has it, a folder without `__init__.py` (a
        namespace portion), never a module or a regular package."""
        found = False
        for root in self.roots:
            path, exists = self._module_file(root, name)
            if path is not None:
                return False
            found = found or exists
        return found

    def _reaches_into(self, first: str, spec: str, names: tuple[str, ...]) -> bool:
        """The import names something the project folder `first` holds one level down: the next part of
        a dotted path (`app.repositories` of `app.repositories.user_repo`), or a module or folder named
        in `from first import …`."""
        parts = spec.split(".")
        below = parts[1:2] if len(parts) > 1 else names
        return any(
            self._module_file(root, f"{first}.{name}") != (None, False)
            for root in self.roots
            for name in below
        )

    def _module_file(self, base: str, dotted: str) -> tuple[str | None, bool]:
        """File of module `dotted` under folder `base`: (path, exists). A namespace package exists
        but has no file (None, True)."""
        rel = _join(base, dotted.replace(".", "/")) if dotted else base
        # A regular package wins over a module of the same name (`app/` beside `app.py`), as in CPython.
        for candidate in (_join(rel, "__init__.py"), _join(rel, "__init__.pyi"), f"{rel}.py", f"{rel}.pyi"):
            if candidate in self._files:
                return candidate, True
        return None, rel in self._dirs

    def _resolve_in(self, base: str, module: str, names: tuple[str, ...]) -> list[str] | None:
        """Targets for `from module import names` (or `import module`) under `base`; None if absent."""
        path, exists = self._module_file(base, module)
        if not exists:
            return None
        targets: list[str] = []
        module_used = False
        for name in names:
            sub_path, sub_exists = self._module_file(base, _join(module, name).replace("/", "."))
            if sub_path is not None:
                targets.append(sub_path)
            elif not sub_exists:
                module_used = True
        if not names or module_used:
            if path is None:
                return targets or None  # a namespace package has no attributes of its own
            targets.insert(0, path)
        return list(dict.fromkeys(targets))

    def resolve(self, importer: str, fact: ImportFact) -> list[Resolution]:
        """Where one import lands; `from pkg import a, b` may land on several submodules. The importer
        counts only by its folder (a relative import) or by its source roots (an absolute one)."""
        spec = fact.specifier
        names = tuple(n for n in fact.names if n != "*")
        where = _parent(importer) if spec.startswith(".") else self._roots_for(importer)
        key = (where, spec, names)
        known = self._known.get(key)
        if known is None:
            known = self._known[key] = tuple(self._resolve(importer, spec, names))
        return list(known)

    def _resolve(self, importer: str, spec: str, names: tuple[str, ...]) -> list[Resolution]:
        if spec.startswith("."):
            return self._resolve_relative(importer, spec, names)
        first = spec.split(".", 1)[0]
        if first in STDLIB:
            # A project folder may share a standard-library name (`http/`): only a local module that
            # matches the whole dotted path shadows the standard library.
            for root in self._roots_for(importer):
                local = self._resolve_in(root, spec, names) if "." in spec else None
                if local:
                    return [Resolution(TargetKind.INTERNAL, target=t, via="source-root") for t in local]
            return [Resolution(TargetKind.STDLIB, package=first, via="stdlib")]
        # PEP 420: an installed regular package wins over a project folder without __init__.py
        portion = self._namespace_only(first)
        if portion and python_declared(first, self._declared):
            return [Resolution(TargetKind.EXTERNAL, package=first, via="external")]
        looks_internal = False
        for root in self._roots_for(importer):
            targets = self._resolve_in(root, spec, names)
            if targets:
                return [Resolution(TargetKind.INTERNAL, target=t, via="source-root") for t in targets]
            looks_internal = looks_internal or self._module_file(root, first)[1]
        if first == self._own_package:  # the project folder imported by its own name, from its parent
            targets = self._resolve_in("", spec.partition(".")[2], names)
            if targets:
                return [Resolution(TargetKind.INTERNAL, target=t, via="package root") for t in targets]
            looks_internal = True
        # a namespace portion that holds nothing of the import stands for the installed package (PEP 420)
        if looks_internal and not (portion and not self._reaches_into(first, spec, names)):
            return [Resolution(TargetKind.UNRESOLVED, package=spec, via="source-root")]
        return [Resolution(TargetKind.EXTERNAL, package=first, via="external")]

    def _resolve_relative(self, importer: str, spec: str, names: tuple[str, ...]) -> list[Resolution]:
        level = len(spec) - len(spec.lstrip("."))
        base = _parent(importer)
        for _ in range(level - 1):
            if not base:
                return [Resolution(TargetKind.UNRESOLVED, package=spec, via="relative")]
            base = _parent(base)
        targets = self._resolve_in(base, spec[level:], names)
        if not targets:
            return [Resolution(TargetKind.UNRESOLVED, package=spec, via="relative")]
        return [Resolution(TargetKind.INTERNAL, target=t, via="relative") for t in targets]
