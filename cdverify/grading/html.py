"""`cdverify grade --html FILE`: a graded experiment as one self-contained HTML page.

`render_html(grading)` is a pure function from a `Grading` to HTML text. The page holds the paper's level
table, marginal effects and framework leaderboard (the same cells as `--tables`), the task table, three
figures (plots.py) and a drill-down per run: its verdicts, scores, error, findings and failing assertions.

It is made with jinja2 (the template ships in the package, `templates/report.html.j2`) with autoescaping
on: run names, findings and assertion messages come from generated repositories and are untrusted text.
The figures are SVG images in `data:` URIs: an SVG in an `<img>` runs no script and loads nothing. The
page loads nothing either (no CDN, no font, no script), and says so to the browser with a
Content-Security-Policy that allows only its own inline style and `data:` images.

jinja2 and matplotlib are the optional extra `cdverify[report]`; they are imported only here, only when a
page is rendered, and `require_html()` says how to install them when they are missing.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cdverify.grading.grader import Grading, RunGrade
from cdverify.grading.layout import RunInputError
from cdverify.grading.metrics import FeatureRow, TaskRow
from cdverify.grading.records import Assertions, Axis, GradedRun, TaskKind
from cdverify.grading.tables import Table, paper_tables, percent
from cdverify.model import Location

if TYPE_CHECKING:
    from cdverify.grading.compare import Comparison

HTML_EXTRA = "cdverify[report]"
TEMPLATE = "report.html.j2"


class HtmlExtraMissing(RuntimeError):
    """jinja2 or matplotlib is not installed."""


def require_html() -> None:
    """Raise HtmlExtraMissing, saying what to install, unless the HTML report's packages import."""
    try:
        import jinja2  # noqa: F401
        import matplotlib  # noqa: F401
    except ImportError as error:
        missing = error.name or "a package"
        raise HtmlExtraMissing(
            f"the HTML report needs {missing}, which is not installed: pip install '{HTML_EXTRA}'"
        ) from None


@dataclass(frozen=True)
class FigureView:
    anchor: str
    title: str
    caption: str
    uri: str  # data:image/svg+xml;base64,…


@dataclass(frozen=True)
class VerdictView:
    axis: str
    verdict: str  # pass, fail, not_applicable
    counts: bool  # the axis is on the success rule
    paper: str | None = None  # the paper's verdict, when its verifiers ran
    paper_reason: str = ""


@dataclass(frozen=True)
class FindingView:
    rule: str
    name: str
    constraint: str
    location: str  # file:line:col
    message: str
    evidence: str
    hint: str


@dataclass(frozen=True)
class RunView:
    anchor: str
    item: RunGrade
    a: str
    strict_a: str
    verdicts: tuple[VerdictView, ...]
    findings: tuple[FindingView, ...]

    @property
    def assertions(self) -> Assertions | None:
        return self.item.run.assertions


@dataclass(frozen=True)
class TaskGroup:
    anchor: str
    row: TaskRow
    runs: tuple[RunView, ...]


@dataclass(frozen=True)
class ConfigurationGroup:
    agent: str
    model: str
    tasks: tuple[TaskGroup, ...]


def _data_uri(svg: str | None) -> str | None:
    return None if svg is None else "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _figures(grading: Grading) -> dict[str, FigureView]:
    from cdverify.grading import plots

    tables = grading.tables
    drawn = {
        "decay": (
            plots.decay_svg(tables.levels),
            "Decay: strict A% and pass@1 by level",
            "Means over the level's generation tasks, one line per configuration (agent / model). The level "
            "is the number of active constraints besides the framework.",
        ),
        "effects": (
            plots.effects_svg(tables.marginal_effects),
            "Marginal effect of each constraint",
            "Mean Δ strict A% over the matched pairs (a task with the constraint against its sibling "
            "without it, same configuration), pooled over configurations and frameworks; bars: ±1 SEM; "
            "n: pairs.",
        ),
        "frameworks": (
            plots.frameworks_svg(tables.frameworks),
            "Framework leaderboard",
            "Strict A% per framework (mean over its generation tasks), one line per configuration; band: "
            "±1 standard error of the runs' strict A%.",
        ),
    }
    return {
        name: FigureView(f"figure-{name}", title, caption, uri)
        for name, (svg, title, caption) in drawn.items()
        if (uri := _data_uri(svg)) is not None
    }


def _task_table(rows: Sequence[TaskRow]) -> Table:
    return Table(
        "tasks",
        "Every task of every configuration: pass@k and pass^k over its runs, A% and strict A% as mean ± "
        "sample stdev over runs",
        ("agent", "model", "task", "kind", "level", "runs", "successes", "errors", "pass@1", "pass@3",
         "pass^3", "A%", "strict A%"),
        tuple(
            (
                row.agent, row.model, row.task, row.kind.value, str(row.level), str(row.n),
                str(row.successes), str(row.errors), f"{row.pass_at_1:.3f}", f"{row.pass_at_3:.3f}",
                f"{row.pass_power_3:.3f}", f"{percent(row.a)} ± {percent(row.a_stdev)}",
                f"{percent(row.strict_a)} ± {percent(row.strict_a_stdev)}",
            )
            for row in rows
        ),
    )  # fmt: skip


