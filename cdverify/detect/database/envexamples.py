"""Loaders of `.env` that check the variables an example file lists, run at start-up (rules/database/
connections.toml `env_example_loaders`): dotenv-safe's `config()` throws MissingEnvVarsError when a variable
its example file (`.env.example`, or the file its `example` / `sample` option names) lists is unset in the
environment and in the `.env` it loads. Made at module level of a module the application loads as it starts
(`dotenvSafe.config({ allowEmptyValues: true })` in `config.ts`, `import "dotenv-safe/config"`), under no `if`
and in no `try`, it stops the application where any of those variables is unset, as any start-up check does
(stops.py): where the paper's harness gives the app none, it cannot start.

The example file read is the one the option names, looked up by its name in the project; an option whose
value is not a string as written (`root(".env.example")`) may name any of the project's example env files,
and the variables are then those every one of them lists (whichever is read, it lists them). With no such
file in the project nothing is claimed. Where a connection's URL reads one of those variables, the
connection says that it needs it (connections.py), and no stop is added."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from cdverify.detect.database.report import StartupStop
from cdverify.manifest_records import Setting
from cdverify.model import Family
from cdverify.rules_schema import Reader

if TYPE_CHECKING:
    from collections.abc import Callable

    from cdverify.detect.database.collection import Collection

_DEFAULT = ".env.example"  # dotenv-safe's example file when no option names one
_OPTIONS = ("example", "sample")  # in dotenv-safe's order: `example` takes precedence


def example_checks(found: Collection, started: Callable[[], set[str]]) -> list[StartupStop]:
    """The checks of `.env` against its example file made as the application starts (`started`: the modules
    it loads then, asked for only where a module loads with such a check), each with the variables whose
    absence stops it."""
    loaders = found.catalogue.env_example_loaders
    checking = {
        path
        for path, facts in found.facts.items()
        if facts.language.family == Family.NODE
        and any(
            any(call.callee in loader.calls for call in facts.calls)
            or any(fact.specifier in loader.imports for fact in facts.imports)
            for loader in loaders
        )
    }
    examples = _example_files(found) if checking else {}
    # a connection whose URL's variable the loader requires says so already (`needs $DATABASE_URL …
    # (dotenv-safe at index.js:1 requires every variable .env.example lists …)`): no second account of it
    explained = {loader.label for loader in loaders for e in found.evidence if loader.label in e.required_by}
    out: list[StartupStop] = []
    for path in sorted(checking & started()) if examples else ():
        facts = found.facts[path]
        for loader in loaders:
            if loader.label in explained:
                continue
            for fact in facts.imports:
                if fact.specifier in loader.imports and not fact.in_function:
                    out += _check(path, fact.line, fact.text, loader.label, examples, _DEFAULT)
            for call in facts.calls:
                if call.callee not in loader.calls or call.scope or call.guard is not None:
                    continue
                option = next(filter(None, map(call.kwarg, _OPTIONS)), None)  # `example` comes first
                if option is None:
                    named: str | None = _DEFAULT
                elif len(option.strings) == 1 and not option.names and not option.calls:
                    named = PurePosixPath(str(option.strings[0])).name
                else:  # not written as a string: any of the example files
                    named = None
                out += _check(path, call.line, call.text, loader.label, examples, named)
    return out


def _example_files(found: Collection) -> dict[str, list[Setting]]:
    """The project's example env files (`.env.example`, `.env.sample`), each with its entries."""
    out: dict[str, list[Setting]] = {}
    for setting in found.manifests.settings:
        name = PurePosixPath(setting.file).name
        if setting.source is Reader.ENV_FILE and found.catalogue.example_settings.search(name):
            out.setdefault(setting.file, []).append(setting)
    return out


def _check(
    path: str, line: int, text: str, label: str, examples: dict[str, list[Setting]], named: str | None
) -> list[StartupStop]:
    files = [f for f in examples if named is None or PurePosixPath(f).name == named]
    if not files:
        return []
    listed = [dict.fromkeys(s.key for s in examples[f] if s.key) for f in files]
    variables = tuple(name for name in listed[0] if all(name in keys for keys in listed[1:]))
    if not variables:
        return []
    shown = " or ".join(f"${name}" for name in variables)
    where = ", ".join(files)
    return [
        StartupStop(
            path, line, text, variables, f"throws when {label} finds {shown} unset (listed in {where})"
        )
    ]
