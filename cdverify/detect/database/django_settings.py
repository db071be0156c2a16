"""The Django settings module an application starts with, and the sibling settings modules it does not load.

A split-settings project (`settings/dev.py`, `settings/prod.py` over `settings/base.py`) names one module in
each entry point: `manage.py` sets `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.dev")`,
`wsgi.py` and `asgi.py` may name `site.settings.prod`. Only the module of the entry point that runs is
imported (`setdefault` in `wsgi.py`, which `runserver` loads through WSGI_APPLICATION, leaves manage.py's
choice), so a read that raises at import in another settings module (`SECRET_KEY = os.environ["SECRET_KEY"]`
in prod.py) does not stop an application started with `manage.py runserver` (startup.py).

The entry point is the one the run script starts (`python manage.py runserver …`, `gunicorn site.wsgi…`);
with no run script, `manage.py` (Django's documented start, `python manage.py runserver`). Nothing is
narrowed where the start cannot be told: a run script that sets DJANGO_SETTINGS_MODULE or starts neither.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.django_entry import settings_modules
from cdverify.model import Family, FileFacts
from cdverify.resolve.graph import reachable
from cdverify.rules_schema import PythonStartup
from cdverify.run_script import commands, program, server_index

if TYPE_CHECKING:
    from cdverify.manifest_records import RunScript
    from cdverify.resolve.graph import ImportGraph

_ENTRY_MODULE = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::\w+)?")


def unloaded_settings(
    facts: Mapping[str, FileFacts],
    settings: Collection[str],
    graph: ImportGraph,
    script: RunScript | None,
) -> set[str]:
    """The modules of `settings` (those holding database settings) that are Django settings modules the
    start does not import: named by another entry point, or beside the started one in its folder, and not
    imported at module level (transitively) by it. Empty where the start cannot be told."""
    python = {path for path, f in facts.items() if f.language.family is Family.PYTHON}
    named = settings_modules(facts, python, python)  # entry point → its settings module
    entry = _entry(set(named), script)
    if entry is None:
        return set()
    started = named[entry]
    loaded = reachable(
        [started],
        lambda path: (
            edge.target
            for edge in graph.imports_of(path)
            if edge.target in python and edge.runtime and not edge.fact.in_function
        ),
    )
    folder = posixpath.dirname(started)
    siblings = {path for path in settings if posixpath.dirname(path) == folder}
    return (set(named.values()) | siblings) & set(settings) - loaded


def _entry(entries: set[str], script: RunScript | None) -> str | None:
    """The entry point that starts the application: the one the run script's server command runs, else
    (no run script) the project's one `manage.py`."""
    if script is None:
        manages = [path for path in entries if posixpath.basename(path) == "manage.py"]
        return manages[0] if len(manages) == 1 else None
    variable = load_rules(PythonStartup).django.settings_variable
    if variable in script.text or "/" in script.path:
        return None  # the script names the settings itself, or runs from a folder of its own
    steps = commands(script.text)
    last = server_index(steps)
    if last is None:
        return None
    _name, args = program(steps[last])
    found = set()
    for word in args:
        if word.endswith(".py"):
            found |= {path for path in entries if path == posixpath.normpath(word)}
        elif (match := _ENTRY_MODULE.fullmatch(word)) is not None:
            module = match.group(1).replace(".", "/")
            found |= {path for path in entries if path in (f"{module}.py", f"{module}/__init__.py")}
    return found.pop() if len(found) == 1 else None
