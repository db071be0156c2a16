"""The report of `cdverify grade --format json` as typed models: the source of its JSON Schema (`cdverify
schema grade`, `grade.schema.json`).

cdverify/grading/output.py builds the document (`to_json`, `run_json`; the tables are the rows of
cdverify/grading/metrics.py, the comparison and the paper's verdicts come from compare.py and paper.py, the
behaviour tests' records from behaviour.py); docs/grading.md says what the keys hold. The enums are the
grader's own, so a new verdict, axis or constraint reaches the schema when it is regenerated; `findings` are
the findings of `cdverify check --format json` (the `Finding` of output.py). The tests check the shipped
schema is the generated one, that every report they grade validates with no key left undeclared, and that
docs/grading.md documents exactly the keys declared here.

To add a key: declare it here (`NotRequired[...]` when it is not always present), document it in
docs/grading.md, bump `GRADE_SCHEMA_VERSION`'s minor in cdverify/grading/output.py, regenerate the schema
(`python -m cdverify.schemas --write`). The bounds use msgspec's `Meta`: this module is read only to
generate the schema (msgspec is a development dependency).
"""

from __future__ import annotations

from typing import Annotated, NotRequired, TypedDict

from msgspec import Meta

from cdverify.contract.server import HarnessDatabase
from cdverify.grading.grader import Verifiers
from cdverify.grading.paper import EvidenceKind
from cdverify.grading.records import MAX_FAILURES, Axis, Constraint, Difficulty, TaskKind, Verdict
from cdverify.schemas.output import Finding

Count = Annotated[int, Meta(ge=0)]
Positive = Annotated[int, Meta(ge=1)]
Level = Annotated[int, Meta(ge=0, le=3)]
Port = Annotated[int, Meta(ge=1, le=65535)]
Fraction = Annotated[float, Meta(ge=0, le=1)]  # A%, pass@k: fractions, not percents
Delta = Annotated[float, Meta(ge=-1, le=1)]  # a difference of two fractions
Spread = Annotated[float, Meta(ge=0)]  # a standard deviation or error
Budget = Annotated[float, Meta(gt=0)]


class Summary(TypedDict):
    runs: Count
    successes: Count
    errors: Count
    unreadable: Count
    pending: Count


class Failure(TypedDict):
    """A failing assertion of the run's behaviour report."""

    request: str
    assertion: str
    message: str


class Assertions(TypedDict):
    total: Count
    passed: Count
    failed: Count
    failures: Annotated[list[Failure], Meta(max_length=MAX_FAILURES)]


class Verdicts(TypedDict):
    architecture: Verdict
    database: Verdict
    orm: Verdict
    framework: Verdict
    task: Verdict


class PaperEvidence(TypedDict):
    kind: EvidenceKind
    subject: str
    file: str
    text: str
    detail: str


class PaperVerdict(TypedDict):
    verdict: Verdict
    reason: str
    evidence: list[PaperEvidence]


class PaperVerdicts(TypedDict):
    """The paper's verifiers' verdicts of a run, from its patch (`--verifiers paper`, `--compare paper`)."""

    architecture: PaperVerdict
    database: PaperVerdict
    orm: PaperVerdict


class BehaviourRecord(TypedDict):
    """What a run's server did under `--run-tests`."""

    collection: str
    port: Port
    database: HarnessDatabase
    healthy: bool
    startup_ms: Count
    duration_ms: Count
    notes: list[str]
    log: list[str]


class Run(TypedDict):
    run: str
    origin: str
    agent: str
    model: str
    task: str
    kind: TaskKind
    framework: str
    level: Level
    trial: int
    assertions: Assertions | None
    a: Fraction
    strict_a: Fraction
    tests_pass: bool
    success: bool
    verdicts: Verdicts
    error: str | None
    notes: list[str]
    findings: list[Finding]
    paper: NotRequired[PaperVerdicts]
    tests: NotRequired[BehaviourRecord | None]


