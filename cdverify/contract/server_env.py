"""The environment the server under test runs with: a minimal one, unless told otherwise.

A grader's or a developer's shell holds tokens, credentials, a DATABASE_URL, a PYTHONPATH: none of it is
the project's business, and a result must not depend on it. So `run.sh` (and the setup command) get only
SERVER_VARIABLES of cdverify's own environment — what programs need to run at all: PATH, HOME (npm keeps
its cache there), the user, the locale, the time zone — and then what the run sets: PORT, the database's
variables, the environment cache's VIRTUAL_ENV, a temporary folder of the run's own, the run's mark.
`--pass-env NAME` (a name or an fnmatch pattern, repeatable) passes more of cdverify's environment, and
`--set-env KEY=VALUE` sets a variable; `contract serve`, `evaluate` and `grade --run-tests` take both. The
setup command also gets SETUP_VARIABLES: proxies, certificate bundles and package managers' settings.
`--harness-env NAME=VALUE` (`check`, also spelt `--env` there; `evaluate`) declares the harness
environment the database constraint is judged in; `evaluate` starts the server with the same variables.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

SERVER_VARIABLES = ("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "LC_*", "TZ")
# what installs also need to reach a registry (the setup command only: `npm install` in the copy, say)
SETUP_VARIABLES = (
    "*_proxy", "*_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE", "PIP_*", "UV_*", "npm_config_*", "NPM_CONFIG_*", "YARN_*",
)  # fmt: skip


def passed_environment(patterns: Iterable[str], leave_out: Iterable[str] = ()) -> dict[str, str]:
    """The variables of cdverify's own environment whose names match `patterns` (fnmatch: `AWS_*`, `*`)."""
    patterns, left_out = tuple(patterns), set(leave_out)
    return {
        key: value
        for key, value in os.environ.items()
        if any(fnmatch.fnmatchcase(key, pattern) for pattern in patterns) and key not in left_out
    }


def setup_environment(server: dict[str, str], leave_out: Iterable[str] = ()) -> dict[str, str]:
    """The setup command's environment: the server's, and what installs need to reach a registry."""
    return {**passed_environment(SETUP_VARIABLES, leave_out), **server}


def assignments(context: click.Context, parameter: click.Parameter, pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expects KEY=VALUE, got {pair!r}", context, parameter)
        values[key] = value
    return values


def harness_env_option(*names: str) -> Callable[[F], F]:
    """--harness-env NAME=VALUE (`harness_env`: a dict; `check` also spells it --env, `evaluate`'s --env is
    the Postman environment file): a variable of the harness environment the app is judged in — the
    database constraint is checked against it, and `evaluate` also sets it in the server's environment."""
    option: Callable[[F], F] = click.option(
        *names,
        "harness_env",
        multiple=True,
        metavar="NAME=VALUE",
        callback=assignments,
        help="A variable of the harness environment the app is judged in (repeatable; paper task names "
        "default to the paper's harness, which sets no DATABASE_URL).",
    )
    return option


def server_env_flags(func: Any) -> Any:
    """--pass-env and --set-env (`pass_env`: a tuple of patterns, `set_env`: a dict)."""
    func = click.option(
        "--set-env",
        multiple=True,
        metavar="KEY=VALUE",
        callback=assignments,
        help="Set a variable in the server's environment (repeatable).",
    )(func)
    return click.option(
        "--pass-env",
        multiple=True,
        metavar="NAME",
        help="Pass this variable of cdverify's environment to the server (repeatable; a pattern such as "
        "'AWS_*', or '*' for all). By default the server gets PATH, HOME, USER, LANG, LC_*, TZ only.",
    )(func)
