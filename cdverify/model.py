"""The records of the project model: plain, frozen records shared by every stage of the pipeline (the
model itself, `Analysis`, is cdverify/analysis.py).

Everything here is data. Facts extracted from a file can be cached, pickled and computed in
parallel; detection (cdverify/detect/) and the verifiers (cdverify/verifiers/) read these records without
doing any I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

import msgspec

from cdverify.locations import doc_url


class Severity(StrEnum):
    """How much a finding matters. Only `error` findings make a constraint fail."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


class Scope(StrEnum):
    """What role a file plays in the project. Only `application` files are held to the constraints."""

    APPLICATION = "application"
    TEST = "test"
    MIGRATION = "migration"
    SCRIPT = "script"  # seeds, one-off scripts, fixtures
    FRONTEND = "frontend"
    VENDORED = "vendored"
    GENERATED = "generated"
    CONFIG = "config"  # tooling configuration written as code (vite.config.ts, jest.config.js, …)
    DOCS = "docs"  # documentation and example snippets
    STRAY = "stray"  # a module nothing imports or runs that cannot load in its package (stray_modules.py)


class Family(StrEnum):
    """A language family: the ecosystem whose packages, manifests and resolution rules apply."""

    PYTHON = "python"
    NODE = "node"


class Language(StrEnum):
    PYTHON = "python"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    TSX = "tsx"

    @property
    def family(self) -> Family:
        """Python or Node: the resolution rules that apply."""
        return Family.PYTHON if self is Language.PYTHON else Family.NODE


class ImportKind(StrEnum):
    STATIC = "static"  # import x / from x import y / import x from "y" / side-effect import
    TYPE_ONLY = "type_only"  # TS `import type`, or every named specifier is `type`
    TYPE_CHECKING = "type_checking"  # Python import under `if TYPE_CHECKING:`
    DYNAMIC = "dynamic"  # importlib.import_module("lit"), __import__("lit"), import("lit")
    REQUIRE = "require"  # require("lit"), TS `import x = require("lit")`
    REEXPORT = "reexport"  # export … from "lit"
    REEXPORT_TYPE = "reexport_type"  # export type … from "lit"

    @property
    def type_only(self) -> bool:
        """True when the import vanishes at run time (it still counts, but is marked as such)."""
        return self in (ImportKind.TYPE_ONLY, ImportKind.TYPE_CHECKING, ImportKind.REEXPORT_TYPE)


class ImportFact(NamedTuple):
    """One import as written in a file.

    `specifier` is the module text (`app.models`, `./user.service`, `@nestjs/common`). Python relative
    imports keep their leading dots (`..models`). `names` are the imported names for `from x import a, b`
    (Python), which may be submodules; JS names are not needed for resolution and are left empty.
    """

    specifier: str
    kind: ImportKind
    line: int  # 1-based
    col: int  # 1-based
    text: str  # the statement or call as written, shortened to one line
    names: tuple[str, ...] = ()
    in_function: bool = False  # imported inside a function body (lazy import)
    # TypeScript: the names an import kept at run time brings that the code reads only as types (erased from
    # the emitted JavaScript), as imported: `WithId` of `import { ObjectId, WithId } from "mongodb"`
    types: tuple[str, ...] = ()


class SyntaxIssue(NamedTuple):
    line: int
    col: int
    message: str


APP_PLACEHOLDER = "<app>"  # the app object handed to an exported route installer / plugin
# a function's parameter that routes are registered on (`router.get(…)` in `function init(router)`):
# `<param:SCOPE#INDEX#NAME>`, SCOPE as `CallFact.scope` names the function, NAME what callers call it
PARAM_PLACEHOLDER = "<param:"
# a call of the module's own environment helper that throws when the variable is unset (`getEnv('JWT_SECRET')`
# where the same module declares `function getEnv(key) { … if (!value) throw … }`): `<own>.getEnv`
OWN_HELPER = "<own>."
SHOWN_HOLE = "{…}"  # how messages show a computed part of a rebuilt string


