"""A module the Python server that the run script starts imports as it starts and that Python cannot find
from the `sys.path` that start gives it: `uvicorn app.main:app` run from the project's root puts the root
on the path, so `from routers import user_router` in app/main.py raises ModuleNotFoundError when the
project's routers are app/routers/ (reachable as `app.routers`, not as `routers`); `python app/main.py`
puts app/ there and not the root, so `from app.models import User` fails the same way. The application
cannot start, whatever engine it is configured for (harness.py).

Read from the run script (the paper's harness runs it from the project's root): its last command that
starts a server (cdverify/run_script.py), the folder literal `cd`s before it moved to, and the runner's
rule for `sys.path` (rules/python/startup.toml `start`). Then, from the module the runner imports first,
every import written at the top of a module (column 1: under no `try`, `if` or `with`) is looked up as
Python does on that path — regular packages, modules and namespace portions (PEP 420), on disk — and the
modules found are followed. An import stops the application when

- its top-level name is a project package or module on the path but a submodule it names is not there
  (`app.routers.user` with no app/routers/user.py), or
- its top-level name is nowhere on the path, is no standard-library module, no declared distribution
  installs it (rules/python/distributions.toml), and the project holds a module of that name somewhere
  the path does not reach (app/routers/ for `routers`): the repository says the module is its own, so it
  is not a package installed by hand, or
- it is relative in a module run with no parent package (ImportError).

For `manage.py runserver` the Django start-up chain is followed too (the settings module, ROOT_URLCONF,
INSTALLED_APPS: undefined_names.py), and the module WSGI_APPLICATION names must be there (runserver loads
it before serving). Nothing is judged where the start cannot be followed with certainty: another runner,
a `cd` that is not a literal folder, options or config files that move the path or the app, a
`PYTHONPATH` the script names, an install of the project itself (`pip install -e .`, `-e .` in a
requirements file, poetry/uv/pipenv…), or any application module adding to `sys.path`."""

from __future__ import annotations

import posixpath
import re
import stat
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

from cdverify.catalog import load_rules
from cdverify.detect.database.undefined_names import started_by
from cdverify.detect.django_entry import settings_modules
from cdverify.files import NotReadable, probe, read_regular
from cdverify.manifests import normalise_distribution
from cdverify.model import Assignment, Family, FileFacts, ImportKind
from cdverify.resolve.python import STDLIB, python_declared
from cdverify.rules_schema import PythonStartup, ServerStart
from cdverify.run_script import commands, program, server_index

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection

Unfound = tuple[str, int, str, str]  # (file, line, text as written, reason)

_TARGET = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):[A-Za-z_][\w.]*(?:\(.*\))?")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_LOCAL_REQUIREMENT = re.compile(r"^\s*(?:-e\b|--editable\b|\.|/|file:)|@\s*file:")
_REQUIREMENTS_LIMIT = 1 << 20
_COMPILED = (".py", ".pyc", ".pyw", ".so", ".pyd")


class Start(NamedTuple):
    command: str  # the server's command as written
    paths: tuple[str, ...]  # the project folders on sys.path, in order ("": the root)
    module: str  # the module the runner imports first (dotted; "" for a script run as __main__)
    script: str  # the file of a script run as __main__ ("" for a module)
    django: bool  # `manage.py runserver`


def unfound_at_start(found: Collection, root: Path) -> list[Unfound]:
    """The imports at start-up that Python cannot satisfy from the path the run script's server is given
    (module docstring), one per importing line."""
    rules = load_rules(PythonStartup).start
    start = python_start(found, root, rules)
    if start is None or _moves_path(found, rules):
        return []
    finder = _Finder(found, root, start)
    return finder.walk()


def python_start(found: Collection, root: Path, rules: ServerStart) -> Start | None:
    """How the run script starts a Python server; None where it cannot be followed with certainty."""
    script = found.manifests.run_script
    if script is None or "/" in script.path or any(w in script.text for w in rules.unjudged_words):
        return None
    steps = commands(script.text)
    last = server_index(steps)
    if last is None or _requirements_install_project(found, root):
        return None
    folder = ""
    for words in steps[:last]:
        heads = {word.lstrip("(") for word in words}
        if heads & {"cd", "pushd", "popd"}:
            if len(words) != 2 or words[0] != "cd" or re.search(r"[$`~*?]", words[1]):
                return None
            folder = posixpath.normpath(posixpath.join(folder, words[1]))
        elif not _plain_install(words, rules):
            return None
    if folder.startswith(".."):
        return None
    words = steps[last]
    name, args = program(words)
    command = " ".join(words)
    if name in rules.pythons or re.fullmatch(r"python3\.\d+", name):
        while args and args[0] in rules.python_options:
            args = args[1:]
        if len(args) >= 2 and args[0] == "-m":
            if args[1] in rules.servers:
                return _server(args[1], args[2:], folder, command, root, rules)
            if not _DOTTED.fullmatch(args[1]):
                return None
            return Start(command, (folder,), args[1], "", False)
        if not args or args[0].startswith("-") or not args[0].endswith(".py"):
            return None
        file = posixpath.normpath(posixpath.join(folder, args[0]))
        if file.startswith(".."):
            return None
        django = posixpath.basename(file) == "manage.py" and args[1:2] == [rules.django.runserver]
        return Start(command, (posixpath.dirname(file),), "", file, django)
    if name in rules.servers:
        return _server(name, args, folder, command, root, rules)
    return None