def _finding(finding: Mapping[str, Any]) -> FindingView:
    """A finding as `Finding.to_dict()` gives it (kept in the store as JSON: read it as untyped)."""
    line, col = finding.get("line"), finding.get("col")
    where = Location(
        str(finding.get("file") or ""),
        line if isinstance(line, int) else 0,
        col if isinstance(col, int) else 0,
    )
    text = {
        key: str(finding.get(key) or "")
        for key in ("rule", "name", "constraint", "message", "evidence", "hint")
    }
    return FindingView(
        text["rule"],
        text["name"],
        text["constraint"],
        str(where),  # as `cdverify check` prints it
        text["message"],
        text["evidence"],
        text["hint"],
    )


def _run_view(anchor: str, item: RunGrade, grading: Grading) -> RunView:
    run = item.run
    verdicts = []
    for axis in Axis:
        paper = None if item.paper is None else item.paper.of(axis)  # the paper's grade has every axis
        verdicts.append(
            VerdictView(
                axis.value,
                run.verdicts[axis].value,
                axis in grading.rule.axes,
                None if paper is None else paper.verdict.value,
                "" if paper is None else paper.reason,
            )
        )
    return RunView(
        anchor,
        item,
        percent(run.a),
        percent(run.strict_a),
        tuple(verdicts),
        tuple(_finding(finding) for finding in item.findings),
    )


def _task_anchor(index: int) -> str:
    """The id of the index-th task row's drill-down group: the task table links there."""
    return f"task-{index}"


def _drill_down(grading: Grading) -> tuple[ConfigurationGroup, ...]:
    """Runs grouped by configuration, then by task in the task table's order."""
    runs: dict[tuple[str, str, str], list[RunGrade]] = {}
    for item in grading.runs:
        runs.setdefault((item.run.agent, item.run.model, item.run.task), []).append(item)
    configurations: dict[tuple[str, str], list[TaskGroup]] = {}
    counter = 0
    for index, row in enumerate(grading.tables.tasks):
        views = []
        for item in sorted(runs.get((row.agent, row.model, row.task), []), key=lambda item: item.run.trial):
            views.append(_run_view(f"run-{counter}", item, grading))
            counter += 1
        group = TaskGroup(_task_anchor(index), row, tuple(views))
        configurations.setdefault((row.agent, row.model), []).append(group)
    return tuple(
        ConfigurationGroup(agent, model, tuple(groups)) for (agent, model), groups in configurations.items()
    )


@dataclass(frozen=True)
class Summary:
    runs: int
    successes: int
    errors: int  # runs that could not be graded
    configurations: int
    tasks: int
    unreadable: int


@dataclass(frozen=True)
class PageView:
    """What the template shows, computed once: tables as cells, figures as data URIs, runs grouped."""

    root: str
    version: str
    verifiers: str
    rule: tuple[str, ...]
    summary: Summary
    levels: Table
    effects: Table
    frameworks: Table
    tasks: Table
    task_anchors: tuple[str, ...]  # the drill-down group of each task row
    features: tuple[FeatureRow, ...]
    has_features: bool
    figures: Mapping[str, FigureView]  # decay, effects, frameworks: those with rows to draw
    configurations: tuple[ConfigurationGroup, ...]
    errors: tuple[GradedRun, ...]
    unreadable: tuple[RunInputError, ...]
    comparison: Comparison | None


def page_view(grading: Grading) -> PageView:
    from cdverify import __version__

    tables = grading.tables
    levels, effects, frameworks = paper_tables(tables)
    summary = Summary(
        runs=len(grading.runs),
        successes=sum(item.run.success for item in grading.runs),
        errors=len(tables.errors),
        configurations=len({(row.agent, row.model) for row in tables.tasks}),
        tasks=len({row.task for row in tables.tasks}),
        unreadable=len(grading.unreadable),
    )
    return PageView(
        root=str(grading.root),
        version=__version__,
        verifiers=grading.verifiers.value,
        rule=tuple(sorted(axis.value for axis in grading.rule.axes)),
        summary=summary,
        levels=levels,
        effects=effects,
        frameworks=frameworks,
        tasks=_task_table(tables.tasks),
        task_anchors=tuple(_task_anchor(index) for index in range(len(tables.tasks))),
        features=tables.features,
        has_features=any(row.kind is TaskKind.FEATURE for row in tables.tasks),
        figures=_figures(grading),
        configurations=_drill_down(grading),
        errors=tables.errors,
        unreadable=grading.unreadable,
        comparison=grading.comparison,
    )


def render_html(grading: Grading) -> str:
    """The graded experiment as one self-contained HTML page. Raises HtmlExtraMissing without the extra."""
    require_html()
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("cdverify.grading", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["percent"] = percent
    return environment.get_template(TEMPLATE).render(page=page_view(grading))
