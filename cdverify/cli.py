"""The `cdverify` command line. Exit codes: 0 all constraints hold, 1 a constraint fails,
2 usage or configuration error, 3 internal error (a bug: please report it)."""

from __future__ import annotations

import dataclasses
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import click

from cdverify import __version__
from cdverify.contract.server_env import harness_env_option
from cdverify.terminal import color_option, use_color

if TYPE_CHECKING:
    from cdverify.baseline import Baseline
    from cdverify.config import Config
    from cdverify.constraints import Constraints
    from cdverify.pipeline import Report

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
            help="Config file (default: cdverify.toml or [tool.cdverify] in pyproject.toml, in PATH or the "
            "nearest parent up to the repository root).",
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

    return _options_as(ProjectArgs, decorators, func)


def _options_as(record: type, decorators: list[Callable[[Any], Any]], func: F) -> F:
    """`func` with the options of `decorators`, handed to it as one `record` (a dataclass whose fields are
    the options' names) after the arguments that come before it."""

    @functools.wraps(func)
    def collect(*args: Any, **kwargs: Any) -> Any:
        chosen = {field.name: kwargs.pop(field.name) for field in dataclasses.fields(record)}
        return func(*args, record(**chosen), **kwargs)

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


def _emit(text: str, output: Path | None, color: bool = False) -> None:
    if output is None:
        click.echo(text, color=color)  # click drops the colour codes unless told, even with FORCE_COLOR
    else:
        output.write_text(text + "\n", encoding="utf-8")


# set once a static command (check, inspect, baseline, graph) or `contract run` has written its output: see
# `entry`
_QUICK_EXIT = False


def allow_quick_exit() -> None:
    """The command has written its output and left nothing to clean up (no thread, child process or
    temporary file): `entry` may skip the interpreter's teardown."""
    global _QUICK_EXIT
    _QUICK_EXIT = True


