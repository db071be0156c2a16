"""Values of paths, prefixes and ports as far as the project says: literals, application constants, and
the `.env` files that give environment variables their run-time values (remembered as RunValues)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from functools import cache

from cdverify.catalog import load_rules
from cdverify.detect.framework.catalogue import conventions, prefix_keys
from cdverify.detect.framework.report import RunValue, ValueSource
from cdverify.manifest_records import Setting
from cdverify.model import Assignment, CallFact, Template, Value, rendered
from cdverify.rules_schema import Reader, Scopes

UNKNOWN_PREFIX = "*"  # a prefix computed at run time (`settings.api_prefix` with no default found)
_EXPORTS = ("module.exports.", "exports.")  # a CommonJS export's target (`export default {…}` is read as one)


def first_string(values: Iterable[Value]) -> str | None:
    for value in values:
        for literal in value.literals:
            return literal
    return None


def numbers(value: Value) -> list[int]:
    """Numbers a value may be, including digit strings (`process.env.PORT || "3000"`)."""
    return [*value.numbers, *(int(s) for s in value.literals if s.isdigit())]


def ports_of(call: CallFact) -> tuple[list[int], list[str]]:
    """The ports a listen call gives (its `port` option, else its first argument), and the names they
    are read from."""
    keywords = conventions().port_keywords
    values = [v for k, v in call.kwargs if k in keywords] or list(call.args[:1])
    found = [n for v in values for n in v.numbers if 0 < n < 65536]
    names = [name for v in values for name in (*v.env, *v.names)]
    strings = [s for v in values for s in v.literals if s.isdigit()]
    return found + [int(s) for s in strings], names


def _words(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)), re.I)


@cache
def port_constant() -> re.Pattern[str]:
    """Constants that may be the web server's port (`DEFAULT_PORT`), unless `other_port` says not."""
    return _words(conventions().port_constants)


@cache
def other_port() -> re.Pattern[str]:
    """Port settings that are not the web server's (`DB_PORT`)."""
    return _words(conventions().other_ports)


@cache
def _prefix_name() -> re.Pattern[str]:
    """Names that may hold a prefix (`API_PREFIX`, `config.basePath`)."""
    return _words(conventions().prefix_words)


@cache
def _example_env() -> re.Pattern[str]:
    """An example env file's word, anywhere after `.env`, in any case (rules/scopes.toml)."""
    return _words(load_rules(Scopes).example_files.words)


def _env_files(settings: Iterable[Setting]) -> dict[str, Setting]:
    """Variable → the `.env` entry that gives it: `.env` first, then other env files (`.env.local`,
    `.env.development`), then example files (`.env.example`, `.env.sample`, …); at the root before
    subfolders. Test env files (`.env.test`) and values that interpolate others (`${X}`) are skipped."""

    def rank(setting: Setting) -> tuple[bool, bool, int, str, int]:
        name = posixpath.basename(setting.file)
        return (
            bool(_example_env().search(name[4:])),
            name != ".env",
            setting.file.count("/"),
            setting.file,
            setting.line,
        )

    out: dict[str, Setting] = {}
    for setting in settings:
        name = posixpath.basename(setting.file).lower()
        if setting.source is not Reader.ENV_FILE or "test" in name[4:] or "$" in setting.value:
            continue
        if setting.key not in out or rank(setting) < rank(out[setting.key]):
            out[setting.key] = setting
    return out


