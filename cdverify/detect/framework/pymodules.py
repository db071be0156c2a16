"""Python module members as the framework detector follows them: a traced reference to another module's
name (`app.views.bp` after `from app.views import bp`, `app.api.routes.items.router` after `from
app.api.routes import items`, `.views.bp` after `from .views import bp`, at module top or inside
`create_app()`) → the project file and the module-level name it is (`app/views.py`, `bp`), through the
module's `.py` file or its package's `__init__.py`; a name a module only imports (`from .routes import
api_router` in a package's `__init__.py`) is followed to the module it comes from, a few hops deep."""

from __future__ import annotations

from collections.abc import Mapping

from cdverify.detect.tracing import Instances, absolute_parts, bound_to_project, module_keys
from cdverify.model import Family, FileFacts

Member = tuple[str, str]  # (project file, module-level name)


def module_files(facts: Mapping[str, FileFacts]) -> dict[str, str]:
    """Dotted module name → its project file, under every dotted suffix of its path (`app/views.py` is
    `app.views` and `views`, as `instances_of` names modules): a module's full path names it before any
    other file's suffix does, and a suffix two files share names neither."""
    full: dict[str, str] = {}
    suffixes: dict[str, str | None] = {}
    for path, file_facts in facts.items():
        if file_facts.language.family != Family.PYTHON:
            continue
        keys = module_keys(path, Family.PYTHON)
        if not keys:
            continue
        full.setdefault(keys[0], path)
        for key in keys[1:]:
            suffixes[key] = path if suffixes.get(key, path) == path else None
    out = {key: path for key, path in suffixes.items() if path is not None}
    out.update(full)
    return out


def module_member(
    modules: Mapping[str, str], importer: str, reference: str, instances: Instances
) -> Member | None:
    """The project file and name a reference of `importer` names (`app.views.bp` → (`app/views.py`,
    `bp`)); None when it names no module of the project, a module itself, or a name's attribute
    (`app.views.bp.name`) or call result (`app.routes.make_router()`)."""
    if not bound_to_project(reference, instances.heads):
        return None
    parts = absolute_parts(reference, importer, instances.packaged)
    if len(parts) < 2 or any(not part.isidentifier() for part in parts):
        return None
    module = ".".join(parts[:-1])
    path = modules.get(module)
    return (path, parts[-1]) if path is not None else None


def imported_from(facts: Mapping[str, FileFacts], member: Member) -> str:
    """What a module binds a name to when it imports it from another project module (`.routes.api_router`
    for `from .routes import api_router`); "" otherwise."""
    path, name = member
    return dict(facts[path].exports).get(name, "")


def module_level(facts: Mapping[str, FileFacts], member: Member) -> bool:
    """The name is bound at the module's level (an object it builds there, or an import)."""
    path, name = member
    return any(bound == name for bound, _ in facts[path].exports)