def _plain_install(words: Sequence[str], rules: ServerStart) -> bool:
    """Whether a command before the server leaves the project uninstalled (not `pip install -e .`, not
    poetry or uv, which may install the project itself)."""
    name, args = program(words)
    if name in rules.installers or any(word in rules.installers for word in words):
        return False
    if name in rules.pythons and args[:2] == ["-m", "pip"]:
        name, args = "pip", args[2:]
    if name not in rules.pips:
        return True
    return not any(
        word in (".", "..") or word.startswith(("./", "../", "/", "-e", "--editable", "file:", "git+"))
        for word in args
    )


def _requirements_install_project(found: Collection, root: Path) -> bool:
    """Whether a requirements file installs a local path (`-e .`, `./pkg`, `name @ file:…`)."""
    for name in found.manifests.manifest_files:
        if not posixpath.basename(name).startswith("requirements") or not name.endswith(".txt"):
            continue
        try:
            text = read_regular(root / name, _REQUIREMENTS_LIMIT).decode("utf-8", "replace")
        except NotReadable:
            continue
        if any(_LOCAL_REQUIREMENT.search(line) for line in text.splitlines()):
            return True
    return False


def _server(
    name: str, args: Sequence[str], folder: str, command: str, root: Path, rules: ServerStart
) -> Start | None:
    """`uvicorn app.main:app [--app-dir D]` / `gunicorn app.main:app`: the working directory (or D) first
    on sys.path, the target's module imported first."""
    if any(arg.split("=", 1)[0] in rules.unjudged_options for arg in args):
        return None
    if any(probe(root / folder / file) is not None for file in rules.unjudged_files):
        return None
    targets = [match[1] for arg in args if (match := _TARGET.fullmatch(arg))]
    if len(targets) != 1:
        return None
    path = folder
    for index, arg in enumerate(args):
        option, equals, value = arg.partition("=")
        if option in rules.app_dir_options:
            value = value if equals else (args[index + 1] if index + 1 < len(args) else "")
            if not value or re.search(r"[$`~*?]", value):
                return None
            path = posixpath.normpath(posixpath.join(folder, value))
    if path.startswith(".."):
        return None
    return Start(command, ("" if path == "." else path,), targets[0], "", False)


def _moves_path(found: Collection, rules: ServerStart) -> bool:
    """Whether an application module adds to `sys.path` (or assigns it) as it runs."""
    for facts in found.facts.values():
        if facts.language.family is not Family.PYTHON:
            continue
        if any(call.callee in rules.path_calls for call in facts.calls):
            return True
        if any(a.target == "sys.path" or a.target.startswith("sys.path.") for a in facts.assignments):
            return True
    return False


class _Module(NamedTuple):
    file: str
    dotted: str  # "" for the script run as __main__
    package: bool  # an `__init__.py`