class RunValues:
    """What a route path or prefix written as a name or an environment read is at run time, as far as the
    project's own files say: an application constant (`API = "/api"`, followed a few assignments deep),
    a `.env` file (`process.env.API_PREFIX`, `os.getenv("API_PREFIX", "/api")`, or a settings name of
    the same variable: `env.API_PREFIX`, a pydantic field `api_prefix`), else the default written in
    code. Each environment value used is remembered with its source (`used`)."""

    def __init__(self, constants: Mapping[str, tuple[str, Assignment]], settings: Iterable[Setting]) -> None:
        self.constants = constants
        self.env: Mapping[str, Setting] = _env_files(settings)
        self.used: dict[str, RunValue] = {}

    def reading(
        self, constants: Mapping[str, tuple[str, Assignment]], env: Mapping[str, Setting]
    ) -> RunValues:
        """Values read from `constants` and `env` in place of these (views of them that note what one
        file's read looks up), with their own `used`."""
        values = RunValues({}, ())
        values.constants, values.env = constants, env
        return values

    def string(
        self, value: Value, where: tuple[str, int] = ("", 0), depth: int = 0, loose: bool = True
    ) -> str | None:
        """The one string a value is, or None when the project does not say. Unless `loose`, a lower-case
        name (a property: `opts.prefix`) only takes a constant's literal value, its object not being
        traced."""
        holed = [literal for literal in value.strings if isinstance(literal, Template)]
        if holed:  # `${process.env.BASE}/users`, `API_PREFIX + "/users"`
            template = holed[0]
            sources = [*value.env, *value.names]
            if value.parts and len(value.parts) == template.holes:
                pieces = [self.string(part, where, depth + 1, loose) for part in value.parts]
            elif template.holes == 1 and len(sources) == 1:
                pieces = [self.variable(sources[0]) if value.env else self.named(sources[0], depth, loose)]
            else:
                return None
            known = [piece for piece in pieces if piece is not None]
            return template.fill(known) if len(known) == len(pieces) else None
        for variable in value.env:  # a file's value wins over the default written in code
            found = self.variable(variable)
            if found is not None:
                return found
        literal = first_string([value])  # with no template, every string is a literal
        if literal is not None:
            if value.env and where[0]:
                self.used.setdefault(value.env[0], RunValue(value.env[0], literal, *where, ValueSource.CODE))
            return literal
        for name in value.names:
            found = self.named(name, depth, loose)
            if found is not None:
                return found
        return None

    def named(self, name: str, depth: int, loose: bool) -> str | None:
        return self.name(name, depth) if loose or name.isupper() else self.literal(name)

    def variable(self, name: str) -> str | None:
        """The value a `.env` file gives an environment variable."""
        setting = self.env.get(name)
        if setting is None:
            return None
        self.used.setdefault(
            name, RunValue(name, setting.value, setting.file, setting.line, ValueSource.ENV_FILE)
        )
        return setting.value

    def name(self, name: str, depth: int = 0) -> str | None:
        """An application constant's value; a Python settings field (`api_prefix`, as pydantic reads
        it) is overridden by the variable of the same name in upper case, and an upper-case name
        assigned nowhere in the application (`env.API_PREFIX` of a config loader) is that variable."""
        if depth >= 3:
            return None
        entry = self.constants.get(name)
        if entry is not None:
            path, assignment = entry
            if name.islower() and path.endswith(".py") and name.upper() in self.env:
                return self.variable(name.upper())
            return self.string(assignment.value, (path, assignment.line), depth + 1)
        return self.variable(name) if name.isupper() else None

    def member(self, traced: str) -> str | None:
        """The string literal another module's module-level value is assigned, for the traced name of a
        read of it (`@shared/routes.api.todos.list.path`, `app.paths.USERS`): the module is named by the
        last part of its specifier, the value by the rest of the name; None when no such value is a
        string literal."""
        slash = traced.rfind("/")
        node = slash >= 0 or traced.startswith(".")
        at = traced.find(".", slash + 1)
        while at != -1:
            head, target = traced[:at].rpartition("/")[2], traced[at + 1 :]
            module = head.partition(".")[0] if node else head.rpartition(".")[2]  # `routes.js`; `app.paths`
            entry = self.constants.get(f"{module}:{target}") if module and target else None
            if entry is not None:
                return first_string([entry[1].value])
            at = traced.find(".", at + 1)
        return None

    def literal(self, name: str) -> str | None:
        """The string an application constant is assigned, when it is one."""
        entry = self.constants.get(name)
        return first_string([entry[1].value]) if entry is not None else None


