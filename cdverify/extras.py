"""The optional parts of cdverify and the extra that installs each.

`pip install cdverify` is the static checker (`check`, `inspect`, `graph`, `schema`, `cache`). The rest
comes with an extra (pyproject.toml, docs/dependencies.md):

- `cdverify[contract]`: the contract runner and what runs it: `contract`, `evaluate` and `grade` (V8 for
  the scripts, an HTTP client, OpenAPI validation, process control, uv for `--setup auto`, terminal tables);
- `cdverify[report]`: `grade --html`, the HTML report's template and figures (`html`, its old name, still
  works);
- `cdverify[ray]`: `grade --executor ray`;
- `cdverify[mcp]`: `cdverify mcp`, the Model Context Protocol server for coding agents.

A command whose packages are missing stops with exit code 2 and the line to install them, never a
traceback (`require`; the CLI checks the commands it loads lazily before importing them).
"""

from __future__ import annotations

import importlib.util
from typing import Any

import click

# extra → the modules it brings that cdverify imports (checked without importing them)
MODULES: dict[str, tuple[str, ...]] = {
    "contract": ("py_mini_racer", "httpx", "openapi_core", "psutil", "rich", "uv"),
    "report": ("jinja2", "matplotlib"),
    "ray": ("ray",),
    "mcp": ("mcp",),
}


def missing(extra: str) -> list[str]:
    """The modules of `extra` that cannot be imported here."""
    return [name for name in MODULES[extra] if importlib.util.find_spec(name) is None]


def install_hint(extra: str) -> str:
    return f"pip install 'cdverify[{extra}]'"


def message(feature: str, extra: str, absent: list[str]) -> str:
    verb = "is" if len(absent) == 1 else "are"
    return f"{feature} needs {', '.join(absent)}, which {verb} not installed: {install_hint(extra)}"


class ExtraMissing(click.ClickException):
    """An optional feature used without its extra: exit 2, one line saying what to install."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"cdverify: error: {self.message}", err=True)


def require(extra: str, feature: str) -> None:
    """Raise ExtraMissing unless every module of `extra` can be imported."""
    absent = missing(extra)
    if absent:
        raise ExtraMissing(message(feature, extra, absent))


def unavailable_command(name: str, extra: str, absent: list[str]) -> click.Command:
    """A stand-in for command `name` when its extra is missing: listed in `--help` with what to install,
    and when run, whatever its arguments, exit 2 saying so."""

    def run() -> None:
        raise ExtraMissing(message(f"`cdverify {name}`", extra, absent))

    return click.Command(
        name,
        callback=run,
        help=f"Not installed here: {install_hint(extra)}",
        short_help=f"(needs {install_hint(extra)})",
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
        add_help_option=False,
    )


__all__ = ["MODULES", "ExtraMissing", "install_hint", "missing", "require", "unavailable_command"]
