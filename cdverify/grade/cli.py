"""`cdverify grade RESULTS`: grade a whole experiment (loaded only when the command is invoked)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cdverify.grade.records import PAPER_RULE, SuccessRule


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
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the tables, plots and a drill-down per run as one self-contained HTML page.",
)
def grade_command(
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
    html_file: Path | None,
) -> None:
    """Grade the experiment at RESULTS (the paper's results layout, or a CSV / JSON Lines manifest): every
    run's static verdicts and behaviour report, and the paper's tables. Exit 0 when graded, 2 on bad input."""
    from cdverify.grade.grader import grade
    from cdverify.grade.layout import GradeInputError
    from cdverify.grade.output import dumps, render_text, runs_csv, tasks_csv
    from cdverify.grade.store import default_store

    try:
        rule = SuccessRule.from_includes(success_includes) if success_includes else PAPER_RULE
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    if compare is not None and verifiers != "cdverify":
        raise click.UsageError(
            "--compare paper sets cdverify's verifiers beside the paper's: drop --verifiers"
        )
    if html_file is not None:
        from cdverify.grade.html import HtmlExtraMissing, require_html

        try:
            require_html()  # before grading: say at once what to install
        except HtmlExtraMissing as error:
            click.echo(f"cdverify: error: {error}", err=True)
            sys.exit(2)
    done = 0

    def progress(_: object) -> None:
        nonlocal done
        done += 1
        if sys.stderr.isatty():
            click.echo(f"\rgraded {done} runs", nl=False, err=True)

    try:
        kept = None if no_store else (store or default_store())
        grading = grade(
            results,
            jobs=jobs,
            rule=rule,
            on_run=progress,
            store=kept,
            force=force,
            verifiers=verifiers,
            compare=compare,
        )
    except GradeInputError as error:
        click.echo(f"cdverify: error: {error}", err=True)
        sys.exit(2)
    if sys.stderr.isatty() and done:
        click.echo("", err=True)
    text = dumps(grading) if fmt == "json" else render_text(grading)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if tables_dir is not None:
        from cdverify.grade.tables import rendered

        tables_dir.mkdir(parents=True, exist_ok=True)
        for name, content in rendered(grading.tables).items():
            (tables_dir / name).write_text(content, encoding="utf-8")
    if html_file is not None:
        from cdverify.grade.html import render_html

        html_file.write_text(render_html(grading), encoding="utf-8")
    if csv_dir is not None:
        csv_dir.mkdir(parents=True, exist_ok=True)
        (csv_dir / "runs.csv").write_text(runs_csv(grading), encoding="utf-8")
        (csv_dir / "tasks.csv").write_text(tasks_csv(grading), encoding="utf-8")