class Template(NamedTuple):
    """A string rebuilt from source that has computed parts ("holes"): an f-string's `{expression}`, a
    template literal's `${expression}`, the side of a `+` that is not a string. `f"postgres://{user}@db"`
    is `Template(("postgres://", "@db"))`: the literal pieces around the holes, one more than there are
    holes. A string without holes is a plain `str` (see `Text`), so that the common case stays a `str`."""

    pieces: tuple[str, ...]  # at least two

    @property
    def holes(self) -> int:
        return len(self.pieces) - 1

    @property
    def head(self) -> str:
        """The literal text before the first hole (where a URL's scheme or a path's start is read)."""
        return self.pieces[0]

    def render(self, hole: str) -> str:
        """The string with every hole written as `hole`."""
        return hole.join(self.pieces)

    def fill(self, values: Iterable[str]) -> str:
        """The string with each hole, in order, written as the next of `values` (one per hole)."""
        out = [self.pieces[0]]
        for value, piece in zip(values, self.pieces[1:], strict=True):
            out += (value, piece)
        return "".join(out)

    def __str__(self) -> str:
        return self.render(SHOWN_HOLE)


# a string rebuilt from source: a `str` when it is all literal, a `Template` when parts are computed
Text = str | Template


def text_of(pieces: Sequence[str]) -> Text:
    """The text of literal pieces with a hole between each two: a `str` for a single piece."""
    return pieces[0] if len(pieces) == 1 else Template(tuple(pieces))


def joined(parts: Iterable[Text | None]) -> Text:
    """The text the parts make one after another; `None` is a computed part (a hole)."""
    out: list[str] = []  # the current piece
    pieces: list[str] = []
    for part in parts:
        if part is None:
            pieces.append("".join(out))
            out = []
        elif isinstance(part, str):
            out.append(part)
        else:
            out.append(part.pieces[0])
            pieces.append("".join(out))
            pieces.extend(part.pieces[1:-1])
            out = [part.pieces[-1]]
    pieces.append("".join(out))
    return text_of(pieces)


def rendered(text: Text, hole: str) -> str:
    """The text as one string, every hole written as `hole`."""
    return text if isinstance(text, str) else text.render(hole)


def shown(text: Text) -> str:
    """A text as messages and evidence show it: holes as `{…}`."""
    return str(text)


SPLAT = "*"  # written before the name of a `Value` spread into a call's arguments (`*sql_and_args`)


class Value(NamedTuple):
    """What an expression may evaluate to, as far as the syntax tree shows without running anything.

    `os.environ.get("DATABASE_URL", "sqlite:///app.db")` is `strings=("sqlite:///app.db",)` with
    `env=("DATABASE_URL",)`; `settings.DATABASE_URL` is `names=("DATABASE_URL",)`; both branches of
    `a or b` and `c ? x : y` are kept. A string with computed parts (an f-string, a template literal,
    a concatenation with a name) is a `Template`.
    """

    strings: tuple[Text, ...] = ()
    numbers: tuple[int, ...] = ()
    env: tuple[str, ...] = ()  # environment variables read
    names: tuple[str, ...] = ()  # variables or attributes referenced (last component), for lookup
    calls: tuple[str, ...] = ()  # qualified callees when the value is (or contains) a call result
    rewrites: tuple[tuple[str, str], ...] = ()  # `.replace(old, new)` applied to the value
    text: str = ""  # the expression as written, shortened
    # file-system paths a `path.join(…)` / `path.resolve(…)` builds: `./routes` is relative to the file's
    # own folder (`__dirname`), `src/routes` to the working directory; computed parts are holes
    paths: tuple[Text, ...] = ()
    # the values of a template literal's substitutions, in order: one per hole of its `Template` (JS)
    parts: tuple[Value, ...] = ()
    # (callee, arguments) of a call of another module's function handed a variable's name (JS:
    # `getOsEnv('TYPEORM_CONNECTION')`): an environment read when that function is a project `EnvHelper`
    handed: tuple[tuple[str, tuple[Value, ...]], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.strings or self.numbers or self.env or self.names or self.calls)

    @property
    def splat(self) -> bool:
        """A name handed on spread into a call's arguments (`execute(*sql_and_args)`): its items are the
        arguments from its position on."""
        return len(self.names) == 1 and self.text == f"{SPLAT}{self.names[0]}"

    @property
    def literals(self) -> tuple[str, ...]:
        """The strings it may be that have no computed part."""
        return tuple(s for s in self.strings if isinstance(s, str))


