"""The constraint model of the Constraint Decay paper, and the ways users write it.

Accepted spellings, all case-insensitive:
- `flask+clean_architecture+postgres+sqlalchemy` (any order, `+` or `,` separated);
- a paper task name: `python-flask-openapi-clean_architecture-sqlite-sqlalchemy`,
  `node-express-openapi-unconstrained`;
- separate options (`--framework flask --architecture clean_architecture …`), merged by `merge`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from cdverify.config import ConfigError

PYTHON_FRAMEWORKS = ("flask", "fastapi", "django", "aiohttp")
NODE_FRAMEWORKS = ("express", "fastify", "hono", "koa")
ARCHITECTURES = ("clean_architecture",)
DATABASES = ("sqlite", "postgres")
ORMS = ("sqlalchemy", "sequelize")

_ALIASES = {
    "clean": "clean_architecture",
    "clean-architecture": "clean_architecture",
    "cleanarchitecture": "clean_architecture",
    "postgresql": "postgres",
    "pg": "postgres",
    "sqlite3": "sqlite",
}
_IGNORED_TASK_WORDS = {"openapi", "unconstrained", "none"}


@dataclass(frozen=True)
class Constraints:
    """The active constraints of a task. `None` means the axis is unconstrained."""

    framework: str | None = None
    architecture: str | None = None
    database: str | None = None
    orm: str | None = None
    language: str | None = None  # "python" or "node", implied by the framework
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
    if token in PYTHON_FRAMEWORKS or token in NODE_FRAMEWORKS:
        return "framework", token
    if token in ("task", "task_files", "paper"):
        return "task", "paper"
    for axis, values in (("architecture", ARCHITECTURES), ("database", DATABASES), ("orm", ORMS)):
        if token in values:
            return axis, token
    return None


def _known(axis: str | None = None) -> str:
    """The accepted values, for error messages (the paper's constraint model)."""
    values = {
        "framework": PYTHON_FRAMEWORKS + NODE_FRAMEWORKS,
        "architecture": ARCHITECTURES,
        "database": DATABASES,
        "orm": ORMS,
        "task": ("task",),
    }
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
    if separators == "-" and (raw.startswith(("python-", "node-")) or "-openapi" in raw):
        values["task"] = "paper"  # a paper task name brings the paper's task-file requirements
    tokens = [raw]
    for sep in separators:
        tokens = [part for token in tokens for part in token.split(sep)]
    problems = []
    unknown = []
    for token in (t.strip() for t in tokens):
        if not token or token in _IGNORED_TASK_WORDS:
            continue
        if token in ("python", "node", "nodejs", "js", "ts"):
            values["language"] = "python" if token == "python" else "node"
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
    return validate(Constraints(**values))


def merge(base: Constraints, **options: str | None) -> Constraints:
    """Apply separate command-line options on top of a parsed specification."""
    changes: dict[str, str | None] = {}
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
        implied = "python" if constraints.framework in PYTHON_FRAMEWORKS else "node"
        if language and language != implied:
            problems.append(f"{constraints.framework} is a {implied} framework, not {language}")
        language = implied
    if constraints.orm and not constraints.database:
        problems.append("an ORM constraint needs a database constraint (the paper pairs them)")
    if constraints.orm == "sqlalchemy" and language == "node":
        problems.append("sqlalchemy is a Python ORM; Node projects use sequelize")
    if constraints.orm == "sequelize" and language == "python":
        problems.append("sequelize is a Node ORM; Python projects use sqlalchemy")
    if problems:
        raise ConfigError(problems)
    return replace(constraints, language=language)
