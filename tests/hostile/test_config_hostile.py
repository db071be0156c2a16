"""Hostile configuration (issue 15): every bad value is exit 2 with a message naming the file, the key and
what it expects, never an internal error; a bad `.gitignore` line is the project's own and only a finding."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdverify.config import ConfigError, build_config, load_config
from hostile.projects import check_json, expect_analysed, expect_usage_error, python_project, rules_at

# (cdverify.toml body, fragments the error line must hold besides the file's name)
BAD_CONFIGS = [
    ("exclude = ['[z-a]']", ["exclude[0]", "'[z-a]'", "bad character range z-a"]),
    ('exclude = "[z-a]"', ["exclude:", "bad character range"]),
    ("exclude = ['\\']", ["exclude[0]", "invalid gitignore-style glob"]),
    ("exclude = 5", ["exclude must be a string or an array of strings (got integer 5)"]),
    ("exclude = [1, 'x']", ["exclude must be a string or an array of strings (got array"]),
    ("preset = ['x']", ["preset must be a string naming a preset (got array ['x'])"]),
    ("preset = 'nope'", ["unknown architecture preset 'nope' (known: clean_architecture)"]),
    ("preset = '../findings'", ["unknown architecture preset '../findings'"]),
    ("constraints = 42", ["constraints must be a string", "(got integer 42)"]),
    ("constraints = ['flask']", ["constraints must be a string", "(got array"]),
    ("layers = 3", ["layers must be a table (got integer 3)"]),
    ("[layers]\nroutes = 3", ["layers.routes must be a table (got integer 3)"]),
    (
        "[layers.routes]\ndirectories = 3",
        ["layers.routes.directories must be a string or an array of strings"],
    ),
    ("[layers.routes]\nreplace = 'yes'", ["layers.routes.replace must be a boolean (got string 'yes')"]),
    ("[layers.routes]\ndirectory = ['web']", ["layers.routes: unknown key 'directory'"]),
    ("[layers.routes]\npaths = ['app/[z-a]/*']", ["layers.routes.paths[0]", "bad character range"]),
    ("[layers.controllers]\npaths = ['x']", ["layers.controllers: unknown layer"]),
    ("scopes = ['x']", ["scopes must be a table (got array"]),
    ("[scopes]\ntest = ['[z-a]']", ["scopes.test[0]", "bad character range"]),
    ("[scopes]\ntest = 3", ["scopes.test must be a string or an array of strings (got integer 3)"]),
    ("[scopes]\nnonsense = ['x']", ["scopes.nonsense: unknown scope"]),
    ("ignore = 3", ["ignore must be an array of tables"]),
    ("ignore = [3]", ["ignore[0] must be a table with rule, path and reason (got integer 3)"]),
    ("[[ignore]]\nrule = 1\npath = 'x'\nreason = 'r'", ["ignore[0].rule must be a string (got integer 1)"]),
    ("[[ignore]]\nrule = 'ARCH001'\npath = 'x'", ["ignore[0]: an ignore must carry a non-empty 'reason'"]),
    ("[[ignore]]\nrule = 'ARCH001'\nreason = 'r'", ["ignore[0]: 'rule' and 'path' are required"]),
    ("[[ignore]]\nrule = 'A'\npath = 'x'\nreason = 'r'\nwhy = 1", ["ignore[0]: unknown key 'why'"]),
    ("max_file_bytes = true", ["max_file_bytes must be a positive integer (got boolean True)"]),
    ("max_file_bytes = -1", ["max_file_bytes must be a positive integer (got integer -1)"]),
    ("port = 70000", ["port must be an integer between 1 and 65535 (got integer 70000)"]),
    ("port = '8080'", ["port must be an integer between 1 and 65535 (got string '8080')"]),
    ("required_layers = 3", ["required_layers must be a string or an array of strings"]),
    ("bogus = 1", ["unknown configuration key 'bogus'"]),
    ("x = [", ["invalid TOML"]),
    ("a = " + "[" * 3000 + "]" * 3000, ["invalid TOML"]),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return python_project(tmp_path / "p")


@pytest.mark.parametrize(("body", "fragments"), BAD_CONFIGS, ids=[body[:30] for body, _ in BAD_CONFIGS])
def test_bad_cdverify_toml_is_named_in_the_error(project: Path, body: str, fragments: list[str]) -> None:
    """In process, every case: the configuration the CLI loads raises one problem naming file and key."""
    (project / "cdverify.toml").write_text(body + "\n")
    with pytest.raises(ConfigError) as raised:
        load_config(project)
    lines = [p for p in raised.value.problems if p.startswith(str(project / "cdverify.toml"))]
    assert any(all(f in line for f in fragments) for line in lines), raised.value.problems


# a case of each kind through the command line: exit 2, the message, no traceback, within seconds
CLI_CASES = [BAD_CONFIGS[i] for i in (0, 3, 5, 6, 8, 11, 14, 23, 27, 33, 34)]


@pytest.mark.parametrize(("body", "fragments"), CLI_CASES, ids=[body[:30] for body, _ in CLI_CASES])
def test_bad_cdverify_toml_is_a_usage_error(
    hostile: Any, project: Path, body: str, fragments: list[str]
) -> None:
    (project / "cdverify.toml").write_text(body + "\n")
    expect_usage_error(check_json(hostile, project), str(project / "cdverify.toml"), *fragments)


PYPROJECT_CASES = [
    ("[tool.cdverify]\nconstraints = 42", ["tool.cdverify.constraints must be a string"]),
    ("[tool.cdverify.layers]\nroutes = 3", ["tool.cdverify.layers.routes must be a table"]),
    ("[tool.cdverify]\nexclude = ['[z-a]']", ["tool.cdverify.exclude[0]", "bad character range"]),
    ("[tool]\ncdverify = 3", ["tool.cdverify must be a table (got integer 3)"]),
    ("[tool.cdverify]\npreset = 'x'\n# caf\xe9", ["line 3: not valid UTF-8 (byte 0xe9)"]),
    ("[tool.cdverify]\npreset = 'x'\nbroken = [", ["invalid TOML"]),
]


@pytest.mark.parametrize(("body", "fragments"), PYPROJECT_CASES, ids=[b[:30] for b, _ in PYPROJECT_CASES])
def test_bad_tool_cdverify_table_is_a_usage_error(
    hostile: Any, project: Path, body: str, fragments: list[str]
) -> None:
    (project / "pyproject.toml").write_bytes(body.encode("latin-1") + b"\n")
    expect_usage_error(check_json(hostile, project), str(project / "pyproject.toml"), *fragments)


def test_non_utf8_cdverify_toml_names_the_line(hostile: Any, project: Path) -> None:
    (project / "cdverify.toml").write_bytes(b'preset = "clean_architecture"\n# \xff\xfe\n')
    expect_usage_error(check_json(hostile, project), "cdverify.toml: line 2: not valid UTF-8 (byte 0xff)")


@pytest.mark.parametrize(
    "body",
    [b"[project]\nname = 'x'\n# \xff\n", b"[project\nname = ", b"a = " + b"[" * 3000],
    ids=["non-utf8", "malformed", "too-deep"],
)
def test_broken_pyproject_without_our_table_is_the_projects_problem(
    hostile: Any, project: Path, body: bytes
) -> None:
    """No `[tool.cdverify]` in it: the project is analysed with the defaults (documented behaviour)."""
    (project / "pyproject.toml").write_bytes(body)
    expect_analysed(check_json(hostile, project))


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--exclude", "[z-a]"], ["--exclude [z-a]: invalid gitignore-style glob", "bad character range"]),
        (["--exclude", "!"], ["--exclude !: invalid gitignore-style glob"]),
        (["--layer", "routes=[z-a]"], ["--layer routes=[z-a]", "bad character range"]),
        (["--layer", "routes"], ["--layer expects NAME=GLOB"]),
        (["--layer", "controllers=x/*"], ["--layer controllers=…: unknown layer"]),
        (["--preset", "hexagonal"], ["unknown architecture preset 'hexagonal'"]),
        (["--require-layers", "routes,controllers"], ["required layer 'controllers' is not a layer"]),
    ],
    ids=[
        "exclude-range",
        "exclude-bang",
        "layer-range",
        "layer-no-glob",
        "layer-unknown",
        "preset",
        "required",
    ],
)
def test_bad_command_line_options_are_usage_errors(
    hostile: Any, project: Path, args: list[str], fragments: list[str]
) -> None:
    expect_usage_error(check_json(hostile, project, *args), *fragments)


@pytest.mark.parametrize("kind", ["fifo", "folder", "dev-zero"])
def test_config_file_that_is_not_a_regular_file(hostile: Any, project: Path, kind: str) -> None:
    """A cdverify.toml (or --config) that is a FIFO, a folder or a link to /dev/zero is never opened
    for reading: exit 2 naming it, within seconds."""
    config = project / "cdverify.toml"
    if kind == "fifo":
        os.mkfifo(config)
        expected = "a named pipe (FIFO), not a regular file"
    elif kind == "folder":
        config.mkdir()
        expected = "a folder, not a regular file"
    else:
        config.symlink_to("/dev/zero")
        expected = "a character device, not a regular file"
    expect_usage_error(check_json(hostile, project), str(config), "cannot read:", expected)
    if kind == "fifo":
        other = project.parent / "other.toml"
        os.mkfifo(other)
        expect_usage_error(check_json(hostile, project, "--config", str(other)), str(other), expected)


def test_invalid_gitignore_line_is_a_finding_and_the_rest_applies(hostile: Any, project: Path) -> None:
    """Git reads `[z-a]` its own way; cdverify cannot compile it: DISC008 at its line, the line skipped, the
    other lines still ignore what they name, the rest of the project analysed."""
    (project / ".gitignore").write_text("build/\n[z-a]\n!\n*.log\n")
    (project / "build").mkdir()
    (project / "build" / "gen.py").write_text('cursor.execute("DELETE FROM users")\n')
    outcome = check_json(hostile, project)
    found = expect_analysed(outcome)
    invalid = sorted((f["line"], f["evidence"]) for f in found if f["rule"] == "DISC008")
    assert invalid == [(2, "[z-a]"), (3, "!")], outcome.describe()
    assert not any(f["file"].startswith("build/") for f in found), outcome.describe()


def test_invalid_nested_gitignore(hostile: Any, project: Path) -> None:
    (project / "app" / ".gitignore").write_text("[9-0]*\n")
    outcome = check_json(hostile, project)
    expect_analysed(outcome)
    assert ("DISC008", "app/.gitignore") in rules_at(outcome), outcome.describe()


# --- random values of the wrong type, in process (build_config is what the CLI calls) --------------------

_NOT_STRING = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dictionaries(st.text(max_size=3), st.integers()),
)
_NOT_TABLE = st.one_of(st.integers(), st.booleans(), st.text(max_size=5), st.lists(st.integers(), max_size=3))
_NOT_STRINGS = st.one_of(
    st.integers(),
    st.booleans(),
    st.lists(st.integers(), min_size=1, max_size=3),
    st.dictionaries(st.text(), st.text()),
)
# key → (its place in the table, a strategy of wrong values)
_WRONG = {
    "constraints": _NOT_STRING,
    "preset": _NOT_STRING,
    "layers": _NOT_TABLE,
    "layers.routes": _NOT_TABLE,
    "layers.services.directories": _NOT_STRINGS,
    "layers.models.paths": _NOT_STRINGS,
    "layers.models.replace": st.one_of(st.integers(), st.text(max_size=5)),
    "scopes": _NOT_TABLE,
    "scopes.test": _NOT_STRINGS,
    "exclude": _NOT_STRINGS,
    "required_layers": _NOT_STRINGS,
    "max_file_bytes": st.one_of(st.booleans(), st.text(max_size=5), st.integers(max_value=0), st.floats()),
    "port": st.one_of(
        st.booleans(), st.text(max_size=5), st.integers(min_value=65536), st.integers(max_value=0)
    ),
    "ignore": _NOT_TABLE.filter(lambda v: not isinstance(v, list) or v),
}


def _nest(dotted: str, value: object) -> dict[str, Any]:
    table: dict[str, Any] = {}
    cursor = table
    *parents, last = dotted.split(".")
    for part in parents:
        cursor = cursor.setdefault(part, {})
    cursor[last] = value
    return table


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), key=st.sampled_from(sorted(_WRONG)))
def test_any_wrong_type_is_rejected_naming_the_key(data: st.DataObject, key: str) -> None:
    value = data.draw(_WRONG[key])
    for source, prefix in (("/p/cdverify.toml", ""), ("/p/pyproject.toml", "tool.cdverify.")):
        with pytest.raises(ConfigError) as raised:
            build_config(_nest(key, value), source=source)
        problems = raised.value.problems
        assert any(p.startswith(f"{source}: {prefix}{key}") for p in problems), (key, value, problems)


@settings(max_examples=40, deadline=None)
@given(glob=st.text(alphabet="[]!-az*/\\?", min_size=1, max_size=8))
def test_any_glob_either_works_or_is_a_config_error(glob: str) -> None:
    """Whatever the glob, build_config accepts it (and discovery can use it) or names it: never a crash."""
    try:
        config = build_config({"exclude": [glob]}, source="cdverify.toml")
    except ConfigError as error:
        assert any("exclude[0]" in p and repr(glob) in p for p in error.problems), error.problems
    else:
        from pathspec import PathSpec

        PathSpec.from_lines("gitignore", config.exclude).match_file("app/x.py")