UNTRACED = "?"  # written before a callee cdverify could not trace to an import: `?cursor.execute`
# the callee of a module-level `raise ValueError(…)` of an exception no import explains (a builtin): the
# guard of the `if` around it says when the module stops as it is imported
RAISED = "?raise."


class Callee(NamedTuple):
    """A call's name, read: `flask.Flask().route` → receiver `flask.Flask()`, method `route`;
    `?cursor.execute` (an object cdverify could not trace) → receiver `cursor`, method `execute`,
    `traced` false. `CallFact.callee` stores the written form (`str(callee)`), cached and compared
    against the catalogues; code that needs its parts reads them here, never by cutting the string."""

    receiver: str  # "" for a bare function, `.` / `..` for a Python relative one (`.query`)
    method: str
    traced: bool = True

    @classmethod
    def of(cls, written: str) -> Callee:
        traced = not written.startswith(UNTRACED)
        name = written if traced else written[len(UNTRACED) :]
        body = name.lstrip(".")  # a Python relative name: `.query`, `..pkg.query`
        receiver, _, method = body.rpartition(".")
        return cls(name[: len(name) - len(body)] + receiver, method, traced)

    @property
    def calls(self) -> bool:
        """Whether the receiver is itself the result of a call (`express().get`, `db.session().query`)."""
        return "()" in self.receiver

    def __str__(self) -> str:
        if not self.receiver or not self.receiver.strip("."):  # `query`, or `.query` from `from . import`
            name = self.receiver + self.method
        else:
            name = f"{self.receiver}.{self.method}"
        return name if self.traced else UNTRACED + name


def scope_start(scope: str) -> int:
    """The line a function's scope key (`name@line`, as `CallFact.scope` names it) starts on; -1 for module
    level (`""`) or a key naming no line."""
    line = scope.rpartition("@")[2]
    return int(line) if line.isdigit() else -1


class CallFact(NamedTuple):
    """A call whose callee is traced to an import (`sqlalchemy.create_engine`) or to the result of such
    a call (`flask.Flask().route`, `express().listen`). JS object-literal arguments are flattened into
    `kwargs` with dotted keys (`{dialect: "sqlite"}` → `dialect`), like Python keyword arguments."""

    callee: str
    line: int
    col: int
    text: str
    args: tuple[Value, ...] = ()
    kwargs: tuple[tuple[str, Value], ...] = ()
    new: bool = False  # `new X(...)`
    guard: Value | None = None  # the condition of the nearest enclosing `if` / ternary, if any
    receiver: str = ""  # the object a method is called on, as written (`users` in `users.post(…)`)
    target: str = ""  # the name the result is assigned to (`api` in `api = Blueprint(…)`)
    scope: str = ""  # the enclosing function, `name@line` ("" at module level)
    at: tuple[int, int] | None = None  # (line, col) of the called name when not on the call's first line
    # (`.where(…)` in a chain written over several lines)
    # Python: the function a decorator call decorates, `name@line` as `scope` names it (`startup@8` under
    # `@app.on_event("startup")`); "" for a call that is no decorator
    decorates: str = ""
    # Python: (position, value) of the first item of each positional argument written as a tuple or list
    # (`fetchall(dbc, ("SELECT …", (id,)))`): the statement a helper that splats that argument into its
    # sink (`dbc.execute(*sql_and_args)`) runs
    firsts: tuple[tuple[int, Value], ...] = ()

    @property
    def name(self) -> Callee:
        return Callee.of(self.callee)

    def kwarg(self, *keys: str) -> Value | None:
        for key, value in self.kwargs:
            if key in keys:
                return value
        return None

    def argument(self, *keys: str) -> Value | None:
        """The first of `keys` the call is given: a positional argument by its index (`"0"`), or a keyword /
        object key by name (catalogues name where a call takes a value so: `path = ["0", "database"]`)."""
        for key in keys:
            if key.isdigit():
                if int(key) < len(self.args):
                    return self.args[int(key)]
            elif (value := self.kwarg(key)) is not None:
                return value
        return None


