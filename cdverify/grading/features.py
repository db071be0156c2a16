"""Feature runs: their task definitions and base repositories attached, their code verified.

The paper judges a feature run by its tests alone (evaluation_feature.py: success = every assertion passes),
and no constraint verifier applies to it: architecture, database and ORM are `not_applicable`. When the
run's code can be laid out — the base repository at `repoCommit`, the task's own patch, then the agent's
patch (materialise.py) — cdverify reports two verdicts more, outside the paper's success rule unless
`--success-includes` names them:

- **framework**: the code is still served by the task's framework (cdverify's framework verifier; the
  paper's `honojs` folder is Hono);
- **task**: the run keeps the task files sound: the task-file checks (TASK rules, with the task's port) on
  the run's code, less the findings the base repository itself has at its commit (the feature intact: a
  real repository has its own start-up script, health check and base URL, which the generation prompt's
  rules do not describe). A finding counts when the reference has none of the same rule, file and message.

When the code cannot be laid out because the base repository is missing (no `--tasks`, no definition of the
task, a clone that failed), both verdicts are `unknown` and the run's notes say why; its behaviour figures
stand. So is the framework verdict of a task whose name gives no framework folder (a manifest's
`comments-task`), and the task verdict of a run given as a folder (no base to compare with). A patch that
does not apply is the run's own error, as for a generation run.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdverify.constraints import Constraints, validate
from cdverify.grading.bases import Base, BaseRepoError, BaseRepos, resolve_commit
from cdverify.grading.definitions import TaskDefinitions
from cdverify.grading.layout import Discovery, PatchCode, RunKind, RunSource
from cdverify.grading.records import Axis, Verdict

if TYPE_CHECKING:
    from cdverify.model import Finding
    from cdverify.pipeline import Report

# the paper's feature folders whose framework cdverify names otherwise
FRAMEWORK_OF_FOLDER = {"honojs": "hono"}
NOT_CONSTRAINED = {Axis.ARCHITECTURE: Verdict.NOT_APPLICABLE, Axis.DATABASE: Verdict.NOT_APPLICABLE,
                   Axis.ORM: Verdict.NOT_APPLICABLE}  # fmt: skip


def prepare(found: Discovery, definitions: TaskDefinitions | None, bases: BaseRepos) -> Discovery:
    """Each run with its task definition (when `definitions` has it), and each feature run of the layout
    with its base repository, obtained once per URL and commit; a base that cannot be had is the run's
    `unavailable`. A manifest's base commit is named by its full id (so that the run can be stored)."""
    obtained: dict[tuple[str, str], Base | str] = {}
    resolved: dict[tuple[Path, str], str] = {}
    runs = []
    for source in found.runs:
        definition = definitions.find(source.runtime, source.task) if definitions is not None else None
        source = replace(source, definition=definition)
        code = source.code
        if isinstance(code, PatchCode) and code.base is not None and code.commit is not None:
            key = (code.base, code.commit)
            if key not in resolved:
                resolved[key] = code.commit  # unresolved: laying the code out says what is wrong
                with contextlib.suppress(BaseRepoError):
                    resolved[key] = resolve_commit(code.base, code.commit)
            source = replace(source, code=replace(code, commit=resolved[key]))
        elif source.kind is RunKind.FEATURE and isinstance(code, PatchCode) and code.base is None:
            base = _base_of(source, definitions, bases, obtained)
            if isinstance(base, str):
                source = replace(source, unavailable=base)
            else:
                assert definition is not None
                laid_out = PatchCode(code.patch, base.repository, base.commit, definition.patch)
                source = replace(source, code=laid_out)
        runs.append(source)
    return replace(found, runs=tuple(runs))


