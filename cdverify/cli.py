"""The `cdverify` command line. Exit codes: 0 all constraints hold, 1 a constraint fails,
2 usage or configuration error, 3 internal error (a bug: please report it)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import click

from cdverify import __version__
from cdverify.contract.server_env import harness_env_option

if TYPE_CHECKING:
    from cdverify.config import Config

F = TypeVar("F", bound=Callable[..., Any])

EXIT_USAGE = 2
EXIT_INTERNAL = 3


def _project_options(func: F) -> F:
    """Options shared by every command that analyses a project."""
    decorators = [
        click.argument("path", type=click.Path(path_type=Path), default=".", required=False),
        click.option(
            "--config",
            "config_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Config file (default: PATH/cdverify.toml, or [tool.cdverify] in PATH/pyproject.toml).",
        ),
        click.option("--preset", help="Architecture preset (default: clean_architecture)."),
        click.option(
            "--layer",
            "layers",
            multiple=True,
            metavar="NAME=GLOB",
            help="Assign files matching GLOB to layer NAME (repeatable; strongest evidence).",
        ),
        click.option(
            "--exclude", multiple=True, metavar="GLOB", help="Leave matching paths out (repeatable)."
        ),
        click.option("--require-layers", metavar="A,B", help="Comma-separated layers that must exist."),
        click.option(
            "--no-cache",
            is_flag=True,
            help="Analyse afresh: neither the result cache nor the facts cache is read or written.",
        ),
        click.option(
            "-j", "--jobs", type=click.IntRange(1, 64), help="Parser processes (default: one per idle core)."
        ),
    ]

    @functools.wraps(func)
    def collect(**kwargs: Any) -> Any:
        shared = {name: kwargs.pop(name) for name in ProjectArgs.__dataclass_fields__}
        return func(ProjectArgs(**shared), **kwargs)

    wrapped: Any = collect
    for decorator in reversed(decorators):
        wrapped = decorator(wrapped)
    return cast(F, wrapped)


@dataclass(frozen=True)
class ProjectArgs:
    """The options every project command takes, as given on the command line."""

    path: Path
    config_file: Path | None
    preset: str | None
    layers: tuple[str, ...]
    exclude: tuple[str, ...]
    require_layers: str | None
    no_cache: bool
    jobs: int | None

    def config(self) -> Config:
        return _load(self.path, self.config_file, self.preset, self.layers, self.exclude, self.require_layers)


def _load(  # the static pipeline's modules load here, not for `contract` commands
    path: Path,
    config_file: Path | None,
    preset: str | None,
    layers: tuple[str, ...],
    exclude: tuple[str, ...],
    require_layers: str | None,
) -> Config:
    from cdverify.config import ConfigError, load_config

    globs: dict[str, list[str]] = {}
    for item in layers:
        name, sep, glob = item.partition("=")
        if not sep or not name or not glob:
            raise ConfigError([f"--layer expects NAME=GLOB, got {item!r}"])
        globs.setdefault(name.strip(), []).append(glob.strip())
    return load_config(
        path,
        config_file,
        preset=preset,
        layer_globs=globs,
        exclude=list(exclude),
        required_layers=[x.strip() for x in require_layers.split(",")] if require_layers else None,
    )


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")


def _run(action: Callable[[], int]) -> None:
    from cdverify.config import ConfigError

    try:
        code = action()
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(f"cdverify: error: {problem}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:
        click.echo(f"cdverify: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo(
            "Please report this with the command you ran (set CDVERIFY_DEBUG=1 for a traceback).", err=True
        )
        import os

        if os.environ.get("CDVERIFY_DEBUG"):
            raise
        sys.exit(EXIT_INTERNAL)
    sys.exit(code)


# the names of cdverify.report.REPORTERS, spelt out so that starting the CLI does not load the reporters
REPORT_FORMATS = ("text", "json")
_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True
)
_OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to a file instead of standard output.",
)
_SEVERITY = click.option(
    "--min-severity",
    type=click.Choice(["error", "warning", "info"]),
    default="warning",
    show_default=True,
    help="Least severe findings shown in text output (JSON has all).",
)


class _AxisOption(click.Option):
    """A constraint option whose help lists the axis's accepted values (`{values}` in its help) from the
    catalogues, read only when the help is shown."""

    def __init__(self, *args: Any, axis: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.axis = axis

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from cdverify.constraints import axis_values

        record = super().get_help_record(ctx)
        if record is None:
            return None
        return record[0], record[1].replace("{values}", ", ".join(axis_values()[self.axis]))


class _LazyGroup(click.Group):
    """A group whose heavier subcommands are imported only when invoked or listed (click's lazy-loading
    pattern): `check` and `inspect` do not pay for the contract runner's modules."""

    lazy: ClassVar[dict[str, tuple[str, str]]] = {
        "cache": ("cdverify.contract.cache_cli", "cache"),
        "contract": ("cdverify.contract.cli", "contract"),
        "evaluate": ("cdverify.contract.cli", "evaluate_command"),
        "grade": ("cdverify.grading.cli", "grade_command"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib

            module, attribute = self.lazy[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cdverify")
def cli() -> None:
    """Verify that a backend project keeps its structural constraints."""


@cli.command()
@_project_options
@_FORMAT
@_OUTPUT
@_SEVERITY
def inspect(
    project: ProjectArgs,
    fmt: str,
    output: Path | None,
    min_severity: str,
) -> None:
    """Report what is detected in PATH (layers, imports, violations), whatever the constraints. Exits 0."""
    from cdverify.model import Severity
    from cdverify.report import REPORTERS, ReportOptions
    from cdverify.results import Request, render_cached

    def action() -> int:
        options = ReportOptions(Severity(min_severity), show_detected=True)
        request = Request("inspect", str(project.path), project.config(), None, (fmt, options), project.jobs)
        text, _ = render_cached(
            request, lambda report: REPORTERS[fmt](report, options), use_cache=not project.no_cache
        )
        _emit(text, output)
        return 0

    _run(action)


@cli.command()
@_project_options
@click.option(
    "-c",
    "--constraints",
    "spec",
    metavar="SPEC",
    help="e.g. flask+clean_architecture+postgres+sqlalchemy, or a paper task name.",
)
@click.option(
    "--task", metavar="NAME", help="A paper task name, e.g. python-flask-openapi-clean_architecture."
)
@click.option("--framework", cls=_AxisOption, axis="framework", help="Required web framework ({values}).")
@click.option(
    "--architecture", cls=_AxisOption, axis="architecture", help="Required architecture ({values} or none)."
)
@click.option(
    "--database", cls=_AxisOption, axis="database", help="Required database engine ({values} or none)."
)
@click.option("--orm", cls=_AxisOption, axis="orm", help="Required ORM ({values} or none).")
@harness_env_option("--env", "--harness-env")
@_FORMAT
@_OUTPUT
@_SEVERITY
def check(
    project: ProjectArgs,
    spec: str | None,
    task: str | None,
    framework: str | None,
    architecture: str | None,
    database: str | None,
    orm: str | None,
    harness_env: dict[str, str],
    fmt: str,
    output: Path | None,
    min_severity: str,
) -> None:
    """Check PATH against constraints. Exit 0 when every constraint holds, 1 when one fails."""
    from cdverify.config import ConfigError
    from cdverify.constraints import Constraints, merge, parse_constraints
    from cdverify.model import Severity
    from cdverify.report import REPORTERS, ReportOptions
    from cdverify.results import Request, render_cached

    def action() -> int:
        config = project.config().with_harness_env(harness_env)
        if spec and task:
            raise ConfigError(["give --constraints or --task, not both"])
        text = spec or task or config.constraints
        base = parse_constraints(text) if text else Constraints()
        constraints = merge(base, framework=framework, architecture=architecture, database=database, orm=orm)
        if not constraints.active():
            raise ConfigError(
                [
                    "no constraints given: use --constraints flask+clean_architecture, --task NAME, "
                    '--architecture clean_architecture, or `constraints = "…"` in cdverify.toml'
                ]
            )
        options = ReportOptions(Severity(min_severity))
        request = Request("check", str(project.path), config, constraints, (fmt, options), project.jobs)
        text, code = render_cached(
            request, lambda report: REPORTERS[fmt](report, options), use_cache=not project.no_cache
        )
        _emit(text, output)
        return code

    _run(action)


@cli.command()
@_project_options
@click.option(
    "--format", "fmt", type=click.Choice(["dot", "mermaid", "json"]), default="dot", show_default=True
)
@click.option("--level", type=click.Choice(["file", "layer"]), default="file", show_default=True)
@click.option(
    "--all",
    "include_all",
    is_flag=True,
    help="Include tests, migrations and scripts, not only application code.",
)
@_OUTPUT
def graph(
    project: ProjectArgs,
    fmt: str,
    level: str,
    include_all: bool,
    output: Path | None,
) -> None:
    """Draw the resolved import graph of PATH (DOT, Mermaid or JSON)."""
    from cdverify.pipeline import analyse
    from cdverify.report.graph import render_graph

    def action() -> int:
        analysis = analyse(project.path, project.config(), use_cache=not project.no_cache, jobs=project.jobs)
        _emit(render_graph(analysis, fmt, level, include_all), output)
        return 0

    _run(action)


def main() -> None:
    cli(prog_name="cdverify")
