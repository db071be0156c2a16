"""The constraint model of the Constraint Decay paper, and the ways users write it.

Accepted spellings, all case-insensitive:
- `flask+clean_architecture+postgres+sqlalchemy` (any order, `+` or `,` separated);
- a paper task name, as the paper's results name it (`flask-openapi-clean_architecture-sqlite-sqlalchemy`)
  or with a language prefix (`python-…`, `uv-…` as in the paper's task files, `node-…`);
- separate options (`--framework flask --architecture clean_architecture …`), merged by `merge`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import StrEnum
from functools import cache
from typing import Any

from cdverify.config import ConfigError
from cdverify.model import Family


@cache
def axis_values() -> dict[str, tuple[str, ...]]:
    """The accepted values of each axis, from the catalogues: the paper's frameworks (`paper = true` in
    rules/frameworks.toml; `python` and `node` split them by language), the architecture presets, the
    `[constraint]` table of rules/database/engines.toml and the ORM libraries' `constraint`."""
    from cdverify.catalog import load_rules, preset_names
    from cdverify.rules_schema import Engines, Frameworks, OrmLibraries

    frameworks = load_rules(Frameworks)
    python = tuple(name for name, entry in frameworks.python.items() if entry.paper)
    node = tuple(name for name, entry in frameworks.node.items() if entry.paper)
    libraries = load_rules(OrmLibraries).libraries.values()
    return {
        "python": python,
        "node": node,
        "framework": python + node,
        "architecture": tuple(preset_names()),
        "database": tuple(load_rules(Engines).constraint),
        "orm": tuple(library.constraint for library in libraries if library.constraint is not None),
    }


def _family_of(framework: str) -> Family:
    """The language family of one of the paper's frameworks."""
    return Family.PYTHON if framework in axis_values()["python"] else Family.NODE


_ALIASES = {
    "clean": "clean_architecture",
    "clean-architecture": "clean_architecture",
    "cleanarchitecture": "clean_architecture",
    "postgresql": "postgres",
    "pg": "postgres",
    "sqlite3": "sqlite",
}
_IGNORED_TASK_WORDS = {"openapi", "unconstrained", "none"}
# The language words a specification may carry; `uv` is the paper's name for its Python runtime.
_LANGUAGE_WORDS = {
    "python": Family.PYTHON,
    "uv": Family.PYTHON,
    "node": Family.NODE,
    "nodejs": Family.NODE,
    "js": Family.NODE,
    "ts": Family.NODE,
}
# A paper task name: `[{prefix}-]{framework}-openapi-{constraint parts | unconstrained}`.
TASK_PREFIXES = {"python": Family.PYTHON, "uv": Family.PYTHON, "node": Family.NODE}
TASK_SPEC = "openapi"


class TaskPart(StrEnum):
    """A constraint part of a paper task name, declared in the paper's canonical order (its matched-pair
    tables rebuild task names in it)."""

    CLEAN_ARCHITECTURE = "clean_architecture"
    POSTGRES = "postgres"
    SQLITE = "sqlite"
    SQLALCHEMY = "sqlalchemy"
    SEQUELIZE = "sequelize"


TASK_PART_ORDER: tuple[TaskPart, ...] = tuple(TaskPart)
RUNTIMES = {Family.PYTHON: "uv", Family.NODE: "node"}  # the paper's runtime folder of each language


@dataclass(frozen=True)
class Constraints:
    """The active constraints of a task. `None` means the axis is unconstrained."""

    framework: str | None = None
    architecture: str | None = None
    database: str | None = None
    orm: str | None = None
    language: Family | None = None  # implied by the framework
    task: str | None = None  # "paper": the task files of the paper's prompt (run.sh, manifest, /api, port)

    @property
    def level(self) -> int:  # the task files are not a level constraint
        """The paper's L0-L3: the number of active non-framework constraints."""
        return sum(value is not None for value in (self.architecture, self.database, self.orm))

    def active(self) -> dict[str, str]:
        """Axis → required value, for every active constraint (the language is not a constraint)."""
        return {
            f.name: value
            for f in fields(self)
            if f.name != "language" and (value := getattr(self, f.name)) is not None
        }

    def __str__(self) -> str:
        return "+".join(self.active().values()) or "unconstrained"


def _axis_of(token: str) -> tuple[str, str] | None:
    token = _ALIASES.get(token, token)
    values = axis_values()
    if token in values["framework"]:
        return "framework", token
    if token in ("task", "task_files", "paper"):
        return "task", "paper"
    for axis in ("architecture", "database", "orm"):
        if token in values[axis]:
            return axis, token
    return None


def _known(axis: str | None = None) -> str:
    """The accepted values, for error messages (the paper's constraint model)."""
    values = {axis: axis_values()[axis] for axis in ("framework", "architecture", "database", "orm")}
    values["task"] = ("task",)
    if axis is not None:
        return ", ".join((*values.get(axis, ()), "none"))
    return "; ".join(f"{name}: {', '.join(options)}" for name, options in values.items())


