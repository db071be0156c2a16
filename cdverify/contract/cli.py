"""`cdverify contract run|serve`. Exit codes: 0 every assertion passed, 1 an assertion failed (or none ran),
2 usage error (bad collection, environment or option), 3 internal error, 130 interrupted (serve and
evaluate: Ctrl-C or SIGTERM, after the clean-up and a report of what ran)."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from cdverify.cli import MAX_FINDINGS, allow_quick_exit
from cdverify.contract.collection import (
    BUNDLED,
    PAPER_GLOBALS,
    CollectionError,
    load_collection,
    load_variables,
)
from cdverify.contract.results import RunResult, dumps, render_junit, render_text, to_json
from cdverify.contract.runner import DEFAULT_MAX_BODY_BYTES, RunOptions, engine_with_server
from cdverify.contract.sandbox import ScriptEngine
from cdverify.contract.server_env import harness_env_option, server_env_flags
from cdverify.terminal import color_option, use_color


class ContractUsageError(click.UsageError):
    pass


def parse_assignments(pairs: tuple[str, ...], option: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ContractUsageError(f"{option} expects KEY=VALUE, got {pair!r}")
        values[key] = value
    return values


def base_url_globals(base_url: str | None) -> dict[str, str]:
    """--base-url fills the base-URL variables collections use: `baseUrl`, and RealWorld's `APIURL`."""
    if not base_url:
        return {}
    base = base_url.rstrip("/")
    return {"baseUrl": base, "APIURL": base}


def run_options(
    *,
    collection: str,
    collection_name: str = "",
    base_url: str | None,
    global_vars: tuple[str, ...],
    env_file: Path | None,
    globals_file: Path | None,
    timeout_request: int,
    delay_request: int,
    bail: bool,
    openapi: str | None,
    insecure: bool = False,
    max_body_size: int = DEFAULT_MAX_BODY_BYTES,
) -> RunOptions:
    """Variables as newman layers them: files first, then --base-url, then --global pairs."""
    globals_: dict[str, Any] = {}
    if collection in BUNDLED or collection_name == "Conduit":  # the paper's credentials; --global overrides
        globals_.update(PAPER_GLOBALS)
    if globals_file is not None:
        globals_.update(load_variables(globals_file))
    globals_.update(base_url_globals(base_url))
    globals_.update(parse_assignments(global_vars, "--global"))
    checker = None
    if openapi:
        from cdverify.contract.openapi import OpenAPIChecker

        checker = OpenAPIChecker.load(openapi)
    return RunOptions(
        globals=globals_,
        environment=load_variables(env_file) if env_file is not None else {},
        timeout_request_ms=timeout_request,
        max_body_bytes=max_body_size,
        delay_request_ms=delay_request,
        bail=bail,
        insecure=insecure,
        checker=checker,
        openapi=openapi,
    )


def write_reports(
    result: RunResult,
    fmt: str,
    output: Path | None,
    junit: Path | None,
    *,
    text: str | None = None,
    failures_only: bool = False,
    color: bool = False,
    **extra: Any,
) -> None:
    """The report (`text` when given, else the run's own) to `output` or stdout, and the JUnit XML."""
    if result.stopped:
        click.echo(f"cdverify: warning: {result.stopped}", err=True)
    if result.unresolved:
        names = ", ".join(result.unresolved)
        click.echo(
            f"cdverify: warning: variables never set, sent as {{{{name}}}}: {names} (use --global)", err=True
        )
    if text is None:
        text = (
            dumps(to_json(result, failures_only=failures_only, **extra))
            if fmt == "json"
            else render_text(result, failures_only)
        )
    if output is None:
        click.echo(text, nl=False, color=color)
    else:
        output.write_text(text, encoding="utf-8")
    if junit is not None:
        junit.write_text(render_junit(result), encoding="utf-8")


