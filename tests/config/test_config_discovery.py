"""Configuration found like ruff's and tach's: in the analysed folder or a parent up to the repository root
(never above the home folder), its globs read relative to its own folder, and names checked with a
"did you mean" (issue 20)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_tree

from cdverify.config import ConfigError, load_config
from cdverify.config_paths import ignore_applies, rebase_gitignore, search_folders

APP = {
    "app/routes/users.py": "from app.services.users import list_users\n",
    "app/services/users.py": "",
    "app/repositories/users.py": "from app.services.users import x\n",  # ARCH001: upward
    "app/models/user.py": "",
    "legacy/old.py": "import os\n",
}


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run(
        [sys.executable, "-m", "cdverify", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose root configures its `backend/` folder."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write_tree(root / "backend", APP)
    (root / "pyproject.toml").write_text(
        "[tool.cdverify]\n"
        'constraints = "clean_architecture"\n'
        'exclude = ["backend/legacy/", "frontend/"]\n'
        "[[tool.cdverify.ignore]]\n"
        'rule = "ARCH001"\npath = "backend/app/repositories/*.py"\nreason = "being moved"\n'
        "[[tool.cdverify.ignore]]\n"
        'rule = "ARCH002"\npath = "frontend/*"\nreason = "another part of the repository"\n'
    )
    return root


def test_a_check_from_a_sub_folder_finds_the_root_config(repo: Path) -> None:
    """`cd backend && cdverify check`: the root's constraints, exclude and ignore apply, rewritten for the
    folder checked; the ignore of another folder neither applies nor is reported stale."""
    result = _cli(repo / "backend", "check", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert Path(report["config"]) == repo / "pyproject.toml"
    assert report["constraints"]["architecture"] == "clean_architecture"
    assert [f["rule"] for f in report["suppressed"]] == ["ARCH001"]
    assert not [f for f in report["findings"] if f["rule"] == "CFG001"], report["findings"]
    assert "legacy/old.py" not in json.dumps(report["findings"])
    assert report["project"]["source_files"] == 4  # legacy/ excluded


def test_the_nearest_config_wins_and_a_pyproject_without_our_table_is_passed(repo: Path) -> None:
    (repo / "backend" / "pyproject.toml").write_text("[project]\nname = 'backend'\n")
    assert load_config(repo / "backend").source == str((repo / "pyproject.toml").absolute())
    (repo / "backend" / "app" / "cdverify.toml").write_text('preset = "clean_architecture"\n')
    assert load_config(repo / "backend" / "app").source == str(repo / "backend" / "app" / "cdverify.toml")
    # the analysed folder's own file keeps the path as given
    assert load_config(repo / "backend" / "app" / ".").source == str(
        repo / "backend" / "app" / "cdverify.toml"
    )


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "cdverify.toml").write_text("bogus = 1\n")  # above the repository: never read
    write_tree(tmp_path / "repo" / "backend", APP)
    (tmp_path / "repo" / ".git").write_text("gitdir: /elsewhere\n")  # a worktree's .git is a file
    assert load_config(tmp_path / "repo" / "backend").source is None
    assert list(search_folders(tmp_path / "repo" / "backend")) == [
        tmp_path / "repo" / "backend",
        tmp_path / "repo",
    ]


def test_outside_a_repository_only_the_folder_itself(tmp_path: Path) -> None:
    (tmp_path / "cdverify.toml").write_text("bogus = 1\n")
    write_tree(tmp_path / "project", APP)
    assert load_config(tmp_path / "project").source is None
    assert load_config(tmp_path / "project", search_parents=False).source is None


def test_never_above_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository at `/` (or any folder above home) does not reach into the home folder's projects."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "cdverify.toml").write_text("bogus = 1\n")
    write_tree(tmp_path / "home" / "project", APP)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert tmp_path not in list(search_folders(tmp_path / "home" / "project"))
    assert load_config(tmp_path / "home" / "project").source is None


def test_an_error_in_a_parent_config_names_that_file(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.cdverify]\nexlude = ['x']\n")
    result = _cli(repo / "backend", "check")
    assert result.returncode == 2
    assert f"{repo / 'pyproject.toml'}: unknown configuration key 'exlude' (did you mean 'exclude'?)" in (
        result.stderr
    ), result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("exlude = []", "unknown configuration key 'exlude' (did you mean 'exclude'?)"),
        (
            'preset = "clean_architectur"',
            "unknown architecture preset 'clean_architectur' (did you mean 'clean_architecture'?)",
        ),
        ("[layers.route]\ndirectories = ['x']", "layers.route: unknown layer (did you mean 'routes'?)"),
        (
            "[layers.routes]\ndirectory = ['x']",
            "layers.routes: unknown key 'directory' (did you mean 'directories'?)",
        ),
        ("[scopes]\ntests = ['x/**']", "scopes.tests: unknown scope (did you mean 'test'?)"),
        (
            '[[ignore]]\nrule = "ARCH02"\npath = "*"\nreason = "r"',
            "ignore[0].rule: unknown rule 'ARCH02' (did you mean 'ARCH002'?)",
        ),
        ('[[ignore]]\nrule = "upward-imports"\npath = "*"\nreason = "r"', "did you mean 'upward-import'?"),
        (
            '[[ignore]]\nrule = "NOPE999"\npath = "*"\nreason = "r"',
            "ignore[0].rule: unknown rule 'NOPE999' (rule ids: docs/rules/index.md)",
        ),
        ("port = '80'", "port must be an integer between 1 and 65535 (got string '80')"),
    ],
)
def test_names_and_types_are_checked_with_a_suggestion(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "cdverify.toml").write_text(body + "\n")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert any(
        p.startswith(str(tmp_path / "cdverify.toml")) and message in p for p in raised.value.problems
    ), raised.value.problems


def test_an_ignore_named_by_rule_name_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "cdverify.toml").write_text('[[ignore]]\nrule = "upward-import"\npath = "*"\nreason = "r"\n')
    assert load_config(tmp_path).ignores[0].rule == "upward-import"


@pytest.mark.parametrize(
    ("glob", "base", "expected"),
    [
        ("*.pyc", "backend", "*.pyc"),  # no slash: any depth, unchanged
        ("build/", "backend", "build/"),
        ("backend/legacy/", "backend", "/legacy/"),
        ("/backend/legacy/*.py", "backend", "/legacy/*.py"),
        ("!backend/keep.py", "backend", "!/keep.py"),
        ("*/legacy", "backend", "/legacy"),
        ("**/gen/*.py", "backend", "**/gen/*.py"),
        ("backend/**/gen", "backend", "/**/gen"),
        ("frontend/src", "backend", None),
        ("backend/", "backend/app", "backend/"),  # no slash but the last: a folder named so below
        ("/backend/", "backend/app", "**"),  # the analysed folder's parent: all of it
        ("backend/app/x.py", "backend/app", "/x.py"),
        ("backend/app/x.py", "backend/api", None),
        ("backend/legacy/", "", "backend/legacy/"),
    ],
)
def test_globs_are_rebased_for_a_sub_folder(glob: str, base: str, expected: str | None) -> None:
    assert rebase_gitignore(glob, base) == expected


@pytest.mark.parametrize(
    ("glob", "base", "expected"),
    [
        ("backend/app/*.py", "backend", True),
        ("*.py", "backend", True),
        ("back*", "backend", True),
        ("frontend/*", "backend", False),
        ("backend2/*", "backend", False),
        ("b", "backend", False),
    ],
)
def test_ignore_paths_that_cannot_apply_below_are_dropped(glob: str, base: str, expected: bool) -> None:
    assert ignore_applies(glob, base) is expected


def test_catalogue_keys_get_a_suggestion_too() -> None:
    """The catalogues' typed TOML reader (typed_toml.py) names the closest known key as well."""
    from cdverify.rules_schema.base import Record
    from cdverify.typed_toml import SchemaError, decode

    class Entry(Record, frozen=True):
        directories: tuple[str, ...] = ()

    with pytest.raises(SchemaError) as raised:
        decode({"directorys": []}, Entry, "x.toml", "directorys = []\n")
    assert raised.value.problems == [
        (1, "unknown key `directorys` (did you mean `directories`?) (known: directories)")
    ]


def test_a_stale_ignore_in_a_parent_config_is_placed_on_a_project_relative_path(repo: Path) -> None:
    """The root's pyproject.toml seen from `backend/`: CFG001 names it `../pyproject.toml`, a path from the
    project checked, not where the repository happens to be on this machine."""
    with (repo / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write(
            '[[tool.cdverify.ignore]]\nrule = "ARCH002"\npath = "backend/app/gone.py"\nreason = "x"\n'
        )
    result = _cli(repo / "backend", "check", "--format", "json")
    stale = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "CFG001"]
    assert [f["file"] for f in stale] == ["../pyproject.toml"]
    assert str(repo) not in json.dumps(stale)
