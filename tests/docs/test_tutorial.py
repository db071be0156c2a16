"""docs/tutorial.md, run as a reader runs it: every console command in order, every file the page
shows written where it says, and each command's output compared with what the page shows
(`docs.doc_blocks.mismatch`: exact lines, `…` for what the page leaves out).

The fast test runs the static steps and leaves out the install (tests/packaging covers it), the
contract run and `evaluate`; the `integration` test runs those too, on a real server and PostgreSQL."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tools import require_postgres, require_tool

from docs.doc_blocks import DOCS, REPO, blocks, commands, example_files, mismatch

TUTORIAL = DOCS / "tutorial.md"
INSTALL = ("python3 -m venv",)
SERVERS = ("cdverify contract", "cdverify evaluate")


@dataclass
class Session:
    """The reader's shell: a home with the checkout at ~/cdverify, `cdverify` on PATH (this checkout's
    code, run by this interpreter), the folder the last `cd` went to, the last exit code."""

    home: Path
    env: dict[str, str]
    cwd: Path
    last_code: int | None = None
    ran: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, tmp_path: Path) -> Session:
        home = tmp_path / "home"
        home.mkdir()
        (home / "cdverify").symlink_to(REPO, target_is_directory=True)
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        wrapper = bin_dir / "cdverify"
        wrapper.write_text(
            f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m cdverify "$@"\n', encoding="utf-8"
        )
        wrapper.chmod(0o755)
        env = dict(
            os.environ,
            HOME=str(home),
            PYTHONPATH=str(REPO),
            PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        )
        env.pop("CDVERIFY_DEBUG", None)
        return cls(home, env, home)

    def shown_path(self, text: str) -> str:
        """Output with the home folder written `~`, as the page writes it."""
        return text.replace(str(self.home), "~")

    def run(self, command: str, shown: tuple[str, ...], where: str) -> None:
        if command.startswith("cd "):
            target = command[3:].strip()
            self.cwd = Path(os.path.expanduser(target.replace("~", str(self.home), 1))).resolve()
            return
        if command == "echo $?":
            assert self.last_code is not None, f"{where}: `echo $?` before any command"
            assert shown[:1] == (str(self.last_code),), (
                f"{where}: exit code {self.last_code}, page shows {shown[:1]}"
            )
            return
        if "| jq " in command:
            require_tool("jq", "Debian: apt-get install jq")
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
        self.last_code = done.returncode
        self.ran.append(command)
        problem = mismatch(shown, self.shown_path(done.stdout))
        assert problem is None, f"{where}: `{command}`: {problem}"

    def write(self, path: str, text: str, executable: bool) -> None:
        target = self.cwd / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        if executable:
            target.chmod(0o755)


def walk(tmp_path: Path, *, servers: bool) -> Session:
    session = Session.start(tmp_path)
    for block in blocks(TUTORIAL.read_text(encoding="utf-8")):
        where = f"docs/tutorial.md:{block.line}"
        if block.info == "console":
            for step in commands(block):
                if step.command.startswith(INSTALL) or (not servers and step.command.startswith(SERVERS)):
                    session.last_code = None  # its `echo $?` is not checked either
                    continue
                if step.command == "echo $?" and session.last_code is None:
                    continue
                session.run(step.command, step.shown, where)
        else:
            for file in example_files(block):
                session.write(file.path, file.text, file.executable)
    return session


def test_tutorial_static_steps(tmp_path: Path) -> None:
    session = walk(tmp_path, servers=False)
    ran = " ".join(session.ran)
    for command in ("cdverify check", "cdverify inspect", "cdverify graph", "cdverify grade"):
        assert command in ran  # the page still walks through each of them


@pytest.mark.integration
def test_tutorial_with_contract_and_evaluate(tmp_path: Path) -> None:
    require_postgres()  # evaluate serves the app on a throwaway PostgreSQL
    session = walk(tmp_path, servers=True)
    assert any(command.startswith("cdverify evaluate") for command in session.ran)
