"""A run's code in a temporary folder, for the verifiers to read: a patch applied, or a folder as it is.

- A generation run's patch is applied to an empty workspace. (The paper's agents start from a workspace
  holding one file, `gitkeep`, made by `echo $'' >> gitkeep`; it is seeded only when the patch changes it.)
- A feature run's base repository is extracted at its commit (the blobs of the commit's tree are written
  out; the base's own checkout, index and configuration are never touched, and no filter or hook of it
  runs), then the task's own patch (`base_patch`) and the run's patch are applied.
- A `repo` run is given as it is: graders only read it.

Patches are applied with `git apply`, outside any repository, without `--unsafe-paths`: it refuses absolute
paths, `..`, `.git/` and writing through a symbolic link. After applying, a link that points outside the
folder is refused too. Nothing from the code is ever run. The temporary folder is always removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from cdverify.grading.layout import Code, PatchCode, RepoCode

GIT_TIMEOUT_S = 300.0
# The paper's workspace file: `echo $'' >> gitkeep` writes one newline.
PAPER_WORKSPACE_FILE = ("gitkeep", b"\n")
MAX_ERROR_LINES = 8


class MaterialiseError(Exception):
    """The run's code cannot be laid out: a patch that does not apply, a path or link out of the folder, …"""


@contextlib.contextmanager
def materialised(code: Code) -> Iterator[Path]:
    """A folder holding the run's code; removed on exit. Raises MaterialiseError with a one-line reason."""
    if isinstance(code, RepoCode):
        if not code.repo.is_dir():
            raise MaterialiseError(f"{code.repo}: no such folder")
        yield code.repo
        return
    with _scratch("cdverify-run-") as workdir:
        _lay_out(code, workdir)
        yield workdir


@contextlib.contextmanager
def materialised_tree(base: Path, commit: str) -> Iterator[Path]:
    """A folder holding the tree of `commit` in the git repository `base`, as it is; removed on exit."""
    with _scratch("cdverify-base-") as workdir:
        extract_commit(base, commit, workdir)
        check_links(workdir)
        yield workdir


