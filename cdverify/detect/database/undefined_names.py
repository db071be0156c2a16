"""An application that cannot be imported because a module it loads as it starts evaluates a name that
nothing defines: `class ImportLandingView(TemplateView):` with `TemplateView` never imported raises
`NameError` as the module is imported, so the application cannot start in any environment: no engine holds
in the harness (harness.py), as for a module Python cannot parse (unparsable.py).

Only code Python runs as the module is imported counts, and only where it runs whatever happens before it:
module-level statements not under an `if`, loop, `try` or `with` (the tests of an `if` and the iterable of a
loop do run), class bodies (recursively), decorators, base classes and default values; never a function
body, a lambda's body, an annotation (deferred by `from __future__ import annotations` and by Python 3.14)
nor a type alias. A name counts as defined when anything in the module binds it anywhere (an import under a
`try`, an assignment further down, a `global` statement in a function; the compiler's own symbol tables,
`symtable`, say which), when it is a builtin or a module attribute Python sets (rules/python/startup.toml),
or, in a class body, when the class (or a class around it) binds it. A module with a star import, or one
that reaches its namespace or the builtins dynamically (`globals()`, `exec`, `builtins.…`), is not judged.

The modules loaded at start-up are the modules building the app and what they import at module level,
transitively; for Django (whose `manage.py` names its settings by a string) also the settings module, the
URL configuration its `ROOT_URLCONF` names with the URL modules it `include`s (Django's system checks, run
by `migrate` and `runserver`, import them), and the `apps` and `models` modules of the project's
INSTALLED_APPS (`django.setup()` imports them; `admin` too where django.contrib.admin is installed). The
analysed code is read, never run."""

from __future__ import annotations

import ast
import builtins
import posixpath
import re
import symtable
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.startup import app_modules
from cdverify.files import NotReadable, read_regular
from cdverify.model import Family, FileFacts, Scope
from cdverify.rules_schema import PythonStartup

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph

_MAX_READ_BYTES = 1_048_576  # past this, the file is not read again: nothing stops
# the namespace reached by other means than names (`globals()`, `exec`, `sys.modules[__name__]`, an enum
# `_convert_`ed into the module, `gettext.install()` adding `_` to the builtins): such a module is not judged
_DYNAMIC = re.compile(
    r"\b(?:globals|locals|vars|exec|eval|__import__)\s*\(|\bbuiltins\b|\bsys\.modules\b|\.(?:install|_convert_)\s*\("
)

_BUILTINS = re.compile(rb"\bbuiltins\b|\.install\s*\(")


def undefined_at_start(found: Collection, graph: ImportGraph, root: Path) -> list[tuple[str, int, str, str]]:
    """The modules loaded at start-up that evaluate an undefined name as they are imported: (file, line,
    the name, why it stops the app) each, the first such name of each module, for a start-up stop."""
    python = {
        path
        for path, facts in found.facts.items()
        if facts.language.family is Family.PYTHON and found.scope_of(path) is Scope.APPLICATION
    }
    sources = {}
    for path in sorted(_loaded(found.facts, python, graph)):
        facts = found.facts[path]
        if facts.syntax_issues or facts.too_deep is not None:
            continue  # unparsable.py's
        try:
            sources[path] = read_regular(root / path, _MAX_READ_BYTES)
        except (NotReadable, ValueError):
            continue
    if any(_BUILTINS.search(source) for source in sources.values()):
        return []  # a module adding to the builtins defines names for every other module
    out = []
    for path, source in sources.items():
        first = next(iter(undefined_names(source)), None)
        if first is not None:
            line, name = first
            out.append(
                (path, line, name, f"raises NameError (name '{name}' is not defined) as it is imported")
            )
    return out


def _loaded(facts: Mapping[str, FileFacts], python: set[str], graph: ImportGraph) -> set[str]:
    """The application's Python modules imported as it starts."""
    pending = sorted((set(app_modules(facts)) | _django_loaded(facts, python)) & python)
    loaded = set(pending)
    while pending:
        path = pending.pop()
        for edge in graph.imports_of(path):
            target = edge.target
            if target in python and target not in loaded and edge.runtime and not edge.fact.in_function:
                loaded.add(target)
                pending.append(target)
    return loaded