class Assignment(NamedTuple):
    """A value bound to a name or key: `X = …`, `app.config["X"] = …`, a dict/object-literal entry of an
    assigned literal (`DATABASES.default.ENGINE`), a class field (`database_url: str = …`)."""

    target: str  # dotted path as written, subscripts turned into components
    value: Value
    line: int
    col: int
    text: str
    scope: str = ""  # the enclosing function, `name@line` ("" at module level)
    # the condition of the nearest `if` whose branch sets it, on one line, `not (…)` in its `else`
    # (`os.environ.get('TESTING') == 'true'`); "" when no `if` in its function holds it
    branch: str = ""
    owner: str = ""  # the class whose body assigns it (`DevConfig` of `SQLALCHEMY_DATABASE_URI = …`), else ""

    @property
    def key(self) -> str:
        return self.target.rsplit(".", 1)[-1]


class FunctionFact(NamedTuple):
    """A named function or method with parameters, for following a value into a call of it (a project
    helper that runs the SQL it is given: `def query(sql): cur.execute(sql)`)."""

    scope: str  # `name@line`, as `CallFact.scope` and `Assignment.scope` name it
    name: str  # what callers call: the def / declaration, or the variable, property or export it is bound to
    params: tuple[str, ...]  # parameter names in order, "" for a pattern or a `*args` / `...rest`
    owner: str = ""  # the class of a method
    # the functions inside it (`name@line`) whose calls hand on its parameters, with those parameters:
    # `pool.getConnection((err, conn) => conn.query(sql))` in `function execute(sql)`
    closures: tuple[tuple[str, tuple[str, ...]], ...] = ()


class Stop(NamedTuple):
    """A statement that stops the program when it runs (a JavaScript `throw`), with the condition of the
    `if` around it: `if (!process.env.DATABASE_URL) throw new Error(…)`. At module level any such
    statement; in a function only one in no `try` whose condition reads an environment variable (a Fastify
    plugin's `if (!url) throw …` after `const url = process.env.DATABASE_URL`) or the result of a call handed
    the environment (`if (!parsed.success)` after `schema.safeParse(process.env)`), with the function. A name
    a `const` destructuring of `process.env` binds is read as its variable (`!url` after `const {
    DATABASE_URL: url } = process.env` reads $DATABASE_URL: parse/jsenv.py `destructured_env`)."""

    line: int
    col: int
    text: str  # the statement, shortened to one line
    guard: Value  # what the condition reads
    condition: str  # the condition as written, on one line (a list check: `!process.env.NAME` per name)
    scope: str = ""  # the enclosing function, `name@line` as `CallFact.scope` names it ("" at module level)


class Member(NamedTuple):
    """A Python class's annotated field (`database_url: PostgresDsn`, of classes with traced bases: pydantic
    settings) or recorded method (`execute`, `__call__`: rules/parse.toml `recorded_methods`)."""

    owner: str  # the class
    name: str
    line: int
    annotation: str = ""  # a field's type, traced to its import when it can be ("" for a method)
    default: bool = False  # a field with a default (`= …`, but not a required `Field(...)`)
    method: bool = False


class EnvHelper(NamedTuple):
    """A function returning an environment read of its parameter (JS: `getOsEnv(key)` returning
    `process.env[key]`, `env(key, fallback)` returning `process.env[key] ?? fallback`; a class's static
    method, `EnvHelper.get(key)`): a call handing it a literal reads that variable, with the fallback as its
    default."""

    name: str  # what callers call: the declaration or the variable it is bound to; "default" when so exported
    key: int  # the parameter naming the variable
    fallback: int = -1  # the parameter whose value is used when the variable is unset (-1: none)
    default: tuple[Text, ...] = ()  # literals the helper falls back to itself (`?? "sqlite"`, `fb = "x"`)
    required: bool = False  # it throws (or exits) when the variable is unset: `if (!value) throw …`