def _base_of(
    source: RunSource,
    definitions: TaskDefinitions | None,
    bases: BaseRepos,
    obtained: dict[tuple[str, str], Base | str],
) -> Base | str:
    """The feature run's base repository, or why there is none."""
    if definitions is None:
        return "its base repository is unknown: give the paper's task definitions (--tasks)"
    definition = source.definition
    if definition is None:
        return f"no task definition of {source.runtime}/{source.task} in {definitions.root}"
    url, commit = definition.repo.repo_url, definition.repo.repo_commit
    assert url is not None and commit is not None  # the loader requires them of a feature task
    if (url, commit) not in obtained:
        try:
            obtained[(url, commit)] = bases.obtain(url, commit)
        except BaseRepoError as error:
            obtained[(url, commit)] = f"its base repository cannot be had: {error}"
    return obtained[(url, commit)]


def verify_feature(
    source: RunSource,
) -> tuple[dict[Axis, Verdict], tuple[dict[str, Any], ...], tuple[str, ...]]:
    """The verdicts of a feature run, its error findings and notes. Raises what laying out the code raises
    (a patch that does not apply), which is the run's error."""
    from cdverify.grading.materialise import materialised
    from cdverify.model import Severity

    verdicts = dict(NOT_CONSTRAINED)
    if source.unavailable is not None:
        verdicts |= {Axis.FRAMEWORK: Verdict.UNKNOWN, Axis.TASK: Verdict.UNKNOWN}
        return verdicts, (), (f"framework and task files not verified: {source.unavailable}",)
    folder = source.runtime or ""
    framework = FRAMEWORK_OF_FOLDER.get(folder, folder) or None
    base = source.code.base if isinstance(source.code, PatchCode) else None
    notes = []
    if framework is None:
        notes.append("framework not verified: the task names no framework folder (e.g. flask-<task>)")
    if base is None:
        notes.append("task files not verified: the code is a folder, with no base repository to compare with")
    port = source.definition.repo.port if source.definition is not None else None
    constraints = validate(Constraints(framework=framework, task="paper"))
    with materialised(source.code) as code:
        report = _verify(code, constraints, port)
    errors = [finding for finding in report.findings if finding.severity is Severity.ERROR]
    on_framework = [f for f in errors if f.constraint == Axis.FRAMEWORK.value]
    new_task: list[Finding] = []
    if base is not None:
        assert isinstance(source.code, PatchCode)
        reference = _reference_findings(base, source.code.commit, constraints, port)
        new_task = [f for f in errors if f.constraint == Axis.TASK.value and _identity(f) not in reference]
    verdicts[Axis.FRAMEWORK] = _verdict(framework is not None, on_framework)
    verdicts[Axis.TASK] = _verdict(base is not None, new_task)
    return verdicts, tuple(f.to_dict() for f in (*on_framework, *new_task)), tuple(notes)


def _verdict(checked: bool, failures: list[Finding]) -> Verdict:
    return Verdict.UNKNOWN if not checked else Verdict.FAIL if failures else Verdict.PASS


def _verify(code: Path, constraints: Constraints, port: int | None) -> Report:
    """cdverify's verdicts on `code`, with the task's port."""
    from cdverify.config import load_config
    from cdverify.pipeline import verify

    config = load_config(code, search_parents=False)  # a graded app's own, never its workspace's
    if port is not None:
        config = replace(config, port=port)
    return verify(code, constraints, config, use_cache=False, jobs=1)


def _identity(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule, finding.location.path, finding.message)


@functools.lru_cache(maxsize=32)  # per worker process: every run of a task shares its reference
def _reference_findings(
    base: Path, commit: str | None, constraints: Constraints, port: int | None
) -> frozenset[tuple[str, str, str]]:
    """The task-file findings of the base repository as it is at its commit (the feature intact)."""
    from cdverify.grading.materialise import MaterialiseError, materialised_tree

    try:
        if commit is None:
            return _task_identities(_verify(base, constraints, port).findings)
        with materialised_tree(base, commit) as tree:
            return _task_identities(_verify(tree, constraints, port).findings)
    except MaterialiseError:
        return frozenset()  # the run's own lay-out reports what is wrong with the base


def _task_identities(findings: Iterable[Finding]) -> frozenset[tuple[str, str, str]]:
    return frozenset(_identity(f) for f in findings if f.constraint == Axis.TASK.value)
