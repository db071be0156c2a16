"""Serverless function modules: a Netlify function (`export const handler: Handler = async (event) => …`
importing `Handler` from `@netlify/functions`) or an AWS Lambda handler answers HTTP requests itself, with no
web framework's route table: it handles requests as a route's handler does (rules/architecture
`serverless_handlers`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cdverify.detect.layers.catalogue import preset_roles
from cdverify.model import Family, FileFacts

_EXPORTED = ("handler", "default")  # the names a runtime calls a function module's handler by


def serverless_handlers(facts: Mapping[str, FileFacts], application: Iterable[str], preset: str) -> set[str]:
    """The Node application modules that import a serverless runtime's package and export its handler."""
    listed = preset_roles(preset)
    packages = frozenset(listed[0].serverless_handlers.get(Family.NODE, ())) if listed else frozenset()
    if not packages:
        return set()
    out = set()
    for path in application:
        file_facts = facts.get(path)
        if file_facts is None or file_facts.language.family is not Family.NODE:
            continue
        if any(fact.specifier in packages for fact in file_facts.imports) and _exports_handler(file_facts):
            out.add(path)
    return out


def _exports_handler(file_facts: FileFacts) -> bool:
    """The module exports its handler: by name (`exports` holds what traces to something), or it exports
    and the calls its `handler` function makes are recorded under that name (`handler@8`)."""
    if any(name.removesuffix("()") in _EXPORTED for name, _value in file_facts.exports):
        return True
    return file_facts.exporting and any(
        call.scope.partition("@")[0] in _EXPORTED for call in file_facts.calls
    )
