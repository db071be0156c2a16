"""Find the runs of an experiment: the paper's results layout, or a manifest (CSV or JSON Lines).

The paper's layout (docs/grading-inputs.md)::

    RESULTS/{runtime}/{agent}/{model}/{task}/{date}/run_N/{agent}-{task}.patch
                                                         /newman-run-report-*.csv   (when tested)

`runtime` is `uv` or `node` for the generation tasks (their names are paper task names, read by
`parse_task_name`), and a framework folder (`express`, `flask`, `honojs`, …) for the feature tasks, whose
base repository and own patch come from the paper's task definitions (definitions.py, `--tasks`). Of
several date folders the newest by name counts (the paper names them `%Y-%m-%dT%H-%M-%S`); the run folders
are those named `run_*`, and N is the trial.

A manifest names each run's code itself: a folder (`repo`), or a patch (`patch`) applied to an empty
workspace or to a base repository (`base`, at `commit`). A feature task named `{framework folder}-{name}`
(`flask-hard-focused-task-001`, as the paper names its task files) is the layout's
`flask/…/hard-focused-task-001`.

Discovery never stops on a bad run: a run folder without its patch, a manifest row that cannot be read,
gives a `RunInputError` beside the good runs. Only a manifest that is unreadable as a whole (no file, no
header, unknown columns) raises `GradeInputError`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdverify.config import ConfigError
from cdverify.constraints import TaskName, parse_task_name

if TYPE_CHECKING:
    from cdverify.grading.definitions import TaskDefinition

GENERATION_RUNTIMES = ("uv", "node")
# the framework folders of the paper's feature tasks (its evaluation_feature.py walks these)
FEATURE_FRAMEWORKS = ("aiohttp", "django", "express", "fastapi", "fastify", "flask", "honojs", "koa")
RUN_FOLDER = re.compile(r"run_(\d+)")
REPORT_GLOB = "newman-run-report-*.csv"

MANIFEST_REQUIRED = ("run", "agent", "model", "task", "trial")
MANIFEST_OPTIONAL = ("repo", "patch", "base", "commit", "base_patch", "report", "kind")
MANIFEST_JSON_LINES = (".jsonl", ".ndjson")
# The manifest's path columns, and whether each names a folder (else a file).
MANIFEST_PATHS = {"repo": True, "patch": False, "base": True, "base_patch": False, "report": False}


class GradeInputError(Exception):
    """The experiment cannot be read at all (a manifest file that is malformed as a whole); exit code 2."""


class RunKind(StrEnum):
    GENERATION = "generation"  # a paper generation task: the patch is against an empty workspace
    FEATURE = "feature"  # a feature task: the patch is against a base repository


@dataclass(frozen=True)
class PatchCode:
    """A unified diff, applied to an empty workspace, or to `base` (at `commit`) after `base_patch`.

    `base` is a folder (a git repository when `commit` is given); `base_patch` is the task's own patch of the
    base (the paper's feature tasks remove code with it before the agent starts). A feature run found in
    the paper's layout has no base until the task definitions supply it.
    """

    patch: Path
    base: Path | None = None
    commit: str | None = None
    base_patch: Path | None = None


@dataclass(frozen=True)
class RepoCode:
    """A folder that holds the run's code as it is."""

    repo: Path


Code = PatchCode | RepoCode


@dataclass(frozen=True)
class RunSource:
    """One run of an experiment, as found: who made it, for which task and trial, its code and its report."""

    run_id: str  # unique in the experiment: the run folder relative to RESULTS, or the manifest's `run`
    agent: str
    model: str
    task: str  # a generation task's name as the paper writes it (no prefix, canonical part order)
    trial: int
    runtime: str | None  # uv | node for generation tasks, the framework folder for feature tasks
    kind: RunKind
    code: Code
    report: Path | None  # None: the run was not tested, it scores 0 assertions
    origin: str  # where it was found: the run folder, or `manifest.csv:LINE`
    paper_task: TaskName | None = None  # the parsed generation task; None for feature tasks
    definition: TaskDefinition | None = None  # the task's definition, when --tasks has it
    unavailable: str | None = None  # why the code cannot be laid out (a feature run's base is missing)


@dataclass(frozen=True)
class RunInputError:
    """A run (or what looked like one) that cannot be graded, with what is known of it."""

    run_id: str
    origin: str
    message: str
    agent: str | None = None
    model: str | None = None
    task: str | None = None
    trial: int | None = None

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


@dataclass(frozen=True)
class Discovery:
    """Everything found in an experiment: gradable runs, runs that cannot be graded, ignored date folders."""

    runs: tuple[RunSource, ...]
    errors: tuple[RunInputError, ...] = ()
    superseded: tuple[Path, ...] = ()  # older date folders of a task, not read (the newest counts)


def discover(path: Path) -> Discovery:
    """The runs of an experiment: a folder in the paper's layout, or a manifest file (.csv, .jsonl)."""
    if path.is_dir():
        return read_results(path)
    if path.is_file():
        return read_manifest(path)
    raise GradeInputError(f"{path}: no such folder or manifest file")


# --- The paper's results layout -----------------------------------------------------------------------


def _folders(path: Path) -> list[Path]:
    """The visible sub-folders, sorted by name (links are not followed into other trees)."""
    try:
        children = list(path.iterdir())
    except OSError:
        return []
    return sorted(
        (c for c in children if not c.name.startswith(".") and c.is_dir() and not c.is_symlink()),
        key=lambda c: c.name,
    )


def read_results(root: Path) -> Discovery:
    """Walk `RESULTS/{runtime}/{agent}/{model}/{task}/{date}/run_N/`; a task's newest date folder counts."""
    runs: list[RunSource] = []
    errors: list[RunInputError] = []
    superseded: list[Path] = []
    for runtime in _folders(root):
        for agent in _folders(runtime):
            for model in _folders(agent):
                for task in _folders(model):
                    dates = _folders(task)
                    if not dates:
                        errors.append(_task_error(root, task, "no date folder"))
                        continue
                    newest = dates[-1]  # by name: the paper's dates sort as they happened
                    superseded.extend(dates[:-1])
                    found, failed = _read_date_folder(root, newest)
                    runs.extend(found)
                    errors.extend(failed)
    return Discovery(tuple(runs), tuple(errors), tuple(superseded))


def _task_error(root: Path, folder: Path, message: str) -> RunInputError:
    """An error about a task or date folder: no run can be read from it."""
    parts = folder.relative_to(root).parts  # runtime, agent, model, task[, date]
    return RunInputError(
        run_id=folder.relative_to(root).as_posix(),
        origin=str(folder),
        message=message,
        agent=parts[1],
        model=parts[2],
        task=parts[3],
    )


def _read_date_folder(root: Path, date: Path) -> tuple[list[RunSource], list[RunInputError]]:
    run_folders = [folder for folder in _folders(date) if folder.name.startswith("run_")]
    if not run_folders:
        return [], [_task_error(root, date, "no run_* folder in the newest date folder")]
    runs: list[RunSource] = []
    errors: list[RunInputError] = []
    for folder in sorted(run_folders, key=_run_order):
        found = _read_run_folder(root, folder)
        if isinstance(found, RunSource):
            runs.append(found)
        else:
            errors.append(found)
    return runs, errors


def _read_run_folder(root: Path, folder: Path) -> RunSource | RunInputError:
    """One `run_N` folder: its patch `{agent}-{task}.patch` and its newman CSV, if any."""
    run_id = folder.relative_to(root).as_posix()
    runtime, agent, model, task = folder.relative_to(root).parts[:4]
    match = RUN_FOLDER.fullmatch(folder.name)
    trial = int(match.group(1)) if match else None

    def error(message: str) -> RunInputError:
        return RunInputError(run_id, str(folder), message, agent, model, task, trial)

    if trial is None:
        return error("the run folder is not named run_N")
    paper_task: TaskName | None = None
    kind = RunKind.GENERATION if runtime in GENERATION_RUNTIMES else RunKind.FEATURE
    if kind is RunKind.GENERATION:
        try:
            paper_task = parse_task_name(task)
        except ConfigError as problem:
            return error(f"cannot read the task name: {problem}")
        if paper_task.runtime != runtime:
            return error(f"{task} is a {paper_task.language} task, but it is under {runtime}/")
    patch = folder / f"{agent}-{task}.patch"
    if not patch.is_file():
        others = sorted(p.name for p in folder.glob("*.patch"))
        return error(f"no patch {patch.name}" + (f" (found {', '.join(others)})" if others else ""))
    reports = sorted(folder.glob(REPORT_GLOB))  # newman names them by time: the last one is the newest
    return RunSource(
        run_id=run_id,
        agent=agent,
        model=model,
        task=paper_task.name if paper_task else task,
        trial=trial,
        runtime=runtime,
        kind=kind,
        code=PatchCode(patch),
        report=reports[-1] if reports else None,
        origin=str(folder),
        paper_task=paper_task,
    )


def split_feature_task(text: str) -> tuple[str | None, str]:
    """`flask-hard-focused-task-001` → (`flask`, `hard-focused-task-001`): the framework folder the layout
    files the task under, and its name there; (None, text) when the name starts with no framework folder."""
    folder, _, name = text.partition("-")
    return (folder, name) if folder in FEATURE_FRAMEWORKS and name else (None, text)


def _run_order(folder: Path) -> tuple[int, str]:
    match = RUN_FOLDER.fullmatch(folder.name)
    return (int(match.group(1)) if match else -1, folder.name)


# --- Manifests ------------------------------------------------------------------------------------------


def read_manifest(path: Path) -> Discovery:
    """Read a CSV or JSON Lines manifest; relative paths in it are relative to the manifest's folder."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise GradeInputError(f"{path}: the manifest cannot be read ({error})") from error
    if not text.strip():
        raise GradeInputError(f"{path}: the manifest is empty")
    json_lines = path.suffix.lower() in MANIFEST_JSON_LINES or (
        path.suffix.lower() != ".csv" and text.lstrip().startswith("{")
    )
    rows = _json_lines_rows(path, text) if json_lines else _csv_rows(path, text)
    return _manifest_runs(path, rows)


# A manifest row: where it is (line), its fields, or why it cannot be read at all.
_Row = tuple[int, dict[str, Any] | None, str | None]


def _check_columns(path: Path, columns: Iterable[str]) -> None:
    columns = list(columns)
    unknown = [c for c in columns if c not in MANIFEST_REQUIRED + MANIFEST_OPTIONAL]
    missing = [c for c in MANIFEST_REQUIRED if c not in columns]
    problems = []
    if missing:
        problems.append(f"no column {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column {', '.join(map(repr, unknown))}")
    if problems:
        known = ", ".join(MANIFEST_REQUIRED + MANIFEST_OPTIONAL)
        raise GradeInputError(f"{path}: {'; '.join(problems)} (the columns are {known})")


def _csv_rows(path: Path, text: str) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise GradeInputError(f"{path}: no CSV header ({error})") from error
    if len(set(header)) != len(header):
        raise GradeInputError(f"{path}: a column is named twice in the header")
    _check_columns(path, header)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield reader.line_num, None, f"malformed CSV ({error})"
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield reader.line_num, None, f"{len(cells)} fields, the header has {len(header)}"
            continue
        yield reader.line_num, dict(zip(header, cells, strict=True)), None


def _json_lines_rows(path: Path, text: str) -> Iterator[_Row]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, None, f"not JSON ({error.msg})"
            continue
        if not isinstance(row, dict):
            yield number, None, "a JSON Lines row must be an object"
            continue
        odd = [key for key, value in row.items() if not _is_cell(value)]
        if odd:
            yield number, None, f"{', '.join(odd)}: a value must be a string, a whole number or null"
            continue
        unknown = [key for key in row if key not in MANIFEST_REQUIRED + MANIFEST_OPTIONAL]
        if unknown:
            yield number, None, f"unknown field {', '.join(map(repr, unknown))}"
            continue
        yield number, row, None


def _is_cell(value: Any) -> bool:
    return value is None or isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _text(value: str | int | None) -> str | None:
    """A cell as text: null, empty and blank cells are absent."""
    text = "" if value is None else str(value).strip()
    return text or None


def _trial(text: str | None) -> int | None:
    return int(text) if text is not None and text.isascii() and text.isdigit() else None


def _manifest_runs(path: Path, rows: Iterable[_Row]) -> Discovery:
    runs: list[RunSource] = []
    errors: list[RunInputError] = []
    seen_ids: dict[str, str] = {}
    seen_trials: dict[tuple[str, str, str | None, str, int], str] = {}
    for line, row, problem in rows:
        origin = f"{path}:{line}"
        fields = {key: _text(value) for key, value in (row or {}).items()}
        known: dict[str, Any] = {key: fields.get(key) for key in ("agent", "model", "task")}
        run_id = fields.get("run") or f"{path.name}:{line}"
        if problem is None:
            result = _manifest_run(path.parent, fields, origin)
            if isinstance(result, RunSource):
                trial_key = (result.agent, result.model, result.runtime, result.task, result.trial)
                if run_id in seen_ids:
                    problem = f"run {run_id!r} is also at {seen_ids[run_id]}"
                elif trial_key in seen_trials:
                    problem = f"the same agent, model, task and trial as run {seen_trials[trial_key]!r}"
                else:
                    seen_ids[run_id], seen_trials[trial_key] = origin, run_id
                    runs.append(result)
                    continue
            else:
                problem = result
        errors.append(RunInputError(run_id, origin, problem, trial=_trial(fields.get("trial")), **known))
    return Discovery(tuple(runs), tuple(errors))


def _manifest_run(folder: Path, fields: Mapping[str, str | None], origin: str) -> RunSource | str:
    """One manifest row as a run, or what is wrong with it."""
    missing = [key for key in MANIFEST_REQUIRED if fields.get(key) is None]
    if missing:
        return f"no {', '.join(missing)}"
    trial = _trial(fields["trial"])
    if trial is None:
        return f"trial must be a whole number >= 0, not {fields['trial']!r}"

    paths: dict[str, Path | None] = {}
    problems = []
    for key, want_folder in MANIFEST_PATHS.items():
        value = fields.get(key)
        paths[key] = None if value is None else folder / value
        found = paths[key]
        if found is not None and not (found.is_dir() if want_folder else found.is_file()):
            problems.append(f"{key} {value}: no such {'folder' if want_folder else 'file'}")
    if problems:
        return "; ".join(problems)
    repo, patch, base, base_patch = paths["repo"], paths["patch"], paths["base"], paths["base_patch"]
    if (repo is None) == (patch is None):
        return "give either repo (a folder) or patch (a unified diff), not both or neither"
    commit = fields.get("commit")
    if repo is not None and (base or commit or base_patch):
        return "base, commit and base_patch go with patch, not with repo"
    if base is None and (commit or base_patch):
        return "commit and base_patch need a base repository"
    kind_text = fields.get("kind") or (RunKind.FEATURE if base else RunKind.GENERATION)
    if kind_text not in tuple(RunKind):
        return f"kind must be generation or feature, not {kind_text!r}"
    kind = RunKind(kind_text)
    task = fields["task"] or ""
    paper_task: TaskName | None = None
    runtime: str | None = None
    if kind is RunKind.GENERATION:
        if base is not None:
            return "a generation task's patch is against an empty workspace: it has no base"
        try:
            paper_task = parse_task_name(task)
        except ConfigError as error:
            return f"cannot read the task name: {error}"
        task, runtime = paper_task.name, paper_task.runtime
    else:
        if patch is not None and base is None:
            return "a feature task's patch needs its base repository (base, and commit for a git repository)"
        runtime, task = split_feature_task(task)
    code: Code = RepoCode(repo) if repo is not None else PatchCode(patch or Path(), base, commit, base_patch)
    return RunSource(
        run_id=fields["run"] or "",
        agent=fields["agent"] or "",
        model=fields["model"] or "",
        task=task,
        trial=trial,
        runtime=runtime,
        kind=kind,
        code=code,
        report=paths["report"],
        origin=origin,
        paper_task=paper_task,
    )
