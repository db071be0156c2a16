"""The project's run script (`run.sh`, which the paper's harness runs to start the server), read as shell
words (`shlex`), never executed: its simple commands, the one that starts the server, and the variables
the server inherits from it.

A run script sets the server's environment the way shells do: `export NAME=value` (also `declare -x`),
an assignment while `set -a` is on or to a variable already in the environment, a `source`d env file
while `set -a` is on, `export $(cat .env | xargs)`, and `NAME=value` / `env NAME=value` before the server's
own command. Values expand `$NAME`, `${NAME}` and the defaults `${NAME:-word}` / `${NAME-word}` /
`${NAME:=word}` (`${NAME:+word}` too) against what is set so far; a command substitution (`$(…)`,
backticks) or any other expansion gives a value cdverify cannot know, recorded as set (`UNKNOWN`).
Every branch of an `if` is read as taken, in order; commands after the server's start are not read.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from cdverify.catalog import load_rules
from cdverify.rules_schema import Distributions

UNKNOWN = "<set by the run script>"  # the value of an expansion cdverify cannot evaluate
_AMPERSAND_REDIRECT = re.compile(r"\d*>&\d*-?|&>>?")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_ASSIGNMENT = re.compile(rf"^({_NAME})=(.*)$", re.DOTALL)
_BRACED = re.compile(rf"\$\{{({_NAME})(?:(:?[-=+?])([^{{}}]*))?\}}")  # innermost `${NAME…}` first
_PLAIN = re.compile(rf"\$({_NAME})")
_ASSIGNED = re.compile(rf"(?<![\w$])({_NAME})=")  # `NAME=` where a line assigns it
_SUBSTITUTION = re.compile(r"\$\(|`|\$\{|\$\[")
# a value longer, or expansions nested deeper, than a run script's are not read (hostile input): UNKNOWN
_MAX_VALUE = 4096
_MAX_NESTING = 16
_WRAPPERS = frozenset({"exec", "env", "nohup", "time", "command", "sudo"})


class Assignment(NamedTuple):
    """One variable a run script sets, in order: `value` as written (None: `export NAME`, which exports
    the shell variable as it is), `exported` when the server sees it whatever was set before."""

    name: str
    value: str | None
    exported: bool
    literal: bool = False  # a value read from an env file, not expanded
    file: str = ""  # where it is set: the run script (cdverify/detect/database/files.py fills it)
    line: int = 0

    @property
    def fallback(self) -> str | None:
        """The default of a value that is only the variable's own default (`${DATABASE_URL:-sqlite://…}`):
        what the server gets where the harness leaves the variable unset; None for any other value."""
        match = _BRACED.fullmatch(self.value or "")
        if match is None or self.literal or match[1] != self.name or match[2] not in ("-", ":-", "=", ":="):
            return None
        return str(match[3])

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@cache
def _servers() -> frozenset[str]:
    return frozenset(load_rules(Distributions).run.servers)


def commands(text: str) -> list[list[str]]:
    """Simple commands of a shell script as words, with `&` / `&&` / `;` / `|` kept as separators."""
    return [list(words) for words in _commands(text)]


@lru_cache(maxsize=4)  # a run is read by the task verifier, the manifests and the database detector
def _commands(text: str) -> tuple[tuple[str, ...], ...]:
    found: list[tuple[str, ...]] = []
    joined = re.sub(r"\\\n", " ", text)
    for raw_line in joined.splitlines():
        # redirections that contain `&` (`2>&1`, `&>log`, `>&2`) are not control operators
        line = _AMPERSAND_REDIRECT.sub(" ", raw_line)
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lexer.commenters = "#"
        lexer.whitespace_split = True
        try:
            words = list(lexer)
        except ValueError:
            words = line.split()
        current: list[str] = []
        for word in words:
            if word in (";", "&&", "||", "|"):
                if current:
                    found.append(tuple(current))
                current = []
            elif word == "&":
                if current:
                    found.append((*current, "&"))
                current = []
            else:
                current.append(word)
        if current:
            found.append(tuple(current))
    return tuple(found)


def program(words: Sequence[str]) -> tuple[str, list[str]]:
    """The program a command runs, past `exec`, `env`, `VAR=value` prefixes and wrappers."""
    index = _program_index(words)
    if index >= len(words):
        return "", []
    return words[index].rsplit("/", 1)[-1], list(words[index + 1 :])


def _program_index(words: Sequence[str]) -> int:
    index = 0
    while index < len(words) and (words[index] in _WRAPPERS or _ASSIGNMENT.match(words[index])):
        index += 1
    return index


def starts_server(name: str, args: Sequence[str]) -> bool:
    """Whether `name args` starts a server (a catalogued server, or a runtime running the app)."""
    servers = _servers()
    if name in servers:
        return True
    if name in ("python", "python3", "uv", "poetry", "pipenv", "pdm", "hatch", "rye"):
        rest = " ".join(args)
        if re.search(r"(^|\s)(pip|install|sync|lock|venv|add)(\s|$)", rest):
            return False  # installing dependencies, not serving
        return bool(
            re.search(r"(\.py\b|-m\s+\w|\brun\b|\bmanage\.py\b|\buvicorn\b|\bgunicorn\b|\bflask\b)", rest)
        )
    if name in ("npm", "yarn", "pnpm", "bun"):
        return (bool(args) and args[0] in ("start", "run", "dev", "serve")) or (
            bool(args) and args[0] not in ("install", "ci", "i", "build")
        )
    if name in ("npx", "pnpx"):
        return bool(args) and args[0] in servers
    return False


def server_index(found: Sequence[Sequence[str]]) -> int | None:
    """The index in `found` of the last command that starts a server, None when none does."""
    starters = [index for index, words in enumerate(found) if starts_server(*program(words))]
    return starters[-1] if starters else None


def assignments(text: str, env_file: Callable[[str], Sequence[tuple[str, str]]]) -> tuple[Assignment, ...]:
    """The variables a run script sets for its server, in order. `env_file(path)` gives the entries of
    a project env file (path from the project root) that the script loads into its environment."""
    found = commands(text)
    last = server_index(found)
    out: list[Assignment] = []
    allexport = False
    folder = ""
    for index, words in enumerate(found):
        if last is not None and index > last:
            break
        head = words[0]
        if index == last:  # the server's own command: its prefix assignments are its environment
            out.extend(_prefix(words))
        elif head == "export" and any(word.startswith("$(") for word in words):
            for path in _substituted_files(words[1:], folder):  # `export $(cat .env | xargs)`
                out.extend(Assignment(key, value, True, True) for key, value in env_file(path))
        elif head == "export" or (head in ("declare", "typeset") and "-x" in words[1:]):
            out.extend(_exports(words[1:]))
        elif head == "set":
            allexport = _allexport(words[1:], allexport)
        elif head == "cd" and len(words) == 2 and "$" not in words[1]:  # not `cd "$(dirname "$0")"`
            folder = posixpath.normpath(posixpath.join(folder, words[1]))
        elif head in ("source", ".") and len(words) >= 2 and allexport:
            path = posixpath.normpath(posixpath.join(folder, words[1]))
            out.extend(Assignment(key, value, True, True) for key, value in env_file(path))
        elif all(_ASSIGNMENT.match(word) for word in words):
            out.extend(Assignment(*_split(word), allexport) for word in words)
    return tuple(out)


def _substituted_files(words: Sequence[str], folder: str) -> list[str]:
    """The env files a command substitution reads (`$(cat .env`, `$(grep -v '^#' .env.local`): the
    words (up to the substitution's pipe) whose name is an env file's."""
    names = [word.removeprefix("$(").rstrip(")") for word in words]
    return [
        posixpath.normpath(posixpath.join(folder, name))
        for name in names
        if not name.startswith("-") and posixpath.basename(name).startswith(".env")
    ]


def line_of(text: str, needle: str) -> int:
    """The first line of `text` (1-based) outside a comment that holds `needle`; 0 when none does."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle and needle in line and not line.lstrip().startswith("#"):
            return number
    return 0


def assignment_lines(text: str) -> dict[str, int]:
    """Variable → the first line (1-based) outside a comment that assigns it (`NAME=…`), read in one pass."""
    out: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.lstrip().startswith("#"):
            for match in _ASSIGNED.finditer(line):
                out.setdefault(match[1], number)
    return out


def _prefix(words: Sequence[str]) -> list[Assignment]:
    index = _program_index(words)
    return [Assignment(*_split(word), True) for word in words[:index] if _ASSIGNMENT.match(word)]


def _exports(words: Sequence[str]) -> list[Assignment]:
    out = []
    for word in words:
        if word.startswith("-") or word.startswith("$("):
            continue
        if _ASSIGNMENT.match(word):
            out.append(Assignment(*_split(word), True))
        elif re.fullmatch(_NAME, word):
            out.append(Assignment(word, None, True))
    return out


def _allexport(args: Sequence[str], current: bool) -> bool:
    for index, arg in enumerate(args):
        option = args[index + 1] if index + 1 < len(args) else ""
        if arg in ("-o", "+o") and option == "allexport":
            current = arg == "-o"
        elif re.fullmatch(r"[-+][a-zA-Z]+", arg) and "a" in arg:
            current = arg.startswith("-")
    return current


def _split(word: str) -> tuple[str, str]:
    name, _, value = word.partition("=")
    return name, value


def environment(steps: Sequence[Assignment], inherited: Mapping[str, str]) -> dict[str, str]:
    """What the server sees: `inherited` (the harness's variables) after the run script's `steps`."""
    shell = dict(inherited)
    exported = set(inherited)
    for step in steps:
        if step.value is not None:
            shell[step.name] = step.value if step.literal else expand(step.value, shell)
        if step.exported or step.name in exported:
            exported.add(step.name)
    return {name: shell[name] for name in exported if name in shell}


def expand(template: str, variables: dict[str, str]) -> str:
    """`template` with `$NAME`, `${NAME}` and `${NAME:-word}`-style defaults expanded against
    `variables` (`${NAME:=word}` also sets it); UNKNOWN where another expansion remains."""

    def braced(match: re.Match[str]) -> str:
        name, operator, word = match[1], match[2] or "", match[3] or ""
        value = variables.get(name)
        is_set = value is not None and (value != "" or ":" not in operator)
        if operator.endswith("+"):
            return word if is_set else ""
        if operator.endswith(("-", "=")) and not is_set:
            if operator.endswith("="):
                variables[name] = word
            return word
        return value or ""

    if len(template) > _MAX_VALUE:
        return UNKNOWN
    for _level in range(_MAX_NESTING):  # innermost expansions first, one level a pass
        expanded = _BRACED.sub(braced, template)
        if expanded == template:
            break
        template = expanded
    template = _PLAIN.sub(lambda match: variables.get(match[1], ""), template)
    return UNKNOWN if _SUBSTITUTION.search(template) else template
