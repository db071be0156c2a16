"""Discovery inside a git work tree lists what `git ls-files -co --exclude-standard` lists (real git, real
repositories); elsewhere, or without git, the walker with its own `.gitignore` reading."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_tree

from cdverify.cli import cli
from cdverify.config import build_config
from cdverify.discover import discover

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def repo(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    return write_tree(root, files)


def paths(root: Path) -> list[str]:
    return [f.path for f in discover(root, build_config()).files]


def git_listed(root: Path) -> list[str]:
    """What git itself lists, for comparison."""
    return sorted(git(root, "ls-files", "-co", "--exclude-standard", "-z").split("\0")[:-1])


def test_a_nested_negation_holds_as_git_applies_it(tmp_path: Path) -> None:
    """The root ignores `generated/*`; `generated/.gitignore` takes `keep.py` back. The walker tests each
    `.gitignore` on its own and loses keep.py; git gives the deeper file the last word."""
    root = repo(
        tmp_path / "r",
        {
            ".gitignore": "generated/*\n",
            "generated/.gitignore": "!keep.py\n",
            "generated/keep.py": "x = 1\n",
            "generated/drop.py": "x = 1\n",
            "app/main.py": "x = 1\n",
        },
    )
    assert paths(root) == [".gitignore", "app/main.py", "generated/keep.py"]
    assert paths(root) == [p for p in git_listed(root) if p != "generated/.gitignore"]  # ignored itself
    shutil.rmtree(root / ".git")
    assert "generated/keep.py" not in paths(root)  # the walker's reading, out of a repository


def test_info_exclude_untracked_and_tracked_files(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {
            ".gitignore": "*.gen.py\n",
            "app/main.py": "x = 1\n",  # untracked, not ignored
            "app/local.py": "x = 1\n",  # ignored by .git/info/exclude only
            "app/schema.gen.py": "x = 1\n",  # ignored
            "app/forced.gen.py": "x = 1\n",  # ignored, but tracked: git lists it, so it is analysed
        },
    )
    (root / ".git/info/exclude").write_text("app/local.py\n")
    git(root, "add", "-f", "app/forced.gen.py")
    assert paths(root) == [".gitignore", "app/forced.gen.py", "app/main.py"]
    assert paths(root) == git_listed(root)


def test_a_subfolder_of_a_repository(tmp_path: Path) -> None:
    """Paths are relative to the analysed folder; the `.gitignore` above it applies."""
    root = repo(
        tmp_path / "r",
        {
            ".gitignore": "*.local.py\n!svc/keep.local.py\n",
            "svc/app/main.py": "x = 1\n",
            "svc/app/dev.local.py": "x = 1\n",
            "svc/keep.local.py": "x = 1\n",
            "other/x.py": "x = 1\n",
        },
    )
    assert paths(root / "svc") == ["app/main.py", "keep.local.py"]


def test_cdverify_skip_rules_still_apply_to_tracked_folders(tmp_path: Path) -> None:
    """A committed node_modules or virtual environment is still skipped; a nested repository and a
    submodule are other repositories: not entered."""
    root = repo(
        tmp_path / "r",
        {
            "app/main.py": "x = 1\n",
            "node_modules/lib/index.js": "module.exports = 1;\n",
            "env/pyvenv.cfg": "home = /usr\n",
            "env/lib/site.py": "x = 1\n",
            "nested/inner.py": "x = 1\n",
            "sub/lib.py": "x = 1\n",
        },
    )
    git(root, "add", "-f", "node_modules", "env")
    git(root / "nested", "init", "-q")
    git(root / "sub", "init", "-q")
    git(root / "sub", "add", "lib.py")
    git(root / "sub", "commit", "-q", "-m", "sub")
    git(root, "add", "sub")  # a gitlink, as a submodule's
    assert "sub" in git_listed(root) and "nested/" in git_listed(root)
    assert paths(root) == ["app/main.py"]


def test_special_files_and_symlinks_are_reported_as_by_the_walker(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"app/main.py": "x = 1\n"})
    os.mkfifo(root / "app/pipe")
    (root / "app/link.py").symlink_to("main.py")
    project = discover(root, build_config())
    assert sorted((f.rule, f.location.path) for f in project.findings) == [
        ("DISC004", "app/link.py"),
        ("DISC007", "app/pipe"),
    ]
    assert [f.path for f in project.files] == ["app/main.py"]


def test_outside_a_repository_or_without_git_the_walker_applies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files: dict[str, str | bytes] = {".gitignore": "*.gen.py\n", "a.py": "x = 1\n", "b.gen.py": "x = 1\n"}
    plain = write_tree(tmp_path / "plain", files)
    assert paths(plain) == [".gitignore", "a.py"]
    root = repo(tmp_path / "r", {**files, "local.py": "x = 1\n"})
    (root / ".git/info/exclude").write_text("local.py\n")
    assert paths(root) == [".gitignore", "a.py"]
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))  # git cannot be found
    monkeypatch.setenv("CDVERIFY_DEBUG", "1")
    assert paths(root) == [".gitignore", "a.py", "local.py"]  # only git knows .git/info/exclude
    assert "git is not installed: discovery walks" in capsys.readouterr().err
    monkeypatch.delenv("CDVERIFY_DEBUG")
    assert paths(root) == [".gitignore", "a.py", "local.py"]
    assert capsys.readouterr().err == ""  # a debug note only when asked, never an error


def test_a_folder_git_ignores_as_a_whole_is_walked(tmp_path: Path) -> None:
    """A checkout under an ignored folder (a downloaded corpus) is not the repository's content: the
    walker analyses it with its own `.gitignore` files."""
    root = repo(tmp_path / "r", {".gitignore": "downloads/\n", "downloads/app/.gitignore": "*.log\n"})
    write_tree(root / "downloads/app", {"main.py": "x = 1\n", "run.log": "log\n"})
    assert paths(root / "downloads/app") == [".gitignore", "main.py"]
    assert paths(root) == [".gitignore"]


@pytest.mark.parametrize("app", sorted(p.name for p in CORPUS.iterdir() if p.is_dir()))
def test_corpus_apps_in_a_fresh_repository_give_identical_output(tmp_path: Path, app: str) -> None:
    """Every corpus app, analysed out of a repository and then in a fresh one (the same folder): the same
    files, scopes and findings, and the same JSON output byte for byte."""
    root = tmp_path / app
    shutil.copytree(CORPUS / app, root, symlinks=True)
    walked = discover(root, build_config())
    args = ["inspect", str(root), "--format", "json", "--no-cache"]
    before = CliRunner().invoke(cli, args)
    git(root, "init", "-q")
    assert discover(root, build_config()) == walked
    after = CliRunner().invoke(cli, args)
    assert (after.exit_code, after.stdout) == (before.exit_code, before.stdout)
