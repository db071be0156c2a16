"""Grade an experiment: every run through the static verifiers and its behaviour report, then the tables.

The pipeline, in one place (`grade`): discover the runs (layout.py) → for each run, in a pool of worker
processes, lay out its code in a temporary folder (materialise.py; nothing in it is ever run), verify the
task's constraints there, read its behaviour report (reports.py) → summarise the graded runs with the paper's
metrics (metrics.py). A run that cannot be graded — a patch that does not apply, an unreadable report, a
verifier that fails on the code — gets its error in its own row and never stops the others; as in the paper
it counts as a run with 0 assertions.

With `verifiers="paper"` the architecture, database and ORM verdicts are the paper's heuristics over the
patch instead (paper.py; nothing is laid out); with `compare="paper"` both are computed, cdverify's verdicts
count, and compare.py sets them side by side.

Feature runs (features.py) take their base repository from the paper's task definitions (`tasks=`,
definitions.py) and a local checkout or a clone (bases.py), obtained once per repository before the runs are
graded; they succeed on their tests alone, as in the paper, with framework and task-file verdicts beside.

With `run_tests`, each run's code is also served and the collection run against it (behaviour.py); its
counts replace the run's own report, which is then not read. Each server runs in a network namespace of
its own, so servers run side by side on the paper's ports.
Feature runs are not served yet: their own report is read, and a note says so.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdverify.grading.interrupts import Guarded, children, stop_children, worker_signals
from cdverify.grading.layout import (
    Discovery,
    GradeInputError,
    PatchCode,
    RunInputError,
    RunKind,
    RunSource,
    discover,
)
from cdverify.grading.metrics import Tables, summarise
from cdverify.grading.records import PAPER_RULE, Assertions, Axis, GradedRun, SuccessRule, TaskKind, Verdict
from cdverify.grading.reports import ReportError, read_run_report
from cdverify.grading.stages import Sink, Stage, drained, report, reporting_to
from cdverify.grading.store import RunStore, run_key

if TYPE_CHECKING:
    from cdverify.detect.database import DatabaseReport
    from cdverify.grading.behaviour import BehaviourOutcome, BehaviourRecord, BehaviourTests, Timeouts
    from cdverify.grading.compare import Comparison
    from cdverify.grading.paper import PaperGrade

# the pipeline's verdict statuses (cdverify.pipeline.VerdictStatus), as the paper's
_STATUS = {"pass": Verdict.PASS, "fail": Verdict.FAIL}


class Verifiers(StrEnum):
    """Whose static verifiers give a run's verdicts."""

    CDVERIFY = "cdverify"
    PAPER = "paper"  # the paper's heuristics over the patch (paper.py); framework and task not applicable


@dataclass(frozen=True)
class RunGrade:
    """One graded run: its record for the metrics, where it came from, the findings behind its verdicts."""

    run: GradedRun
    run_id: str
    origin: str
    findings: tuple[dict[str, Any], ...] = ()  # error findings, as in `cdverify check --format json`
    paper: PaperGrade | None = None  # the paper's verdicts and evidence, when they were asked for
    notes: tuple[str, ...] = ()  # what the grader could not do, short of an error (an unknown verdict)
    tests: BehaviourRecord | None = None  # what its behaviour tests did, when they ran (run_tests)


@dataclass(frozen=True)
class Grading:
    """A graded experiment."""

    root: Path
    runs: tuple[RunGrade, ...]
    tables: Tables
    unreadable: tuple[RunInputError, ...] = ()  # what looked like a run but names no agent, model or task
    superseded: tuple[Path, ...] = ()
    rule: SuccessRule = field(default=PAPER_RULE)
    verifiers: Verifiers = Verifiers.CDVERIFY
    comparison: Comparison | None = None  # with compare="paper": where cdverify and the paper disagree
    tests: BehaviourTests | None = None  # with run_tests: how the runs were tested
    # interrupted (partial_on_interrupt): of the runs found, `pending` were not graded; the rest is here
    pending: int = 0