def resolve_prefixes(call: CallFact, method: str, values: RunValues, path: str) -> CallFact:
    """Prefix values written as names or environment reads (`prefix=settings.api_prefix`,
    `app.use(config.apiPath, api)`, `app.use(process.env.API_PREFIX, api)`) take the value the
    application or its `.env` files give them, else UNKNOWN_PREFIX."""
    keys, methods = prefix_keys()

    def resolve(value: Value) -> Value:
        if value.literals != value.strings:  # a template: `${process.env.ROUTER_PREFIX}/users`
            known = values.string(value)
            if known is not None:
                return value._replace(strings=(known,))
            return value._replace(strings=tuple(rendered(text, UNKNOWN_PREFIX) for text in value.strings))
        if value.env:  # `process.env.API_PREFIX || "/api"`: the `.env` value, else the default
            known = values.string(value, (path, call.line))
            return value._replace(strings=(known if known is not None else UNKNOWN_PREFIX,))
        if value.strings or not value.names or not any(_prefix_name().search(n) for n in value.names):
            return value
        for name in value.names:
            known = values.name(name)
            if known is not None:
                return value._replace(strings=(known,))
        return value._replace(strings=(UNKNOWN_PREFIX,))

    kwargs = tuple((key, resolve(value) if key in keys else value) for key, value in call.kwargs)
    args = call.args
    if method in methods and args:
        args = (resolve(args[0]), *args[1:])
    if kwargs == call.kwargs and args == call.args:
        return call
    return call._replace(args=args, kwargs=kwargs)


def member_keys(path: str, assignment: Assignment) -> tuple[str, ...]:
    """The keys a module-level value is looked up by from another module (`RunValues.member`): the module's
    name (its file name without extension; a package's `index` / `__init__` file by its folder's too) and
    the target as importers read it, `routes:api.todos.list.path` for `api.todos.list.path` in
    `shared/routes.ts` (an export's without `module.exports.`, a class field's with its class: `Paths.users`).
    Their `:` keeps them apart from the bare names of the constants they sit with."""
    folder, _, name = path.rpartition("/")
    stem = name.partition(".")[0]
    names = [stem]
    if stem in ("index", "__init__") and folder:
        names.append(folder.rpartition("/")[2])
    target = assignment.target
    for exported in _EXPORTS:
        target = target.removeprefix(exported)
    if assignment.owner:
        target = f"{assignment.owner}.{target}"
    targets = (target, f"default.{target}") if target != assignment.target else (target,)
    return tuple(f"{module}:{one}" for module in names for one in targets)


def route_path(values: Iterable[Value], known: RunValues, where: tuple[str, int] = ("", 0)) -> str | None:
    """A route's path as written, or as computed: `API_PREFIX + "/users"` with `API_PREFIX = "/api"`
    is `/api/users`; `${process.env.BASE}/users` takes `BASE` from a `.env` file; a part known only at
    run time (`opts.prefix + "users"`, `${base}/users`) is UNKNOWN_PREFIX (`*users`); `ROUTES.USERS` is
    the constant's value; a property of another module's value (`api.todos.list.path` of `import { api }
    from "@shared/routes"`) is the literal that module assigns it, looked up first (the bare name `path`
    may be any module's). A property (`opts.prefix`) only takes a constant's literal value: its object
    is not traced."""
    values = list(values)
    found = first_string(values)
    if found is not None:
        return found
    for value in values:
        names = tuple(name for name in value.names if name.isupper() or _prefix_name().search(name))
        if value.strings:  # every literal has a computed part
            computed = known.string(value, where, loose=False) if names == value.names else None
            return computed if computed is not None else rendered(value.strings[0], UNKNOWN_PREFIX)
        for traced in value.calls if not value.strings else ():
            found = known.member(traced)  # `api.todos.list.path` of `import { api } from "@shared/routes"`
            if found is not None:
                return found
        if value.env or names:
            computed = known.string(value._replace(names=names), where, loose=False)
            if computed is not None:
                return computed
    return None