class FileFacts(NamedTuple):
    """What parsing one source file yields. Plain data: cacheable by content hash."""

    path: str  # POSIX path relative to the project root
    language: Language
    imports: tuple[ImportFact, ...] = ()
    calls: tuple[CallFact, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    urls: tuple[tuple[int, Text], ...] = ()  # (line, literal) of every `scheme://…` string literal
    exports: tuple[tuple[str, str], ...] = ()  # (name, traced instance) other modules may import; "default"
    classes: tuple[tuple[str, tuple[str, ...], int], ...] = ()  # (name, traced bases, line)
    syntax_issues: tuple[SyntaxIssue, ...] = ()
    decoding_issue: str | None = None  # set when the bytes were not valid UTF-8
    # (exported name, the module-level variable it is): ("default", "router") for `export default router`
    # / `module.exports = router`; ("makeRouter()", "router") for a function that returns its `router`
    aliases: tuple[tuple[str, str], ...] = ()
    functions: tuple[FunctionFact, ...] = ()  # functions that hand a parameter on to a call (helpers)
    local_calls: tuple[CallFact, ...] = ()  # calls of those functions in the file: `query(…)`, `self.run(…)`
    # (name, class) of module-level instances of the file's own classes that have such methods
    # (`db = Database()`, `module.exports = new Db()` as "default"); ("default()", class) when the
    # default export is the class itself (`export default class Db`)
    objects: tuple[tuple[str, str], ...] = ()
    # where the file nests deeper than cdverify analyses (parse.MAX_NESTING): only its imports were read
    too_deep: SyntaxIssue | None = None
    stops: tuple[Stop, ...] = ()  # conditional module-level `throw`s: start-up checks
    members: tuple[Member, ...] = ()  # Python class fields and recorded methods
    env_helpers: tuple[EnvHelper, ...] = ()  # functions returning an environment read of a parameter (JS)
    # what says the file runs as a program of its own: `shebang`, or (JS) `process.argv` / `process.exit`
    program: str = ""
    # JS: the names called by themselves at module level (`main()`, `bootstrap().catch(…)`): the file's own
    # functions among them run as it loads
    runs: tuple[str, ...] = ()
    # JS: the names the module exports that it declares itself (`export function DLoader`, `export const x`),
    # not those an `export … from` passes on
    declared: tuple[str, ...] = ()
    # JS: whether the module exports anything (an `export` statement, `module.exports = …`, `exports.x = …`)
    exporting: bool = False
    # JS: calls of names no declaration, parameter or import of the file binds (properties of the global
    # object), handed a string starting like an SQL statement: `db('SELECT …')` after another module's
    # `global.db = execute`
    free_calls: tuple[CallFact, ...] = ()
    # Python: (function, name) for each bare name a function calls as a step of its own (`init_db()`,
    # `await init_db()`, `app = create_app()`), the function as `CallFact.scope` names it, "" for module level
    # (not under `if __name__ == "__main__":`): what runs with it when it runs
    steps: tuple[tuple[str, str], ...] = ()
    # JS: the scope (as `CallFact.scope` names it) of the function written as the module's default export
    # (`module.exports = async function (fastify, opts) {…}`, `export default async (app) => {…}`, also
    # inside a plugin wrapper: `module.exports = fp(async function db(fastify) {…})` → `db@7`); "" for none
    default_function: str = ""
    # Python: (name, line, column) of the first read of each name the module evaluates as it is imported,
    # under no condition (module-level statements, class bodies, decorators, bases, defaults), that nothing
    # in the file binds and no builtin is: importing it raises NameError (parse/pyunbound.py); () unjudged
    unbound: tuple[tuple[str, int, int], ...] = ()
    # Python: the names the module may bind at module level (a superset, sorted), which another module's
    # `from module import name` finds; None for a module not judged (parse/pyunbound.py `module_names`)
    defines: tuple[str, ...] | None = None
    # Python: the names the module calls by themselves at module level, not under `if __name__ ==
    # "__main__":` (`validate_config()`): its functions of those names run as it is imported; a `raise` in a
    # module-level function (`?raise.ValueError`, scoped) runs at start-up when the function is one of these,
    # or one a framework runs as the app starts (an aiohttp `on_startup` hook: detect/database/startup.py)
    at_import: tuple[str, ...] = ()
    # JS: (line, column) of the `….get("key")` calls (a getter handed a literal key: node-config's
    # `config.get`) made whenever their function, or the module, runs: under no `if` branch, conditional
    # branch, `switch` case or loop, not on the right of `&&` / `||` / `??`, in no `try` that may carry on
    # (parse/jssteps.py `sure_gets`); `if (!config.get("key"))` evaluates its condition, so it is one
    sure_gets: tuple[tuple[int, int], ...] = ()
    # Python: the traced names of the decorators written bare, not called, over the file's functions
    # (`socketio.AsyncServer().event` for `@sio.event` after `sio = socketio.AsyncServer()`), sorted: the
    # decorator calls are in `calls` (`decorates` set)
    decorators: tuple[str, ...] = ()
    # JS: (class, name, methods) of each array or `Map` a class's instance field (`private users: User[] =
    # []`, `this.notes = new Map()` in its constructor) or a module-level variable (`let todos = []`, class
    # "") is made as, with the methods functions call on it (`push`, `find`) and `=` where one assigns it
    # anew (parse/jsrecords.py): where an in-memory store keeps its records
    collections: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # JS: (function, the function it is written in) of each function written inside another, both as
    # `CallFact.scope` names them (`function@9`, the callback of `return new Promise((resolve) => …)` in
    # `insertUser@1`): a callback reads the names its enclosing functions bind (detect/orm/raw_sql.py
    # `with_enclosing`)
    enclosing: tuple[tuple[str, str], ...] = ()


class SourceFile(NamedTuple):
    """A file discovered in the project, before parsing."""

    path: str  # POSIX, relative to the project root
    language: Language | None  # None for non-source files (manifests, configs, docs)
    scope: Scope
    size: int


class BuildOutput(NamedTuple):
    """A folder (or one file) the project's own build configuration writes, left out as `generated`
    (cdverify/build_output.py): `api` named by `outDir: "api"` at tsup.config.ts:8."""

    path: str  # project path of the folder or file written
    config: str  # the configuration file (or package.json) naming it
    line: int
    setting: str  # the key or option naming it: `outDir`, `build.outDir`, `--out-dir`


class TargetKind(StrEnum):
    INTERNAL = "internal"  # a file of the project
    EXTERNAL = "external"  # a third-party package
    STDLIB = "stdlib"  # Python standard library or a Node built-in
    UNRESOLVED = "unresolved"  # looks like the project's own module but no file matches


class Resolution(NamedTuple):
    """Where one import lands."""

    kind: TargetKind
    # project-relative POSIX path when INTERNAL; when UNRESOLVED through a tsconfig `paths` alias, the path
    # the alias maps the import to, where no file is (a generated, git-ignored client folder)
    target: str | None = None
    package: str | None = None  # top-level package name when EXTERNAL/STDLIB (`flask`, `@nestjs/core`)
    via: str | None = None  # how it was resolved: "relative", "source-root", "tsconfig-paths", "workspace", …


class Location(msgspec.Struct, frozen=True):
    path: str
    line: int = 0  # 0 when the finding is about a whole file or the project
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.col}"