class _Finder:
    """Python's lookup of modules on the start's path, from the project's files on disk."""

    def __init__(self, found: Collection, root: Path, start: Start) -> None:
        self.found = found
        self.root = root
        self.start = start
        self.declared = {
            normalise_distribution(dep.name)
            for dep in found.manifests.dependencies
            if dep.ecosystem == Family.PYTHON
        }
        self._kinds: dict[str, int | None] = {}

    def _mode(self, path: str) -> int | None:
        if path not in self._kinds:
            info = probe(self.root / path) if path else probe(self.root)
            self._kinds[path] = info.st_mode if info is not None else None
        return self._kinds[path]

    def _file(self, path: str) -> bool:
        mode = self._mode(path)
        return mode is not None and stat.S_ISREG(mode)

    def _folder(self, path: str) -> bool:
        mode = self._mode(path)
        return mode is not None and stat.S_ISDIR(mode)

    def _in(self, folders: Sequence[str], name: str) -> tuple[str, tuple[str, ...]] | None:
        """`name` looked up in `folders` as a path entry: ("module", (file,)), ("package", (folder,)) or
        ("namespace", portions); None when none holds it."""
        portions = []
        for folder in folders:
            base = posixpath.join(folder, name) if folder else name
            if self._file(f"{base}/__init__.py"):
                return "package", (base,)
            if any(self._file(f"{base}{suffix}") for suffix in _COMPILED) or self._compiled(base):
                return "module", (f"{base}.py",)
            if self._folder(base):
                portions.append(base)
        return ("namespace", tuple(portions)) if portions else None

    def _compiled(self, base: str) -> bool:
        """An extension module `base.cpython-312-x86_64-linux-gnu.so` among the project's files."""
        return any(p.startswith(f"{base}.") and p.endswith((".so", ".pyd")) for p in self.found.scopes)

    def lookup(self, dotted: str) -> tuple[list[tuple[str, str]], int]:
        """The (kind, file or folder) of each part of `dotted` found, and the index of the first part not
        found (len(parts) when all are)."""
        parts = dotted.split(".")
        found: list[tuple[str, str]] = []
        folders: Sequence[str] = self.start.paths
        for index, part in enumerate(parts):
            hit = self._in(folders, part)
            if hit is None:
                return found, index
            kind, places = hit
            found.append((kind, places[0]))
            if kind == "module":
                return found, index + 1  # a module is no package: what it names below is not found
            folders = places
        return found, len(parts)

    def walk(self) -> list[Unfound]:
        start = self.start
        first: list[_Module] = []
        if start.script:
            if start.script not in self.found.facts:
                return []
            first.append(_Module(start.script, "", False))
        else:
            parts, index = self.lookup(start.module)
            if index < len(start.module.split(".")) or not parts or parts[-1][0] == "namespace":
                return []
            first += self._loaded(start.module, parts)
        if start.django:
            first += self._django(start.script)
        out: list[Unfound] = []
        seen = {module.file for module in first}
        pending = list(reversed(first))
        while pending:
            module = pending.pop()
            facts = self.found.facts.get(module.file)
            if facts is None or facts.language.family is not Family.PYTHON:
                continue
            for fact in facts.imports:
                if fact.col != 1 or fact.in_function or fact.kind is not ImportKind.STATIC:
                    continue
                loaded, why = self._import(module, fact.specifier, fact.names)
                if why:
                    out.append((module.file, fact.line, fact.text, why))
                    break  # the module stops at its first failing import
                for target in loaded:
                    if target.file not in seen:
                        seen.add(target.file)
                        pending.append(target)
        if start.django:
            out += self._django_settings(start.script)
        return out

    def _loaded(self, dotted: str, parts: list[tuple[str, str]]) -> list[_Module]:
        """The modules importing `dotted` runs: each package's `__init__.py` on the way, then the module
        (`parts`: the places of the last parts of `dotted`)."""
        names = dotted.split(".")
        out = []
        for depth, (kind, place) in enumerate(parts, len(names) - len(parts)):
            name = ".".join(names[: depth + 1])
            if kind == "package":
                out.append(_Module(f"{place}/__init__.py", name, True))
            elif kind == "module":
                out.append(_Module(place, name, False))
        return out

    def _import(self, module: _Module, spec: str, names: tuple[str, ...]) -> tuple[list[_Module], str]:
        """The project modules an import runs, and why it fails ("" when it does not or cannot be told)."""
        if spec.startswith("."):
            level = len(spec) - len(spec.lstrip("."))
            package = module.dotted if module.package else module.dotted.rpartition(".")[0]
            if not package:
                return [], (
                    "raises ImportError (attempted relative import with no known parent package): "
                    f"`{self.start.command}` runs {module.file} as a top-level module"
                )
            parts = package.split(".")
            if level - 1 >= len(parts):
                return [], ""  # beyond the top-level package: left to the resolver's findings
            spec = ".".join([*parts[: len(parts) - (level - 1)], *([spec[level:]] if spec[level:] else [])])
        parts_found, index = self.lookup(spec)
        wanted = spec.split(".")
        if index == len(wanted):
            loaded = self._loaded(spec, parts_found)
            kind, place = parts_found[-1]
            if kind != "module":
                for name in names:
                    sub = self._in([place], name)
                    if sub is not None and sub[0] != "namespace":
                        loaded += self._loaded(f"{spec}.{name}", [(sub[0], sub[1][0])])
            return loaded, ""
        if index == 0:
            return [], self._unreached(wanted[0])
        kind, place = parts_found[-1]
        if kind == "module" or (kind == "namespace" and self._maybe_installed(wanted[0])):
            return [], ""  # `a.b` of a module `a`, or a folder an installed package may stand for
        init = f"{place}/__init__.py"
        facts = self._facts(init)
        if kind == "package" and facts is not None and any(a.target == "__path__" for a in facts.assignments):
            return [], ""  # the package extends its own path
        missing = ".".join(wanted[: index + 1])
        return (
            [],
            f"raises ModuleNotFoundError (No module named '{missing}'): {place}/ has no {wanted[index]}",
        )

    def _facts(self, file: str) -> FileFacts | None:
        return self.found.facts.get(file)

    def _maybe_installed(self, name: str) -> bool:
        return name in STDLIB or python_declared(name, self.declared)

    def _unreached(self, name: str) -> str:
        """Why a top-level name found nowhere on the path fails: the project's module of that name lies
        where the path does not reach ("" when the project has none, or a package may install it)."""
        place = "" if self._maybe_installed(name) else self._elsewhere(name)
        if not place:
            return ""
        where = ", ".join(f"{path}/" if path else "the project's root" for path in self.start.paths)
        return (
            f"raises ModuleNotFoundError (No module named '{name}'): `{self.start.command}` puts {where} on "
            f"sys.path, which does not reach the project's {place}"
        )

    def _elsewhere(self, name: str) -> str:
        """The project's shallowest module or package folder named `name` ("" when it has none)."""
        places = set()
        for path in self.found.facts:
            parts = path.split("/")
            if name in parts[:-1]:
                places.add("/".join(parts[: parts.index(name) + 1]))
            elif parts[-1] == f"{name}.py":
                places.add(path)
        return min(places, key=lambda place: (place.count("/"), place), default="")

    def _django(self, manage: str) -> list[_Module]:
        """The modules `django.setup()` and runserver's checks import (undefined_names.py), named from
        manage.py's folder (the start's path)."""
        settings = self._settings
        if settings is None:
            return []
        base = posixpath.dirname(manage)
        out = []
        for file in sorted({settings, *started_by(self.found.facts, settings, base, self._python)}):
            rel = file[len(base) + 1 :] if base else file
            package = rel.endswith("/__init__.py")
            dotted = rel.removesuffix("/__init__.py").removesuffix(".py").replace("/", ".")
            out.append(_Module(file, dotted, package))
        return out

    @cached_property
    def _python(self) -> set[str]:
        return {p for p, f in self.found.facts.items() if f.language.family is Family.PYTHON}

    @cached_property
    def _settings(self) -> str | None:
        """The settings module `manage.py` (the script run) names."""
        manage = self.start.script
        return settings_modules(self.found.facts, {manage}, self._python).get(manage)

    def _django_settings(self, manage: str) -> list[Unfound]:
        """The dotted modules the settings name that are not there: ROOT_URLCONF, each INSTALLED_APPS
        entry (a package, or a module and its AppConfig class), and WSGI_APPLICATION's module, which
        `runserver` loads before it serves unless an installed app replaces runserver (daphne)."""
        settings = self._settings
        if settings is None:
            return []
        django = load_rules(PythonStartup).django
        runserver = load_rules(PythonStartup).start.django
        values: dict[str, list[Assignment]] = {}
        for assigned in self.found.facts[settings].assignments:
            if not assigned.scope and not assigned.owner:
                values.setdefault(assigned.target, []).append(assigned)
        single = {name: found[0] for name, found in values.items() if len(found) == 1}
        apps = single.get(django.apps)
        app_names = [s for s in apps.value.strings if isinstance(s, str)] if apps is not None else []
        checks = [(django.apps, name, True) for name in app_names]  # (setting, module, may name a class)
        own = any(name.split(".")[0] in runserver.own_runserver for name in app_names)
        for setting in (django.urlconf, *(() if own else (runserver.wsgi,))):
            value = single[setting].value.strings if setting in single else ()
            if len(value) == 1 and isinstance(value[0], str) and _DOTTED.fullmatch(value[0]):
                checks.append(
                    (setting, value[0].rpartition(".")[0] if setting == runserver.wsgi else value[0], False)
                )
        out: list[Unfound] = []
        for setting, dotted, may_name_class in checks:
            why = self._setting_unfound(dotted, may_name_class)
            if why:
                where = single[setting]
                out.append((settings, where.line, where.text, f"{setting} names {dotted}: {why}"))
        return out

    def _setting_unfound(self, dotted: str, may_name_class: bool) -> str:
        """Why the module a setting names cannot be imported ("" when it can, or cannot be told)."""
        parts_found, index = self.lookup(dotted)
        wanted = dotted.split(".")
        if index == len(wanted) or (may_name_class and 0 < index == len(wanted) - 1):
            return ""
        if index == 0:
            place = "" if self._maybe_installed(wanted[0]) else self._elsewhere(wanted[0])
            return place and f"`{self.start.command}` cannot import {wanted[0]}, the project's {place}"
        kind, place = parts_found[-1]
        if kind == "module" or (kind == "namespace" and self._maybe_installed(wanted[0])):
            return ""
        return f"{place}/ has no {wanted[index]}, so `{self.start.command}` cannot import it"