def grade(
    results: str | Path,
    *,
    jobs: int | None = None,
    rule: SuccessRule = PAPER_RULE,
    on_run: Callable[[RunGrade], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_stage: Sink | None = None,
    store: Path | None = None,
    force: bool = False,
    verifiers: Verifiers | str = Verifiers.CDVERIFY,
    compare: Verifiers | str | None = None,
    tasks: str | Path | None = None,
    base_repos: str | Path | None = None,
    repo_cache: str | Path | None = None,
    run_tests: bool = False,
    collection: str | Path = "realworld",
    timeouts: Timeouts | None = None,
    port: int | None = None,
    server_env: dict[str, str] | None = None,
    executor: str = "local",
    address: str | None = None,
    partial_on_interrupt: bool = False,
) -> Grading:
    """Grade the experiment at `results` (the paper's results layout, or a manifest).

    `tasks`: the paper's task definitions folder (`data/tasks/`), which gives feature runs their base
    repository: a folder of `base_repos` named as the repository, else a clone kept in `repo_cache`
    (default `~/.cache/cdverify/repos`). Raises GradeInputError when the definitions cannot be read.

    With `store`, each graded run is kept there and reused by the next grade (`force` regrades them all);
    only cdverify's own grading is kept. `on_start` hears how many runs were found before the first is
    graded, `on_run` each run as it is done (stored runs first), `on_stage` where each run being graded on
    this machine is (its origin and a stages.Stage). `verifiers="paper"`: the architecture,
    database and ORM verdicts are the paper's heuristics. `compare="paper"`: cdverify's verdicts count,
    and the paper's are computed beside them and compared (`Grading.comparison`). Raises ValueError for
    another combination.

    `run_tests`: serve each run's code and run `collection` (a file, or a bundled name) against it instead
    of reading its report, within `timeouts`, on `port` (None: the paper's port for the language). The
    collection is read before any run: a bad one raises CollectionError (a ValueError).

    `partial_on_interrupt`: Ctrl-C or SIGTERM ends the grading with the runs graded so far (the tables are
    theirs; `Grading.pending` counts the others) instead of raising KeyboardInterrupt.

    `executor="ray"`: the runs are graded as tasks on the Ray cluster at `address` (None: the one this
    machine is part of, else a new local instance), and stored here as they come back.
    """
    if executor not in ("local", "ray"):
        raise ValueError(f"executor must be local or ray, not {executor!r}")
    verifiers = Verifiers(verifiers)
    comparing = compare is not None and Verifiers(compare) is Verifiers.PAPER
    if compare is not None and (not comparing or verifiers is Verifiers.PAPER):
        raise ValueError("compare='paper' goes with cdverify's own verifiers (verifiers='cdverify')")
    tests = None
    if run_tests:
        from cdverify.contract.server import terminate_as_interrupt
        from cdverify.grading.behaviour import BehaviourTests

        tests = BehaviourTests.load(collection, timeouts, port, server_env)
    root = Path(results)
    # the paper's verifiers lay nothing out: no base repository is cloned for them
    found = _with_tasks(discover(root), tasks, base_repos, repo_cache, clone=verifiers is Verifiers.CDVERIFY)
    if on_start is not None:
        on_start(len(found.runs))
    kept = None if store is None or verifiers is Verifiers.PAPER or comparing else RunStore(store)
    tested = None if tests is None else tests.fingerprint
    # with servers running, SIGTERM unwinds like Ctrl-C: they are stopped, their folders removed
    with contextlib.ExitStack() as session:
        if tests is not None:
            from cdverify.grading.behaviour import for_session

            session.enter_context(terminate_as_interrupt())
            if executor == "local":  # on a cluster each worker starts its own (ray_executor.RunWorker)
                tests = session.enter_context(for_session(tests, found.runs))
        if executor == "ray":
            from cdverify.grading.ray_executor import ray_runs

            grade_any = partial(grade_run, verifiers=verifiers, compare=comparing)
            run_all = ray_runs(grade_any, tests, address, failed=_failed_run)
        else:
            grade_one = partial(grade_run, verifiers=verifiers, compare=comparing, tests=tests)
            run_all = local_runs(jobs, grade_one, on_stage)
        graded: list[RunGrade] = []
        try:
            graded.extend(_graded_runs(found, run_all, on_run, kept, force, tested))
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: every run being graded has unwound by now
            if not partial_on_interrupt:
                raise
    errored = [_failed_input(error) for error in found.errors]
    unreadable = tuple(error for error, run in zip(found.errors, errored, strict=True) if run is None)
    runs = tuple(
        sorted(
            [*graded, *(run for run in errored if run is not None)],
            key=lambda item: (
                item.run.agent,
                item.run.model,
                item.run.framework,
                item.run.task,
                item.run.trial,
            ),
        )
    )
    runs = tuple(replace(item, run=item.run.under(rule)) for item in runs)
    records = [item.run for item in runs]
    comparison = None
    if comparing:
        from cdverify.grading.compare import compare_runs

        comparison = compare_runs(runs)
    pending = len(found.runs) - len(graded)
    return Grading(
        root, runs, summarise(records), unreadable, found.superseded, rule, verifiers, comparison, tests,
        pending,
    )  # fmt: skip


def _with_tasks(
    found: Discovery,
    tasks: str | Path | None,
    base_repos: str | Path | None,
    repo_cache: str | Path | None,
    clone: bool,
) -> Discovery:
    """The runs with their task definitions, and the feature runs with their base repositories."""
    from cdverify.grading.bases import BaseRepos, default_repo_cache
    from cdverify.grading.definitions import load_task_definitions
    from cdverify.grading.features import prepare

    definitions = None if tasks is None else load_task_definitions(Path(tasks))
    local = None if base_repos is None else Path(base_repos)
    if local is not None and not local.is_dir():
        raise GradeInputError(f"{local}: the base repositories folder does not exist")
    cache = default_repo_cache() if repo_cache is None else Path(repo_cache)
    return prepare(found, definitions, BaseRepos(cache, local, clone))


def _graded_runs(
    found: Discovery,
    run_all: Callable[[list[RunSource]], Iterator[tuple[int, RunGrade]]],
    on_run: Callable[[RunGrade], None] | None,
    kept: RunStore | None,
    force: bool,
    tested: str | None,
) -> Iterator[RunGrade]:
    """Stored runs first, then the others graded by `run_all` (local_runs, or ray_runs on a cluster), each
    stored as soon as it is done. `tested`: the fingerprint of the behaviour tests, when runs are tested."""
    todo: list[tuple[RunSource, str | None]] = []
    for source in found.runs:
        key = run_key(source, tested) if kept is not None else None
        stored = kept.load(key, source) if kept is not None and key is not None and not force else None
        if stored is None:
            todo.append((source, key))
            continue
        run, findings, notes, record = stored
        result = RunGrade(run, source.run_id, source.origin, findings, notes=notes, tests=record)
        if on_run is not None:
            on_run(result)
        yield result
    sources = [source for source, _ in todo]
    for index, result in run_all(sources):
        key = todo[index][1]
        # not kept: a run with an unknown verdict (its base may be there next time), and a tested run's
        # error, which may come from the machine (a busy port, a slow install)
        unknown = Verdict.UNKNOWN in result.run.verdicts.values()
        if kept is not None and key is not None and not unknown and not (tested and result.run.error):
            kept.save(key, result.run, result.findings, result.notes, result.tests)
        if on_run is not None:
            on_run(result)
        yield result


def local_runs(
    jobs: int | None, grade_one: Callable[[RunSource], RunGrade], on_stage: Sink | None = None
) -> Callable[[list[RunSource]], Iterator[tuple[int, RunGrade]]]:
    """The runs graded on this machine: in this process (`jobs` 1), else in a pool of worker processes;
    each result with the index of its source, in order. `on_stage` hears where each run is (stages.py)."""

    def run_all(sources: list[RunSource]) -> Iterator[tuple[int, RunGrade]]:
        workers = max(1, min(jobs or os.cpu_count() or 1, len(sources)))
        if workers == 1:
            with reporting_to(on_stage):
                yield from enumerate(map(grade_one, sources))
            return
        before = children()
        with drained(on_stage) as stages:
            pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_signals, initargs=(stages,))
            try:
                yield from enumerate(pool.map(Guarded(grade_one), sources, chunksize=1))
            except BaseException:  # Ctrl-C, SIGTERM, or the caller stopped: the workers' runs unwind first
                stop_children(before)
                raise
            finally:
                pool.shutdown(cancel_futures=True)

    return run_all