@contextlib.contextmanager
def _scratch(prefix: str) -> Iterator[Path]:
    """An empty folder in a temporary one, both removed on exit."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        workdir = scratch / "code"
        workdir.mkdir()
        yield workdir
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _lay_out(code: PatchCode, workdir: Path) -> None:
    if code.base is not None:
        if code.commit is not None:
            extract_commit(code.base, code.commit, workdir)
        else:
            _copy_folder(code.base, workdir)
        if code.base_patch is not None:
            apply_patch(code.base_patch, workdir, what="the task's base patch")
    elif code.commit is not None or code.base_patch is not None:
        raise MaterialiseError("a commit or a base patch needs a base repository")
    apply_patch(code.patch, workdir)
    check_links(workdir)


# Set on every git command: no hook, no file-system monitor, no `ext::` transport, whatever a repository's
# own configuration says (a base repository given as a local checkout may hold any).
SAFE_GIT_CONFIG = (
    "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "protocol.ext.allow=never",
)  # fmt: skip


def run_git(
    args: list[str], cwd: Path, stdin: bytes | None = None, timeout: float = GIT_TIMEOUT_S
) -> subprocess.CompletedProcess[bytes]:
    """git in `cwd`, without the user's or the system's configuration, never looking for a repository
    above `cwd` (so a patch is applied outside any repository, and a base is read only if it is one),
    never prompting for credentials, running no hook and fetching no LFS content."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CEILING_DIRECTORIES": str(cwd.resolve().parent),
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_LFS_SKIP_SMUDGE": "1",
        "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",
        "LC_ALL": "C",
    }
    try:
        return subprocess.run(
            ["git", *SAFE_GIT_CONFIG, *args],
            cwd=cwd,
            env=env,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as error:
        raise MaterialiseError("git is needed to apply patches, and it is not installed") from error
    except subprocess.TimeoutExpired as error:
        raise MaterialiseError(f"git {args[0]} took more than {timeout:.0f} s") from error


def git_message(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
    if len(lines) > MAX_ERROR_LINES:
        lines = [*lines[:MAX_ERROR_LINES], f"… {len(lines) - MAX_ERROR_LINES} more lines"]
    return "; ".join(lines) or f"git exited with code {result.returncode}"


def apply_patch(patch: Path, workdir: Path, what: str = "the patch") -> None:
    """Apply a unified diff (paths with git's `a/` `b/` prefixes) to `workdir`, all of it or nothing."""
    try:
        data = patch.read_bytes()
    except OSError as error:
        raise MaterialiseError(f"{what} {patch} cannot be read ({error.strerror or error})") from error
    if not data.strip():
        return  # an empty patch: the agent changed nothing
    _seed_workspace_file(data, workdir)
    result = run_git(["apply", "--whitespace=nowarn", str(patch.resolve())], workdir)
    if result.returncode != 0:
        message = git_message(result)
        if "invalid path" in message or "beyond a symbolic link" in message:
            raise MaterialiseError(f"{what} writes outside the run's folder: {message}")
        raise MaterialiseError(f"{what} does not apply: {message}")


def _seed_workspace_file(data: bytes, workdir: Path) -> None:
    """The paper's workspace holds `gitkeep`: create it when the patch changes or deletes it."""
    name, content = PAPER_WORKSPACE_FILE
    if f"--- a/{name}\n".encode() in data and not (workdir / name).exists():
        (workdir / name).write_bytes(content)


def extract_commit(base: Path, commit: str, workdir: Path) -> None:
    """Write the tree of `commit` in the git repository `base` into `workdir` (files, modes, links)."""
    if commit.startswith("-") or not commit.strip():
        raise MaterialiseError(f"{commit!r} is not a commit")
    if not base.is_dir():
        raise MaterialiseError(f"{base}: no such folder")
    found = run_git(["rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"], base)
    if found.returncode != 0:
        why = f" ({git_message(found)})" if found.stderr.strip() else ""
        raise MaterialiseError(f"{base}: no commit {commit} in it (or it is no git repository){why}")
    sha = found.stdout.decode().strip()
    listing = run_git(["ls-tree", "-r", "-z", "--full-tree", sha], base)
    if listing.returncode != 0:
        raise MaterialiseError(f"{base}: cannot list commit {commit}: {git_message(listing)}")
    entries = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, object_id = meta.decode().split()
        entries.append((mode, kind, object_id, os.fsdecode(raw_path)))
    blobs = [entry for entry in entries if entry[1] == "blob"]
    contents = _read_blobs(base, [object_id for _, _, object_id, _ in blobs])
    for (mode, _kind, _, rel), content in zip(blobs, contents, strict=True):
        target = _inside(workdir, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            target.symlink_to(os.fsdecode(content))
        else:
            target.write_bytes(content)
            if mode == "100755":
                target.chmod(0o755)
    for _mode, kind, _, rel in entries:
        if kind == "commit":  # a submodule: an empty folder, as a checkout without --recursive leaves it
            _inside(workdir, rel).mkdir(parents=True, exist_ok=True)


def _read_blobs(base: Path, object_ids: list[str]) -> list[bytes]:
    if not object_ids:
        return []
    result = run_git(["cat-file", "--batch"], base, stdin="".join(f"{o}\n" for o in object_ids).encode())
    if result.returncode != 0:
        raise MaterialiseError(f"{base}: cannot read its objects: {git_message(result)}")
    out, position, contents = result.stdout, 0, []
    for _ in object_ids:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        contents.append(out[header_end + 1 : header_end + 1 + size])
        position = header_end + 1 + size + 1  # the content is followed by a newline
    return contents


def _inside(workdir: Path, rel: str) -> Path:
    path = PurePosixPath(rel)
    if path.is_absolute() or any(part in ("..", ".git", "") for part in path.parts):
        raise MaterialiseError(f"the base repository holds a path that cannot be laid out: {rel!r}")
    return workdir.joinpath(*path.parts)


def _copy_folder(base: Path, workdir: Path) -> None:
    """A plain base folder (no commit): its files as they are, without `.git`, links kept as links."""
    if not base.is_dir():
        raise MaterialiseError(f"{base}: no such folder")
    shutil.copytree(base, workdir, symlinks=True, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git"))


def check_links(workdir: Path) -> None:
    """Refuse a symbolic link that leads out of the folder (directly or through other links)."""
    root = workdir.resolve()
    for folder, dirs, files in os.walk(workdir):
        for name in (*dirs, *files):
            path = Path(folder, name)
            if not path.is_symlink():
                continue
            try:
                target = path.resolve()
            except (OSError, RuntimeError):  # a loop stays inside; discovery does not follow links
                continue
            if not target.is_relative_to(root):
                rel = path.relative_to(workdir).as_posix()
                target_text = os.readlink(path)
                raise MaterialiseError(f"the link {rel} points outside the run's folder ({target_text})")