class BodySize(click.ParamType[int]):
    """`64M`, `1G`, `512K` or a number of bytes."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        from cdverify.contract.environments import parse_size

        size = parse_size(str(value).strip())
        if size is None:
            self.fail(f"{value!r}: give bytes or a size such as 16M or 1G", param, ctx)
        return size


def failures_only_option(func: Any) -> Any:
    return click.option(
        "--failures-only",
        is_flag=True,
        help="Report only the requests that failed (their failed assertions, script errors, request errors); "
        "the totals still count everything.",
    )(func)


def collection_option(func: Any) -> Any:
    return click.option(
        "--collection",
        default="realworld",
        show_default=True,
        metavar="PATH|NAME",
        help="Postman v2.0/v2.1 collection file, or a bundled name: " + ", ".join(BUNDLED) + ".",
    )(func)


def run_flags(func: Any) -> Any:
    """The options `contract run` and `contract serve` share with newman."""
    return _run_flags(func, ("text", "json"))


def evaluate_flags(func: Any) -> Any:
    """`run_flags` for `evaluate`, whose task result also comes in `--format concise`."""
    return _run_flags(func, ("text", "json", "concise"))


def _run_flags(func: Any, formats: tuple[str, ...]) -> Any:
    decorators = [
        click.option(
            "--global",
            "global_vars",
            multiple=True,
            metavar="KEY=VALUE",
            help="A global variable (repeatable).",
        ),
        click.option(
            "--env",
            "env_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A Postman environment file.",
        ),
        click.option(
            "--globals",
            "globals_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A Postman globals file.",
        ),
        click.option(
            "--timeout-request",
            type=click.IntRange(0),
            default=10000,
            show_default=True,
            metavar="MS",
            help="Time limit of each request in ms, all of it: connecting, sending, every read (0: none). "
            "The paper uses 10000.",
        ),
        click.option(
            "--max-body-size",
            type=BodySize(),
            default=f"{DEFAULT_MAX_BODY_BYTES // 2**20}M",
            show_default=True,
            metavar="SIZE",
            help="A response body larger than this, decoded, fails its request (e.g. 16M, 1G; 0: no limit).",
        ),
        click.option(
            "--delay-request", type=click.IntRange(0), default=0, metavar="MS", help="Pause between requests."
        ),
        click.option("--bail", is_flag=True, help="Stop at the first failed request, assertion or script."),
        click.option("--insecure", "-k", is_flag=True, help="Do not verify TLS certificates."),
        click.option(
            "--openapi",
            metavar="SPEC|realworld",
            help="Also check every response against this OpenAPI spec (reported apart from A%).",
        ),
        click.option("--format", "fmt", type=click.Choice(list(formats)), default="text", show_default=True),
        click.option(
            "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here."
        ),
        click.option(
            "--junit", type=click.Path(dir_okay=False, path_type=Path), help="Also write JUnit XML here."
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


@click.group()
def contract() -> None:
    """Run a Postman collection against a server: natively, with newman's per-assertion results."""


@contract.command("run")
@click.argument("collection", metavar="COLLECTION")
@click.option(
    "--base-url", metavar="URL", help="Sets {{baseUrl}} and {{APIURL}}, e.g. http://localhost:3000/api."
)
@run_flags
@failures_only_option
def run_command(
    collection: str,
    base_url: str | None,
    global_vars: tuple[str, ...],
    env_file: Path | None,
    globals_file: Path | None,
    timeout_request: int,
    max_body_size: int,
    delay_request: int,
    bail: bool,
    insecure: bool,
    openapi: str | None,
    fmt: str,
    output: Path | None,
    junit: Path | None,
    failures_only: bool,
) -> None:
    """Run COLLECTION (a file, or `realworld`) against a running server; exit 0 when all assertions pass."""
    from cdverify.contract.runner import run_collection

    try:
        loaded = load_collection(collection)
        options = run_options(
            collection=collection,
            collection_name=loaded.name,
            base_url=base_url,
            global_vars=global_vars,
            env_file=env_file,
            globals_file=globals_file,
            timeout_request=timeout_request,
            max_body_size=max_body_size,
            delay_request=delay_request,
            bail=bail,
            openapi=openapi,
            insecure=insecure,
        )
    except (CollectionError, ValueError) as error:
        raise ContractUsageError(str(error)) from None
    result = run_collection(loaded, options)  # its engine process and HTTP client are closed when it returns
    write_reports(result, fmt, output, junit, failures_only=failures_only)
    allow_quick_exit()
    raise SystemExit(0 if result.ok else 1)


