"""The paper's task definitions (`data/tasks/` of its artifact), read into typed records: `--tasks DIR`.

A definition is one JSON file; every file under DIR (at any depth, hidden folders skipped) is read:

- a **feature task**, `{framework}/{framework}-hard-focused-task-00N.json` beside its `.patch`: `dockerFolder`
  is the framework folder the results layout files its runs under, `name` the task folder there
  (`hard-focused-task-001`), `patch` the task's own patch (it removes the feature from the base repository),
  `repoMetadata.repoUrl` and `repoCommit` the base repository;
- a **generation task**, `{uv|node}/{uv|node}-{framework}-openapi-….json`: `dockerFolder` is the runtime,
  `name` the paper task name, `patch` null, `repoUrl` and `repoCommit` empty.

Both carry the setup and run commands, the port, the base URL and the health check. The loader checks
every file and raises one `GradeInputError` listing every problem, each with its file: JSON that does not
parse, a missing or unknown key, a value of the wrong type, a task patch that is not there, a task named
twice. Definitions are indexed by (folder, name), the way the results layout names a run's task.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdverify.config import ConfigError
from cdverify.constraints import parse_task_name
from cdverify.grading.layout import FEATURE_FRAMEWORKS, GENERATION_RUNTIMES, GradeInputError, RunKind

# key → required?, of the definition and of its two objects
_TASK_KEYS = {
    "name": True,
    "prompt": True,
    "dockerFolder": True,
    "patch": True,
    "repoMetadata": True,
    "description": False,
    "taskMetadata": False,
    "postmanCollection": False,
}
_REPO_KEYS = {
    "repoUrl": False,
    "repoCommit": False,
    "setupCmds": True,
    "runCmds": True,
    "port": True,
    "baseUrl": True,
    "healthcheckEndpoint": True,
}
_SIZE_KEYS = {"linesAdded": True, "linesRemoved": True, "linesOfChange": True, "numChangedFiles": True}
MAX_PROBLEMS_SHOWN = 40


@dataclass(frozen=True)
class RepoMetadata:
    """How the harness builds and serves a task's code (`repoMetadata`)."""

    repo_url: str | None  # the base repository of a feature task; None for a generation task
    repo_commit: str | None
    setup_cmds: tuple[str, ...]
    run_cmds: tuple[str, ...]
    port: int
    base_url: str
    healthcheck_endpoint: str


@dataclass(frozen=True)
class TaskSize:
    """The size of a feature task's own patch (`taskMetadata`)."""

    lines_added: int
    lines_removed: int
    lines_of_change: int
    changed_files: int


@dataclass(frozen=True)
class TaskDefinition:
    """One task definition file."""

    name: str  # as the results layout names the task folder (a generation name in the canonical form)
    kind: RunKind
    folder: str  # `dockerFolder`: the runtime (uv, node) or the feature task's framework folder
    description: str
    prompt: str
    patch: Path | None  # the task's own patch, beside the definition (feature tasks)
    repo: RepoMetadata
    size: TaskSize | None
    postman_collection: str | None
    source: Path  # the JSON file

    @property
    def key(self) -> tuple[str, str]:
        return (self.folder, self.name)


@dataclass(frozen=True)
class TaskDefinitions:
    """The definitions of a folder, by (folder, name)."""

    root: Path
    by_key: Mapping[tuple[str, str], TaskDefinition]

    def find(self, folder: str | None, name: str) -> TaskDefinition | None:
        return None if folder is None else self.by_key.get((folder, name))

    def __len__(self) -> int:
        return len(self.by_key)

    def __iter__(self) -> Iterator[TaskDefinition]:
        return iter(self.by_key.values())


def load_task_definitions(root: Path) -> TaskDefinitions:
    """Read every `*.json` under `root`. Raises GradeInputError listing every problem found."""
    if not root.is_dir():
        raise GradeInputError(f"{root}: the task definitions folder does not exist")
    files = sorted(
        path
        for path in root.rglob("*.json")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )
    if not files:
        raise GradeInputError(f"{root}: no task definition (*.json) in it")
    problems: list[str] = []
    found: dict[tuple[str, str], TaskDefinition] = {}
    for path in files:
        definition = _read_definition(path, problems)
        if definition is None:
            continue
        seen = found.get(definition.key)
        if seen is not None:
            problems.append(f"{path}: task {definition.folder}/{definition.name} is also {seen.source}")
            continue
        found[definition.key] = definition
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        lines = "\n  ".join([*shown, *([f"… and {more} more"] if more else [])])
        raise GradeInputError(f"{root}: {len(problems)} problem(s) in the task definitions:\n  {lines}")
    return TaskDefinitions(root, dict(sorted(found.items())))


