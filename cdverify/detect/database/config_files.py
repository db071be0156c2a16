"""Configuration files an application loads by path (rules/database/connections.toml `config_files`): Flask's
`app.config.from_json(config_file_name)` after `config_file_name = os.environ["CONFIG"]`, with the run script
saying `export CONFIG=config.json`, or `app.config.from_file("config.json", load=json.load)`. The keys of the
file become the app's config, so a URL key in it (`"SQLALCHEMY_DATABASE_URI": "postgresql://…"`) is a setting
of the application, as one assigned in code is (code.py `config_key`), at the file's line.

Read only where the file is certain: the path a literal, or a variable read with no default that the run
script (what the server gets in the paper's harness) or the project's `.env` sets; resolved against the folder
of the module making the app (Flask's `root_path` for `Flask(__name__)`), the loading call made at module
level outside any `if`, and the file a JSON object in the project. A loader given another parser
(`load=toml.load`) is not read."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.code import Place, config_key
from cdverify.model import CallFact, FileFacts, Scope, Value
from cdverify.rules_schema import Connections
from cdverify.rules_schema.database import ConfigFile
from cdverify.run_script import Assignment

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection

_MAX_BYTES = 1 << 20  # a configuration file larger than this is not read


def config_files(
    found_in: Collection,
    root: Path | None,
    run_steps: Sequence[Assignment],
    dotenv: Sequence[tuple[str, str]],
) -> None:
    """Add the URL keys of the configuration files the application loads by path as settings."""
    if root is None:
        return
    loaders = {call: entry for entry in load_rules(Connections).config_files for call in entry.calls}
    if not loaders:
        return
    variables = dict(dotenv)
    variables.update({step.name: step.value for step in run_steps if step.value is not None})
    keys = found_in.catalogue.url_keys
    for path, file_facts in sorted(found_in.facts.items()):
        if found_in.scope_of(path) is not Scope.APPLICATION:
            continue
        for call in file_facts.calls:
            entry = loaders.get(call.callee)
            if entry is None or call.scope or call.guard is not None or not _reads_json(call, entry):
                continue
            if not any(c.callee in entry.app_calls and not c.scope for c in file_facts.calls):
                continue
            named = _named(file_facts, call, entry, variables)
            if not named:
                continue
            relative = posixpath.normpath(posixpath.join(posixpath.dirname(path), named))
            if relative.startswith("../") or posixpath.isabs(named):
                continue
            _read(
                found_in, root, relative, keys, Place(path, Scope.APPLICATION, call.line, call.col, call.text)
            )


def _reads_json(call: CallFact, entry: ConfigFile) -> bool:
    """Whether the call parses the file as JSON: itself (`from_json`) or with a catalogued parser handed."""
    if not entry.load or call.callee.endswith(".from_json"):
        return True
    load = call.argument(*entry.load)
    return load is not None and any(name in entry.loads for name in (*load.names, *load.calls))


def _named(file_facts: FileFacts, call: CallFact, entry: ConfigFile, variables: dict[str, str]) -> str:
    """The path the call is handed: a literal, or the value the run script or `.env` gives the variable
    read (itself, or through a name the module binds once at module level to it); "" when not certain."""
    value = call.argument(*entry.path)
    if value is None:
        return ""
    if len(value.names) == 1 and value._replace(names=(), text="").empty:
        bound = [a.value for a in file_facts.assignments if not a.scope and a.target == value.names[0]]
        if len(bound) != 1:
            return ""
        value = bound[0]
    if len(value.env) == 1 and value._replace(env=(), text="").empty:  # no default
        return variables.get(value.env[0], "")
    literals = value.literals
    if len(literals) == 1 and value == Value(strings=value.strings, text=value.text):
        return literals[0]
    return ""


def _read(found_in: Collection, root: Path, relative: str, keys: frozenset[str], place: Place) -> None:
    """The settings of a JSON object file's URL keys, each at its line."""
    file = root / relative
    try:
        if not file.is_file() or file.stat().st_size > _MAX_BYTES:
            return
        text = file.read_text(encoding="utf-8")
        document = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError):
        return
    if not isinstance(document, dict):
        return
    lines = text.splitlines()
    for key, url in document.items():
        if not isinstance(key, str) or key.lower() not in keys or not isinstance(url, str):
            continue
        line = next((n for n, written in enumerate(lines, 1) if f'"{key}"' in written), 0)
        shown = lines[line - 1].strip() if line else f'"{key}": "{url}"'
        at = place._replace(path=relative, line=line, col=1, text=shown.rstrip(","))
        config_key(found_in, at, key, Value(strings=(url,)))