def serve_flags(func: Any) -> Any:
    """How to start the server under test (`contract serve` and `evaluate`)."""
    decorators = [
        click.option(
            "--run", "run_command_line", default="./run.sh", show_default=True, help="Starts the server."
        ),
        click.option(
            "--setup",
            metavar="CMD|auto",
            help="Runs first, in the copy (auto: the dependencies from the environment cache).",
        ),
        click.option("--port", type=click.IntRange(1, 65535), help="The port the server listens on ($PORT)."),
        click.option(
            "--health", default="/api/health-check", show_default=True, help="Polled until it answers 200."
        ),
        click.option("--base-path", default="/api", show_default=True, help="Prefix of the API: {{APIURL}}."),
        click.option(
            "--database",
            type=click.Choice(["sqlite", "postgres"]),
            help="A fresh database for the run: sqlite (no database files copied) or a throwaway PostgreSQL.",
        ),
        click.option(
            "--health-timeout",
            type=click.FloatRange(0),
            default=60.0,
            show_default=True,
            metavar="S",
            help="Give up waiting for health after S seconds (the collection still runs, as in the paper).",
        ),
        click.option(
            "--setup-timeout", type=click.FloatRange(0), default=900.0, show_default=True, metavar="S"
        ),
        click.option("--keep", is_flag=True, help="Keep the temporary copy (printed on stderr)."),
        click.option(
            "--stop-grace",
            type=click.FloatRange(0),
            default=5.0,
            show_default=True,
            metavar="S",
            help="At the end, the server's processes get SIGTERM, then SIGKILL S seconds later.",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return server_env_flags(func)


# the keyword arguments serve_flags adds, which serve_options takes
SERVE_KEYS = (
    "run_command_line",
    "setup",
    "port",
    "health",
    "base_path",
    "database",
    "health_timeout",
    "setup_timeout",
    "keep",
    "pass_env",
    "set_env",
    "stop_grace",
)


def serve_options(
    *,
    run_command_line: str,
    setup: str | None,
    port: int | None,
    health: str,
    base_path: str,
    database: str | None,
    health_timeout: float,
    setup_timeout: float,
    keep: bool,
    pass_env: tuple[str, ...] = (),
    set_env: dict[str, str] | None = None,
    stop_grace: float = 5.0,
    isolate_network: bool = False,
    files: tuple[tuple[str, str], ...] = (),
) -> Any:
    from cdverify.contract.server import HarnessDatabase, ServeOptions

    return ServeOptions(
        pass_env=pass_env,
        env=set_env or {},
        stop_grace_s=stop_grace,
        run=run_command_line,
        setup=setup,
        port=port,
        health=health,
        base_path=base_path,
        database=HarnessDatabase(database) if database else None,
        health_timeout_s=health_timeout,
        setup_timeout_s=setup_timeout,
        keep=keep,
        isolate_network=isolate_network,
        files=files,
    )


def serve_and_run(
    project: Path, serve: Any, collection: str, flags: dict[str, Any]
) -> tuple[RunResult, dict[str, Any], str | None]:
    """Start the project, run the collection against it, stop it; the result, the server's record, and the
    signal that interrupted it (None). Interrupted (Ctrl-C, SIGTERM: the server is stopped and cleaned up
    all the same), the result holds the requests run so far, and its `stopped` and the record's `notes` say
    so."""
    from cdverify.contract.runner import run_collection
    from cdverify.contract.server import ServeInterrupted, ServerError, served, signal_name

    try:
        loaded = load_collection(collection)
    except CollectionError as error:
        raise ContractUsageError(str(error)) from None
    so_far = RunResult(collection=loaded.name, started=time.time())
    server = None
    try:
        with ScriptEngine() as engine, _stages(project) as on_stage:
            stages = engine_with_server(engine, loaded, on_stage)
            with served(project, dataclasses.replace(serve, on_stage=stages)) as server:
                if serve.keep:
                    click.echo(f"cdverify: the copy is kept in {server.workdir}", err=True)
                options = run_options(
                    collection=collection, collection_name=loaded.name, base_url=server.base_url, **flags
                )
                if on_stage is not None:
                    on_stage(f"testing ({loaded.name})")
                options = dataclasses.replace(
                    options, routes=server.routes, on_execution=so_far.executions.append
                )
                result = run_collection(loaded, options, engine)
        return result, server.describe(), None
    except ServerError as error:
        raise ContractUsageError(str(error)) from None
    except KeyboardInterrupt as interrupt:
        if isinstance(interrupt, ServeInterrupted):
            server = interrupt.served
        name = signal_name(interrupt)
        so_far.stopped = f"interrupted by {name}: the results are partial"
        so_far.duration_ms = round((time.time() - so_far.started) * 1000)
        record = server.describe() if server is not None else {"healthy": False, "notes": [so_far.stopped]}
        return so_far, record, name


@contextlib.contextmanager
def _stages(project: Path) -> Iterator[Callable[[str], None] | None]:
    """On a terminal's stderr, where the server is (setting up, starting, testing); nothing elsewhere, nor
    with CDVERIFY_NO_PROGRESS (cdverify/progress.py)."""
    from cdverify.progress import wanted

    if not wanted(sys.stderr):
        yield None
        return
    from rich.console import Console
    from rich.text import Text

    with Console(stderr=True).status(Text(f"{project.name}: copying")) as status:
        yield lambda stage: status.update(Text(f"{project.name}: {stage}"))


@contract.command("serve")
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@serve_flags
@collection_option
@run_flags
@failures_only_option
def serve_command(
    project: Path,
    collection: str,
    fmt: str,
    output: Path | None,
    junit: Path | None,
    failures_only: bool,
    **kwargs: Any,
) -> None:
    """Start PROJECT (a temporary copy) on a fresh database, run the collection against it, stop it."""
    from cdverify.contract.server import interrupts_spent, terminate_as_interrupt

    serve = serve_options(**{key: kwargs.pop(key) for key in SERVE_KEYS})
    with terminate_as_interrupt(
        sigint=True, final=True
    ):  # Ctrl-C and SIGTERM: cleaned up, reported, exit 130
        result, record, interrupted = serve_and_run(project, serve, collection, kwargs)
        interrupts_spent()  # the server is gone: nothing cuts the report short now
        if not record["healthy"] and not interrupted:
            click.echo(
                f"cdverify: warning: the server was not healthy: {'; '.join(record['notes'])}", err=True
            )
        write_reports(result, fmt, output, junit, server=record, failures_only=failures_only)
        raise SystemExit(130 if interrupted else 0 if result.ok else 1)


@click.command("evaluate")
@click.argument("project", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-c", "--constraints", "spec", metavar="SPEC", help="e.g. flask+clean_architecture+postgres+sqlalchemy."
)
@click.option(
    "--task", metavar="NAME", help="A paper task name, e.g. python-flask-openapi-postgres-sqlalchemy."
)
@harness_env_option("--harness-env")
@serve_flags
@collection_option
@evaluate_flags
@MAX_FINDINGS
@color_option
def evaluate_command(
    project: Path,
    spec: str | None,
    task: str | None,
    harness_env: dict[str, str],
    collection: str,
    fmt: str,
    output: Path | None,
    junit: Path | None,
    max_findings: int | None,
    color: str,
    **kwargs: Any,
) -> None:
    """The paper's task result for PROJECT: static verifiers + contract run → A%, strict A%, success.

    The server is started from a temporary copy (default: --setup auto, the paper's port for the language,
    the constrained database, fresh). Exit 0 on success (every assertion passed, every verifier compliant).
    """
    from cdverify.contract.server import terminate_as_interrupt

    if bool(spec) == bool(task):
        raise ContractUsageError("give --constraints or --task (one of them)")
    with terminate_as_interrupt(
        sigint=True, final=True
    ):  # Ctrl-C and SIGTERM: cleaned up, reported, exit 130
        try:
            kwargs["harness_env"] = harness_env
            kwargs["max_findings"] = max_findings
            kwargs["color"] = use_color(color, output)
            _evaluate(project, str(spec or task), collection, fmt, output, junit, kwargs)
        except KeyboardInterrupt as interrupt:  # in the static analysis: no report yet
            from cdverify.contract.server import signal_name

            click.echo(f"cdverify: interrupted by {signal_name(interrupt)} in the static analysis", err=True)
            raise SystemExit(130) from None


def _evaluate(
    project: Path,
    spec: str,
    collection: str,
    fmt: str,
    output: Path | None,
    junit: Path | None,
    kwargs: dict[str, Any],
) -> None:
    from cdverify.config import ConfigError, load_config
    from cdverify.constraints import parse_constraints
    from cdverify.contract.runtime_files import paper_runtime_files
    from cdverify.contract.server import interrupts_spent
    from cdverify.detect.database.harness import PAPER
    from cdverify.evaluate import PAPER_PORTS, TaskResult
    from cdverify.pipeline import verify
    from cdverify.progress import showing
    from cdverify.verifiers.database import harness_environment

    harness_env = kwargs.pop("harness_env")
    max_findings = kwargs.pop("max_findings")
    color = kwargs.pop("color")
    try:
        constraints = parse_constraints(spec)
        config = load_config(project).with_harness_env(harness_env)
        with showing():  # the static analysis's stages, as `check` shows them
            report = verify(project, constraints, config)
    except ConfigError as error:
        raise ContractUsageError("; ".join(error.problems)) from None
    language = constraints.language or report.analysis.language
    settings = {key: kwargs.pop(key) for key in SERVE_KEYS}
    # the server runs in the environment the database constraint was judged in (`--env`, `harness_env`);
    # `--set-env` still wins for the server
    settings["set_env"] = {**dict(config.harness_env or ()), **(settings["set_env"] or {})}
    settings["setup"] = settings["setup"] or "auto"
    settings["port"] = settings["port"] or PAPER_PORTS.get(language or "", None)
    settings["database"] = settings["database"] or (
        constraints.database if constraints.database in ("sqlite", "postgres") else "sqlite"
    )
    # the paper runtime's `.env.development` the app was judged with, written into the copy
    environment = harness_environment(config, constraints)
    paper = environment is not None and environment.name == PAPER
    files = paper_runtime_files(report.analysis.database, project) if paper else ()
    # in a network namespace of its own: the paper's port is free whatever else runs on this machine
    serve = serve_options(**settings, isolate_network=True, files=files)
    result, record, interrupted = serve_and_run(project, serve, collection, kwargs)
    interrupts_spent()  # the server is gone: nothing cuts the report short now
    outcome = TaskResult(report, result, record, interrupted)
    if fmt == "json":
        text = dumps(outcome.to_json())
    elif fmt == "concise":
        from cdverify.model import Severity
        from cdverify.report import ReportOptions
        from cdverify.report.concise import render_task

        text = render_task(outcome, ReportOptions(Severity.WARNING, max_findings=max_findings)) + "\n"
    else:
        text = outcome.to_text(color)
    write_reports(result, fmt, output, junit, text=text, color=color)
    raise SystemExit(130 if interrupted else 0 if outcome.success else 1)
