"""The paper's metrics (cdverify.grading): a small experiment whose every figure is worked out by hand, the edge
cases, and a property test against a deliberately naive recomputation from the per-run records."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdverify.constraints import TaskName
from cdverify.grading.metrics import (
    DecayRow,
    FeatureRow,
    FrameworkRow,
    LevelRow,
    MarginalEffectRow,
    MatchedPair,
    TaskRow,
    decay_rows,
    errored_runs,
    feature_rows,
    framework_rows,
    level_rows,
    marginal_effects,
    matched_pairs,
    pass_at_k,
    pass_power_k,
    summarise,
    task_rows,
)
from cdverify.grading.records import (
    Assertions,
    Axis,
    Constraint,
    Difficulty,
    GradedRun,
    SuccessRule,
    TaskKind,
    Verdict,
    generation_task,
)

CA, PG, SQ, SA, SE = (
    Constraint.CLEAN_ARCHITECTURE,
    Constraint.POSTGRES,
    Constraint.SQLITE,
    Constraint.SQLALCHEMY,
    Constraint.SEQUELIZE,
)
GEN, FEAT = TaskKind.GENERATION, TaskKind.FEATURE
A = ("mini_swe", "gpt-5.4")
B = ("claude_code", "sonnet-4.5")


def report(passed: int, failed: int, total: int = 10) -> Assertions:
    return Assertions(total, passed, failed)


def verdicts_for(task: str, fail: str = "") -> dict[str, str]:
    """Each verifier the task applies passes, except the axes named in `fail`; framework and task files pass."""
    applies = {
        "architecture": "clean_architecture" in task,
        "database": "sqlite" in task or "postgres" in task,
        "orm": "sqlalchemy" in task or "sequelize" in task,
        "framework": True,
        "task": True,
    }
    failing = set(fail.split(",")) - {""}
    return {
        axis: ("fail" if axis in failing else "pass") if on else "not_applicable"
        for axis, on in applies.items()
    }


def gen(
    config: tuple[str, str],
    task: str,
    trial: int,
    assertions: Assertions | None,
    fail: str = "",
    error: str | None = None,
) -> GradedRun:
    return GradedRun.generation(*config, task, trial, assertions, verdicts_for(task, fail), error)


def feat(
    config: tuple[str, str], task: str, trial: int, assertions: Assertions | None, framework: str = "flask"
) -> GradedRun:
    return GradedRun(*config, task, trial, framework, (), FEAT, assertions, {})


# The hand-built experiment: total = 10 assertions per report unless said otherwise.
EXPERIMENT = [
    # A, T1 flask L0: A% 1, .8, 1; successes 1 and 3
    gen(A, "flask-openapi-unconstrained", 1, report(10, 0)),
    gen(A, "flask-openapi-unconstrained", 2, report(8, 2)),
    gen(A, "flask-openapi-unconstrained", 3, report(10, 0)),
    # A, T2 flask L1 clean_architecture: 1 (success), 1 with architecture failing (strict 0), no report (0)
    gen(A, "flask-openapi-clean_architecture", 1, report(10, 0)),
    gen(A, "flask-openapi-clean_architecture", 2, report(10, 0), fail="architecture"),
    gen(A, "flask-openapi-clean_architecture", 3, None),
    # A, T3 flask L1 sqlite: .9, .9, .6 with database failing (strict 0); no success (failed assertions)
    gen(A, "flask-openapi-sqlite", 1, report(9, 1)),
    gen(A, "flask-openapi-sqlite", 2, report(9, 1)),
    gen(A, "flask-openapi-sqlite", 3, report(6, 4), fail="database"),
    # A, T4 flask L2: 1 (success), 1 with the ORM failing, a patch that does not apply (error: 0)
    gen(A, "flask-openapi-sqlite-sqlalchemy", 1, report(10, 0)),
    gen(A, "flask-openapi-sqlite-sqlalchemy", 2, report(10, 0), fail="orm"),
    gen(A, "flask-openapi-sqlite-sqlalchemy", 3, None, error="patch does not apply"),
    # A, T5 flask L3: .7, .5 with architecture failing, a report with 0 assertions
    gen(A, "flask-openapi-clean_architecture-sqlite-sqlalchemy", 1, report(7, 3)),
    gen(A, "flask-openapi-clean_architecture-sqlite-sqlalchemy", 2, report(5, 5), fail="architecture"),
    gen(A, "flask-openapi-clean_architecture-sqlite-sqlalchemy", 3, report(0, 0, total=0)),
    # A, T6 express L0, four trials: 1 (success), .9, .9, .9
    gen(A, "express-openapi-unconstrained", 1, report(10, 0)),
    gen(A, "express-openapi-unconstrained", 2, report(9, 1)),
    gen(A, "express-openapi-unconstrained", 3, report(9, 1)),
    gen(A, "express-openapi-unconstrained", 4, report(9, 1)),
    # A, T7 express L2, named with the task files' prefix: 1, 1 (successes), .4 with the database failing
    gen(A, "node-express-openapi-postgres-sequelize", 1, report(10, 0)),
    gen(A, "node-express-openapi-postgres-sequelize", 2, report(10, 0)),
    gen(A, "node-express-openapi-postgres-sequelize", 3, report(4, 6), fail="database"),
    # A, feature tasks: 1, 1, .9 (two successes); .5 three times
    feat(A, "flask-feature-favorites", 1, report(10, 0)),
    feat(A, "flask-feature-favorites", 2, report(10, 0)),
    feat(A, "flask-feature-favorites", 3, report(9, 1)),
    feat(A, "flask-feature-comments", 1, report(5, 5)),
    feat(A, "flask-feature-comments", 2, report(5, 5)),
    feat(A, "flask-feature-comments", 3, report(5, 5)),
    # B, U1 flask L0 with the prefix, two trials (n < k): 1 (success), 0
    gen(B, "python-flask-openapi-unconstrained", 1, report(10, 0)),
    gen(B, "python-flask-openapi-unconstrained", 2, report(0, 10)),
    # B, U2 flask L1, one trial: .8
    gen(B, "flask-openapi-clean_architecture", 1, report(8, 2)),
    # B, U3 flask L3: three successes. Its siblings were run by A only: no pairs.
    gen(B, "flask-openapi-clean_architecture-sqlite-sqlalchemy", 1, report(10, 0)),
    gen(B, "flask-openapi-clean_architecture-sqlite-sqlalchemy", 2, report(10, 0)),
    gen(B, "flask-openapi-clean_architecture-sqlite-sqlalchemy", 3, report(10, 0)),
    # B, feature: one success
    feat(B, "flask-feature-favorites", 1, report(10, 0)),
]


def assert_rows(actual: Sequence[Any], expected: Sequence[Any]) -> None:
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        assert type(got) is type(want)
        got_fields, want_fields = asdict(got), asdict(want)
        floats = [name for name, value in want_fields.items() if isinstance(value, float)]
        assert [got_fields[name] for name in floats] == pytest.approx(
            [want_fields[name] for name in floats], abs=1e-12
        ), got
        assert {k: v for k, v in got_fields.items() if k not in floats} == {
            k: v for k, v in want_fields.items() if k not in floats
        }


FA, FCA, FS = "flask-openapi-unconstrained", "flask-openapi-clean_architecture", "flask-openapi-sqlite"
FSS, FCSS = "flask-openapi-sqlite-sqlalchemy", "flask-openapi-clean_architecture-sqlite-sqlalchemy"
EU, EPS = "express-openapi-unconstrained", "express-openapi-postgres-sequelize"


def test_task_rows_by_hand() -> None:
    # pass@1 = c/n. pass@3 = 1 - C(n-c,3)/C(n,3): with n = 3 it is 1 when c > 0; n = 4, c = 1: 1 - 1/4.
    # pass^3 = (c/n)^3. Sample stdev = sqrt(sum (x - mean)^2 / (n - 1)).
    # Fields: config, task, kind, framework, level, constraints, n, c, errors, pass@1, pass@3, pass^3,
    #         A%, its stdev, strict A%, its stdev
    # fmt: off
    expected = [
        # U1: A% 1, 0; n = 2 < 3 with c = 1: pass@3 = 1; pass^3 = 1/8; stdev sqrt((.25 + .25) / 1)
        TaskRow(*B, FA, GEN, "flask", 0, (), 2, 1, 0, 1 / 2, 1.0, 1 / 8, 1 / 2, math.sqrt(0.5), 1 / 2, math.sqrt(0.5)),
        # U2: one run, .8, failed assertions: c = 0, everything 0 but A%; stdev of one run = 0
        TaskRow(*B, FCA, GEN, "flask", 1, (CA,), 1, 0, 0, 0.0, 0.0, 0.0, 0.8, 0.0, 0.8, 0.0),
        # U3: three successes
        TaskRow(*B, FCSS, GEN, "flask", 3, (CA, SQ, SA), 3, 3, 0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0),
        # B's feature run: one success
        TaskRow(*B, "flask-feature-favorites", FEAT, "flask", 0, (), 1, 1, 0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0),
        # T6: A% 1, .9, .9, .9 = 3.7/4 = .925; sum x^2 = 3.43, 4 * .925^2 = 3.4225, (3.43 - 3.4225) / 3 = .0025
        TaskRow(*A, EU, GEN, "express", 0, (), 4, 1, 0, 1 / 4, 3 / 4, 1 / 64, 0.925, 0.05, 0.925, 0.05),
        # T7: A% 1, 1, .4: mean .8, (.04 + .04 + .16) / 2 = .12; strict 1, 1, 0: mean 2/3, (1/9+1/9+4/9)/2 = 1/3
        TaskRow(*A, EPS, GEN, "express", 2, (PG, SE), 3, 2, 0, 2 / 3, 1.0, 8 / 27, 0.8, math.sqrt(0.12), 2 / 3, math.sqrt(1 / 3)),
        # T1: A% 1, .8, 1: mean 14/15; (2.64 - 3 * (14/15)^2) / 2 = (2.64 - 2.61333..) / 2 = 1/75; c = 2
        TaskRow(*A, FA, GEN, "flask", 0, (), 3, 2, 0, 2 / 3, 1.0, 8 / 27, 14 / 15, math.sqrt(1 / 75), 14 / 15, math.sqrt(1 / 75)),
        # T2: A% 1, 1, 0 (mean 2/3, stdev sqrt(1/3)); strict 1, 0, 0 (mean 1/3, stdev sqrt(1/3)); c = 1
        TaskRow(*A, FCA, GEN, "flask", 1, (CA,), 3, 1, 0, 1 / 3, 1.0, 1 / 27, 2 / 3, math.sqrt(1 / 3), 1 / 3, math.sqrt(1 / 3)),
        # T3: A% .9, .9, .6: mean .8, (.01 + .01 + .04) / 2 = .03; strict .9, .9, 0: mean .6, (.09+.09+.36)/2 = .27
        TaskRow(*A, FS, GEN, "flask", 1, (SQ,), 3, 0, 0, 0.0, 0.0, 0.0, 0.8, math.sqrt(0.03), 0.6, math.sqrt(0.27)),
        # T4: A% 1, 1, 0 (the error counts as a failed run with 0 assertions); strict 1, 0, 0; c = 1
        TaskRow(*A, FSS, GEN, "flask", 2, (SQ, SA), 3, 1, 1, 1 / 3, 1.0, 1 / 27, 2 / 3, math.sqrt(1 / 3), 1 / 3, math.sqrt(1 / 3)),
        # T5: A% .7, .5, 0: mean .4, (.09 + .01 + .16) / 2 = .13; strict .7, 0, 0: mean 7/30,
        # (.49 - 3 * (7/30)^2) / 2 = (49/100 - 49/300) / 2 = 49/300; c = 0
        TaskRow(*A, FCSS, GEN, "flask", 3, (CA, SQ, SA), 3, 0, 0, 0.0, 0.0, 0.0, 0.4, math.sqrt(0.13), 7 / 30, math.sqrt(49 / 300)),
        # F comments: .5 three times, no success
        TaskRow(*A, "flask-feature-comments", FEAT, "flask", 0, (), 3, 0, 0, 0.0, 0.0, 0.0, 0.5, 0.0, 0.5, 0.0),
        # F favorites: 1, 1, .9: mean 29/30; sum x^2 = 2.81, 3 * (29/30)^2 = 2.80333.., / 2 = 1/300
        TaskRow(*A, "flask-feature-favorites", FEAT, "flask", 0, (), 3, 2, 0, 2 / 3, 1.0, 8 / 27, 29 / 30, math.sqrt(1 / 300), 29 / 30, math.sqrt(1 / 300)),
    ]
    # fmt: on
    assert_rows(task_rows(EXPERIMENT), expected)


def test_level_rows_and_decay_by_hand() -> None:
    # strict A% per task: T1 14/15, T2 1/3, T3 3/5, T4 1/3, T5 7/30, T6 37/40, T7 2/3; U1 1/2, U2 4/5, U3 1
    # raw A% per task:    T1 14/15, T2 2/3, T3 4/5, T4 2/3, T5 2/5,  T6 37/40, T7 4/5; U as strict
    # pass@1 per task:    T1 2/3,   T2 1/3, T3 0,   T4 1/3, T5 0,    T6 1/4,   T7 2/3; U1 1/2, U2 0, U3 1
    expected = [
        LevelRow(*B, 0, 1, 1 / 2, 1 / 2, 1 / 2, 0.0),
        LevelRow(*B, 1, 1, 4 / 5, 0.0, 4 / 5, 0.0),
        LevelRow(*B, 3, 1, 1.0, 1.0, 1.0, 0.0),
        # L0 = T1, T6: strict (14/15 + 37/40) / 2 = (112 + 111) / 240 = 223/240; pass@1 (2/3 + 1/4) / 2 = 11/24
        LevelRow(*A, 0, 2, 223 / 240, 11 / 24, 223 / 240, 0.0),
        # L1 = T2, T3: strict (1/3 + 3/5) / 2 = 7/15; pass@1 (1/3 + 0) / 2 = 1/6; raw (2/3 + 4/5) / 2 = 11/15
        LevelRow(*A, 1, 2, 7 / 15, 1 / 6, 11 / 15, 11 / 15 - 7 / 15),
        # L2 = T4, T7: strict (1/3 + 2/3) / 2 = 1/2; pass@1 1/2; raw (2/3 + 4/5) / 2 = 11/15; impact 7/30
        LevelRow(*A, 2, 2, 1 / 2, 1 / 2, 11 / 15, 7 / 30),
        # L3 = T5: strict 7/30, pass@1 0, raw 2/5; impact 12/30 - 7/30 = 1/6
        LevelRow(*A, 3, 1, 7 / 30, 0.0, 2 / 5, 1 / 6),
    ]
    assert_rows(level_rows(EXPERIMENT), expected)
    assert_rows(
        decay_rows(EXPERIMENT),
        [
            DecayRow(*B, 1.0 - 1 / 2, 1.0 - 1 / 2, 1.0 - 1 / 2),
            # strict 7/30 - 223/240 = (56 - 223) / 240; raw 2/5 - 223/240 = (96 - 223) / 240; pass@1 0 - 11/24
            DecayRow(*A, -167 / 240, -127 / 240, -11 / 24),
        ],
    )


def test_matched_pairs_and_marginal_effects_by_hand() -> None:
    # clean_architecture: U2 - U1 = 4/5 - 1/2; T2 - T1 = 1/3 - 14/15; T5 - T4 = 7/30 - 1/3. U3's sibling
    # flask-openapi-sqlite-sqlalchemy was run by A only: no pair.
    # postgres: T7's sibling express-openapi-sequelize is no task. sqlite: T3 - T1 = 3/5 - 14/15; T4's sibling
    # flask-openapi-sqlalchemy and T5's flask-openapi-clean_architecture-sqlalchemy are no tasks.
    # sqlalchemy: T4 - T3 = 1/3 - 3/5; T5's sibling flask-openapi-clean_architecture-sqlite was not run.
    # sequelize: T7's sibling express-openapi-postgres was not run.
    assert_rows(
        matched_pairs(EXPERIMENT),
        [
            MatchedPair(CA, *B, FCA, FA, 3 / 10),
            MatchedPair(CA, *A, FCA, FA, -3 / 5),
            MatchedPair(CA, *A, FCSS, FSS, -1 / 10),
            MatchedPair(SQ, *A, FS, FA, -1 / 3),
            MatchedPair(SA, *A, FSS, FS, -4 / 15),
        ],
    )
    assert_rows(
        marginal_effects(EXPERIMENT),
        [
            # pooled clean_architecture: 3/10, -3/5, -1/10: mean -2/15; sum x^2 = .46, 3 * (2/15)^2 = 4/75,
            # (.46 - 4/75) / 2 = 61/300; SEM = sqrt(61/300) / sqrt(3) = sqrt(61) / 30
            MarginalEffectRow(CA, None, None, -2 / 15, math.sqrt(61 / 300), math.sqrt(61) / 30, 3),
            MarginalEffectRow(SQ, None, None, -1 / 3, 0.0, 0.0, 1),  # one pair: stdev and SEM 0
            MarginalEffectRow(SA, None, None, -4 / 15, 0.0, 0.0, 1),
            MarginalEffectRow(CA, *B, 3 / 10, 0.0, 0.0, 1),
            # A's clean_architecture: -3/5, -1/10: mean -7/20, deviations +-1/4: stdev sqrt(1/8), SEM 1/4
            MarginalEffectRow(CA, *A, -7 / 20, math.sqrt(1 / 8), 1 / 4, 2),
            MarginalEffectRow(SQ, *A, -1 / 3, 0.0, 0.0, 1),
            MarginalEffectRow(SA, *A, -4 / 15, 0.0, 0.0, 1),
        ],
    )


def test_framework_rows_by_hand() -> None:
    # Feature runs (also flask) are not in the leaderboard.
    expected = [
        # B flask: strict (1/2 + 4/5 + 1) / 3 = 23/30; pass@1 (1/2 + 0 + 1) / 3 = 1/2.
        # Runs' strict A%: 1, 0, .8, 1, 1, 1: mean .8, (4.64 - 6 * .64) / 5 = .16, stdev .4; SEM .4 / sqrt(6)
        FrameworkRow(*B, "flask", 3, 6, 23 / 30, 1 / 2, 23 / 30, 0.4 / math.sqrt(6)),
        # A express: strict (37/40 + 2/3) / 2 = 191/240; pass@1 (1/4 + 2/3) / 2 = 11/24; raw (37/40 + 4/5) / 2
        # Runs' strict A%: 1, .9, .9, .9, 1, 1, 0: sum 5.7, sum x^2 5.43; (5.43 - 5.7^2/7) / 6 = 23/175;
        # SEM = sqrt(23/175 / 7) = sqrt(23) / 35
        FrameworkRow(*A, "express", 2, 7, 191 / 240, 11 / 24, 69 / 80, math.sqrt(23) / 35),
        # A flask: strict (28 + 10 + 18 + 10 + 7) / 30 / 5 = 73/150; pass@1 (2/3 + 1/3 + 0 + 1/3 + 0) / 5 = 4/15;
        # raw (14 + 10 + 12 + 10 + 6) / 15 / 5 = 52/75.
        # Runs' strict A%: 1 .8 1 | 1 0 0 | .9 .9 0 | 1 0 0 | .7 0 0: sum 7.3, sum x^2 6.75;
        # (6.75 - 7.3^2/15) / 14 = (27/4 - 5329/1500) / 14 = 1199/5250; SEM = sqrt(1199/5250 / 15)
        FrameworkRow(*A, "flask", 5, 15, 73 / 150, 4 / 15, 52 / 75, math.sqrt(1199 / 5250 / 15)),
    ]
    assert_rows(framework_rows(EXPERIMENT), expected)


def test_feature_rows_and_errors_by_hand() -> None:
    # A: favorites pass@1 2/3, comments 0: mean 1/3; A% (29/30 + 1/2) / 2 = 11/15; no verifier applies
    # (their names start with no difficulty: the difficulty rows are `unknown`)
    unknown = Difficulty.UNKNOWN
    b_figures, a_figures = (1, 1, 1, 1.0, 1.0, 1.0), (2, 6, 2, 1 / 3, 11 / 15, 11 / 15)
    assert_rows(
        feature_rows(EXPERIMENT),
        [
            FeatureRow(*B, None, None, *b_figures),
            FeatureRow(*B, "flask", None, *b_figures),
            FeatureRow(*B, None, unknown, *b_figures),
            FeatureRow(*A, None, None, *a_figures),
            FeatureRow(*A, "flask", None, *a_figures),
            FeatureRow(*A, None, unknown, *a_figures),
        ],
    )
    assert [(run.task, run.trial, run.error) for run in errored_runs(EXPERIMENT)] == [
        (FSS, 3, "patch does not apply")
    ]


def test_summarise_is_every_table() -> None:
    tables = summarise(EXPERIMENT)
    assert tables.tasks == task_rows(EXPERIMENT)
    assert tables.levels == level_rows(EXPERIMENT)
    assert tables.decay == decay_rows(EXPERIMENT)
    assert tables.marginal_effects == marginal_effects(EXPERIMENT)
    assert tables.frameworks == framework_rows(EXPERIMENT)
    assert tables.features == feature_rows(EXPERIMENT)
    assert tables.errors == errored_runs(EXPERIMENT)


# -- edge cases ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (2, 1, 3, 1.0),  # n < k with a success
        (2, 0, 3, 0.0),  # n < k without
        (3, 0, 3, 0.0),
        (3, 1, 3, 1.0),  # C(2, 3) = 0
        (4, 1, 3, 0.75),  # 1 - C(3,3)/C(4,3) = 1 - 1/4
        (5, 2, 3, 0.9),  # 1 - C(3,3)/C(5,3) = 1 - 1/10
        (6, 2, 3, 0.8),  # 1 - C(4,3)/C(6,3) = 1 - 4/20
        (5, 2, 1, 0.4),  # pass@1 = c/n
    ],
)
def test_pass_at_k(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("n", "c", "k"), [(0, 0, 1), (3, 4, 1), (3, -1, 1), (3, 1, 0)])
def test_pass_at_k_rejects_impossible_counts(n: int, c: int, k: int) -> None:
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)
    with pytest.raises(ValueError):
        pass_power_k(n, c, k)


def test_pass_power_k() -> None:
    assert pass_power_k(4, 2, 3) == 0.125
    assert pass_power_k(3, 0, 3) == 0.0


def test_zero_assertions_and_no_report_score_nothing() -> None:
    empty = gen(A, FA, 1, report(0, 0, total=0))
    missing = gen(A, FA, 2, None)
    for run in (empty, missing):
        assert (run.a, run.strict_a, run.tests_pass, run.success) == (0.0, 0.0, False, False)
        assert run.compliant  # nothing failed: compliant, but no tests passed


def test_an_errored_run_is_a_failed_run_with_no_assertions() -> None:
    run = gen(A, FCA, 1, report(10, 0), error="unreadable report")
    assert (run.a, run.strict_a, run.tests_pass, run.compliant, run.success) == (
        0.0,
        0.0,
        False,
        False,
        False,
    )
    (row,) = task_rows([run, gen(A, FCA, 2, report(10, 0))])
    assert (row.n, row.successes, row.errors, row.a) == (2, 1, 1, 0.5)


def test_a_failing_verifier_zeroes_strict_a_but_not_a() -> None:
    run = gen(A, FCSS, 1, report(9, 1), fail="orm")
    assert (run.a, run.strict_a, run.compliant) == (0.9, 0.0, False)
    assert not gen(A, FCSS, 1, report(10, 0), fail="database").success
    assert gen(A, FCSS, 1, report(10, 0)).success


def test_success_rule_includes_framework_and_task_only_when_asked() -> None:
    run = GradedRun.generation(*A, FCA, 1, report(10, 0), {"architecture": "pass", "framework": "fail"})
    assert run.success
    stricter = run.under(SuccessRule.from_includes("framework,task"))
    assert stricter.rule.axes == set(Axis)
    assert (stricter.success, stricter.strict_a) == (False, 0.0)
    only_task = run.under(SuccessRule().including(Axis.TASK))
    assert only_task.success  # the task-file verdict is missing: not applicable
    with pytest.raises(ValueError, match="unknown verifier"):
        SuccessRule.from_includes("framework,security")


def test_tables_refuse_runs_judged_by_different_rules() -> None:
    runs = [
        gen(A, FA, 1, report(10, 0)),
        gen(A, FA, 2, report(10, 0)).under(SuccessRule().including("framework")),
    ]
    with pytest.raises(ValueError, match="different success rules"):
        task_rows(runs)


def test_a_trial_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="trial appears twice"):
        task_rows([gen(A, FA, 1, None), gen(A, "python-flask-openapi-unconstrained", 1, None)])


def test_no_sibling_for_postgres_in_postgres_sqlalchemy() -> None:
    # flask-openapi-sqlalchemy is no task, so it is never among the runs; the unconstrained task is not the
    # sibling of postgres-sqlalchemy for any constraint.
    runs = [
        gen(A, "flask-openapi-unconstrained", 1, report(10, 0)),
        gen(A, "flask-openapi-postgres-sqlalchemy", 1, report(5, 5)),
        gen(A, "flask-openapi-postgres", 1, report(8, 2)),
    ]
    pairs = matched_pairs(runs)
    assert [(pair.constraint, pair.task, pair.sibling) for pair in pairs] == [
        (PG, "flask-openapi-postgres", FA),
        (SA, "flask-openapi-postgres-sqlalchemy", "flask-openapi-postgres"),
    ]
    assert pairs[1].delta == pytest.approx(0.5 - 0.8)
    assert TaskName("flask", (PG, SA)).without(PG).name == "flask-openapi-sqlalchemy"


def test_pairs_need_the_same_configuration() -> None:
    runs = [gen(A, FA, 1, report(10, 0)), gen(B, FCA, 1, report(10, 0))]
    assert matched_pairs(runs) == ()
    assert marginal_effects(runs) == ()
    assert decay_rows(runs) == ()  # neither configuration has L0 and L3


def test_feature_tasks_of_one_name_are_a_task_per_framework() -> None:
    """The paper's feature tasks share names across frameworks; evaluation_feature.py groups a task's runs by
    (framework, task), takes pass@1 = c/n per task, then means over tasks, overall, per framework and per
    difficulty (the prefix of the name)."""
    runs = [
        feat(A, "hard-focused-task-001", 1, report(10, 0)),
        feat(A, "hard-focused-task-001", 2, report(9, 1)),
        feat(A, "hard-focused-task-001", 1, report(5, 5), "honojs"),
        feat(A, "simple-task-002", 1, report(10, 0), "honojs"),
    ]
    rows = {
        (row.framework, row.task): (row.n, row.successes, row.pass_at_1, row.a) for row in task_rows(runs)
    }
    assert rows == {
        ("flask", "hard-focused-task-001"): (2, 1, 0.5, pytest.approx(0.95)),
        ("honojs", "hard-focused-task-001"): (1, 0, 0.0, 0.5),
        ("honojs", "simple-task-002"): (1, 1, 1.0, 1.0),
    }
    hard, simple = Difficulty.HARD, Difficulty.SIMPLE
    assert_rows(
        feature_rows(runs),
        [
            FeatureRow(*A, None, None, 3, 4, 2, 0.5, 2.45 / 3, 2.45 / 3),
            FeatureRow(*A, "flask", None, 1, 2, 1, 0.5, 0.95, 0.95),
            FeatureRow(*A, "honojs", None, 2, 2, 1, 0.5, 0.75, 0.75),
            FeatureRow(*A, None, simple, 1, 1, 1, 1.0, 1.0, 1.0),
            FeatureRow(*A, None, hard, 2, 3, 1, 0.25, 0.725, 0.725),
        ],
    )


def test_feature_runs_stay_out_of_the_generation_tables() -> None:
    runs = [feat(A, "flask-feature-favorites", 1, report(10, 0))]
    assert (level_rows(runs), framework_rows(runs), matched_pairs(runs)) == ((), (), ())
    assert [row.kind for row in task_rows(runs)] == [FEAT]


@pytest.mark.parametrize(
    ("text", "name", "framework", "constraints"),
    [
        ("flask-openapi-unconstrained", FA, "flask", ()),
        ("python-flask-openapi-unconstrained", FA, "flask", ()),
        (
            "node-express-openapi-clean_architecture-sqlite-sequelize",
            "express-openapi-clean_architecture-sqlite-sequelize",
            "express",
            (CA, SQ, SE),
        ),
        (
            "Flask-OpenAPI-sqlite-clean_architecture",
            "flask-openapi-clean_architecture-sqlite",
            "flask",
            (CA, SQ),
        ),
        ("hono-openapi-postgres", "hono-openapi-postgres", "hono", (PG,)),
    ],
)
def test_task_names(text: str, name: str, framework: str, constraints: tuple[Constraint, ...]) -> None:
    parsed = generation_task(text)
    assert (parsed.name, parsed.framework, parsed.parts, parsed.level) == (
        name,
        framework,
        constraints,
        len(constraints),
    )


@pytest.mark.parametrize(
    "text",
    [
        "flask-openapi-sqlalchemy",  # an ORM needs a database
        "express-openapi-sqlite-sqlalchemy",  # sqlalchemy is a Python ORM
        "node-flask-openapi-unconstrained",  # flask is no Node framework
        "spring-openapi-unconstrained",
        "flask-openapi-pg",  # aliases are no task names
        "flask-openapi-sqlite-sqlite",
        "flask-openapi-unconstrained-sqlite",
        "flask+clean_architecture",
        "flask-openapi-",
    ],
)
def test_not_task_names(text: str) -> None:
    with pytest.raises(ValueError):
        generation_task(text)


def test_runs_hold_the_folder_form_of_their_task() -> None:
    plain = gen(A, "express-openapi-postgres-sequelize", 1, report(10, 0))
    prefixed = gen(A, "node-express-openapi-postgres-sequelize", 1, report(10, 0))
    assert plain == prefixed
    assert (plain.task, plain.framework, plain.constraints, plain.level) == (EPS, "express", (PG, SE), 2)
    direct = GradedRun(*A, "node-express-openapi-sequelize-postgres", 1, "express", (SE, PG), GEN, None)
    assert (direct.task, direct.constraints) == (EPS, (PG, SE))
    assert dict(direct.verdicts) == dict.fromkeys(Axis, Verdict.NOT_APPLICABLE)
    assert hash(direct) == hash(GradedRun(*A, EPS, 1, "express", (PG, SE), GEN, None))
    with pytest.raises(ValueError, match="not flask"):
        GradedRun(*A, EPS, 1, "flask", (PG, SE), GEN, None)


def test_assertion_counts_must_add_up() -> None:
    with pytest.raises(ValueError):
        Assertions(10, 8, 3)
    with pytest.raises(ValueError):
        Assertions(-1, 0, 0)


# -- property test: a naive recomputation from the per-run records ---------------------------------------------

FRAMEWORK_ORMS = {"flask": "sqlalchemy", "express": "sequelize"}
COMBOS = [
    "unconstrained",
    "clean_architecture",
    "sqlite",
    "postgres",
    "clean_architecture-sqlite",
    "clean_architecture-postgres",
    "sqlite-{orm}",
    "postgres-{orm}",
    "clean_architecture-sqlite-{orm}",
    "clean_architecture-postgres-{orm}",
]
GENERATION_TASKS = [
    f"{fw}-openapi-{combo.format(orm=orm)}" for fw, orm in FRAMEWORK_ORMS.items() for combo in COMBOS
]
# label → (framework folder, task name): the paper's feature tasks share names across frameworks
FEATURE_TASKS = {
    "flask/hard-focused-task-001": ("flask", "hard-focused-task-001"),
    "flask/simple-task-002": ("flask", "simple-task-002"),
    "honojs/hard-focused-task-001": ("honojs", "hard-focused-task-001"),
}
CONFIGS = [("a1", "m1"), ("a1", "m2")]
RULES = [("architecture", "database", "orm"), ("architecture", "database", "orm", "framework"), tuple(Axis)]
ORDER = ["clean_architecture", "postgres", "sqlite", "sqlalchemy", "sequelize"]

# weighted towards reports where everything passed, so that successes are common
assertions_strategy = st.one_of(
    st.none(),
    st.integers(1, 8).map(lambda total: Assertions(total, total, 0)),
    st.integers(1, 8).map(lambda total: Assertions(total, total, 0)),
    st.integers(0, 8).flatmap(
        lambda total: st.integers(0, total).flatmap(
            lambda passed: st.integers(0, total - passed).map(
                lambda failed: Assertions(total, passed, failed)
            )
        )
    ),
)
verdicts_strategy = st.fixed_dictionaries(
    {
        axis.value: st.sampled_from(["pass", "pass", "pass", "fail", "not_applicable", "unknown"])
        for axis in Axis
    }
)


Experiment = tuple[list[GradedRun], list[dict[str, Any]], tuple[str, ...]]


@st.composite
def experiments(draw: st.DrawFn) -> Experiment:
    """Runs, and the same runs as the plain dicts they were made from, and the success rule's axes."""
    rule_axes = draw(st.sampled_from(RULES))
    rule = SuccessRule(frozenset(Axis(axis) for axis in rule_axes))
    cells = draw(
        st.sets(
            st.tuples(st.sampled_from(CONFIGS), st.sampled_from(GENERATION_TASKS + list(FEATURE_TASKS))),
            min_size=1,
            max_size=40,
        )
    )
    runs, records = [], []
    for (agent, model), task in sorted(cells):
        for trial in range(1, draw(st.integers(1, 5)) + 1):
            assertions, verdicts = draw(assertions_strategy), draw(verdicts_strategy)
            error = draw(st.sampled_from([None, None, None, None, "patch does not apply"]))
            feature = task in FEATURE_TASKS
            # fmt: off
            if feature:
                written = task  # the label: the naive recomputation keys feature tasks by framework too
                typed = {Axis(axis): Verdict(verdict) for axis, verdict in verdicts.items()}
                framework, name = FEATURE_TASKS[task]
                runs.append(GradedRun(agent, model, name, trial, framework, (), FEAT, assertions, typed, error, rule))
            else:
                written = draw(st.sampled_from([task, ("python-" if task.startswith("flask") else "node-") + task]))
                runs.append(GradedRun.generation(agent, model, written, trial, assertions, verdicts, error, rule))
            counts = None if assertions is None else (assertions.total, assertions.passed, assertions.failed)
            records.append({"agent": agent, "model": model, "task": written, "feature": feature, "framework": FEATURE_TASKS[task][0] if feature else None, "assertions": counts, "verdicts": verdicts, "error": error})
            # fmt: on
    return runs, records, rule_axes