def _django_loaded(facts: Mapping[str, FileFacts], python: set[str]) -> set[str]:
    """The Django settings module a module names (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", …)`),
    the URL modules its ROOT_URLCONF reaches through `include("app.urls")`, and its apps' modules Django
    imports at set-up."""
    django = load_rules(PythonStartup).django
    out: set[str] = set()
    for path in sorted(python):
        for call in facts[path].calls:
            if call.callee not in django.settings_calls or len(call.args) < 2:
                continue
            key, value = call.args[0].strings, call.args[1].strings
            if key != (django.settings_variable,) or len(value) != 1 or not isinstance(value[0], str):
                continue
            base = posixpath.dirname(path)
            settings = _module(value[0], base, python)
            if settings is not None:
                out.add(settings)
                out |= _started_by(facts, settings, base, python)
    return out


def _started_by(facts: Mapping[str, FileFacts], settings: str, base: str, python: set[str]) -> set[str]:
    django = load_rules(PythonStartup).django
    values = {a.target: a.value for a in facts[settings].assignments if not a.scope}
    out: set[str] = set()
    apps = [s for s in values[django.apps].strings if isinstance(s, str)] if django.apps in values else []
    submodules = [*django.app_modules, *([django.admin_module] if django.admin_app in apps else [])]
    for app in apps:
        package = _app_package(app, base, python)
        if package is not None:
            out.add(package)
            folder = posixpath.dirname(package)
            out.update(m for name in submodules if (m := _module(name, folder, python)) is not None)
    urlconf = values.get(django.urlconf)
    pending = []
    if urlconf is not None and len(urlconf.strings) == 1 and isinstance(urlconf.strings[0], str):
        pending = [m for m in [_module(urlconf.strings[0], base, python)] if m is not None]
    while pending:  # the URL modules `include("x.urls")` names: Django imports them with the URLconf
        path = pending.pop()
        out.add(path)
        for call in facts[path].calls:
            if call.callee in django.includes and not call.scope and call.args:
                named = call.args[0].strings
                if len(named) == 1 and isinstance(named[0], str):
                    target = _module(named[0], base, python)
                    if target is not None and target not in out:
                        pending.append(target)
    return out


def _app_package(app: str, base: str, python: set[str]) -> str | None:
    """The `__init__.py` of an INSTALLED_APPS entry (`shop`, `shop.apps.ShopConfig`) in the project."""
    parts = app.split(".")
    for end in range(len(parts), 0, -1):
        found = _module(".".join(parts[:end]), base, python)
        if found is not None and found.endswith("/__init__.py"):
            return found
    return None


def _module(dotted: str, base: str, python: set[str]) -> str | None:
    """The project file of module `dotted`, imported from the folder `base` is in (`manage.py`'s folder)."""
    if not re.fullmatch(r"\w+(?:\.\w+)*", dotted):
        return None
    rel = posixpath.join(base, *dotted.split("."))
    for candidate in (f"{rel}.py", f"{rel}/__init__.py"):
        if candidate in python:
            return candidate
    return None


# -- the analysis of one module's source ---------------------------------------------------------------


@cache
def _defined_everywhere() -> frozenset[str]:
    """The builtins of this Python and of other versions, and the names Python gives every module."""
    names = load_rules(PythonStartup).names
    return frozenset({*dir(builtins), *names.builtins, *names.module})


