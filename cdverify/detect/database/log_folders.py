"""Log files in a folder that is not there (rules/python/startup.toml `log_files`): a logging file handler
(`logging.FileHandler` and its rotating kinds) opens its file as it is made, creating the file but never its
folder. Made as the application starts — at module level of a module loaded then (`handler =
logging.FileHandler("logs/app.log")`, `logging.basicConfig(filename="logs/app.log")`), or listed in the
`handlers` of the LOGGING setting of the Django settings module the start loads (django.setup() hands it to
`logging.config.dictConfig`, which makes every handler listed) — with its file in a folder the project does
not have and no code or start script creates, it raises FileNotFoundError and the application cannot start
(any `manage.py` command fails the same way).

Claimed only where it is certain: a literal relative path (from the project's root, where the harness starts
the application), or literal parts joined to a module-level folder of the same module written from
`__file__` (`BASE_DIR = Path(__file__).resolve().parent.parent`, `os.path.dirname(os.path.abspath(
__file__))`; `BASE_DIR / "logs" / "app.log"`, `os.path.join(BASE_DIR, "logs", "app.log")`); a handler not
delayed (`delay=True` opens the file at the first record; a settings module writing a `"delay"` key is not
read); a call in a one-line statement at column 1 (under
no `if`, `try` or `with`); no `LOGGING_CONFIG` setting; a folder inside the project, other than its root, that
the repository does not hold; and no code, package script or run script of the application making a folder
anywhere (`os.makedirs`, `Path.mkdir`, `mkdir -p`: sqlite_folders.py `makes_folders`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.shipped import project_path
from cdverify.detect.database.sqlite_folders import makes_folders
from cdverify.detect.database.startup import application_python
from cdverify.detect.database.undefined_names import loaded_at_start
from cdverify.detect.django_entry import settings_modules
from cdverify.files import NotReadable, probe, read_regular
from cdverify.model import Assignment, CallFact, FileFacts, Value
from cdverify.resolve.graph import reachable
from cdverify.rules_schema import Connections, PythonStartup

if TYPE_CHECKING:
    from pathlib import Path

    from cdverify.detect.database.collection import Collection
    from cdverify.resolve.graph import ImportGraph
    from cdverify.rules_schema.python import LogFiles

_JOIN = "os.path.join"
_MAX_BYTES = 1 << 20


def missing_log_folders(found: Collection, graph: ImportGraph, root: Path) -> list[StartupStop]:
    """The log file handlers made as the application starts whose file's folder the project at `root` lacks
    and nothing creates."""
    rules = load_rules(PythonStartup).log_files
    if rules is None:
        return []
    python = application_python(found)
    candidates = [
        path
        for path in sorted(python)
        if any(_logging(call.callee, rules) for call in found.facts[path].calls)
        or any(a.target.startswith(f"{rules.setting}.") for a in found.facts[path].assignments)
    ]
    if not candidates:
        return []
    loaded = loaded_at_start(found.facts, python, graph)
    settings = _django_settings(found.facts, python, graph)
    out: list[StartupStop] = []
    for path in candidates:
        if path not in loaded:
            continue
        file_facts = found.facts[path]
        opened = [*_handler_calls(file_facts, rules)]
        if path in settings and not _disabled(found.facts, settings, rules):
            configured = _configured(file_facts, rules)
            opened += configured if configured and not _names_delay(root, path, rules) else []
        for line, text, value in opened:
            folder = _missing_folder(_file_path(value, line, file_facts, rules), root)
            if folder:
                reason = (
                    f"opens a log file in {folder}/, a folder the project does not have and no code creates: "
                    f"{rules.label}"
                )
                fix = f"create {folder}/ before logging is configured (`os.makedirs(...)`), or ship it"
                out.append(StartupStop(path, line, text, (), reason, fix))
    if out and makes_folders(found, root, load_rules(Connections).folder_makers):
        return []
    return out


def _logging(callee: str, rules: LogFiles) -> bool:
    return callee in rules.handlers or callee in rules.calls


def _django_settings(facts: Mapping[str, FileFacts], python: set[str], graph: ImportGraph) -> set[str]:
    """The Django settings modules an entry point names, and what they import at module level."""
    named = set(settings_modules(facts, python, python).values())
    return reachable(
        named,
        lambda path: (
            edge.target
            for edge in graph.imports_of(path)
            if edge.target in python and edge.runtime and not edge.fact.in_function
        ),
    )


def _disabled(facts: Mapping[str, FileFacts], settings: set[str], rules: LogFiles) -> bool:
    """Whether a settings module sets `LOGGING_CONFIG` (None: Django configures no logging)."""
    return any(a.target == rules.disabling for path in settings for a in facts[path].assignments)


def _names_delay(root: Path, path: str, rules: LogFiles) -> bool:
    """Whether the settings module writes the `delay` key anywhere (`"delay": True`: a boolean the facts do
    not hold), or cannot be read: then no handler of its LOGGING is claimed."""
    try:
        text = read_regular(root / path, _MAX_BYTES).decode("utf-8", "replace")
    except (NotReadable, OSError):
        return True
    return re.search(rf"""["']{re.escape(rules.delay)}["']""", text) is not None


def _handler_calls(facts: FileFacts, rules: LogFiles) -> list[tuple[int, str, Value]]:
    """(line, text, the file's value) of each handler made, not delayed, in a statement at column 1."""
    statements = {a.line for a in facts.assignments if not a.scope and a.col == 1}
    statements |= {c.line for c in facts.calls if not c.scope and c.col == 1 and c.guard is None}
    out = []
    for call in facts.calls:
        if call.scope or call.guard is not None or call.line not in statements or _delayed(call, rules):
            continue
        keys = (
            rules.path
            if call.callee in rules.handlers
            else ("filename",)
            if call.callee in rules.calls
            else ()
        )
        value = call.argument(*keys) if keys else None
        if value is not None:
            out.append((call.line, call.text, value))
    return out


def _delayed(call: CallFact, rules: LogFiles) -> bool:
    value = call.kwarg(rules.delay)
    return value is not None and not (value.names == ("False",) or value.numbers == (0,))


def _configured(facts: FileFacts, rules: LogFiles) -> list[tuple[int, str, Value]]:
    """(line, text, the file's value) of each handler of the LOGGING setting whose class is a file
    handler, not delayed, bound at module level under no branch."""
    prefix = f"{rules.setting}.handlers."
    entries: dict[str, dict[str, Assignment]] = {}
    for a in facts.assignments:
        if a.target.startswith(prefix) and not a.scope and not a.branch:
            name, _, key = a.target.removeprefix(prefix).rpartition(".")
            entries.setdefault(name, {})[key] = a
    out = []
    for entry in entries.values():
        kind, filename, delay = entry.get("class"), entry.get("filename"), entry.get(rules.delay)
        if kind is None or filename is None or len(kind.value.strings) != 1:
            continue
        if kind.value.strings[0] not in rules.handlers:
            continue
        if delay is not None and delay.value.names != ("False",):
            continue
        out.append(
            (filename.line, filename.text or f"{rules.setting} handler {filename.target}", filename.value)
        )
    return out


def _file_path(value: Value, line: int, facts: FileFacts, rules: LogFiles) -> str | None:
    """The file's path from the project's root, when written as literals (relative, or joined to a folder
    of the module written from `__file__`); None when not known."""
    if value.env or value.numbers or value.rewrites or value.parts or value.handed:
        return None
    if not all(isinstance(s, str) for s in value.strings):
        return None  # a template: computed
    parts = [str(s) for s in value.strings]
    names = value.names
    if not names:
        if value.calls == (_JOIN,):
            joined = next((c for c in facts.calls if c.line == line and c.callee == _JOIN), None)
            return _joined(joined, facts, rules) if joined is not None else None
        return project_path(parts[0]) if len(parts) == 1 and not value.calls else None
    if len(names) != 1 or not parts:
        return None
    base = _base_dir(names[0], facts, rules)
    return None if base is None else posixpath.normpath(posixpath.join(base, *parts))


def _joined(call: CallFact, facts: FileFacts, rules: LogFiles) -> str | None:
    """`os.path.join(BASE_DIR, "logs", "app.log")`: the folder a module-level name holds, and literals."""
    if len(call.args) < 2 or call.kwargs or len(call.args[0].names) != 1:
        return None
    rest = call.args[1:]
    if any(len(v.strings) != 1 or not isinstance(v.strings[0], str) or v.names or v.env for v in rest):
        return None
    base = _base_dir(call.args[0].names[0], facts, rules)
    if base is None:
        return None
    return posixpath.normpath(posixpath.join(base, *(str(v.strings[0]) for v in rest)))


def _base_dir(name: str, facts: FileFacts, rules: LogFiles) -> str | None:
    """The project folder a module-level name bound once to `Path(__file__).resolve().parent…` (or nested
    `os.path.dirname(…__file__)`) holds: one folder up per `parent` / `dirname`, from the module's own file;
    None when not so bound or above the project's root."""
    bound = [a for a in facts.assignments if a.target == name and not a.scope]
    if len(bound) != 1 or bound[0].col != 1:
        return None
    for pattern in rules.base_dirs:
        matched = re.match(pattern, bound[0].value.text)
        if matched is None:
            continue
        up = matched.group("up")
        folder = facts.path
        for _ in range(up.count("parent") + up.count("dirname")):
            if not folder:
                return None
            folder = posixpath.dirname(folder)
        return folder
    return None


def _missing_folder(path: str | None, root: Path) -> str:
    """The folder of a log file's path the project does not have ("" when not known, the project's root,
    outside it, or there)."""
    if path is None or path.startswith("../") or path == "..":
        return ""
    folder = posixpath.dirname(path)
    return folder if folder and probe(root / folder) is None else ""