def parse_constraints(text: str) -> Constraints:
    """Parse `flask+clean_architecture` or a paper task name. Raises ConfigError on unknown words."""
    raw = _ALIASES.get(text.strip().lower(), text.strip().lower())
    if not raw:
        raise ConfigError(["empty constraint specification"])
    separators = "+," if ("+" in raw or "," in raw) else "-"
    values: dict[str, str] = {}
    language: Family | None = None
    if separators == "-" and (raw.startswith(("python-", "uv-", "node-")) or "-openapi" in raw):
        values["task"] = "paper"  # a paper task name brings the paper's task-file requirements
    tokens = [raw]
    for sep in separators:
        tokens = [part for token in tokens for part in token.split(sep)]
    problems = []
    unknown = []
    for token in (t.strip() for t in tokens):
        if not token or token in _IGNORED_TASK_WORDS:
            continue
        if token in _LANGUAGE_WORDS:
            language = _LANGUAGE_WORDS[token]
            continue
        found = _axis_of(token)
        if found is None:
            unknown.append(repr(token))
            continue
        axis, value = found
        if axis in values and values[axis] != value:
            problems.append(f"two values for {axis}: {values[axis]!r} and {value!r}")
        values[axis] = value
    if unknown:
        problems.insert(0, f"unknown constraint {', '.join(unknown)} in {text!r} (known: {_known()})")
    if problems:
        raise ConfigError(problems)
    return validate(Constraints(**values, language=language))


def merge(base: Constraints, **options: str | None) -> Constraints:
    """Apply separate command-line options on top of a parsed specification."""
    changes: dict[str, Any] = {}  # axis → value (None: unconstrained)
    for axis, value in options.items():
        if value is None:
            continue
        value = value.lower()
        if value in _IGNORED_TASK_WORDS:
            changes[axis] = None
            continue
        found = _axis_of(value)
        if found is None or found[0] != axis:
            raise ConfigError([f"unknown {axis} {value!r} (known: {_known(axis)})"])
        changes[axis] = found[1]
    return validate(replace(base, **changes))


def validate(constraints: Constraints) -> Constraints:
    problems = []
    language = constraints.language
    if constraints.framework:
        implied = _family_of(constraints.framework)
        if language and language != implied:
            problems.append(f"{constraints.framework} is a {implied} framework, not {language}")
        language = implied
    if constraints.orm and not constraints.database:
        problems.append("an ORM constraint needs a database constraint (the paper pairs them)")
    if constraints.orm == "sqlalchemy" and language == Family.NODE:
        problems.append("sqlalchemy is a Python ORM; Node projects use sequelize")
    if constraints.orm == "sequelize" and language == Family.PYTHON:
        problems.append("sequelize is a Node ORM; Python projects use sqlalchemy")
    if problems:
        raise ConfigError(problems)
    return replace(constraints, language=language)


@dataclass(frozen=True)
class TaskName:
    """A generation task of the paper, `{framework}-openapi-{constraint parts}` (`unconstrained` for none)."""

    framework: str
    parts: tuple[TaskPart, ...] = ()  # the constraint parts, kept once each in the canonical order

    def __post_init__(self) -> None:
        present = {TaskPart(part) for part in self.parts}  # ValueError on a word that is no part
        object.__setattr__(self, "parts", tuple(part for part in TASK_PART_ORDER if part in present))

    @property
    def name(self) -> str:
        """The name as the paper's results layout writes it, without a language prefix."""
        return f"{self.framework}-{TASK_SPEC}-{'-'.join(self.parts) or 'unconstrained'}"

    @property
    def language(self) -> Family:
        return _family_of(self.framework)

    @property
    def runtime(self) -> str:
        """The paper's runtime folder of the task: `uv` (Python) or `node`."""
        return RUNTIMES[self.language]

    @property
    def level(self) -> int:
        """The paper's L0-L3: the number of constraint parts."""
        return len(self.parts)

    def constraints(self) -> Constraints:
        """What the task requires: its framework and parts, and the paper's task files."""
        return parse_constraints(self.name)

    def without(self, part: TaskPart) -> TaskName:
        """The matched-pair sibling: the same framework, the other parts (`unconstrained` if none remain).
        Not always a task of the paper (`sqlalchemy` alone is none)."""
        return TaskName(self.framework, tuple(other for other in self.parts if other != part))

    def __str__(self) -> str:
        return self.name


def parse_task_name(text: str) -> TaskName:
    """Read a paper generation task name, with or without a `python-`/`uv-`/`node-` prefix.

    Only the paper's own words are accepted (no aliases such as `postgresql`); the parts may come in any
    order and are kept in the canonical one, so that `flask-openapi-sqlite-clean_architecture` and
    `flask-openapi-clean_architecture-sqlite` are the same task. Raises ConfigError when `text` is no
    task name.
    """
    words = text.strip().lower().split("-")
    prefix_language = TASK_PREFIXES.get(words[0]) if len(words) > 1 else None
    if prefix_language is not None:
        words = words[1:]
    if len(words) < 3 or words[1] != TASK_SPEC:
        expected = "{framework}-openapi-{constraints}"
        raise ConfigError([f"{text!r} is no paper task name (expected {expected})"])
    framework, parts = words[0], words[2:]
    problems = []
    if framework not in axis_values()["framework"]:
        known = ", ".join(axis_values()["framework"])
        problems.append(f"unknown framework {framework!r} in task {text!r} (known: {known})")
    if parts == ["unconstrained"]:
        parts = []
    unknown = [part for part in parts if part not in TASK_PART_ORDER]
    if unknown:
        problems.append(
            f"unknown constraint {', '.join(map(repr, unknown))} in task {text!r} "
            f"(known: {', '.join(TASK_PART_ORDER)}, or unconstrained alone)"
        )
    if len(set(parts)) != len(parts):
        problems.append(f"a constraint is repeated in task {text!r}")
    if problems:
        raise ConfigError(problems)
    task = TaskName(framework, tuple(TaskPart(part) for part in parts))
    if prefix_language is not None and prefix_language != task.language:
        raise ConfigError(
            [f"task {text!r}: {framework} is a {task.language} framework, not {prefix_language}"]
        )
    task.constraints()  # an impossible combination (an ORM without a database, of the other language) fails
    return task
