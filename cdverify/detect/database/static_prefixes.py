"""A Django URL module that hands `static()` a prefix the settings never set: `urlpatterns = [...] +
static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)` with no `MEDIA_URL` in the settings module
leaves Django's default (''), and `static` raises ImproperlyConfigured("Empty static prefix not permitted")
before it looks at DEBUG, as the module is imported — by the system checks `runserver` runs before it
serves (rules/python/startup.toml `django.prefix_calls`, `django.empty_settings`). The application cannot
start, whatever engine it is configured for: no engine holds in the harness (harness.py).

Claimed only where certain: the call at module level of a module loaded at start-up (undefined_names.py:
the URL modules ROOT_URLCONF reaches), under no `if` (`if settings.DEBUG:`), its prefix a plain read of the
setting on `django.conf.settings`, and every settings module an entry point names assigning nothing to it
at module level and importing nothing with `*` (a base module may set it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.startup import application_python
from cdverify.detect.database.undefined_names import loaded_at_start
from cdverify.detect.django_entry import settings_modules
from cdverify.rules_schema import PythonStartup

if TYPE_CHECKING:
    from cdverify.detect.database.collection import Collection
    from cdverify.model import CallFact, FileFacts
    from cdverify.resolve.graph import ImportGraph

_SETTINGS = "django.conf.settings."  # how a read of a setting on Django's settings object is traced


def empty_prefixes(found: Collection, graph: ImportGraph) -> list[StartupStop]:
    """The `static(settings.X, …)` calls made as the application starts with X unset (module docstring)."""
    django = load_rules(PythonStartup).django
    if not django.prefix_calls:
        return []
    python = application_python(found)
    calls = [
        (path, call)
        for path in sorted(python)
        for call in found.facts[path].calls
        if call.callee in django.prefix_calls and not call.scope and call.guard is None
    ]
    if not calls:
        return []
    settings = set(settings_modules(found.facts, python, python).values())
    if not settings:
        return []
    loaded = loaded_at_start(found.facts, python, graph)
    out = []
    for path, call in calls:
        name = _setting(call, django.empty_settings)
        if path not in loaded or name is None:
            continue
        if any(_sets(found.facts[module], name) for module in settings):
            continue
        reason = (
            f"raises ImproperlyConfigured (Empty static prefix not permitted) as it is imported: the settings"
            f" never set {name}, whose Django default is empty"
        )
        out.append(StartupStop(path, call.line, call.text, (), reason, f"set {name} in the settings"))
    return out


def _setting(call: CallFact, empty: tuple[str, ...]) -> str | None:
    """The setting with an empty default a call's prefix is a plain read of (`settings.MEDIA_URL`)."""
    prefix = call.argument("0", "prefix")
    if prefix is None or prefix.strings or prefix.env or len(prefix.calls) != 1:
        return None
    name = prefix.calls[0].removeprefix(_SETTINGS)
    return name if prefix.calls[0].startswith(_SETTINGS) and name in empty else None


def _sets(facts: FileFacts, name: str) -> bool:
    """Whether a settings module may set `name`: it assigns it at module level, or imports with `*`."""
    if any(fact.text.replace(" ", "").endswith("import*") for fact in facts.imports):
        return True
    return any(a.target == name and not a.scope for a in facts.assignments)