def _run(action: Callable[[], int]) -> None:
    from cdverify.config import ConfigError

    try:
        code = action()
        allow_quick_exit()
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
REPORT_FORMATS = ("text", "json", "concise", "sarif", "github", "junit", "gitlab")
_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="concise: one line per finding for a coding agent (docs/agent-loop.md); sarif, github, junit,"
    " gitlab: for code scanning, GitHub annotations, JUnit test reports, GitLab Code Quality (docs/ci.md).",
)
MAX_FINDINGS = click.option(
    "--max-findings",
    type=click.IntRange(0),
    metavar="N",
    help="Show at most N findings, saying how many were left out (JSON has all).",
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
    help="Least severe findings shown in text and concise output (JSON has all).",
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
        "mcp": ("cdverify.mcp_server.cli", "mcp_command"),
        "rule": ("cdverify.rule_cli", "rule_command"),
        "rules": ("cdverify.rule_cli", "rules_command"),
    }
    # the extra a lazy command needs (cdverify/extras.py): without it, a stand-in that says what to install
    extras: ClassVar[dict[str, str]] = {
        "contract": "contract",
        "evaluate": "contract",
        "grade": "contract",
        "mcp": "mcp",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib

            if cmd_name in self.extras:
                from cdverify import extras

                absent = extras.missing(self.extras[cmd_name])
                if absent:
                    return extras.unavailable_command(cmd_name, self.extras[cmd_name], absent)
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
@MAX_FINDINGS
@color_option
def inspect(
    project: ProjectArgs,
    fmt: str,
    output: Path | None,
    min_severity: str,
    max_findings: int | None,
    color: str,
) -> None:
    """Report what is detected in PATH (layers, imports, violations), whatever the constraints. Exits 0."""
    from cdverify.model import Severity
    from cdverify.report import REPORTERS, ReportOptions, path_prefix
    from cdverify.results import Request, render_cached

    def action() -> int:
        colored = use_color(color, output)
        options = ReportOptions(
            Severity(min_severity),
            show_detected=True,
            max_findings=max_findings,
            color=colored,
            path_prefix=path_prefix(Path(project.path), Path.cwd()),
        )
        request = Request("inspect", str(project.path), project.config(), None, (fmt, options), project.jobs)
        text, _ = render_cached(
            request, lambda report: REPORTERS[fmt](report, options), use_cache=not project.no_cache
        )
        _emit(text, output, colored)
        return 0

    _run(action)


def _constraint_options(func: F) -> F:
    """The options that say which constraints to check (`check`, `baseline`)."""
    decorators = [
        click.option(
            "-c",
            "--constraints",
            "spec",
            metavar="SPEC",
            help="e.g. flask+clean_architecture+postgres+sqlalchemy, or a paper task name.",
        ),
        click.option(
            "--task", metavar="NAME", help="A paper task name, e.g. python-flask-openapi-clean_architecture."
        ),
        click.option(
            "--framework", cls=_AxisOption, axis="framework", help="Required web framework ({values})."
        ),
        click.option(
            "--architecture",
            cls=_AxisOption,
            axis="architecture",
            help="Required architecture ({values} or none).",
        ),
        click.option(
            "--database",
            cls=_AxisOption,
            axis="database",
            help="Required database engine ({values} or none).",
        ),
        click.option("--orm", cls=_AxisOption, axis="orm", help="Required ORM ({values} or none)."),
        harness_env_option("--env", "--harness-env"),
    ]

    return _options_as(ConstraintArgs, decorators, func)


@dataclass(frozen=True)
class ConstraintArgs:
    """The constraint options as given on the command line."""

    spec: str | None
    task: str | None
    framework: str | None
    architecture: str | None
    database: str | None
    orm: str | None
    harness_env: dict[str, str]

    def resolve(self, project: ProjectArgs) -> tuple[Config, Constraints]:
        """The project's configuration (with `--env`) and the constraints to check: the options, else the
        configuration's `constraints`; a `ConfigError` when none are given."""
        from cdverify.config import ConfigError
        from cdverify.constraints import Constraints, merge, parse_constraints

        config = project.config().with_harness_env(self.harness_env)
        if self.spec and self.task:
            raise ConfigError(["give --constraints or --task, not both"])
        text = self.spec or self.task or config.constraints
        base = parse_constraints(text) if text else Constraints()
        constraints = merge(
            base,
            framework=self.framework,
            architecture=self.architecture,
            database=self.database,
            orm=self.orm,
        )
        if not constraints.active():
            raise ConfigError(
                [
                    "no constraints given: use --constraints flask+clean_architecture, --task NAME, "
                    '--architecture clean_architecture, or `constraints = "…"` in cdverify.toml'
                ]
            )
        return config, constraints


@cli.command()
@_project_options
@_constraint_options
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Report only findings not in this baseline (`cdverify baseline`); exit 1 only on new errors.",
)
@click.option(
    "--since",
    metavar="GIT_REF",
    help="Report only findings the project did not have at this git revision; exit 1 only on new errors.",
)
@click.option(
    "--fix-diff",
    is_flag=True,
    help="Add the mechanical fixes as one unified diff (git apply / patch -p1 from PATH); JSON: `fix`.",
)
@_FORMAT
@_OUTPUT
@_SEVERITY
@MAX_FINDINGS
@color_option
def check(
    project: ProjectArgs,
    wanted: ConstraintArgs,
    baseline_file: Path | None,
    since: str | None,
    fix_diff: bool,
    fmt: str,
    output: Path | None,
    min_severity: str,
    max_findings: int | None,
    color: str,
) -> None:
    """Check PATH against constraints. Exit 0 when every constraint holds, 1 when one fails."""
    from cdverify.config import ConfigError
    from cdverify.model import Severity
    from cdverify.report import REPORTERS, ReportOptions, path_prefix
    from cdverify.results import Request, render_cached

    def action() -> int:
        if baseline_file is not None and since is not None:
            raise ConfigError(["give --baseline or --since, not both"])
        config, constraints = wanted.resolve(project)
        baseline = _read_baseline(baseline_file, constraints) if baseline_file is not None else None
        colored = use_color(color, output)
        prefix = path_prefix(Path(project.path), Path.cwd())
        options = ReportOptions(
            Severity(min_severity), max_findings=max_findings, color=colored, path_prefix=prefix
        )

        def render(report: Report) -> str:
            if fix_diff:
                from cdverify.fixes import with_fixes, with_patch

                report = with_fixes(report)
                rendered = REPORTERS[fmt](report, options)
                return rendered if fmt == "json" else with_patch(rendered, report)
            return REPORTERS[fmt](report, options)

        if baseline is None and since is None:  # the result cache: the output depends on the tree alone
            request = Request(
                "check", str(project.path), config, constraints, (fmt, options, fix_diff), project.jobs
            )
            text, code = render_cached(
                request, render, use_cache=not project.no_cache, reads_sources=fix_diff
            )
            _emit(text, output, colored)
            return code
        from cdverify import progress
        from cdverify.baseline import against  # only with --baseline or --since
        from cdverify.pipeline import verify

        with progress.showing():
            report = verify(
                project.path, constraints, config, use_cache=not project.no_cache, jobs=project.jobs
            )
        if since is not None:
            baseline = _revision_baseline(project, since, constraints, config)
        assert baseline is not None
        report = against(report, baseline)
        _emit(render(report), output, colored)
        return report.exit_code

    _run(action)


