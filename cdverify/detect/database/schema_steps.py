"""Start scripts that run a Prisma schema command before the server (`"dev": "prisma db push && ts-node-dev
src/index.ts"`, `"start": "npx prisma migrate deploy && node dist/index.js"`): the command reads the schema's
datasource URL, `url = env("DATABASE_URL")`, and exits 1 where the variable is unset (Prisma: "P1012 …
Environment variable not found: DATABASE_URL"), so with `&&` the server never starts. The Prisma CLI reads
the variable from the environment and from `.env` at the project's root and beside the schema; the harness
decides whether it is set there (`StartupStop.stops`: the project's `.env` files, the declared environment),
which can only lift a stop.

A package is claimed only where every start script it has (connections.toml `schema_steps`: `start`, `dev`,
`start:dev` …) stops so: one that starts the server otherwise leaves it running. A step stops its script when
everything after it is joined with `&&` (after `;` the server runs anyway) and the script has no `||`, `|`,
`&` or parentheses; a step run through another package script (`npm run db:push && node …`) counts where it
stops that script, and so does one in the start script's `pre<name>` (`prestart`), which npm runs first.
Nothing is claimed where a run.sh starts the app, where the schemas' URL is written in them or read from
several variables, where a Prisma configuration file may give the URL, or where the script sets the
variable itself (`DATABASE_URL=… prisma db push`)."""

from __future__ import annotations

import posixpath
import shlex
from typing import TYPE_CHECKING

from cdverify.catalog import load_rules
from cdverify.detect.database.prisma_connects import datasource_variable
from cdverify.detect.database.report import StartupStop
from cdverify.detect.database.shipped import application_package
from cdverify.files import probe
from cdverify.rules_schema import Connections, SchemaStep

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from cdverify.detect.database.collection import Collection

_DEPTH = 3  # how many package scripts deep `npm run NAME` is followed
_THEN = "&&"
_SEPARATOR = ";"
_REDIRECTIONS = frozenset({">", ">>", "<", ">&", "<&", "&>", ">|"})  # they leave the exit status as it is


def schema_step_stops(found: Collection, root: Path) -> list[StartupStop]:
    """The start scripts of each application package.json whose every start script stops at a Prisma schema
    command before its server, where the schemas' datasource variable is unset."""
    source = datasource_variable(found)
    if found.manifests.run_script is not None or source is None:
        return []
    variable, where = source
    commands: dict[str, dict[str, str]] = {}
    for script in found.manifests.scripts:
        commands.setdefault(script.package, {})[script.name] = script.command
    out: list[StartupStop] = []
    for entry in load_rules(Connections).schema_steps:
        for package, named in commands.items():
            folder = posixpath.dirname(package)
            starts = [script for script in found.manifests.start_scripts() if script.package == package]
            if not starts or not application_package(found, folder):
                continue
            if any(probe(root / folder / name) is not None for name in entry.config_files):
                continue  # the URL may come from the configuration, and Prisma then loads no .env itself
            steps = [_start_step(script.name, named, entry, variable) for script in starts]
            if any(step is None for step in steps):
                continue  # a start script that reaches its server
            for script, step in zip(starts, steps, strict=True):
                reason = (
                    f"exits where ${variable} is unset: it runs `{step}` before the server, and "
                    f'{entry.label} exits 1 without the schema\'s datasource URL env("{variable}") '
                    f"({where}): Environment variable not found"
                )
                fix = (
                    f"set {variable} where the app starts (run.sh, or a .env Prisma reads), or start the "
                    f"server without `{step}` before it"
                )
                text = f'"{script.name}": "{script.command}"'
                out.append(StartupStop(package, script.line, text, (variable,), reason, fix))
    return out


def _start_step(name: str, named: Mapping[str, str], entry: SchemaStep, variable: str) -> str | None:
    """The Prisma step that keeps start script `name` from its server: in its `pre<name>` script, which npm
    runs first, or in the script itself with a command after it."""
    before = named.get(f"pre{name}")
    memo: dict[tuple[str, int], str | None] = {}  # a script run by name, at a depth: its step, once
    if before is not None:
        step = _stopping_step(before, named, entry, variable, _DEPTH, memo, server=False)
        if step is not None:
            return step
    return _stopping_step(named[name], named, entry, variable, _DEPTH, memo, server=True)


