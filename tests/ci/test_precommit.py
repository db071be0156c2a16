"""The pre-commit hook (.pre-commit-hooks.yaml, docs/ci.md) run by the real pre-commit: `pre-commit try-repo
<this checkout> cdverify --all-files` in a git repository holding a reference app as its task hands it in.
pre-commit installs cdverify from this checkout into an environment of its own (pip, with this machine's
PIP_* settings), then runs the hook: it passes on the clean app and fails on a mutant, with the finding in
its output."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tools import tool_missing

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "verify"))

from test_mutants import hand_in, load_mutant, materialise  # noqa: E402

pytestmark = pytest.mark.integration  # pre-commit pip-installs cdverify into its own environment

MUTANT = REPO / "corpus" / "mutants" / "flask-framework-in-service.toml"


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: cdverify's hook environment is built once."""
    if shutil.which("git") is None:
        tool_missing("git is needed to run pre-commit (Debian: apt-get install git)")
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(project: Path, constraints: str, home: Path) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo REPO cdverify --all-files` in a fresh git repository holding `project`, its
    constraints given in its cdverify.toml (the hook runs `cdverify check` with no arguments)."""
    (project / "cdverify.toml").write_text(f'constraints = "{constraints}"\n', encoding="utf-8")
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)  # the hook must run the cdverify pre-commit installed, not this checkout's
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "cdverify", "--all-files", "--verbose"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_the_hook_passes_on_the_clean_app_and_fails_on_a_mutant(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    if importlib.util.find_spec("pre_commit") is None:
        tool_missing("pre-commit (the dev extra: pip install -e '.[dev]') runs the hook")
    mutant = load_mutant(MUTANT)
    clean = hand_in(mutant.app, mutant.constraints, tmp_path / "clean")
    passed = pre_commit(clean, mutant.constraints, pre_commit_home)
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "cdverify" in output and "Passed" in output

    broken = materialise(mutant, tmp_path / "mutant")
    failed = pre_commit(broken, mutant.constraints, pre_commit_home)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "Failed" in output and "exit code: 1" in output
    expected = mutant.expected[0]  # ARCH003 in services/articles.py, line 7
    assert f"{expected['file']}:{expected['line']}" in output and expected["rule"] in output, output
    assert "architecture [clean_architecture]: FAIL" in output
