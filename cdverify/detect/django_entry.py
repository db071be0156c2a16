"""Django's entry points: the settings module `manage.py`, `wsgi.py` or `asgi.py` names by a string
(`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")`, rules/python/startup.toml), read without
running anything. Shared by the database detector (what Django loads at start-up) and the layers (the project
package names no layer); kept apart from both so that reading it loads neither."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from cdverify.catalog import load_rules
from cdverify.model import FileFacts
from cdverify.rules_schema import PythonStartup

_DOTTED = re.compile(r"\w+(?:\.\w+)*")


def settings_modules(facts: Mapping[str, FileFacts], callers: set[str], python: set[str]) -> dict[str, str]:
    """Each of `callers` that names a Django settings module among `python` (`os.environ.setdefault(
    "DJANGO_SETTINGS_MODULE", "site.settings")`, looked up from its own folder) → that module's file."""
    django = load_rules(PythonStartup).django
    out: dict[str, str] = {}
    for path in sorted(callers):
        for call in facts[path].calls if path in facts else ():
            if call.callee not in django.settings_calls or len(call.args) < 2:
                continue
            key, value = call.args[0].strings, call.args[1].strings
            if key != (django.settings_variable,) or len(value) != 1 or not isinstance(value[0], str):
                continue
            settings = module_file(value[0], posixpath.dirname(path), python)
            if settings is not None:
                out.setdefault(path, settings)
    return out


def module_file(dotted: str, base: str, python: set[str]) -> str | None:
    """The project file of module `dotted`, imported from the folder `base` is in (`manage.py`'s folder)."""
    if not _DOTTED.fullmatch(dotted):
        return None
    rel = posixpath.join(base, *dotted.split("."))
    for candidate in (f"{rel}.py", f"{rel}/__init__.py"):
        if candidate in python:
            return candidate
    return None