def _failed_run(source: RunSource, message: str) -> RunGrade:
    """A run whose grading itself failed (a Ray task lost with its worker): the run's error."""
    run = _record(
        source.agent,
        source.model,
        source.task,
        source.trial,
        None,
        {},
        message,
        source.kind,
        source.runtime or "",
    )
    return RunGrade(run, source.run_id, source.origin)


def _failed_input(error: RunInputError) -> RunGrade | None:
    """A run discovery could not read, as a failed run when it says whose run it was."""
    if not (error.agent and error.model and error.task and error.trial is not None):
        return None
    try:
        run = _record(error.agent, error.model, error.task, error.trial, None, {}, error.message)
    except ValueError:
        return None
    return RunGrade(run, error.run_id, error.origin)


def _record(
    agent: str,
    model: str,
    task: str,
    trial: int,
    assertions: Assertions | None,
    verdicts: dict[Axis, Verdict],
    error: str | None,
    kind: RunKind = RunKind.GENERATION,
    framework: str = "",
) -> GradedRun:
    if kind is RunKind.GENERATION:
        return GradedRun.generation(agent, model, task, trial, assertions, verdicts, error)
    return GradedRun(agent, model, task, trial, framework, (), TaskKind.FEATURE, assertions, verdicts, error)


def grade_run(
    source: RunSource,
    verifiers: Verifiers = Verifiers.CDVERIFY,
    compare: bool = False,
    tests: BehaviourTests | None = None,
) -> RunGrade:
    """Verify one run's code for its task's constraints and read its behaviour report (with `tests`: serve
    the code and test it instead). Never raises for a problem of the run itself: that becomes the run's
    error. `compare`: the paper's verdicts beside."""
    feature = source.kind is RunKind.FEATURE or source.paper_task is None
    served = tests is not None and not feature  # feature runs are not served yet: their report is read
    report = read_run_report(None if served else source.report)
    # None: no report (not tested, or unreadable), which scores 0 assertions as in the paper
    assertions = None if source.report is None or isinstance(report, ReportError) else report
    error = f"behaviour report: {report.message}" if isinstance(report, ReportError) else None
    verdicts: dict[Axis, Verdict] = {}
    findings: tuple[dict[str, Any], ...] = ()
    notes: tuple[str, ...] = ()
    paper = paper_grade(source) if (compare or verifiers is Verifiers.PAPER) and not feature else None
    # cdverify's verifiers run unless the paper's verdicts stand instead (the paper judges a feature run
    # by its tests alone)
    static = verifiers is Verifiers.CDVERIFY
    if paper is not None and not static:
        verdicts = paper.as_verdicts()
    tested = None
    try:
        if feature and static:
            from cdverify.grading.features import verify_feature

            verdicts, findings, notes = verify_feature(source)
        elif not feature and (static or served):
            checked, tested = _check(source, static, tests if served else None)
            verdicts, findings = checked or (verdicts, findings)
    except Exception as problem:  # a patch that does not apply, or code the verifiers cannot take
        error = f"{type(problem).__name__}: {problem}".strip()
        assertions = None
    if feature and tests is not None:
        notes = (*notes, "feature runs are not served yet: the run's own behaviour report was read")
    if tested is not None:
        assertions, error = tested.assertions, tested.error
    record = (source.agent, source.model, source.task, source.trial, assertions, verdicts, error)
    run = _record(*record, source.kind, source.runtime or "")
    behaviour = None if tested is None else tested.record
    return RunGrade(run, source.run_id, source.origin, findings, paper, notes, behaviour)


