"""The code of a made-up run of the paper's agents, and its patch as the paper's harness keeps it.

A run's code is one of the reference apps of `corpus/` (`conduit-flask-clean` for the `uv` runtime,
`conduit-express-clean` for `node`), the app with a mutant's edits applied (`corpus/mutants/`, the edit
script of `tests/verify/test_mutants.py`), or nothing at all; further edits, in the mutants' format, can
follow.
Its patch is every file added to an empty workspace, `git add -A && git diff --cached --binary`, as the
paper's harness writes it.

Shared by `make_sample_experiment.py` (corpus/experiments/sample) and `gen_experiment.py` (experiments
of any size for the grading benchmark).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "verify"))  # the mutants' edit script lives beside their test

from test_mutants import MUTANTS, apply_edit, load_mutant  # noqa: E402
from test_mutants import materialise as mutant_tree  # noqa: E402

APPS = {"uv": "conduit-flask-clean", "node": "conduit-express-clean"}
NOT_IN_PATCH = frozenset({"README.md", "package-lock.json"})  # what the sample leaves out, to stay small
GIT_ENV = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}

REFERENCE, EMPTY = "reference", "empty"
TASK_ENV = Path("tasks") / "postgres.env"  # a reference app's `.env` for a PostgreSQL task


def run(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    if result.returncode != 0:
        output = result.stdout.decode()[-3000:] + result.stderr.decode()[-3000:]
        sys.exit(f"failed: {' '.join(command)}\n{output}")
    return result


def mutant_names(runtime: str) -> list[str]:
    """The mutants of the runtime's reference app, by name."""
    names = []
    for path in sorted(MUTANTS.glob("*.toml")):
        if load_mutant(path).app == APPS[runtime]:
            names.append(path.stem)
    return names


def app_tree(code: str, runtime: str, scratch: Path, edits: Iterable[Mapping[str, Any]] = ()) -> Path | None:
    """The code of a run: a copy of the reference app, a mutant of it, or None (the agent wrote nothing);
    then `edits` (the mutants' format) applied in order."""
    if code == EMPTY:
        return None
    if code == REFERENCE:
        tree = Path(shutil.copytree(REPO / "corpus" / APPS[runtime], scratch / "reference" / APPS[runtime]))
    else:
        mutant = load_mutant(MUTANTS / f"{code}.toml")
        if mutant.app != APPS[runtime]:
            sys.exit(f"mutant {code} is of {mutant.app}, not of {APPS[runtime]}")
        tree = mutant_tree(mutant, scratch / code)
        # the mutant is handed in for its own task (a PostgreSQL task's with the app's `.env`); a run's code
        # is for the run's task, whose `.env` the caller adds as an edit
        (tree / ".env").unlink(missing_ok=True)
    for number, edit in enumerate(edits, 1):
        apply_edit(tree, dict(edit), f"{code}: extra edit {number}")
    return tree


def task_edits(runtime: str, task: str) -> list[dict[str, Any]]:
    """What an agent commits for `task` beside the app: for a PostgreSQL task, the `.env` the reference
    app loads (its `tasks/postgres.env`, the paper harness's literal settings), since the paper's harness
    sets no DATABASE_URL; nothing for other tasks."""
    if "postgres" not in task.split("-"):
        return []
    settings = (REPO / "corpus" / APPS[runtime] / TASK_ENV).read_text(encoding="utf-8")
    return [{"file": ".env", "create": settings}]


def make_patch(tree: Path | None, scratch: Path, leave_out: Iterable[str] = NOT_IN_PATCH) -> bytes:
    """Every file of `tree` (but `leave_out`) added to an empty workspace, as `git diff` writes it."""
    workspace = scratch / "workspace"
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(parents=True)
    env = {**os.environ, **GIT_ENV}
    run(["git", "init", "-q"], cwd=workspace, env=env)
    if tree is not None:
        ignore = shutil.ignore_patterns(*leave_out)
        shutil.copytree(tree, workspace, dirs_exist_ok=True, ignore=ignore)
    run(["git", "add", "-A"], cwd=workspace, env=env)
    diff = run(["git", "diff", "--cached", "--binary", "--no-color", "--no-ext-diff"], cwd=workspace, env=env)
    return diff.stdout
