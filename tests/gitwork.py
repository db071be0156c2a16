"""Helpers the grading tests share: small git repositories and the diffs between two states of a folder."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

GIT_ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args]
    return subprocess.run(command, cwd=cwd, env=GIT_ENV, capture_output=True, text=True, check=True).stdout


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    return root


def diff_of(files: dict[str, str], tmp_path: Path, base: dict[str, str] | None = None) -> str:
    """The git diff that turns `base` (default: an empty workspace) into `files`."""
    workspace = tmp_path / "diff-workspace"
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir()
    git(workspace, "init", "-q")
    write(workspace, base or {})
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "--allow-empty", "-m", "base")
    for rel in base or {}:
        (workspace / rel).unlink()
    write(workspace, files)
    git(workspace, "add", "-A")
    return git(workspace, "diff", "--cached")
