"""A `const` destructuring of `process.env` reads the variables into the names it binds, so a start-up check
testing those names tests the variables (`FileFacts.stops`, parse/jsenv.py `destructured_env`)."""

from __future__ import annotations

import pytest

from cdverify.model import Language
from cdverify.parse import parse_source

SOURCE = """async function connect() {
  @DECLARATION@
  if (!url || !name) {
    throw new Error("missing settings");
  }
  return url;
}
"""


def _guard_env(declaration: str) -> tuple[str, ...]:
    facts = parse_source(
        "store.ts", Language.TYPESCRIPT, SOURCE.replace("@DECLARATION@", declaration).encode()
    )
    return tuple(env for stop in facts.stops for env in stop.guard.env)


@pytest.mark.parametrize(
    ("declaration", "env"),
    [
        ("const { DB_URL: url, DB_NAME: name } = process.env;", ("DB_URL", "DB_NAME")),
        ('const { "DB_URL": url } = process.env; const name = process.env.DB_NAME;', ("DB_URL",)),
        ("const { DB_URL: url, DB_NAME: name } = (process.env);", ("DB_URL", "DB_NAME")),
    ],
)
def test_a_renamed_destructured_read_of_the_environment_is_a_read_of_the_variable(
    declaration: str, env: tuple[str, ...]
) -> None:
    assert _guard_env(declaration) == env


@pytest.mark.parametrize(
    "declaration",
    [
        "const { DB_URL: url = 'postgres://db/app', DB_NAME: name = 'app' } = process.env;",  # defaults
        "let { DB_URL: url, DB_NAME: name } = process.env;",  # may be assigned anew
        "const { DB_URL: url, DB_NAME: name } = settings;",  # not the environment
    ],
)
def test_a_destructuring_with_defaults_or_of_another_object_reads_no_variable(declaration: str) -> None:
    assert _guard_env(declaration) == ()