def _stopping_step(
    command: str,
    named: Mapping[str, str],
    entry: SchemaStep,
    variable: str,
    depth: int,
    memo: dict[tuple[str, int], str | None],
    *,
    server: bool,
) -> str | None:
    """The step of `command` (a schema command, or a package script run by name that stops) whose failure
    makes the whole command fail and run nothing after it; with `server`, only a step some command follows.
    Linear in the script's commands (one pass finds the last `;`), each script run by name read once per
    depth (`memo`): a script of thousands of `&&` or of scripts running scripts ends."""
    parts = _commands(command)
    if parts is None:
        return None
    # a command at or before the last one followed by `;` is followed by one that runs whatever it does
    last_other = max((at for at, (_words, after) in enumerate(parts[:-1]) if after != _THEN), default=-1)
    for index, (words, _after) in enumerate(parts):
        if index <= last_other:
            continue
        if server and index == len(parts) - 1:
            return None
        step = _schema_command(words, entry, variable)
        if step is None and depth > 0:
            script = _script_run(words, named, entry)
            if script is not None:
                if (script, depth) not in memo:
                    memo[(script, depth)] = None  # a script running itself stops nothing more
                    memo[(script, depth)] = _stopping_step(
                        named[script], named, entry, variable, depth - 1, memo, server=False
                    )
                inner = memo[(script, depth)]
                step = None if inner is None else f"{' '.join(words)} ({inner})"
        if step is not None:
            return step
    return None


def _commands(command: str) -> list[tuple[list[str], str]] | None:
    """Each command of a script with the operator after it (`&&`, `;`, or "" for the last); None where the
    script has one that cdverify does not follow (`||`, `|`, `&`, parentheses) or cannot be split."""
    lexer = shlex.shlex(command.replace("\n", " ; "), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:  # an unclosed quote
        return None
    parts: list[tuple[list[str], str]] = []
    words: list[str] = []
    for token in tokens:
        if token in (_THEN, _SEPARATOR):
            if words:
                parts.append((words, token))
            words = []
        elif token and set(token) <= set("();<>|&") and token not in _REDIRECTIONS:
            return None
        else:
            words.append(token)
    if words:
        parts.append((words, ""))
    elif parts:
        parts[-1] = (parts[-1][0], "")
    return parts


def _schema_command(words: list[str], entry: SchemaStep, variable: str) -> str | None:
    """`prisma db push` where the command's words run one of the catalogue's schema commands (after
    launchers such as `npx` and assignments of other variables), as written; else None."""
    index = 0
    while index < len(words):
        word = words[index]
        name, equals, _value = word.partition("=")
        if equals and name.isidentifier():
            if name == variable:
                return None  # `DATABASE_URL=… prisma db push`: set for it
        elif posixpath.basename(word).partition("@")[0] in entry.runners:  # `npx prisma@6 …`
            break
        elif word not in entry.launchers:
            return None
        index += 1
    else:
        return None
    subcommand = [word for word in words[index + 1 :] if not word.startswith("-")][:2]
    if not any(subcommand[: len(known.split())] == known.split() for known in entry.commands):
        return None
    shown = words[index:]
    cut = next((at for at, word in enumerate(shown) if word in _REDIRECTIONS), len(shown))
    if cut < len(shown) and shown[cut - 1].isdigit():  # `2>&1`: the descriptor goes with it
        cut -= 1
    return " ".join(shown[:cut])


def _script_run(words: list[str], named: Mapping[str, str], entry: SchemaStep) -> str | None:
    """The package script a command runs by name (`npm run db:push`, `yarn run migrate`), where the package
    has it."""
    for runner in entry.script_runners:
        wanted = runner.split()
        if words[: len(wanted)] != wanted:
            continue
        rest = [word for word in words[len(wanted) :] if not word.startswith("-")]
        if rest and rest[0] in named:
            return rest[0]
    return None
