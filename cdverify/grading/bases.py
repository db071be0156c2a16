"""The base repositories of feature tasks: a local checkout (`--base-repos DIR`) or a clone kept in a cache.

A feature task's definition names its base by URL and commit (`repoMetadata.repoUrl`, `repoCommit`). The
base is looked for, in this order:

1. `DIR/{name}` when `--base-repos DIR` is given, `name` being the URL's last part without `.git`
   (`https://github.com/mhegelheimer/realworld-flask.git` → `realworld-flask`): a git repository holding
   the commit (a checkout or a bare repository; only its objects are read);
2. the clone cache (`--repo-cache`, default `~/.cache/cdverify/repos`): one bare clone per URL,
   `{name}-{digest of the URL}.git`, made by `git clone --bare` the first time (the commit is fetched on
   its own when the clone lacks it).

Nothing from a repository runs: clones are bare (no checkout, so no filter, no LFS download), every git
command runs without hooks, file-system monitor, user or system configuration, or credential prompt
(materialise.run_git), and only https, http, git, ssh and file URLs are cloned.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cdverify.grading.materialise import MaterialiseError, git_message, run_git
from cdverify.grading.store import cache_home

CLONE_TIMEOUT_S = 900.0
URL_SCHEMES = ("https://", "http://", "git://", "ssh://", "file://")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class BaseRepoError(Exception):
    """A base repository that cannot be had: no such URL, no such commit, no network, …"""


@dataclass(frozen=True)
class Base:
    """A base repository found: the git repository to read, and the commit's full id."""

    repository: Path
    commit: str


def default_repo_cache() -> Path:
    return cache_home() / "repos"


def repo_name(url: str) -> str:
    """The repository's folder name: the URL's last part without `.git`."""
    name = url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].removesuffix(".git")
    if not _NAME.fullmatch(name):
        raise BaseRepoError(f"{url}: cannot tell the repository's name from this URL")
    return name


@dataclass(frozen=True)
class BaseRepos:
    """Where base repositories come from: local checkouts first, then the clone cache."""

    cache: Path
    local: Path | None = None
    clone: bool = True  # False: never clone or fetch, use only what is there

    def obtain(self, url: str, commit: str) -> Base:
        """The repository holding `commit` of `url`. Raises BaseRepoError with a one-line reason."""
        name = repo_name(url)
        if self.local is not None and (self.local / name).is_dir():
            checkout = self.local / name
            return Base(checkout, resolve_commit(checkout, commit, f"{checkout} (--base-repos)"))
        digest = hashlib.sha256(url.encode()).hexdigest()[:12]
        clone = self.cache / f"{name}-{digest}.git"
        if not clone.is_dir():
            if not self.clone:
                raise BaseRepoError(f"{url} is not in the clone cache {self.cache}, and cloning is off")
            _clone(url, clone)
        try:
            return Base(clone, resolve_commit(clone, commit, url))
        except BaseRepoError:
            if not self.clone:
                raise
        fetch = ["fetch", "--quiet", "--no-tags", "--", url, commit]
        fetched = run_git(fetch, clone, timeout=CLONE_TIMEOUT_S)
        if fetched.returncode != 0:
            raise BaseRepoError(f"{url}: no commit {commit} in it ({git_message(fetched)})") from None
        return Base(clone, resolve_commit(clone, commit, url))


def resolve_commit(repository: Path, commit: str, where: str | None = None) -> str:
    """The full id of `commit` in the git repository `repository`. Raises BaseRepoError."""
    if commit.startswith("-") or not commit.strip():
        raise BaseRepoError(f"{commit!r} is not a commit")
    try:
        found = run_git(["rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"], repository)
    except MaterialiseError as error:
        raise BaseRepoError(str(error)) from error
    if found.returncode != 0:
        raise BaseRepoError(f"{where or repository}: no commit {commit} in it (or it is no git repository)")
    return found.stdout.decode().strip()


def _clone(url: str, clone: Path) -> None:
    """`git clone --bare` into a temporary folder beside `clone`, then renamed: a clone is whole or absent."""
    if not url.startswith(URL_SCHEMES):
        schemes = ", ".join(scheme.removesuffix("://") for scheme in URL_SCHEMES)
        raise BaseRepoError(f"{url}: only {schemes} URLs are cloned")
    try:
        clone.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{clone.name}.", dir=clone.parent))
    except OSError as error:
        raise BaseRepoError(f"the clone cache {clone.parent} cannot be written ({error})") from error
    try:
        target = partial / "repo.git"
        try:
            result = run_git(
                ["clone", "--bare", "--quiet", "--", url, str(target)], partial, timeout=CLONE_TIMEOUT_S
            )
        except MaterialiseError as error:
            raise BaseRepoError(f"{url}: {error}") from error
        if result.returncode != 0:
            raise BaseRepoError(f"{url}: cannot be cloned ({git_message(result)})")
        try:
            target.rename(clone)
        except OSError as error:
            if not clone.is_dir():  # else another grade cloned it meanwhile: theirs is as good
                raise BaseRepoError(f"the clone cannot be kept as {clone} ({error})") from error
    finally:
        shutil.rmtree(partial, ignore_errors=True)
