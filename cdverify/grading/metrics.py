"""The paper's tables from graded runs: pure functions of a sequence of `GradedRun` (no I/O, no state).

The definitions are the paper's evaluation scripts' (docs/grading-metrics.md has each one in full):
- a task row per (agent, model, task) — a feature task per (agent, model, framework, task), since the
  paper's feature tasks share names across frameworks (`hard-focused-task-001`): n runs, c successes,
  pass@1, pass@3, pass^3, mean and sample stdev of A% and of strict A%;
- a level row per (agent, model, level): means over tasks; the decay L3 - L0 per (agent, model);
- marginal effects of each constraint over matched pairs of tasks, pooled and per (agent, model);
- a framework leaderboard per (agent, model, framework), with the SEM of the run-level strict A%;
- feature tasks: pass@1, A% and the successes per (agent, model), and per framework and per difficulty
  within it (the paper's evaluation_feature.py: means over tasks).

Every run counts, including a run that could not be graded (`error` set): the paper counts every run folder,
and a run whose patch does not apply is a failed run with 0 assertions there. Such runs are also listed
apart by `errored_runs`, and `TaskRow.errors` counts them. The level, decay, marginal-effect and framework
tables use generation runs only, `feature_rows` feature runs only; `task_rows` has both, with their kind.
All fractions are in 0..1.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from cdverify.constraints import TaskName
from cdverify.grading.records import CANONICAL_ORDER, Constraint, Difficulty, GradedRun, TaskKind

K = 3  # the k of pass@k and pass^k in the paper's tables, besides pass@1

Item = TypeVar("Item")
Key = TypeVar("Key", bound=Hashable)


# -- the estimators ------------------------------------------------------------------------------------------


def pass_at_k(n: int, c: int, k: int) -> float:
    """Chen et al.'s unbiased pass@k, 1 - C(n-c, k) / C(n, k): the chance that k of the n runs drawn without
    replacement hold a success. 0.0 without successes; 1.0 when n < k and there is a success."""
    if n < 1 or k < 1 or not 0 <= c <= n:
        raise ValueError(f"pass@k needs n >= 1, k >= 1 and 0 <= c <= n (n={n}, c={c}, k={k})")
    if c == 0:
        return 0.0
    if n < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def pass_power_k(n: int, c: int, k: int) -> float:
    """pass^k = (c / n)^k: the chance that k independent runs all succeed (`pass_power_3` in the paper)."""
    if n < 1 or k < 1 or not 0 <= c <= n:
        raise ValueError(f"pass^k needs n >= 1, k >= 1 and 0 <= c <= n (n={n}, c={c}, k={k})")
    return (c / n) ** k


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values)


def sample_stdev(values: Sequence[float]) -> float:
    """The sample standard deviation (n - 1); 0 for a single value."""
    return statistics.stdev(values) if len(values) > 1 else 0.0


def standard_error(values: Sequence[float]) -> float:
    """SEM = sample stdev / sqrt(n); 0 for a single value."""
    return sample_stdev(values) / math.sqrt(len(values))


# -- the rows ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRow:
    """One (agent, model, task): its runs summarised. `a` is raw A%, `strict_a` strict A%, means over runs."""

    agent: str
    model: str
    task: str
    kind: TaskKind
    framework: str
    level: int
    constraints: tuple[Constraint, ...]
    n: int
    successes: int
    errors: int  # runs that could not be graded, counted in n as failed runs with 0 assertions
    pass_at_1: float
    pass_at_3: float
    pass_power_3: float
    a: float
    a_stdev: float
    strict_a: float
    strict_a_stdev: float


@dataclass(frozen=True)
class LevelRow:
    """One (agent, model, level) of the paper's Table 1: means over the level's generation tasks."""

    agent: str
    model: str
    level: int
    tasks: int
    strict_a: float
    pass_at_1: float
    a: float
    verifier_impact: float  # a - strict_a: the A% the verifiers took away


@dataclass(frozen=True)
class DecayRow:
    """ΔA% of Table 1 for one (agent, model): level 3 minus level 0."""

    agent: str
    model: str
    strict_a_delta: float
    a_delta: float
    pass_at_1_delta: float


@dataclass(frozen=True)
class MatchedPair:
    """A task holding `constraint` and its sibling without it, both run by the same (agent, model)."""

    constraint: Constraint
    agent: str
    model: str
    task: str
    sibling: str
    delta: float  # strict A%(task) - strict A%(sibling), task-level means


@dataclass(frozen=True)
class MarginalEffectRow:
    """Table 2a: the effect of one constraint over its matched pairs. Pooled rows have no agent and model."""

    constraint: Constraint
    agent: str | None
    model: str | None
    delta: float
    stdev: float
    sem: float
    pairs: int


@dataclass(frozen=True)
class FrameworkRow:
    """Table 3: one (agent, model, framework). `sem` is over the runs' strict A%, as in the paper's script."""

    agent: str
    model: str
    framework: str
    tasks: int
    runs: int
    strict_a: float
    pass_at_1: float
    a: float
    sem: float


@dataclass(frozen=True)
class FeatureRow:
    """Feature tasks of one (agent, model): means over its feature tasks, all of them (framework and
    difficulty None), those of one framework, or those of one difficulty."""

    agent: str
    model: str
    framework: str | None
    difficulty: Difficulty | None
    tasks: int
    runs: int
    successes: int
    pass_at_1: float
    a: float
    strict_a: float


@dataclass(frozen=True)
class Tables:
    """Every table of an experiment."""

    tasks: tuple[TaskRow, ...]
    levels: tuple[LevelRow, ...]
    decay: tuple[DecayRow, ...]
    marginal_effects: tuple[MarginalEffectRow, ...]
    frameworks: tuple[FrameworkRow, ...]
    features: tuple[FeatureRow, ...]
    errors: tuple[GradedRun, ...]


# -- grouping ------------------------------------------------------------------------------------------------


def _group(items: Iterable[Item], key: Callable[[Item], Key]) -> dict[Key, list[Item]]:
    groups: dict[Key, list[Item]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def _runs_by_task(runs: Sequence[GradedRun]) -> dict[tuple[str, str, str, str], list[GradedRun]]:
    """Runs per (agent, model, framework, task) (a generation task's name holds its framework; feature
    tasks share names across frameworks); rejects mixed success rules, repeated trials and inconsistent
    tasks."""
    if len({run.rule for run in runs}) > 1:
        raise ValueError("the runs are judged by different success rules; use GradedRun.under(rule)")
    groups = _group(runs, lambda run: (run.agent, run.model, run.framework, run.task))
    for (agent, model, _, task), group in groups.items():
        if len({run.trial for run in group}) != len(group):
            raise ValueError(f"{agent}/{model}/{task}: a trial appears twice")
        if len({(run.kind, run.framework, run.constraints) for run in group}) > 1:
            raise ValueError(f"{agent}/{model}/{task}: runs disagree on kind, framework or constraints")
    return groups


def _task_row(runs: Sequence[GradedRun]) -> TaskRow:
    first = runs[0]
    n, c = len(runs), sum(run.success for run in runs)
    raw = [run.a for run in runs]
    strict = [run.strict_a for run in runs]
    return TaskRow(
        agent=first.agent,
        model=first.model,
        task=first.task,
        kind=first.kind,
        framework=first.framework,
        level=first.level,
        constraints=first.constraints,
        n=n,
        successes=c,
        errors=sum(run.error is not None for run in runs),
        pass_at_1=pass_at_k(n, c, 1),
        pass_at_3=pass_at_k(n, c, K),
        pass_power_3=pass_power_k(n, c, K),
        a=mean(raw),
        a_stdev=sample_stdev(raw),
        strict_a=mean(strict),
        strict_a_stdev=sample_stdev(strict),
    )


def _task_order(row: TaskRow) -> tuple[str, str, int, str, int, tuple[int, ...], str]:
    """Configuration, then generation before feature tasks, framework, level, constraints, name."""
    constraints = tuple(CANONICAL_ORDER.index(part) for part in row.constraints)
    kind = list(TaskKind).index(row.kind)
    return (row.agent, row.model, kind, row.framework, row.level, constraints, row.task)


def _generation_tasks(runs: Sequence[GradedRun]) -> list[TaskRow]:
    return [row for row in task_rows(runs) if row.kind is TaskKind.GENERATION]


# -- the tables ----------------------------------------------------------------------------------------------


def task_rows(runs: Sequence[GradedRun]) -> tuple[TaskRow, ...]:
    """One row per (agent, model, task), generation and feature tasks alike. Sorted by agent and model, then
    generation before feature tasks, by framework, level and constraints in canonical order."""
    return tuple(sorted((_task_row(group) for group in _runs_by_task(runs).values()), key=_task_order))


def level_rows(runs: Sequence[GradedRun]) -> tuple[LevelRow, ...]:
    """Table 1: per (agent, model, level), the means over its generation tasks of strict A%, pass@1 and A%."""
    groups = _group(_generation_tasks(runs), lambda row: (row.agent, row.model, row.level))
    rows = []
    for (agent, model, level), tasks in sorted(groups.items()):
        strict_a = mean([task.strict_a for task in tasks])
        a = mean([task.a for task in tasks])
        pass_at_1 = mean([task.pass_at_1 for task in tasks])
        rows.append(LevelRow(agent, model, level, len(tasks), strict_a, pass_at_1, a, a - strict_a))
    return tuple(rows)


def decay_rows(runs: Sequence[GradedRun]) -> tuple[DecayRow, ...]:
    """ΔA% = L3 - L0 per (agent, model) that has both levels; a configuration without one has no row."""
    by_level = {(row.agent, row.model, row.level): row for row in level_rows(runs)}
    rows = []
    for agent, model in sorted({(agent, model) for agent, model, _ in by_level}):
        low, high = by_level.get((agent, model, 0)), by_level.get((agent, model, 3))
        if low is None or high is None:
            continue
        rows.append(
            DecayRow(
                agent,
                model,
                strict_a_delta=high.strict_a - low.strict_a,
                a_delta=high.a - low.a,
                pass_at_1_delta=high.pass_at_1 - low.pass_at_1,
            )
        )
    return tuple(rows)


def matched_pairs(runs: Sequence[GradedRun]) -> tuple[MatchedPair, ...]:
    """Every (agent, model, task) holding a constraint, paired with its sibling task without it when the same
    (agent, model) ran the sibling. In canonical constraint order, then by agent, model and task.

    A sibling that is no task at all (`sqlalchemy` alone, from `postgres-sqlalchemy`) is simply never among
    the runs, so such a task has no pair for that constraint, as in the paper."""
    tasks = _generation_tasks(runs)
    strict_a = {(row.agent, row.model, row.task): row.strict_a for row in tasks}
    pairs = []
    for constraint in CANONICAL_ORDER:
        for row in tasks:
            if constraint not in row.constraints:
                continue
            sibling = TaskName(row.framework, row.constraints).without(constraint).name
            other = strict_a.get((row.agent, row.model, sibling))
            if other is not None:
                pairs.append(
                    MatchedPair(constraint, row.agent, row.model, row.task, sibling, row.strict_a - other)
                )
    return tuple(pairs)


def _effect(
    constraint: Constraint, agent: str | None, model: str | None, deltas: Sequence[float]
) -> MarginalEffectRow:
    return MarginalEffectRow(
        constraint, agent, model, mean(deltas), sample_stdev(deltas), standard_error(deltas), len(deltas)
    )


def marginal_effects(runs: Sequence[GradedRun]) -> tuple[MarginalEffectRow, ...]:
    """Table 2a: per constraint, mean, sample stdev and SEM of the matched pairs' deltas, and their number.

    First the rows pooled over all configurations and frameworks (agent and model None), in canonical order;
    then one row per (agent, model) and constraint. A constraint without pairs has no row."""
    pairs = matched_pairs(runs)
    pooled = _group(pairs, lambda pair: pair.constraint)
    per_configuration = _group(
        pairs, lambda pair: (pair.agent, pair.model, CANONICAL_ORDER.index(pair.constraint))
    )
    rows = [
        _effect(c, None, None, [pair.delta for pair in pooled[c]]) for c in CANONICAL_ORDER if c in pooled
    ]
    for (agent, model, _), group in sorted(per_configuration.items()):
        rows.append(_effect(group[0].constraint, agent, model, [pair.delta for pair in group]))
    return tuple(rows)


def framework_rows(runs: Sequence[GradedRun]) -> tuple[FrameworkRow, ...]:
    """Table 3: per (agent, model, framework), means over its generation tasks of strict A%, pass@1 and A%,
    and the SEM of its runs' strict A% (sample stdev of the runs / sqrt(runs))."""
    tasks = _group(_generation_tasks(runs), lambda row: (row.agent, row.model, row.framework))
    generation = (run for run in runs if run.kind is TaskKind.GENERATION)
    strict_by_run = _group(generation, lambda run: (run.agent, run.model, run.framework))
    rows = []
    for (agent, model, framework), group in sorted(tasks.items()):
        strict_runs = [run.strict_a for run in strict_by_run[(agent, model, framework)]]
        rows.append(
            FrameworkRow(
                agent,
                model,
                framework,
                tasks=len(group),
                runs=len(strict_runs),
                strict_a=mean([row.strict_a for row in group]),
                pass_at_1=mean([row.pass_at_1 for row in group]),
                a=mean([row.a for row in group]),
                sem=standard_error(strict_runs),
            )
        )
    return tuple(rows)