def paper_grade(source: RunSource) -> PaperGrade:
    """The paper's verdicts on a generation run given as a patch; a folder is not what they read."""
    from cdverify.grading.paper import not_applicable, verify_patch

    assert source.paper_task is not None
    if not isinstance(source.code, PatchCode) or source.code.base is not None:
        return not_applicable(
            "the paper's verifiers read a generation run's patch; this run's code is a folder"
        )
    try:
        text: str | None = source.code.patch.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = None  # as the paper: a missing patch is non-compliant
    return verify_patch(text, source.paper_task.parts)


def _check(
    source: RunSource, static: bool, tests: BehaviourTests | None
) -> tuple[tuple[dict[Axis, Verdict], tuple[dict[str, Any], ...]] | None, BehaviourOutcome | None]:
    """Lay the run's code out once: the static verdicts (when `static`), then its behaviour tests."""
    from cdverify.grading.materialise import materialised

    assert source.paper_task is not None
    report(source.origin, Stage.LAYOUT)
    with materialised(source.code) as folder:
        if static:
            report(source.origin, Stage.VERIFY)
        analysed = _verify(folder, source) if static else None
        checked = analysed[:2] if analysed is not None else None
        if tests is None:
            return checked, None
        from cdverify.contract.runtime_files import paper_runtime_files
        from cdverify.grading.behaviour import run_behaviour_tests

        # the paper runtime's `.env.development`, as the paper's harness puts it beside an app loading it
        database = analysed[2] if analysed is not None else _database_report(folder)
        files = paper_runtime_files(database, folder)
        return checked, run_behaviour_tests(folder, source.paper_task, tests, source.origin, files)


def _verify(
    folder: Path, source: RunSource
) -> tuple[dict[Axis, Verdict], tuple[dict[str, Any], ...], DatabaseReport]:
    """The run's static verdicts and error findings, and its database report (for the behaviour tests)."""
    from cdverify.model import Severity
    from cdverify.pipeline import verify

    assert source.paper_task is not None
    report = verify(folder, source.paper_task.constraints(), use_cache=False, jobs=1)
    verdicts = {
        Axis(axis): _STATUS[verdict.status] for axis, verdict in report.verdicts.items() if axis in set(Axis)
    }
    findings = tuple(f.to_dict() for f in report.findings if f.severity is Severity.ERROR)
    return verdicts, findings, report.analysis.database


def _database_report(folder: Path) -> DatabaseReport:
    """What the database detector finds in the run's code, when its static verdicts were not asked for."""
    from cdverify.config import load_config
    from cdverify.pipeline import analyse

    return analyse(folder, load_config(folder), use_cache=False, jobs=1).database


def rows_of(values: Sequence[Any]) -> list[dict[str, Any]]:
    """Dataclass rows as JSON objects: enums as their values, tuples as lists."""
    from dataclasses import asdict

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(key): plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value.value if hasattr(value, "value") and not isinstance(value, int | float | str) else value

    return [plain(asdict(value)) for value in values]