class _Fields:
    """A JSON object's fields, checked against their expected keys; problems are collected, not raised."""

    def __init__(self, path: Path, where: str, value: Any, keys: Mapping[str, bool], problems: list[str]):
        self.path, self.where, self.problems = path, where, problems
        self.values: dict[str, Any] = value if isinstance(value, dict) else {}
        self.ok = isinstance(value, dict)
        if not self.ok:
            self.problem(f"{where or 'the definition'} must be a JSON object")
            return
        missing = [key for key, required in keys.items() if required and key not in self.values]
        unknown = [key for key in self.values if key not in keys]
        if missing:
            self.problem(f"no key {', '.join(self._named(k) for k in missing)}")
        if unknown:
            named = ", ".join(self._named(key) for key in unknown)
            self.problem(f"unknown key {named} (known: {', '.join(keys)})")
            self.ok = False
        self.ok = self.ok and not missing

    def _named(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def problem(self, message: str) -> None:
        self.problems.append(f"{self.path}: {message}")

    def get(self, key: str, check: Callable[[Any], bool], expected: str, *, null: bool = False) -> Any:
        value = self.values.get(key)
        if (value is None and null) or (key not in self.values) or check(value):
            return value
        self.problem(f"{self._named(key)} must be {expected}, not {json.dumps(value)[:60]}")
        self.ok = False
        return None


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and "/" not in value and value not in (".", "..")


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_port(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536


def _is_commands(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _read_definition(path: Path, problems: list[str]) -> TaskDefinition | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{path}: cannot be read ({error})")
        return None
    except json.JSONDecodeError as error:
        problems.append(f"{path}: not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})")
        return None
    before = len(problems)  # the definition is kept only when it added no problem
    task = _Fields(path, "", document, _TASK_KEYS, problems)
    if not task.ok:
        return None
    name = task.get("name", _is_name, "a task name (no '/')")
    folder = task.get("dockerFolder", _is_name, "a folder name (no '/')")
    prompt = task.get("prompt", _is_text, "a string")
    description = task.get("description", _is_text, "a string", null=True) or ""
    patch_name = task.get("patch", _is_name, "a file name beside the definition", null=True)
    collection = task.get("postmanCollection", _is_text, "a string", null=True)
    repo = _repo(path, task.values["repoMetadata"], problems)
    size = _size(path, task.values.get("taskMetadata"), problems)
    if len(problems) > before or repo is None or name is None or folder is None:
        return None
    kind = RunKind.GENERATION if folder in GENERATION_RUNTIMES else RunKind.FEATURE
    patch = None if patch_name is None else path.parent / patch_name
    if kind is RunKind.GENERATION:
        try:
            parsed = parse_task_name(name)
        except ConfigError as error:
            task.problem(f"name: {error}")
            return None
        if parsed.runtime != folder:
            task.problem(f"{name} is a {parsed.language} task, but its dockerFolder is {folder}")
            return None
        name = parsed.name
    else:
        if folder not in FEATURE_FRAMEWORKS:
            known = ", ".join((*GENERATION_RUNTIMES, *FEATURE_FRAMEWORKS))
            task.problem(f"dockerFolder {folder!r} is no runtime or feature framework folder ({known})")
            return None
        base = (("repoUrl", repo.repo_url), ("repoCommit", repo.repo_commit))
        missing = [key for key, value in base if not value]
        if missing or patch is None:
            what = [f"repoMetadata.{key}" for key in missing] + (["patch"] if patch is None else [])
            task.problem(f"a feature task needs {', '.join(what)} (its base repository and its own patch)")
            return None
    if patch is not None and not patch.is_file():
        task.problem(f"its patch {patch.name} is not beside it")
        return None
    return TaskDefinition(name, kind, folder, description, prompt or "", patch, repo, size, collection, path)


def _repo(path: Path, value: Any, problems: list[str]) -> RepoMetadata | None:
    repo = _Fields(path, "repoMetadata", value, _REPO_KEYS, problems)
    if not repo.ok:
        return None
    url = repo.get("repoUrl", _is_text, "a string", null=True)
    commit = repo.get("repoCommit", _is_text, "a string", null=True)
    setup = repo.get("setupCmds", _is_commands, "a list of strings")
    run = repo.get("runCmds", _is_commands, "a list of strings")
    port = repo.get("port", _is_port, "a port number (1-65535)")
    base_url = repo.get("baseUrl", _is_text, "a string")
    health = repo.get("healthcheckEndpoint", _is_text, "a string")
    if not repo.ok:
        return None
    return RepoMetadata(
        (url or "").strip() or None,
        (commit or "").strip() or None,
        tuple(setup),
        tuple(run),
        port,
        base_url,
        health,
    )


def _size(path: Path, value: Any, problems: list[str]) -> TaskSize | None:
    """The task's size; None when absent (null) or malformed (with the problem added)."""
    if value is None:
        return None
    size = _Fields(path, "taskMetadata", value, _SIZE_KEYS, problems)
    if not size.ok:
        return None
    counts = [size.get(key, _is_count, "a count") for key in _SIZE_KEYS]
    return TaskSize(*counts) if size.ok else None