def feature_rows(runs: Sequence[GradedRun]) -> tuple[FeatureRow, ...]:
    """Feature tasks per (agent, model): pass@1, A% and strict A% as means over its feature tasks (a task
    is a framework's task: each framework has its own `hard-focused-task-001`), successes and runs summed.
    Per (agent, model): the row of all its feature tasks, then one per framework, then one per difficulty,
    as the paper's evaluation_feature.py groups them."""
    features = [row for row in task_rows(runs) if row.kind is TaskKind.FEATURE]
    rows = []
    for (agent, model), tasks in sorted(_group(features, lambda row: (row.agent, row.model)).items()):
        rows.append(_feature_row(agent, model, None, None, tasks))
        for framework, group in sorted(_group(tasks, lambda row: row.framework).items()):
            rows.append(_feature_row(agent, model, framework, None, group))
        by_difficulty = _group(tasks, lambda row: Difficulty.of(row.task))
        for difficulty in Difficulty:
            if difficulty in by_difficulty:
                rows.append(_feature_row(agent, model, None, difficulty, by_difficulty[difficulty]))
    return tuple(rows)


def _feature_row(
    agent: str, model: str, framework: str | None, difficulty: Difficulty | None, tasks: Sequence[TaskRow]
) -> FeatureRow:
    return FeatureRow(
        agent,
        model,
        framework,
        difficulty,
        tasks=len(tasks),
        runs=sum(row.n for row in tasks),
        successes=sum(row.successes for row in tasks),
        pass_at_1=mean([row.pass_at_1 for row in tasks]),
        a=mean([row.a for row in tasks]),
        strict_a=mean([row.strict_a for row in tasks]),
    )


def errored_runs(runs: Sequence[GradedRun]) -> tuple[GradedRun, ...]:
    """The runs that could not be graded, by agent, model, task and trial. They also count in every table."""
    failed = (run for run in runs if run.error is not None)
    return tuple(sorted(failed, key=lambda run: (run.agent, run.model, run.task, run.trial)))


def summarise(runs: Sequence[GradedRun]) -> Tables:
    """Every table of an experiment."""
    return Tables(
        tasks=task_rows(runs),
        levels=level_rows(runs),
        decay=decay_rows(runs),
        marginal_effects=marginal_effects(runs),
        frameworks=framework_rows(runs),
        features=feature_rows(runs),
        errors=errored_runs(runs),
    )
