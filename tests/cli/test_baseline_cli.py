"""`cdverify baseline`, `check --baseline FILE` and `check --since GIT_REF`: only what is new."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitwork import git

from cdverify.cli import cli

Make = Callable[[dict[str, str | bytes]], Path]

APP: dict[str, str | bytes] = {
    "app/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "app/routes/users.py": "from flask import Blueprint\nfrom app.repositories.users import repo\n",
    "app/routes/orders.py": "from flask import Blueprint\nfrom app.services.orders import svc\n",
    "app/services/orders.py": "from app.repositories.orders import orders\nsvc = None\n",
    "app/repositories/users.py": "from app.models.user import User\nrepo = None\n",
    "app/repositories/orders.py": "from app.models.user import User\norders = None\n",
    "app/models/user.py": "class User: ...\n",
}
SPEC = ("-c", "flask+clean_architecture")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary folder of the test's own for `tempfile`, to see what a command leaves behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def _record(root: Path, target: Path) -> dict[str, object]:
    code, _, err = run("baseline", str(root), *SPEC, "-o", str(target))
    assert code == 0 and "1 finding(s) recorded" in err
    return dict(json.loads(target.read_text()))


def test_a_baseline_makes_check_report_only_the_new_violation(make_project: Make, tmp_path: Path) -> None:
    root = make_project(APP)
    baseline = tmp_path / "baseline.json"
    recorded = _record(root, baseline)
    assert recorded["version"] == 1 and recorded["constraints"] == "flask+clean_architecture"
    (entry,) = recorded["findings"]  # type: ignore[misc]
    assert {k: entry[k] for k in ("rule", "file", "line")} == {
        "rule": "ARCH002",
        "file": "app/routes/users.py",
        "line": 2,
    }
    # unchanged (lines moved down): nothing new, exit 0
    (root / "app/routes/users.py").write_text('"""Users."""\n\n' + str(APP["app/routes/users.py"]))
    code, out, _ = run("check", str(root), *SPEC, "--baseline", str(baseline))
    assert code == 0
    assert "baseline " + str(baseline) + ": 1 known finding not shown, 0 fixed" in out
    assert "architecture [clean_architecture]: PASS - 1 baselined error not counted" in out
    # a new bypass in another route: only it is reported, and it fails the check
    (root / "app/routes/orders.py").write_text("from app.repositories.orders import orders\n")
    code, out, _ = run("check", str(root), *SPEC, "--baseline", str(baseline), "--format", "concise")
    assert code == 1
    assert out.splitlines() == [
        "[architecture]",
        "app/routes/orders.py:1 ARCH002 routes reach repositories directly (app/repositories/orders.py), not"
        " through a service → call app/services/orders.py, which already wraps app/repositories/orders.py;"
        " only services may use repositories",
        f"baseline {baseline}: 1 known finding not shown, 0 fixed",
        "FAIL architecture (1 error); pass framework",
    ]


def test_fixed_baselined_findings_are_counted_in_text_and_json(make_project: Make, tmp_path: Path) -> None:
    root = make_project(APP)
    baseline = tmp_path / "baseline.json"
    _record(root, baseline)
    (root / "app/routes/users.py").write_text(
        "from flask import Blueprint\nfrom app.services.orders import svc\n"
    )
    code, out, _ = run("check", str(root), *SPEC, "--baseline", str(baseline), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["findings"] == [] and data["passed"] is True
    assert data["baseline"]["known"] == 0 and data["baseline"]["fixed"] == 1
    assert data["baseline"]["fixed_findings"][0]["file"] == "app/routes/users.py"
    code, out, _ = run("check", str(root), *SPEC, "--baseline", str(baseline))
    assert code == 0 and "0 known findings not shown, 1 fixed" in out


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "invalid JSON"),
        ("[]", "not a baseline"),
        ('{"version": 2, "findings": []}', "baseline version 2 is not supported"),
        ('{"version": 1, "findings": [{"rule": "ARCH002"}]}', "finding 1 must be an object with fingerprint"),
        ('{"version": 1, "findings": {}}', "`findings` must be a list"),
    ],
)
def test_a_malformed_baseline_is_a_usage_error(
    make_project: Make, tmp_path: Path, content: str, problem: str
) -> None:
    root = make_project(APP)
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content)
    code, out, err = run("check", str(root), *SPEC, "--baseline", str(baseline))
    assert code == 2 and out == ""
    assert err.startswith(f"cdverify: error: {baseline}: ") and problem in err
    missing = run("check", str(root), *SPEC, "--baseline", str(tmp_path / "nope.json"))
    assert missing[0] == 2 and "no such baseline file" in missing[2]


def test_baseline_and_since_together_or_without_constraints_are_usage_errors(
    make_project: Make, tmp_path: Path
) -> None:
    root = make_project(APP)
    baseline = tmp_path / "baseline.json"
    _record(root, baseline)
    code, _, err = run("check", str(root), *SPEC, "--baseline", str(baseline), "--since", "HEAD")
    assert code == 2 and "give --baseline or --since, not both" in err
    code, _, err = run("baseline", str(root))
    assert code == 2 and "no constraints given" in err


def _repository(root: Path) -> None:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")


def test_since_compares_with_a_revision_and_leaves_nothing_behind(
    make_project: Make, private_tmp: Path
) -> None:
    root = make_project(APP)
    _repository(root)
    # uncommitted: a new bypass, and the old one moved down a line
    (root / "app/routes/users.py").write_text("\n" + str(APP["app/routes/users.py"]))
    (root / "app/routes/orders.py").write_text("from app.repositories.orders import orders\n")
    code, out, _ = run("check", str(root), *SPEC, "--since", "HEAD", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert [(f["rule"], f["file"]) for f in data["findings"]] == [("ARCH002", "app/routes/orders.py")]
    assert data["baseline"] == {
        "source": "git HEAD",
        "known": 1,
        "known_errors": 1,
        "fixed": 0,
        "fixed_findings": [],
    }
    assert list(private_tmp.iterdir()) == []  # the revision's copy is gone
    assert git(root, "worktree", "list").count("\n") == 1 and git(root, "status", "--short").count("\n") == 2


def test_since_checks_a_project_in_a_folder_of_the_repository(make_project: Make) -> None:
    repository = make_project({f"backend/{rel}": text for rel, text in APP.items()})
    _repository(repository)
    root = repository / "backend"
    (root / "app/routes/orders.py").write_text("from app.repositories.orders import orders\n")
    code, out, _ = run("check", str(root), *SPEC, "--since", "HEAD", "--format", "concise")
    assert code == 1
    assert out.count(" ARCH002 ") == 1 and "\napp/routes/orders.py:1 ARCH002 " in out
    assert "baseline git HEAD: 1 known finding not shown, 0 fixed" in out


def test_since_outside_git_or_at_an_unknown_revision_is_a_usage_error(
    make_project: Make, tmp_path: Path
) -> None:
    root = make_project(APP)
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    result = CliRunner(env=env).invoke(cli, ["check", str(root), *SPEC, "--since", "HEAD"])
    assert result.exit_code == 2 and "is not inside a git repository" in result.stderr
    _repository(root)
    code, _, err = run("check", str(root), *SPEC, "--since", "no-such-branch")
    assert code == 2 and "--since no-such-branch: no such revision" in err
    code, _, err = run("check", str(root), *SPEC, "--since", "--upload-pack=x")
    assert code == 2 and "not a revision" in err


def test_since_a_revision_without_the_folder_is_a_usage_error(make_project: Make) -> None:
    root = make_project(APP)
    _repository(root)
    (root / "later").mkdir()
    (root / "later" / "app.py").write_text("from flask import Flask\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "later")
    code, _, err = run("check", str(root / "later"), "-c", "flask", "--since", "HEAD~1")
    assert code == 2 and "--since HEAD~1: cannot read later at " in err
    assert os.path.isdir(root / "later")


def test_baseline_prints_without_output_and_warns_on_other_constraints(
    make_project: Make, tmp_path: Path
) -> None:
    root = make_project(APP)
    code, out, _ = run("baseline", str(root), *SPEC)
    assert code == 0
    printed = json.loads(out)
    assert printed["constraints"] == "flask+clean_architecture" and len(printed["findings"]) == 1
    baseline = tmp_path / "baseline.json"
    baseline.write_text(out)
    code, out, err = run("check", str(root), "-c", "clean_architecture", "--baseline", str(baseline))
    assert code == 0 and "1 known finding not shown" in out
    assert f"warning: {baseline} was recorded for flask+clean_architecture, not clean_architecture" in err
