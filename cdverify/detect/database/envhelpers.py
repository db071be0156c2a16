"""Environment reads through a project's own helper (issue 18): `getOsEnv('TYPEORM_CONNECTION')` where
another module exports `function getOsEnv(key) { return process.env[key] }` reads $TYPEORM_CONNECTION,
and `env('DB_CLIENT', 'pg')` with `env(key, fallback)` returning `process.env[key] ?? fallback` falls back
to `pg`. The parser records each file's helpers (`FileFacts.env_helpers`) and what a call of another
module's function hands over (`Value.handed`); this module matches the two across files and rewrites
those values as the environment reads they are, before the database detector reads them.

A callee matches a helper of the same name in a project module (a relative import, or a specifier whose
package is not declared: a TypeScript path alias); a default import matches only the default export of
the module it names."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from cdverify.detect.tracing import module_keys, relative_stem
from cdverify.model import CallFact, EnvHelper, Family, FileFacts, Value
from cdverify.parse.jsenv import helper_read
from cdverify.parse.values import merge


def with_env_helpers(facts: Mapping[str, FileFacts], packages: frozenset[str]) -> Mapping[str, FileFacts]:
    """`facts` with every value a project helper reads the environment for rewritten as that read; the
    same mapping when the project has no helper."""
    named: dict[str, EnvHelper] = {}
    defaults: dict[str, EnvHelper] = {}  # module key → its default-exported helper
    for path, file_facts in facts.items():
        if not file_facts.env_helpers:
            continue
        own = {helper.name: helper for helper in file_facts.env_helpers}
        exported = [(name, own[variable]) for name, variable in file_facts.aliases if variable in own]
        for name, helper in [*own.items(), *exported]:
            if name == "default":
                defaults.update(dict.fromkeys(module_keys(path, Family.NODE), helper))
            else:
                named.setdefault(name, helper)
    if not named and not defaults:
        return facts
    resolver = _Resolver(named, defaults, packages)
    return {path: resolver.file(path, file_facts) for path, file_facts in facts.items()}


class _Resolver:
    def __init__(
        self, named: dict[str, EnvHelper], defaults: dict[str, EnvHelper], packages: frozenset[str]
    ) -> None:
        self.named = named
        self.defaults = defaults
        self.packages = packages

    def file(self, path: str, file_facts: FileFacts) -> FileFacts:
        if file_facts.language.family != Family.NODE:
            return file_facts
        calls = tuple(self.call(path, call) for call in file_facts.calls)
        assignments = tuple(
            a._replace(value=self.value(path, a.value)) if a.value.handed else a
            for a in file_facts.assignments
        )
        return file_facts._replace(calls=calls, assignments=assignments)

    def call(self, path: str, call: CallFact) -> CallFact:
        if not any(v.handed for v in call.args) and not any(v.handed for _, v in call.kwargs):
            return call
        return call._replace(
            args=tuple(self.value(path, v) for v in call.args),
            kwargs=tuple((key, self.value(path, v)) for key, v in call.kwargs),
        )

    def value(self, path: str, value: Value) -> Value:
        reads = []
        for callee, args in value.handed:
            helper = self.helper(path, callee.removesuffix("()"))
            read = helper_read(helper, args) if helper is not None else None
            if read is not None:
                reads.append(read)
        return merge(value, *reads)._replace(paths=value.paths, parts=value.parts) if reads else value

    def helper(self, importer: str, callee: str) -> EnvHelper | None:
        """The helper a traced callee (`./lib/env.getOsEnv`, `./env` for a default import) calls."""
        folder, _, last = callee.rpartition("/")
        stem, dot, name = last.partition(".")
        module = f"{folder}/{stem}" if folder else stem
        if not dot:  # a default import: the module it names must default-export the helper
            if not module.startswith("."):
                return None
            return self.defaults.get(relative_stem(importer, module))
        head = module.split("/")[0] if not module.startswith("@") else "/".join(module.split("/")[:2])
        if not module.startswith(".") and (head in self.packages or posixpath.isabs(module)):
            return None  # a function of a declared package, not the project's
        return self.named.get(name)
