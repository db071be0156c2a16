"""`cdverify grade RESULTS`: grade a whole experiment (loaded only when the command is invoked)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from cdverify.contract.server_env import passed_environment, server_env_flags
from cdverify.grading.behaviour import Timeouts
from cdverify.grading.records import PAPER_RULE, SuccessRule

_DEFAULT = click.core.ParameterSource.DEFAULT
_BUDGETS = Timeouts()


def _budget(name: str, default: float, what: str) -> Callable[[Any], Any]:
    """A --run-tests time budget, in seconds."""
    seconds = click.FloatRange(min=0, min_open=True)
    return click.option(
        name, type=seconds, default=default, show_default=True, metavar="S", help=f"With --run-tests: {what}"
    )


@click.command("grade")
@click.argument("results", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here."
)
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write runs.csv and tasks.csv here.",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Runs graded at once (default: one per core).")
@click.option(
    "--success-includes",
    metavar="AXES",
    default="",
    help="Also require these verdicts for success, e.g. framework,task (paper: architecture,database,orm)",
)
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep each graded run here and reuse it next time (default: ~/.cache/cdverify/grade).",
)
@click.option("--no-store", is_flag=True, help="Keep nothing: grade every run, store no result.")
@click.option("--force", is_flag=True, help="Regrade runs already stored.")
@click.option(
    "--tables",
    "tables_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the level table, marginal effects and leaderboard here as Markdown and LaTeX.",
)
@click.option(
    "--verifiers",
    type=click.Choice(["cdverify", "paper"]),
    default="cdverify",
    show_default=True,
    help="Whose static verdicts count: cdverify's, or the paper's heuristics over the patch.",
)
@click.option(
    "--compare",
    type=click.Choice(["paper"]),
    help="Also run the paper's verifiers and report, per axis and run by run, where they disagree.",
)
@click.option(
    "--tasks",
    "tasks_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The paper's task definitions (its data/tasks/): feature runs get their base repository there.",
)
@click.option(
    "--base-repos",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Local base repositories, one folder per repository name (e.g. realworld-flask); else cloned.",
)
@click.option(
    "--repo-cache",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep cloned base repositories here (default: ~/.cache/cdverify/repos).",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the tables, plots and a drill-down per run as one self-contained HTML page.",
)
@click.option(
    "--run-tests",
    is_flag=True,
    help="Serve each run's code and run the collection against it, instead of reading its report.",
)
@click.option(
    "--collection",
    default="realworld",
    show_default=True,
    metavar="PATH|NAME",
    help="With --run-tests: a Postman v2 collection file, or a bundled name (realworld).",
)
@_budget("--setup-timeout", _BUDGETS.setup_s, "each run's setup (pip / npm install) budget.")
@_budget("--health-timeout", _BUDGETS.startup_s, "how long a server may take to become healthy.")
@_budget("--collection-timeout", _BUDGETS.collection_s, "each run's budget for the whole collection.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    metavar="PORT",
    help="With --run-tests: serve every run on this port ($PORT) instead of the paper's (8080, 3000).",
)
@server_env_flags
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where runs are graded: on this machine (-j processes), or as tasks on a Ray cluster.",
)
@click.option(
    "--address",
    metavar="HOST:PORT",
    help="With --executor ray: the cluster's address (default: the one this machine is part of).",
)
@click.pass_context
def grade_command(
    context: click.Context,
    results: Path,
    fmt: str,
    output: Path | None,
    csv_dir: Path | None,
    jobs: int | None,
    success_includes: str,
    store: Path | None,
    no_store: bool,
    force: bool,
    tables_dir: Path | None,
    verifiers: str,
    compare: str | None,
    tasks_dir: Path | None,
    base_repos: Path | None,
    repo_cache: Path | None,
    html_file: Path | None,
    run_tests: bool,
    collection: str,
    setup_timeout: float,
    health_timeout: float,
    collection_timeout: float,
    port: int | None,
    pass_env: tuple[str, ...],
    set_env: dict[str, str],
    executor: str,
    address: str | None,
) -> None:
    """Grade the experiment at RESULTS (the paper's results layout, or a CSV / JSON Lines manifest): every
    run's static verdicts and behaviour report (--run-tests: its code served and tested instead), and the
    paper's tables. Exit 0 when graded, 2 on bad input, 130 when interrupted (what was graded is written)."""
    from cdverify.contract.collection import CollectionError
    from cdverify.grading.grader import grade
    from cdverify.grading.layout import GradeInputError
    from cdverify.grading.output import dumps, render_text, runs_csv, tasks_csv
    from cdverify.grading.store import default_store

    try:
        rule = SuccessRule.from_includes(success_includes) if success_includes else PAPER_RULE
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    if compare is not None and verifiers != "cdverify":
        raise click.UsageError(
            "--compare paper sets cdverify's verifiers beside the paper's: drop --verifiers"
        )
    test_options = (
        "collection", "setup_timeout", "health_timeout", "collection_timeout", "port", "pass_env", "set_env"
    )  # fmt: skip
    given = [name for name in test_options if context.get_parameter_source(name) is not _DEFAULT]
    if given and not run_tests:
        names = ", ".join("--" + name.replace("_", "-") for name in given)
        raise click.UsageError(f"{names} {'goes' if len(given) == 1 else 'go'} with --run-tests")
    if address is not None and executor != "ray":
        raise click.UsageError("--address goes with --executor ray")
    if html_file is not None:
        from cdverify.grading.html import HtmlExtraMissing, require_html

        try:
            require_html()  # before grading: say at once what to install
        except HtmlExtraMissing as error:
            click.echo(f"cdverify: error: {error}", err=True)
            sys.exit(2)
    from cdverify.contract.server import terminate_as_interrupt

    # Ctrl-C or SIGTERM: the runs being graded unwind, what was graded is written, exit 130; a second
    # signal can cut neither the report nor the exit short
    with terminate_as_interrupt(sigint=True, final=True):
        try:
            kept = None if no_store else (store or default_store())
            with _progress() as (on_start, on_run, on_stage):
                grading = grade(
                    results,
                    jobs=jobs,
                    rule=rule,
                    on_start=on_start,
                    on_run=on_run,
                    on_stage=on_stage,
                    store=kept,
                    force=force,
                    verifiers=verifiers,
                    compare=compare,
                    tasks=tasks_dir,
                    base_repos=base_repos,
                    repo_cache=repo_cache,
                    run_tests=run_tests,
                    collection=collection,
                    timeouts=Timeouts(setup_timeout, health_timeout, collection_timeout),
                    port=port,
                    server_env={**passed_environment(pass_env), **set_env},
                    executor=executor,
                    address=address,
                    partial_on_interrupt=True,
                )
        except CollectionError as error:  # read before any run is graded
            raise click.UsageError(f"--collection: {error}") from None
        except GradeInputError as error:
            click.echo(f"cdverify: error: {error}", err=True)
            sys.exit(2)
        if fmt == "text" and output is None and sys.stdout.isatty():
            from rich.console import Console

            from cdverify.grading.output import summary

            console = Console()
            for index, part in enumerate(summary(grading)):
                console.print(*([""] if index else []), part, sep="\n")
        else:
            text = dumps(grading) if fmt == "json" else render_text(grading)
            if output is not None:
                output.write_text(text, encoding="utf-8")
            else:
                click.echo(text, nl=False)
        if tables_dir is not None:
            from cdverify.grading.tables import rendered

            tables_dir.mkdir(parents=True, exist_ok=True)
            for name, content in rendered(grading.tables).items():
                (tables_dir / name).write_text(content, encoding="utf-8")
        if html_file is not None:
            from cdverify.grading.html import render_html

            html_file.write_text(render_html(grading), encoding="utf-8")
        if csv_dir is not None:
            csv_dir.mkdir(parents=True, exist_ok=True)
            (csv_dir / "runs.csv").write_text(runs_csv(grading), encoding="utf-8")
            (csv_dir / "tasks.csv").write_text(tasks_csv(grading), encoding="utf-8")
        if grading.pending:  # interrupted: what was graded is written above and kept in the store
            graded = len(grading.runs)
            click.echo(
                f"cdverify: interrupted: {graded} runs graded, {grading.pending} not; "
                "the next `cdverify grade` of these results grades the rest",
                err=True,
            )
            sys.exit(130)


Callbacks = tuple[
    Callable[[int], None] | None, Callable[[Any], None] | None, Callable[[str, Any], None] | None
]


@contextlib.contextmanager
def _progress() -> Iterator[Callbacks]:
    """On a terminal's stderr: a progress bar (runs done / found, elapsed, time left) and, under it, a line
    per run being graded with its stage (laying out, verifying, setting up, starting, testing); nothing
    elsewhere, nor with CDVERIFY_NO_PROGRESS."""
    from cdverify.progress import wanted

    if not wanted(sys.stderr):
        yield None, None, None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress("{task.description}", *columns, console=Console(stderr=True), transient=True) as bar:
        overall = bar.add_task("grading", total=None)
        active: dict[str, Any] = {}
        finished: set[str] = set()  # a worker's last stage may be drained after its run came back

        def on_stage(origin: str, stage: Any) -> None:
            if origin in finished:
                return
            label = f"  {origin[-60:]}: {stage}"
            if origin in active:
                bar.update(active[origin], description=label)
            else:
                active[origin] = bar.add_task(label, total=None)

        def on_run(run: Any) -> None:
            bar.advance(overall)
            finished.add(run.origin)
            row = active.pop(run.origin, None)
            if row is not None:
                bar.remove_task(row)

        yield (lambda total: bar.update(overall, total=total)), on_run, on_stage
