"""Files that run queries through a project's mapped models (`User.objects.filter(…)` after `from shop.models
import User`: the architecture preset's `[roles.model_queries]`): a Django `selectors.py` of read-only
queries is data access, as a module opening a client is."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from cdverify.catalog import architecture_preset

if TYPE_CHECKING:
    from cdverify.detect.orm import OrmReport
    from cdverify.model import FileFacts
    from cdverify.resolve.graph import ImportGraph


def model_queriers(
    facts: Mapping[str, FileFacts],
    application: Iterable[str],
    preset: str,
    orm: OrmReport,
    graph: ImportGraph,
) -> frozenset[str]:
    """Application files that run a query through a mapped model another project module defines
    (`User.objects.filter(…)` after `from shop.models import User`: `[roles.model_queries]`)."""
    roles = architecture_preset(preset).roles
    models: dict[str, set[str]] = {}  # model file → the models it defines
    for use in orm.libraries.values():
        for file, _line, model in use.models:
            models.setdefault(file, set()).add(model)
    if roles is None or not models:
        return frozenset()
    out = set()
    for path in application:
        file_facts = facts.get(path)
        attributes = roles.model_queries.get(file_facts.language.family, ()) if file_facts else ()
        if not attributes or file_facts is None:
            continue
        starts = tuple(
            f"{prefix}.{attribute}."
            for edge in graph.imports_of(path)
            if edge.target in models and edge.target != path
            for model in models[edge.target]
            for prefix in model_names(edge.fact.specifier, edge.fact.names, model)
            for attribute in attributes
        )
        if starts and any(call.callee.startswith(starts) for call in file_facts.calls):
            out.add(path)
    return frozenset(out)


def model_names(specifier: str, names: tuple[str, ...], model: str) -> tuple[str, ...]:
    """How a call names `model` of the module an import brings: `shop.models.User` after
    `from shop.models import User`, `import shop.models` or `from shop import models`."""
    if not names:
        return (f"{specifier}.{model}",)
    return tuple(f"{specifier}.{model}" if name == model else f"{specifier}.{name}.{model}" for name in names)