class Fix(msgspec.Struct, frozen=True):
    """A mechanical fix of one finding (`check --fix-diff`, cdverify/fixes/): what it does, and the unified
    diff that does it, to apply from the project's root with `git apply` or `patch -p1`."""

    description: str
    diff: str

    def to_dict(self) -> dict[str, str]:
        return {"description": self.description, "diff": self.diff}


@dataclass(frozen=True)
class Finding:
    """The one result type every verifier emits.

    `data` carries rule-specific structured fields (e.g. `from_layer`, `to_layer`, `kind`,
    `type_only` for architecture findings) so that reporters and tests never parse messages.
    """

    rule: str  # stable id, e.g. "ARCH001"
    name: str  # stable slug, e.g. "upward-import"
    constraint: str  # "architecture", "project", …
    severity: Severity
    location: Location
    message: str  # one line
    evidence: str = ""  # the import, call or string as written
    hint: str = ""  # a concrete fix
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # what the finding is, not where it is: set on the findings of a report (cdverify/fingerprint.py)
    fingerprint: str = field(default="", compare=False)
    # `check --fix-diff`: the diff that removes it, when the fix is mechanical (cdverify/fixes/)
    fix: Fix | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (loc.path, loc.line, loc.col, self.rule, self.evidence)

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        out: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "constraint": self.constraint,
            "severity": self.severity.value,
            "file": loc.path,
            "line": loc.line,
            "col": loc.col,
            "message": self.message,
            "evidence": self.evidence,
            "hint": self.hint,
            "doc_url": doc_url(self.rule),
        }
        if self.fingerprint:
            out["fingerprint"] = self.fingerprint
        if self.fix is not None:
            out["fix"] = self.fix.to_dict()
        out.update(self.data)
        return out
