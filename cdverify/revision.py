"""A project as it was at a git revision, for `check --since REF`: the revision's files written to a
temporary folder with `git archive` (the repository, its index and its work tree are not touched), and
removed when done."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cdverify.config import ConfigError

_GIT_TIMEOUT = 300  # seconds: an archive of a big repository takes a while, a hung git does not


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=_GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise ConfigError(["--since needs git, which is not installed (or not on PATH)"]) from None
    except subprocess.TimeoutExpired:
        raise ConfigError([f"git {args[0]} took longer than {_GIT_TIMEOUT} s in {cwd}"]) from None


def _stderr(result: subprocess.CompletedProcess[bytes]) -> str:
    text = result.stderr.decode("utf-8", "replace").strip()
    return text.splitlines()[-1] if text else f"exit code {result.returncode}"


@contextlib.contextmanager
def checked_out(path: Path, ref: str) -> Iterator[Path]:
    """The folder `path` (inside a git work tree) as it was at `ref`, in a temporary folder that is removed
    afterwards. A `ConfigError` when `path` is not in a git repository, `ref` names no commit, or the
    folder did not exist at `ref`."""
    if not path.is_dir():
        raise ConfigError([f"{path}: not a directory (give the project's root folder)"])
    inside = _git(path, "rev-parse", "--show-toplevel", "--show-prefix")
    if inside.returncode != 0:
        raise ConfigError([f"--since {ref}: {path} is not inside a git repository ({_stderr(inside)})"])
    top, _, prefix = inside.stdout.decode().partition("\n")
    prefix = prefix.strip()
    if ref.startswith("-"):
        raise ConfigError([f"--since {ref}: not a revision"])
    commit = _git(Path(top), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit.returncode != 0:
        raise ConfigError([f"--since {ref}: no such revision in {top}"])
    sha = commit.stdout.decode().strip()
    folder = Path(tempfile.mkdtemp(prefix="cdverify-since-"))
    try:
        _archive(Path(top), sha, prefix, folder, ref)
        yield folder / prefix if prefix else folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _archive(top: Path, sha: str, prefix: str, folder: Path, ref: str) -> None:
    """`git archive` of `prefix` at `sha`, streamed into `folder`. A member the `data` filter refuses (a
    link out of the tree, a device) is left out: analysis never follows one anyway."""
    command = ["git", "archive", "--format=tar", sha, *([prefix] if prefix else [])]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=top, stdout=subprocess.PIPE, stderr=errors)
        assert process.stdout is not None
        broken: tarfile.TarError | None = None
        try:
            with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
                for member in archive:
                    with contextlib.suppress(tarfile.FilterError):
                        archive.extract(member, folder, filter="data")
        except tarfile.TarError as error:
            broken = error  # git failed before writing an archive (its message is read below), or worse
        finally:
            process.stdout.close()
            code = process.wait(timeout=_GIT_TIMEOUT)
        if code != 0:
            errors.seek(0)
            text = errors.read().decode("utf-8", "replace").strip()
            why = text.splitlines()[-1] if text else f"exit code {code}"
            where = prefix.rstrip("/") or "the repository"
            raise ConfigError([f"--since {ref}: cannot read {where} at {sha[:12]} ({why})"])
        if broken is not None:
            raise ConfigError([f"--since {ref}: git archive wrote an unreadable archive ({broken})"])
