"""The source files a package.json script runs directly: `"seed": "node scripts/seed.js"`,
`"db:migrate": "tsx src/db/migrate.ts"`, `"db-change": "node core/domain/db-change.js"`. A runner of the
catalogue (rules/manifests.toml `package_json.runners`) followed by its options, then the first source file;
commands joined by `&&`, `||`, `;` or `|` are read one by one, and `NAME=value` assignments before the
runner are skipped. Files are project paths, relative to the package.json's folder. A pyproject.toml's
console entry points (`[project.scripts]`, `[project.gui-scripts]`, `[tool.poetry.scripts]`: `db-seed =
"app.db.cli:db_seed"`) run the module before the colon the same way: `entry_point_files`."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from functools import cache
from typing import NamedTuple

from cdverify.catalog import load_rules
from cdverify.rules_schema import ManifestFiles

_SOURCE = re.compile(r"\.(?:[cm]?[jt]s|[jt]sx)$")
_SEPARATORS = re.compile(r"&&|\|\||[;|]")
_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")
_ENTRY_POINT = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\s*:\s*[A-Za-z_][\w.]*)?(?:\s*\[.*\])?")


class PackageScript(NamedTuple):
    """A package.json script: `"start": "node --env-file=.env dist/index.js"`."""

    package: str  # the package.json's project path
    name: str  # `start`
    command: str
    line: int


def named_scripts(package: str, content: str, scripts: Mapping[str, object]) -> list[PackageScript]:
    """The `scripts` of the package.json at `package` whose text is `content`, each at the line of its
    name's first mention after `"scripts"`."""
    opening = max(content.find('"scripts"'), 0)
    before = content.count("\n", 0, opening) + 1
    out = []
    for name, command in scripts.items():
        if isinstance(command, str):
            found = content.find(f'"{name}"', opening)
            line = before + content.count("\n", opening, found) if found >= 0 else 1
            out.append(PackageScript(package, name, command, line))
    return out


def script_words(command: str) -> Iterator[list[str]]:
    """The words of each command of a script (`&&`, `||`, `;`, `|` between them), quotes taken off and the
    `NAME=value` assignments before the command skipped, as are the commands setting them (`cross-env
    NODE_ENV=development tsx server/index.ts`: rules/manifests.toml `package_json.env_setters`)."""
    setters = _env_setters()
    for part in _SEPARATORS.split(command):
        words = [word.strip("'\"") for word in part.split()]
        while words and (_ASSIGNMENT.match(words[0]) or posixpath.basename(words[0]) in setters):
            words = words[1:]  # `NODE_ENV=production node …`
        if words:
            yield words


@cache
def _env_setters() -> frozenset[str]:
    return frozenset(load_rules(ManifestFiles).package_json.env_setters)


def run_files(
    package: str, scripts: Mapping[str, object], runners: Collection[str], exists: Callable[[str], bool]
) -> list[str]:
    """The project files (`exists`) the `scripts` of the package.json at `package` run with a runner."""
    folder = posixpath.dirname(package)
    out: list[str] = []
    for command in scripts.values():
        if not isinstance(command, str):
            continue
        for words in script_words(command):
            if posixpath.basename(words[0]) not in runners:
                continue
            script = next(
                (word for word in words[1:] if _SOURCE.search(word) and not word.startswith("-")), ""
            )
            path = posixpath.normpath(posixpath.join(folder, script)) if script else ""
            if path and exists(path) and path not in out:
                out.append(path)
    return out


def entry_point_files(manifest: str, targets: Iterable[object], exists: Callable[[str], bool]) -> list[str]:
    """The project files (`exists`) the console entry points `targets` of the pyproject.toml at `manifest`
    run: the module before the colon (`app.db.cli:db_seed`; Poetry's `{callable = …}` and
    `{reference = …}` tables too, but not its `type = "file"` scripts), as `app/db/cli.py` or
    `app/db/cli/__init__.py` beside the manifest or under its `src/`."""
    folder = posixpath.dirname(manifest)
    out: list[str] = []
    for target in targets:
        if isinstance(target, Mapping) and target.get("type", "console") == "console":
            target = target.get("callable", target.get("reference"))
        if not isinstance(target, str) or not _ENTRY_POINT.fullmatch(target.strip()):
            continue
        module = target.partition(":")[0].partition("[")[0].strip().replace(".", "/")
        for base in ("", "src/"):
            path = next(
                (
                    found
                    for found in (
                        posixpath.join(folder, base + module + ".py"),
                        posixpath.join(folder, base + module, "__init__.py"),
                    )
                    if exists(found)
                ),
                None,
            )
            if path is not None:
                if path not in out:
                    out.append(path)
                break
    return out
