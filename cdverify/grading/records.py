"""The typed records of a graded experiment: one `GradedRun` per run folder, and the rule that says which
runs succeed.

A run is scored as the paper scores it (docs/grading-metrics.md):
- A% = passed / total assertions, 0 when there are none; a run without a behaviour report has 0 assertions;
- the tests pass when total > 0 and no assertion failed;
- the run is compliant when every verifier on the success rule's axes passes or does not apply (a verdict
  that is unknown — the code could not be laid out — is not a pass); the paper's rule uses architecture,
  database and ORM;
- success = tests pass and compliant; strict A% = A% when compliant, else 0.

A run that could not be graded (`error` set) still counts as a run, the way the paper counts every run folder:
it is a failed run with 0 assertions that is never compliant, as a run whose patch does not apply is there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from cdverify.config import ConfigError
from cdverify.constraints import TASK_PART_ORDER, TaskName, TaskPart, parse_task_name


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"  # the verifier applies but could not run (a feature run's base repository is missing)


class Axis(StrEnum):
    """The verifiers a run is judged by. The paper's success rule uses the first three."""

    ARCHITECTURE = "architecture"
    DATABASE = "database"
    ORM = "orm"
    FRAMEWORK = "framework"
    TASK = "task"  # the task files of the paper's prompt (run.sh, manifest, /api, port)


class TaskKind(StrEnum):
    GENERATION = "generation"  # the 80 tasks that build an app in an empty workspace
    FEATURE = "feature"  # the 20 tasks that re-implement code removed from a real RealWorld repository


class Difficulty(StrEnum):
    """A feature task's difficulty: the prefix of its name (`hard-focused-task-001`), as the paper has it."""

    SIMPLE = "simple"
    INTERMEDIATE = "intermediate"
    HARD = "hard"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, task: str) -> Difficulty:
        return next((level for level in cls if task.startswith(level.value)), cls.UNKNOWN)


Constraint = TaskPart  # a constraint part of a paper task name, in the paper's canonical order
CANONICAL_ORDER: tuple[Constraint, ...] = TASK_PART_ORDER
PAPER_AXES: frozenset[Axis] = frozenset({Axis.ARCHITECTURE, Axis.DATABASE, Axis.ORM})


def canonical(constraints: Iterable[Constraint | str]) -> tuple[Constraint, ...]:
    """The constraint parts once each, in the canonical order. Raises ValueError on an unknown part."""
    present = {Constraint(part) for part in constraints}
    return tuple(part for part in CANONICAL_ORDER if part in present)


def generation_task(text: str) -> TaskName:
    """The paper task a generation run names (`flask-openapi-sqlite`, `node-express-openapi-unconstrained`);
    ValueError when `text` is none."""
    try:
        return parse_task_name(text)
    except ConfigError as error:
        raise ValueError(f"{text!r} is not a paper task name: {error}") from error


MAX_FAILURES = 20  # the failing assertions a run keeps, in report order: what a reader looks at first


@dataclass(frozen=True)
class AssertionFailure:
    """One failing assertion of a behaviour report: the request it tested, its name, and why it failed (the
    assertion's error message; a newman CSV keeps none, so there it is the response's status)."""

    request: str
    assertion: str
    message: str = ""