def undefined_names(source: str | bytes) -> list[tuple[int, str]]:
    """(line, name) of each name the module evaluates as it is imported, unconditionally, that nothing
    defines; [] when the module does not parse or is not judged (star import, dynamic namespace)."""
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    if _DYNAMIC.search(text):
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    if any(isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names) for n in ast.walk(tree)):
        return []
    used = list(_evaluated(tree.body, ()))
    known = _defined_everywhere()
    candidates = [(line, name, around) for line, name, around in used if name not in known]
    if not candidates:
        return []
    try:
        bound = _module_bindings(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    class_names = load_rules(PythonStartup).names.classes
    return [
        (line, name)
        for line, name, around in candidates
        if name not in bound and not (around and (name in class_names or any(name in c for c in around)))
    ]


def _module_bindings(text: str) -> frozenset[str]:
    """Every name the module's namespace gets: bound at module level anywhere, or in a function or class
    that declares it `global`, as the compiler's symbol tables say."""
    table = symtable.symtable(text, "<module>", "exec")
    out = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    pending = list(table.get_children())
    while pending:
        child = pending.pop()
        out.update(
            s.get_name()
            for s in child.get_symbols()
            if s.is_declared_global() and (s.is_assigned() or s.is_imported())
        )
        pending.extend(child.get_children())
    return frozenset(out)


Classes = tuple[frozenset[str], ...]  # the names bound by each class body around a statement, outermost first


def _evaluated(body: Iterable[ast.stmt], around: Classes) -> Iterator[tuple[int, str, Classes]]:
    """(line, name, the class bodies around) of each name read by statements that run, in order."""
    for stmt in body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _reads([*stmt.decorator_list, *_defaults(stmt.args)], around)
        elif isinstance(stmt, ast.ClassDef):
            yield from _reads([*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords)], around)
            yield from _evaluated(stmt.body, (*around, _class_bindings(stmt)))
        elif isinstance(stmt, ast.If):
            yield from _reads([stmt.test], around)  # the test runs; either branch may not
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            yield from _reads([stmt.iter], around)
        elif isinstance(stmt, ast.While):
            yield from _reads([stmt.test], around)
        elif isinstance(stmt, ast.AnnAssign):
            yield from _reads([stmt.value] if stmt.value is not None else [], around)
        elif isinstance(stmt, (ast.Assign, ast.AugAssign, ast.Expr, ast.Assert, ast.Raise, ast.Delete)):
            yield from _reads([stmt], around)
        # imports bind; `try`, `with`, `match` may catch or skip; a type alias is evaluated lazily


def _defaults(args: ast.arguments) -> list[ast.expr]:
    return [*args.defaults, *(d for d in args.kw_defaults if d is not None)]


def _class_bindings(node: ast.ClassDef) -> frozenset[str]:
    """The names a class body binds, anywhere in it (not in its methods)."""
    out: set[str] = set()
    pending: list[ast.AST] = list(node.body)
    while pending:
        item = pending.pop()
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(item.name)
            continue
        if isinstance(item, ast.Lambda):
            continue
        if isinstance(item, ast.Name) and not isinstance(item.ctx, ast.Load):
            out.add(item.id)
        elif isinstance(item, ast.alias):
            out.add((item.asname or item.name).split(".")[0])
        elif (isinstance(item, ast.ExceptHandler) and item.name) or (
            isinstance(item, (ast.MatchAs, ast.MatchStar)) and item.name
        ):
            out.add(item.name)
        pending.extend(ast.iter_child_nodes(item))
    return frozenset(out)


def _reads(nodes: Iterable[ast.AST], around: Classes) -> Iterator[tuple[int, str, Classes]]:
    """The names read in `nodes` where they run as they are evaluated: not in a lambda's body nor in an
    annotation, and a comprehension's own variables apart."""
    for node in nodes:
        yield from _walk(node, frozenset(), around)


def _walk(node: ast.AST, local: frozenset[str], around: Classes) -> Iterator[tuple[int, str, Classes]]:
    if isinstance(node, ast.Name):
        if isinstance(node.ctx, ast.Load) and node.id not in local:
            yield node.lineno, node.id, around
        return
    if isinstance(node, ast.Lambda):
        yield from _reads(_defaults(node.args), around)
        return
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        bound = local | {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        for i, generator in enumerate(node.generators):
            # the first iterable runs outside the comprehension; the rest inside it
            yield from _walk(generator.iter, local if i == 0 else bound, around)
            for condition in generator.ifs:
                yield from _walk(condition, bound, around)
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for part in parts:
            yield from _walk(part, bound, around)
        return
    if isinstance(node, ast.NamedExpr):
        yield from _walk(node.value, local, around)
        return
    if isinstance(node, ast.AnnAssign):
        return
    for child in ast.iter_child_nodes(node):
        yield from _walk(child, local, around)