def naive_mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def naive_stdev(xs: list[float]) -> float:
    if len(xs) == 1:
        return 0.0
    m = naive_mean(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def naive_pass_at(n: int, c: int, k: int) -> float:
    if n < k:
        return 1.0 if c else 0.0
    draws = list(itertools.combinations(range(n), k))  # runs 0..c-1 are the successes
    return sum(any(i < c for i in drawn) for drawn in draws) / len(draws)


def naive_tables(
    records: list[dict[str, Any]], rule_axes: tuple[str, ...]
) -> dict[str, dict[Any, tuple[float, ...]]]:
    """Every figure, from plain per-run dicts, with loops and nothing from cdverify.grading."""
    tasks: dict[tuple[str, str, str], list[tuple[float, float, bool, bool]]] = {}
    info: dict[tuple[str, str, str], dict[str, Any]] = {}
    for rec in records:
        name = rec["task"].removeprefix("python-").removeprefix("node-")
        if rec["error"] is not None or rec["assertions"] is None:
            a, tests = 0.0, False
        else:
            total, passed, failed = rec["assertions"]
            a = passed / total if total > 0 else 0.0
            tests = total > 0 and failed == 0
        # an unknown verdict (the code could not be laid out) is no pass
        ok = rec["error"] is None and all(
            rec["verdicts"][axis] in ("pass", "not_applicable") for axis in rule_axes
        )
        key = (rec["agent"], rec["model"], name)
        tasks.setdefault(key, []).append((a, a if ok else 0.0, tests and ok, rec["error"] is not None))
        if rec["feature"]:
            info[key] = {"feature": True, "framework": rec["framework"], "parts": []}
        else:
            framework, rest = name.split("-openapi-")
            info[key] = {
                "feature": False,
                "framework": framework,
                "parts": [] if rest == "unconstrained" else rest.split("-"),
            }
    out: dict[str, dict[Any, tuple[float, ...]]] = {
        "tasks": {},
        "levels": {},
        "decay": {},
        "pooled": {},
        "configs": {},
        "frameworks": {},
        "features": {},
    }
    task_figures: dict[tuple[str, str, str], tuple[float, float, float]] = {}
    for key, rs in tasks.items():
        n, c = len(rs), sum(1 for r in rs if r[2])
        raw, strict = [r[0] for r in rs], [r[1] for r in rs]
        out["tasks"][key] = (
            n,
            c,
            sum(1 for r in rs if r[3]),
            len(info[key]["parts"]),
            naive_pass_at(n, c, 1),
            naive_pass_at(n, c, 3),
            (c / n) ** 3,
            naive_mean(raw),
            naive_stdev(raw),
            naive_mean(strict),
            naive_stdev(strict),
        )
        task_figures[key] = (naive_mean(strict), c / n, naive_mean(raw))
    generation = [key for key in tasks if not info[key]["feature"]]
    levels: dict[tuple[str, str, int], list[tuple[float, float, float]]] = {}
    for key in generation:
        levels.setdefault((key[0], key[1], len(info[key]["parts"])), []).append(task_figures[key])
    for key, figures in levels.items():
        strict_a, p1, raw_a = (naive_mean([f[i] for f in figures]) for i in range(3))
        out["levels"][key] = (len(figures), strict_a, p1, raw_a, raw_a - strict_a)
    for agent, model, _ in levels:
        if (agent, model, 0) in out["levels"] and (agent, model, 3) in out["levels"]:
            low, high = out["levels"][(agent, model, 0)], out["levels"][(agent, model, 3)]
            out["decay"][(agent, model)] = (high[1] - low[1], high[3] - low[3], high[2] - low[2])
    deltas: dict[Any, list[float]] = {}
    for key in generation:
        for part in info[key]["parts"]:
            rest = [p for p in info[key]["parts"] if p != part]
            sibling = info[key]["framework"] + "-openapi-" + ("-".join(rest) or "unconstrained")
            if (key[0], key[1], sibling) in task_figures:
                delta = task_figures[key][0] - task_figures[(key[0], key[1], sibling)][0]
                deltas.setdefault(part, []).append(delta)
                deltas.setdefault((key[0], key[1], part), []).append(delta)
    for group, ds in deltas.items():
        sd = naive_stdev(ds)
        out["pooled" if isinstance(group, str) else "configs"][group] = (
            naive_mean(ds),
            sd,
            sd / math.sqrt(len(ds)),
            len(ds),
        )
    frameworks: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
    for key in generation:
        frameworks.setdefault((key[0], key[1], info[key]["framework"]), []).append(key)
    for fkey, keys in frameworks.items():
        run_strict = [r[1] for key in keys for r in tasks[key]]
        strict_a, p1, raw_a = (naive_mean([task_figures[key][i] for key in keys]) for i in range(3))
        out["frameworks"][fkey] = (
            len(keys),
            len(run_strict),
            strict_a,
            p1,
            raw_a,
            naive_stdev(run_strict) / math.sqrt(len(run_strict)),
        )
    features: dict[tuple[str, str, str | None, str | None], list[tuple[str, str, str]]] = {}
    for key in tasks:
        if info[key]["feature"]:
            name = key[2].split("/")[1]
            difficulty = next(
                (d for d in ("simple", "intermediate", "hard") if name.startswith(d)), "unknown"
            )
            for group in ((None, None), (info[key]["framework"], None), (None, difficulty)):
                features.setdefault((key[0], key[1], *group), []).append(key)
    for config, feature_keys in features.items():
        out["features"][config] = (
            len(feature_keys),
            sum(len(tasks[k]) for k in feature_keys),
            sum(out["tasks"][k][1] for k in feature_keys),
            naive_mean([task_figures[k][1] for k in feature_keys]),
            naive_mean([task_figures[k][2] for k in feature_keys]),
            naive_mean([task_figures[k][0] for k in feature_keys]),
        )
    return out


def figures(row: Any, names: str) -> tuple[float, ...]:
    return tuple(getattr(row, name) for name in names.split())


def close(actual: dict[Any, tuple[float, ...]], expected: dict[Any, tuple[float, ...]]) -> None:
    assert actual.keys() == expected.keys()
    for key, values in expected.items():
        assert actual[key] == pytest.approx(values, abs=1e-9, rel=0), key


@settings(max_examples=300, deadline=None)
@given(experiments())
def test_every_figure_equals_a_naive_recomputation(experiment: Experiment) -> None:
    runs, records, rule_axes = experiment
    naive = naive_tables(records, rule_axes)
    # fmt: off
    tables = summarise(runs)
    pooled = [r for r in tables.marginal_effects if r.agent is None]
    per_configuration = [r for r in tables.marginal_effects if r.agent is not None]
    task_figures = "n successes errors level pass_at_1 pass_at_3 pass_power_3 a a_stdev strict_a strict_a_stdev"
    close({(r.agent, r.model, r.task if r.kind is GEN else f"{r.framework}/{r.task}"): figures(r, task_figures) for r in tables.tasks}, naive["tasks"])
    close({(r.agent, r.model, r.level): figures(r, "tasks strict_a pass_at_1 a verifier_impact") for r in tables.levels}, naive["levels"])
    close({(r.agent, r.model): figures(r, "strict_a_delta a_delta pass_at_1_delta") for r in tables.decay}, naive["decay"])
    close({r.constraint.value: figures(r, "delta stdev sem pairs") for r in pooled}, naive["pooled"])
    close({(r.agent, r.model, r.constraint.value): figures(r, "delta stdev sem pairs") for r in per_configuration}, naive["configs"])
    close({(r.agent, r.model, r.framework): figures(r, "tasks runs strict_a pass_at_1 a sem") for r in tables.frameworks}, naive["frameworks"])
    close({(r.agent, r.model, r.framework, r.difficulty): figures(r, "tasks runs successes pass_at_1 a strict_a") for r in tables.features}, naive["features"])
    # fmt: on
    pooled_order = [r.constraint.value for r in pooled]
    assert pooled_order == [c for c in ORDER if c in pooled_order]
    assert len(tables.errors) == sum(run.error is not None for run in runs)
