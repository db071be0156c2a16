"""Discovery's file list as git sees it: inside a git work tree, the files are those of
`git ls-files -co --exclude-standard` (tracked, and untracked but not ignored), so nested negations,
`.git/info/exclude`, `core.excludesFile` and the index hold exactly as git applies them.

`git_view` answers None — and discovery walks with its own `.gitignore` reading — when the folder is not
in a work tree, when it is one git ignores as a whole (a checkout under an ignored folder is not the
repository's content), or when git is missing, fails or takes too long; `CDVERIFY_DEBUG=1` says which on
stderr. Git runs in the analysed folder with a timeout, with no file system monitor (the one setting of a
repository's configuration through which `ls-files` could run a command) and paths unquoted.

The git process's own reads are not the analysis's: what its answer depends on (the index, the exclude
files, the configuration files naming them, every `.gitignore` above the folder) is logged here through
cdverify/files.py, so that the result cache misses when one of them changes. The `.gitignore` files inside
the folder are read by discovery itself.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from cdverify.files import probe

if TYPE_CHECKING:  # subprocess loads only when there is a repository to ask
    import subprocess

TIMEOUT_S = 30.0
_OPTIONS = ("-c", "core.quotepath=off", "-c", "core.fsmonitor=false")
# variables a hook or a wrapper may set that would point git at another repository than the folder's
_REDIRECTS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_PREFIX")


class GitView(msgspec.Struct, frozen=True):
    """The paths git lists under the analysed folder, relative to it, and every folder holding one."""

    files: frozenset[str]
    folders: frozenset[str]


class _GitFailed(Exception):
    pass


def debug(message: str) -> None:
    if os.environ.get("CDVERIFY_DEBUG"):
        print(f"cdverify: debug: {message}", file=sys.stderr)


def _start(root: Path, args: tuple[str, ...]) -> subprocess.Popen[bytes]:
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in _REDIRECTS}
    env.update(GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    try:
        return subprocess.Popen(
            ["git", *_OPTIONS, *args],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError:
        raise _GitFailed("git is not installed") from None
    except OSError as exc:
        raise _GitFailed(f"git cannot run: {exc.strerror}") from None


def _answer(
    process: subprocess.Popen[bytes], name: str, deadline: float, ok: tuple[int, ...]
) -> tuple[int, bytes]:
    import subprocess

    try:
        out, err = process.communicate(timeout=max(deadline - time.monotonic(), 0.0))
    except subprocess.TimeoutExpired:
        raise _GitFailed(f"`git {name}` took over {TIMEOUT_S:.0f} s") from None
    if process.returncode not in ok:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise _GitFailed(f"`git {name}` failed: {detail[0] if detail else process.returncode}")
    return process.returncode, out


def _git_all(
    root: Path, calls: dict[str, tuple[tuple[str, ...], tuple[int, ...]]]
) -> dict[str, tuple[int, bytes] | _GitFailed]:
    """The answer, or the failure, of each of independent git commands run at once (each start costs
    milliseconds of waiting); every process is reaped, killed first when it is past the deadline."""
    started: dict[str, subprocess.Popen[bytes]] = {}
    answers: dict[str, tuple[int, bytes] | _GitFailed] = {}
    deadline = time.monotonic() + TIMEOUT_S
    try:
        for key, (args, _) in calls.items():
            started[key] = _start(root, args)
        for key, (args, ok) in calls.items():
            try:
                answers[key] = _answer(started[key], args[0], deadline, ok)
            except _GitFailed as exc:
                answers[key] = exc
        return answers
    finally:
        for process in started.values():
            if process.returncode is None:
                process.kill()
                process.communicate()


def _answered(answer: tuple[int, bytes] | _GitFailed) -> tuple[int, bytes]:
    if isinstance(answer, _GitFailed):
        raise answer
    return answer


def _repository_above(root: Path) -> bool:
    """Whether `root` or a folder above it holds a `.git` (git finds its repository so, the variables that
    would point it elsewhere being unset): without one, git is not asked. The looks are logged, absent
    ones too (a `git init` above is a change); the index stands for a repository's `.git` folder, whose
    own signature changes at every lock git takes."""
    for folder in (root, *root.parents):
        if probe(folder / ".git" / "index") is not None or probe(folder / ".git") is not None:
            return True
    return False


# what git_view asks, by name: the arguments and the exit codes that are answers
_CALLS: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "top": (
        (
            "rev-parse",
            "--is-inside-work-tree",
            "--show-toplevel",
            "--git-path",
            "index",
            "--git-path",
            "info/exclude",
            "--git-path",
            "config",
        ),
        (0,),
    ),
    "ignored": (("check-ignore", "-q", "--", "."), (0, 1)),
    "excludes": (("config", "--path", "--get", "core.excludesFile"), (0, 1)),
    "listed": (("ls-files", "-z", "--cached", "--others", "--exclude-standard"), (0,)),
}


def git_view(root: Path) -> GitView | None:
    """What git lists under `root` (an absolute, resolved folder), or None when discovery should walk."""
    if not _repository_above(root):
        debug(f"no .git in or above {root}: discovery walks the folder")
        return None
    try:
        answers = _git_all(root, _CALLS)
        _, top = _answered(answers["top"])
        lines = os.fsdecode(top).splitlines()
        if len(lines) != 5 or lines[0] != "true":
            debug(f"{root} is not in a git work tree: discovery walks the folder")
            return None
        if _answered(answers["ignored"])[0] == 0:
            debug(f"git ignores {root} as a whole: discovery walks the folder")
            return None
        _, excludes = _answered(answers["excludes"])
        _, listed = _answered(answers["listed"])
    except _GitFailed as exc:
        debug(f"{exc}: discovery walks {root}")
        return None
    _log_inputs(root, Path(lines[1]), [root / line for line in lines[2:]], os.fsdecode(excludes).strip())
    files = set()
    folders = set()
    for raw in listed.split(b"\0"):
        # a nested repository is listed as `sub/`, a submodule as `sub` (a folder): neither is entered
        if raw and not raw.endswith(b"/"):
            path = os.fsdecode(raw)
            files.add(path)
            parent = path.rpartition("/")[0]
            while parent and parent not in folders:
                folders.add(parent)
                parent = parent.rpartition("/")[0]
    return GitView(frozenset(files), frozenset(folders))


def _log_inputs(root: Path, top: Path, git_files: list[Path], excludes_file: str) -> None:
    """Log (one `stat` each) what git's answer depends on besides the folder's own entries."""
    home = Path(os.environ.get("HOME") or Path.home())
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    for path in git_files:  # the index, .git/info/exclude, .git/config
        probe(path)
    probe(home / ".gitconfig")
    probe(xdg / "git" / "config")
    probe(top / os.path.expanduser(excludes_file) if excludes_file else xdg / "git" / "ignore")
    folder = root
    while folder != top and top in folder.parents:
        folder = folder.parent
        probe(folder / ".gitignore")