TaskRow = TypedDict(
    "TaskRow",
    {
        "agent": str,
        "model": str,
        "task": str,
        "kind": TaskKind,
        "framework": str,
        "level": Level,
        "constraints": list[Constraint],
        "n": Positive,
        "successes": Count,
        "errors": Count,
        "pass@1": Fraction,
        "pass@3": Fraction,
        "pass^3": Fraction,
        "a": Fraction,
        "a_stdev": Spread,
        "strict_a": Fraction,
        "strict_a_stdev": Spread,
    },
)
TaskRow.__doc__ = "One (agent, model, task): its runs summarised."

LevelRow = TypedDict(
    "LevelRow",
    {
        "agent": str,
        "model": str,
        "level": Level,
        "tasks": Positive,
        "strict_a": Fraction,
        "pass@1": Fraction,
        "a": Fraction,
        "verifier_impact": Delta,
    },
)
LevelRow.__doc__ = "One (agent, model, level): means over the level's generation tasks."


class DecayRow(TypedDict):
    """One (agent, model): level 3 minus level 0."""

    agent: str
    model: str
    strict_a_delta: Delta
    a_delta: Delta
    pass_at_1_delta: Delta


class MarginalEffectRow(TypedDict):
    """One constraint over its matched pairs; the pooled rows have no agent and model."""

    constraint: Constraint
    agent: str | None
    model: str | None
    delta: Delta
    stdev: Spread
    sem: Spread
    pairs: Positive


FrameworkRow = TypedDict(
    "FrameworkRow",
    {
        "agent": str,
        "model": str,
        "framework": str,
        "tasks": Positive,
        "runs": Positive,
        "strict_a": Fraction,
        "pass@1": Fraction,
        "a": Fraction,
        "sem": Spread,
    },
)
FrameworkRow.__doc__ = "One (agent, model, framework); `sem` is over the runs."

FeatureRow = TypedDict(
    "FeatureRow",
    {
        "agent": str,
        "model": str,
        "framework": str | None,
        "difficulty": Difficulty | None,
        "tasks": Positive,
        "runs": Positive,
        "successes": Count,
        "pass@1": Fraction,
        "a": Fraction,
        "strict_a": Fraction,
    },
)
FeatureRow.__doc__ = (
    "The feature tasks of one (agent, model): all of them, one framework's or one difficulty's."
)


class Unreadable(TypedDict):
    """What looked like a run but names no agent, model or task."""

    origin: str
    message: str


class Confusion(TypedDict):
    both_pass: Count
    both_fail: Count
    cdverify_only_fail: Count
    paper_only_fail: Count


class ComparedAxes(TypedDict):
    architecture: Confusion
    database: Confusion
    orm: Confusion


class DisagreementFinding(TypedDict):
    """cdverify's first error finding on the axis."""

    rule: str
    file: str
    line: int
    message: str


class Disagreement(TypedDict):
    run: str
    origin: str
    agent: str
    model: str
    task: str
    trial: int
    axis: Axis
    cdverify: Verdict
    paper: Verdict
    cdverify_finding: DisagreementFinding | None
    paper_reason: str
    paper_evidence: list[PaperEvidence]


class Comparison(TypedDict):
    """`--compare paper`: cdverify's verdicts against the paper's verifiers'."""

    axes: ComparedAxes
    disagreements: list[Disagreement]


class Timeouts(TypedDict):
    setup_s: Budget
    startup_s: Budget
    collection_s: Budget
    request_ms: Budget


class BehaviourTests(TypedDict):
    """`--run-tests`: how the runs were tested."""

    collection: str
    source: str
    digest: Annotated[str, Meta(pattern="^[0-9a-f]{64}$")]
    port: Port | None
    timeouts: Timeouts


class GradeReport(TypedDict):
    """The report of `cdverify grade --format json` (docs/grading.md). Fractions are in 0..1."""

    schema_version: str
    cdverify_version: str
    results: str
    success_rule: list[Axis]
    verifiers: Verifiers
    summary: Summary
    runs: list[Run]
    tasks: list[TaskRow]
    levels: list[LevelRow]
    decay: list[DecayRow]
    marginal_effects: list[MarginalEffectRow]
    frameworks: list[FrameworkRow]
    features: list[FeatureRow]
    unreadable: list[Unreadable]
    comparison: NotRequired[Comparison]
    tests: NotRequired[BehaviourTests]