def _read_baseline(path: Path, constraints: Constraints) -> Baseline:
    from cdverify.baseline import read_baseline

    baseline = read_baseline(path)
    if baseline.constraints is not None and baseline.constraints != str(constraints):
        click.echo(
            f"cdverify: warning: {path} was recorded for {baseline.constraints}, not {constraints}:"
            " findings of the constraints it did not check are all new",
            err=True,
        )
    return baseline


def _revision_baseline(project: ProjectArgs, ref: str, constraints: Constraints, config: Config) -> Baseline:
    """The findings of the project at git revision `ref`, checked with today's configuration."""
    from cdverify.baseline import Baseline
    from cdverify.pipeline import verify
    from cdverify.revision import checked_out

    with checked_out(project.path, ref) as old:
        # no facts cache: it would keep the entries of a temporary folder that is about to go
        report = verify(old, constraints, config, use_cache=False, jobs=project.jobs)
        return Baseline.of(report, source=f"git {ref}")


@cli.command()
@_project_options
@_constraint_options
@_OUTPUT
def baseline(project: ProjectArgs, wanted: ConstraintArgs, output: Path | None) -> None:
    """Record PATH's current findings as a baseline (JSON), for `check --baseline FILE`. Exits 0."""
    from cdverify.baseline import Baseline
    from cdverify.pipeline import verify

    def action() -> int:
        config, constraints = wanted.resolve(project)
        from cdverify import progress

        with progress.showing():
            report = verify(
                project.path, constraints, config, use_cache=not project.no_cache, jobs=project.jobs
            )
        recorded = Baseline.of(report)
        _emit(recorded.dumps(), output)
        if output is not None:
            click.echo(f"cdverify: {len(recorded.entries)} finding(s) recorded in {output}", err=True)
        return 0

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
    """Draw the resolved import graph of PATH (DOT, Mermaid or JSON); layer violations in red."""
    from cdverify.pipeline import analyse, apply_ignores
    from cdverify.report.graph import render_graph
    from cdverify.verifiers.architecture import verify as check_architecture
    from cdverify.verifiers.architecture import violations

    def action() -> int:
        config = project.config()
        analysis = analyse(project.path, config, use_cache=not project.no_cache, jobs=project.jobs)
        kept, _ = apply_ignores(check_architecture(analysis, config, None), config)
        _emit(render_graph(analysis, fmt, level, include_all, violations(kept)), output)
        return 0

    _run(action)


@cli.command()
@click.argument("name", type=click.Choice(["output", "config", "grade", "rules"]))
@_OUTPUT
def schema(name: str, output: Path | None) -> None:
    """Print a JSON Schema: of the JSON of check and inspect (output), of the configuration (config), of
    the grading report (grade), or of the list of `cdverify rules --format json` (rules)."""
    from cdverify.schemas import schema_text

    _emit(schema_text(name).rstrip("\n"), output)


def main() -> None:
    cli(prog_name="cdverify")


def _deliverable_signals() -> None:
    """Unblock SIGINT and SIGTERM, which a parent may hand down blocked (a signal mask survives fork and
    exec: a harness that blocked them in the thread starting cdverify): Ctrl-C and a supervisor's SIGTERM
    must end a contract run and every process it started. An ignored signal (`nohup`, a background job)
    stays ignored, as its parent asked."""
    import signal

    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def entry() -> None:
    """The `cdverify` command (the console script and `python -m cdverify`): `main`, then, once a static
    command or `contract run` has written its output, an exit that skips the interpreter's teardown.
    Freeing every module and object one by one costs a small project's check 10 to 20 ms of its ~0.18 s,
    and these commands leave nothing to clean up: no thread, no child process, no temporary file (their
    work is done in `with` blocks). Other commands, and in-process callers of `main`, exit as usual."""
    _deliverable_signals()
    try:
        main()
    except SystemExit as done:
        if not _QUICK_EXIT or not isinstance(done.code, int):
            raise
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed pipe: the usual exit reports it as Python does
            raise done from None
        import os

        os._exit(done.code)
