"""The `cdverify` command's quick exit (cli.entry): after a static command it leaves without the
interpreter's teardown, so what it printed and its exit code must be exactly those of `main`, which exits
as usual."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
AS_MAIN = "import sys; from cdverify.cli import main; sys.argv[0] = 'cdverify'; main()"
# `entry` with an exit handler that says whether the interpreter's teardown ran
WITH_TEARDOWN = (
    "import atexit, sys; from cdverify.cli import entry; sys.argv[0] = 'cdverify'; "
    "atexit.register(lambda: print('teardown', file=sys.stderr)); entry()"
)


def _both(
    tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    env = {**os.environ, "CDVERIFY_CACHE_DIR": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, *how, *args], capture_output=True, text=True, env=env, timeout=120, check=False
        )
        for how in (["-m", "cdverify"], ["-c", AS_MAIN])
    ]
    return runs[0], runs[1]


@pytest.mark.parametrize(("app", "code"), [("conduit-flask-clean", 0), ("ts-monorepo", 1)])
def test_a_check_prints_and_exits_as_main_does(tmp_path: Path, app: str, code: int) -> None:
    root = tmp_path / app
    shutil.copytree(CORPUS / app, root, symlinks=True)
    args = ("check", str(root), "--architecture", "clean_architecture", "--format", "json", "--no-cache")
    quick, usual = _both(tmp_path, *args)
    assert (quick.returncode, usual.returncode) == (code, code), quick.stderr
    assert json.loads(quick.stdout)["summary"] == json.loads(usual.stdout)["summary"]
    assert quick.stdout == usual.stdout and quick.stderr == usual.stderr
    text, _ = _both(tmp_path, "check", str(root), "--architecture", "clean_architecture", "--no-cache")
    assert text.returncode == code and "clean_architecture" in text.stdout


def test_errors_and_other_commands_exit_as_usual(tmp_path: Path) -> None:
    quick, usual = _both(tmp_path, "check", str(tmp_path / "absent"), "--architecture", "clean_architecture")
    assert quick.returncode == usual.returncode == 2
    assert "no such file or directory" in quick.stderr and quick.stderr == usual.stderr
    version, _ = _both(tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.startswith("cdverify")


def test_only_a_static_command_skips_the_teardown(tmp_path: Path) -> None:
    root = tmp_path / "app"
    shutil.copytree(CORPUS / "conduit-flask-clean", root, symlinks=True)
    env = {**os.environ, "CDVERIFY_CACHE_DIR": str(tmp_path / "cache")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", WITH_TEARDOWN, *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)

    checked = run("check", str(root), "--architecture", "clean_architecture", "--no-cache")
    assert checked.returncode == 0 and "teardown" not in checked.stderr
    for usual in (run("--version"), run("check", str(tmp_path / "absent"), "--architecture", "x")):
        assert "teardown" in usual.stderr