@dataclass(frozen=True)
class Assertions:
    """A run's assertion counts (the column sums of a newman CSV report: `totalAssertions`, `executedCount`
    = passed, `failedCount`). `total - passed - failed` assertions were skipped.

    `failures` are the first MAX_FAILURES failing assertions the report names (longer lists are cut there):
    evidence for a reader, not part of the score, so two reports with the same counts compare equal."""

    total: int
    passed: int
    failed: int
    failures: tuple[AssertionFailure, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if min(self.total, self.passed, self.failed) < 0 or self.passed + self.failed > self.total:
            raise ValueError(f"inconsistent assertion counts: {self}")
        if len(self.failures) > self.failed:
            raise ValueError(f"{len(self.failures)} failures listed for {self.failed} failed assertion(s)")
        object.__setattr__(self, "failures", tuple(self.failures[:MAX_FAILURES]))

    @property
    def skipped(self) -> int:
        return self.total - self.passed - self.failed


@dataclass(frozen=True)
class SuccessRule:
    """The verifier axes that join the success rule; by default the paper's: architecture, database, ORM."""

    axes: frozenset[Axis] = PAPER_AXES

    def __post_init__(self) -> None:
        object.__setattr__(self, "axes", frozenset(Axis(axis) for axis in self.axes))

    def including(self, *axes: Axis | str) -> SuccessRule:
        return SuccessRule(self.axes | {Axis(axis) for axis in axes})

    @classmethod
    def from_includes(cls, text: str) -> SuccessRule:
        """The paper's rule plus `--success-includes framework,task`. Raises ValueError on an unknown axis."""
        words = [word.strip().lower() for word in text.split(",") if word.strip()]
        unknown = [word for word in words if word not in set(Axis)]
        if unknown:
            raise ValueError(f"unknown verifier {', '.join(unknown)} (known: {', '.join(Axis)})")
        return cls().including(*words)

    def compliant(self, verdicts: Mapping[Axis, Verdict]) -> bool:
        """Every applicable verifier on the rule's axes passes; a missing verdict is not applicable, an
        unknown one is no pass."""
        judged = (verdicts.get(axis, Verdict.NOT_APPLICABLE) for axis in self.axes)
        return all(verdict in (Verdict.PASS, Verdict.NOT_APPLICABLE) for verdict in judged)


PAPER_RULE = SuccessRule()


def _every_axis(verdicts: Mapping[Axis, Verdict] | Mapping[str, str]) -> Mapping[Axis, Verdict]:
    """A read-only verdict per axis; an axis without a verdict is not applicable."""
    given = {Axis(axis): Verdict(verdict) for axis, verdict in verdicts.items()}
    return MappingProxyType({axis: given.get(axis, Verdict.NOT_APPLICABLE) for axis in Axis})


@dataclass(frozen=True)
class GradedRun:
    """One run folder: who ran which task, what its behaviour report counted and what the verifiers said.

    `assertions` is None when the run has no behaviour report (0 assertions, as in the paper). For a
    generation task, `task` is stored in the results folders' form (`python-`/`node-` prefix dropped, parts in
    canonical order) and must agree with `framework` and `constraints`; `GradedRun.generation` derives them.
    """

    agent: str
    model: str
    task: str
    trial: int
    framework: str
    constraints: tuple[Constraint, ...]
    kind: TaskKind
    assertions: Assertions | None
    verdicts: Mapping[Axis, Verdict] = field(default_factory=dict, hash=False)
    error: str | None = None  # why the run could not be graded
    rule: SuccessRule = PAPER_RULE

    def __post_init__(self) -> None:
        kind = TaskKind(self.kind)
        constraints = canonical(self.constraints)
        task = self.task
        if kind is TaskKind.GENERATION:
            name = generation_task(task)
            if (name.framework, name.parts) != (self.framework, constraints):
                raise ValueError(
                    f"task {task!r} is {name.framework} with {list(name.parts)}, "
                    f"not {self.framework} with {list(constraints)}"
                )
            task = name.name
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "constraints", constraints)
        object.__setattr__(self, "task", task)
        object.__setattr__(self, "verdicts", _every_axis(self.verdicts))

    @classmethod
    def generation(
        cls,
        agent: str,
        model: str,
        task: str,
        trial: int,
        assertions: Assertions | None,
        verdicts: Mapping[Axis, Verdict] | Mapping[str, str] | None = None,
        error: str | None = None,
        rule: SuccessRule = PAPER_RULE,
    ) -> GradedRun:
        """A run of a generation task; framework and constraints come from the task name."""
        name = generation_task(task)
        return cls(
            agent,
            model,
            name.name,
            trial,
            name.framework,
            name.parts,
            TaskKind.GENERATION,
            assertions,
            _every_axis(verdicts or {}),
            error,
            rule,
        )

    def __reduce__(self) -> tuple[type[GradedRun], tuple[Any, ...]]:
        """Picklable (graded in worker processes): the verdicts travel as a plain dict."""
        fields = (self.agent, self.model, self.task, self.trial, self.framework, self.constraints, self.kind)
        return (type(self), (*fields, self.assertions, dict(self.verdicts), self.error, self.rule))

    def under(self, rule: SuccessRule) -> GradedRun:
        """The same run judged by another success rule."""
        return replace(self, rule=rule)

    @property
    def level(self) -> int:
        return len(self.constraints)

    @property
    def a(self) -> float:
        """A%: passed / total, in 0..1; 0 without assertions and for a run that could not be graded."""
        if self.error is not None or self.assertions is None or self.assertions.total == 0:
            return 0.0
        return self.assertions.passed / self.assertions.total

    @property
    def tests_pass(self) -> bool:
        return (
            self.error is None
            and self.assertions is not None
            and self.assertions.total > 0
            and self.assertions.failed == 0
        )

    @property
    def compliant(self) -> bool:
        return self.error is None and self.rule.compliant(self.verdicts)

    @property
    def success(self) -> bool:
        return self.tests_pass and self.compliant

    @property
    def strict_a(self) -> float:
        """Strict A%: A% when the run is compliant, else 0."""
        return self.a if self.compliant else 0.0
