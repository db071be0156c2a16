"""Database evidence in code, file by file: connection calls (connections.py), configuration keys
assigned in code or passed to a configuration call (`SQLALCHEMY_DATABASE_URI = …`,
`DATABASES[…]["ENGINE"]`, `app.config.update(DATABASE_URL=…)`), engine modules imported
(imports.py), and database URLs merely written down."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from cdverify.detect.database.catalogue import Catalogue, engine_of_url, engine_of_value, in_memory, is_url
from cdverify.detect.database.collection import Collection
from cdverify.detect.database.connections import connection
from cdverify.detect.database.imports import imports
from cdverify.detect.database.report import Evidence, EvidenceKind, RejectedUrl
from cdverify.model import Assignment, CallFact, FileFacts, Location, Scope, Template, Text, Value, shown
from cdverify.partials import FileMemo
from cdverify.rules_schema.database import Connection


class Place(NamedTuple):
    """Where a configuration key is set in code: the evidence's file, scope and position."""

    path: str
    scope: Scope
    line: int
    col: int
    text: str


def code(found_in: Collection, memos: tuple[FileMemo, FileMemo] | None = None) -> None:
    """Add the evidence of every file of code. `memo`: each file's read kept between runs, for the files
    that make no connection (a connection call reads other files unnoted: options objects, start-up
    schemas), None to read every file."""
    known = found_in.catalogue
    assigned = Assigned(found_in, *memos) if memos is not None else None
    for path, file_facts in found_in.facts.items():
        scope = found_in.scope_of(path)
        entries = known.connections[file_facts.language.family]
        if assigned is None or any(c.callee in entries for c in connection_calls(file_facts, entries, known)):
            read_code(found_in, path, scope, file_facts)
        else:
            _code_part(assigned, found_in, path, scope, file_facts).into(found_in)
    if assigned is not None:
        assigned.memo.save()
        assigned.signatures.save()
    for path, file_facts in found_in.facts.items():  # once every connection has claimed its URLs
        scope = found_in.scope_of(path)
        for line, url in file_facts.urls:
            engine = engine_of_url(url)
            if engine and is_url(url) and _has_authority(url):
                _mention(found_in, (path, scope, line), url, engine)


def connection_calls(
    file_facts: FileFacts, entries: Mapping[str, Connection], known: Catalogue
) -> list[CallFact]:
    """A file's calls, a connection call handed to a deferring call (`providers.Singleton(create_engine,
    "sqlite:///app.db")`) read as that call with the arguments after it."""
    out = []
    for call in file_facts.calls:
        if call.callee in known.deferred_calls and call.args and call.args[0].calls:
            made = call.args[0].calls[0]
            if made in entries:
                call = call._replace(callee=made, args=call.args[1:])
        out.append(call)
    return out


def read_code(found_in: Collection, path: str, scope: Scope, file_facts: FileFacts) -> None:
    """Add the evidence of one file's code: its connection calls, configuration keys and imports."""
    known = found_in.catalogue
    keys = known.url_keys | known.value_keys
    entries = known.connections[file_facts.language.family]
    for call in connection_calls(file_facts, entries, known):
        entry = entries.get(call.callee)
        if entry is not None:
            connection(found_in, path, scope, call, entry)
            continue
        for key, value in call.kwargs:
            # `app.config.update(SQLALCHEMY_DATABASE_URI=…)`, `config.from_mapping(…)`
            if key.lower() in known.url_keys:
                config_key(found_in, Place(path, scope, call.line, call.col, call.text), key, value)
    settings = [
        a
        for a in file_facts.assignments
        if a.key.lower() in keys
        and not _superseded(a, file_facts.assignments)
        and not answered(a.target, known.response_bodies)
    ]  # a later `DATABASES["default"] = dj_database_url.config(…)` replaces the default
    repeated = {k for k, n in Counter(a.key.lower() for a in settings).items() if n > 1}
    switches = frozenset(known.settings_files.test_switches)
    for assignment in settings:
        before = len(found_in.evidence)
        tests = test_branch(assignment.branch, switches) or test_class(assignment.owner, switches)
        where = Scope.TEST if tests else scope
        place = Place(path, where, assignment.line, assignment.col, assignment.text)
        config_key(found_in, place, assignment.key, assignment.value, assignment.owner)
        if assignment.key.lower() in repeated:
            # the same setting in several configurations (`DevConfig` / `ProdConfig`,
            # `development:` / `production:`): which one runs is chosen at run time
            found_in.evidence[before:] = [
                e if e.switched else e._replace(configuration=True) for e in found_in.evidence[before:]
            ]
    imports(found_in, path, scope, file_facts)


class CodePart(NamedTuple):
    """What one file's code adds to a collection (`read_code`), with the names it looked up in other
    files' assignments, each with the signature of what it held (kept between runs: served again while
    those are the same)."""

    scope: Scope
    assigned: tuple[tuple[str, bytes | None], ...]
    evidence: tuple[Evidence, ...]
    claimed: tuple[tuple[str, int], ...]
    rejected: tuple[RejectedUrl, ...]
    claimed_urls: tuple[tuple[str, Text], ...]

    def into(self, found_in: Collection) -> None:
        found_in.evidence.extend(self.evidence)
        found_in.claimed.update(self.claimed)
        found_in.rejected.extend(self.rejected)
        found_in.values.claimed_urls.update(self.claimed_urls)


class Assigned:
    """The signatures of the names assigned in run-time code (`Values.assigned`), for the kept reads of
    one run: a name's assignments are those of the files that assign it, so the paths of those files,
    each with the signature of all its assignments (kept by content digest in `signatures`), stand for
    them. None when a file has no digest (parsed outside the facts cache): a read that looked the name
    up is not served."""

    def __init__(self, found_in: Collection, memo: FileMemo, signatures: FileMemo) -> None:
        self.facts = found_in.facts
        self.values = found_in.values
        self.memo = memo
        self.signatures = signatures
        self._names: dict[str, bytes | None] = {}
        self._files: dict[str, bytes | None] = {}

    def signature(self, name: str) -> bytes | None:
        if name not in self._names:
            digest: hashlib.blake2b | None = hashlib.blake2b(digest_size=16)
            for path in dict.fromkeys(path for path, _ in self.values.assigned.get(name, ())):
                assignments = self._file(path)
                if assignments is None or digest is None:
                    digest = None
                    break
                digest.update(path.encode() + b"\0" + assignments)
            self._names[name] = digest.digest() if digest is not None else None
        return self._names[name]

    def _file(self, path: str) -> bytes | None:
        """The signature of a file's assignments (an edit that leaves them alone leaves it alone)."""
        if path not in self._files:
            if self.signatures.digest_of(path) is None:
                self._files[path] = None
            else:
                assignments = self.facts[path].assignments
                self._files[path] = self.signatures.value(
                    path, lambda: hashlib.blake2b(repr(assignments).encode(), digest_size=16).digest()
                )
        return self._files[path]

    def same(self, kept: tuple[tuple[str, bytes | None], ...]) -> bool:
        """Every name of `kept` holds what it held then."""
        return all(signature is not None and self.signature(name) == signature for name, signature in kept)


def answered(target: str, bodies: Iterable[str]) -> bool:
    """`target` is in what a request handler answers with (`ctx.body.envExample.DATABASE_URL` of `ctx.body
    = { envExample: { DATABASE_URL: … } }`): data sent to the client, not a setting of the app."""
    return any(target.startswith(f"{body}.") for body in bodies)


def _code_part(
    assigned: Assigned, found_in: Collection, path: str, scope: Scope, file_facts: FileFacts
) -> CodePart:
    """`read_code` of one file as a part, kept in the memo: served again while the file, its scope and the
    other files' assignments it looked up are the same."""

    def read() -> CodePart:
        mine = found_in.reading()
        read_code(mine, path, scope, file_facts)
        looked = tuple((name, assigned.signature(name)) for name in mine.values.looked())
        found = tuple(mine.evidence), tuple(mine.claimed), tuple(mine.rejected)
        return CodePart(scope, looked, *found, tuple(mine.values.claimed_urls))

    def still(kept: CodePart) -> bool:
        return kept.scope is scope and assigned.same(kept.assigned)

    return assigned.memo.value(path, read, still)


def config_key(found_in: Collection, place: Place, key: str, value: Value, owner: str = "") -> None:
    """A configuration key set in code: a URL key's URLs, or a value key's engine name. `owner`: the class
    whose body sets it."""
    known = found_in.catalogue
    lowered = key.lower()
    switch = found_in.values.switch(place.path, value)
    field_default = False  # a settings field's own value, which the variable overrides
    field = next(
        (
            f
            for f in found_in.settings_fields.get(lowered, ())
            if owner and f.owner == owner and f.file == place.path
        ),
        None,
    )
    if not switch and field is not None:
        # a field of a settings class (`DATABASE_URL: str = "sqlite://…"` in a pydantic BaseSettings, in any
        # case): its value is the default the variable of its name overrides
        switch = field.variable
        field_default = True
    elif not switch and key.islower() and key.upper() in found_in.values.env:
        # a settings field (`database_url: str = "sqlite://…"` in a pydantic BaseSettings) is
        # overridden by the environment variable of the same name, here set in a `.env` file
        switch = key.upper()
        field_default = True
    path, scope, line, col, text = place
    if lowered in known.url_keys:
        url_named = False
        for url, detail, url_switch, default in found_in.values.urls(path, value):
            engine = engine_of_url(url)
            if engine is None:
                continue
            url_named = True
            described = f"{key} = {shown(url)}" + (f", {detail}" if detail else "")
            if in_memory(url):
                described += " (in memory)"
            switched = url_switch or switch
            item = Evidence(
                engine, EvidenceKind.CONFIG, scope, path, line, text, described, switched, col=col
            )
            fallback = default if url_switch else field_default and isinstance(url, str)
            found_in.add(item._replace(default=fallback), claims=True)
            if lowered in known.sqlalchemy_keys and found_in.rejects(url, value):
                found_in.reject(Location(path, line, col), text, url, detail)
        variable = "" if url_named else _scheme_variable(value)
        if variable:
            _inferred_url(found_in, place, key, variable)
        elif not url_named and len(value.env) == 1 and not (value.literals or value.parts or value.calls):
            _inferred_url(found_in, place, key, value.env[0], whole=True)
    else:
        named = found_in.values.env_engines(value, engine_of_value)
        # a value key's variable names the engine, never a URL: no value is catalogued for it here
        names_engine: tuple[tuple[str, str], ...] = ()
        for engine, detail, variable, default in found_in.values.config_engines(path, value, engine_of_value):
            item = Evidence(
                engine, EvidenceKind.CONFIG, scope, path, line, text, f"{key} = {detail}", variable
            )
            found_in.add(
                item._replace(default=default, col=col, switch_values=names_engine), claims=True
            )  # `client: config.get("db.client")`
        if not named and value.env and not value.literals:
            # `client: process.env.DB_CLIENT` set nowhere: the one engine whose driver is declared
            drivers = found_in.drivers(found_in.catalogue.engines)
            if len(drivers) == 1:
                named = [
                    (
                        drivers[0],
                        f"${value.env[0]}; engine inferred from the one declared driver",
                        value.env[0],
                    )
                ]
        for engine, detail, variable in named:
            item = Evidence(
                engine, EvidenceKind.CONFIG, scope, path, line, text, f"{key} = {detail}", variable, col=col
            )
            found_in.add(
                item._replace(inferred="inferred" in detail, switch_values=names_engine), claims=True
            )
        for literal in value.literals:
            engine = engine_of_value(literal)
            if engine is None:
                continue
            detail = f"{key} = {literal!r}"
            template = known.template_defaults.get(literal)
            if template is not None:
                detail += f" ({template.origin})"
            item = Evidence(engine, EvidenceKind.CONFIG, scope, path, line, text, detail, switch, col=col)
            # `client: process.env.DB_CLIENT || 'sqlite3'`: the literal is the variable's fallback
            fallback = (bool(value.env) and switch == value.env[0]) or field_default
            found_in.add(
                item._replace(default=fallback, value_key=True, switch_values=names_engine), claims=True
            )


def _scheme_variable(value: Value) -> str:
    """The environment variable a URL's scheme is read from (`f"{os.environ.get('DATABASE_TYPE')}://…"`,
    `` `${process.env.DB_TYPE}://…` ``), with no fallback; ""."""
    for written, part in zip(value.strings, value.parts, strict=False):
        if (
            isinstance(written, Template)
            and not written.pieces[0].strip()
            and written.pieces[1].startswith("://")
            and len(part.env) == 1
            and not part.strings
        ):
            return part.env[0]
    return ""


def _inferred_url(found_in: Collection, place: Place, key: str, variable: str, whole: bool = False) -> None:
    """A URL whose scheme an environment variable gives, set nowhere: the engine of the one declared
    driver, as for a `client` read from the environment. With no fallback, the application cannot
    connect where the variable is unset. `whole`: the variable gives the whole URL, with no fallback
    (Replit Agent's Flask template: `app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL")`
    beside psycopg2 alone), as a connection call given it infers the declared drivers' engines."""
    path, scope, line, col, text = place
    what = f"URL from ${variable}" if whole else f"URL whose scheme is ${variable}"
    named = [
        (engine, f"{key} = {what} ({setting.file}:{setting.line})")
        for setting in ([] if whole else found_in.values.env.get(variable, []))
        if (engine := engine_of_url(f"{setting.value}://") or engine_of_value(setting.value)) is not None
    ]
    if not named:  # set nowhere, or passed through (`DATABASE_TYPE=${DATABASE_TYPE}` in Compose)
        drivers = found_in.drivers(found_in.catalogue.engines)
        if len(drivers) != 1:
            return
        detail = f"{key} = {what}; engine inferred from the one declared driver"
        named = [(drivers[0], detail)]
    for engine, detail in named:
        item = Evidence(engine, EvidenceKind.CONFIG, scope, path, line, text, detail, variable, col=col)
        # a scheme the variable gives connects nowhere without it; a whole URL's set-up decides for itself
        # whether an unset one stops the app (unset_config.py: Flask-SQLAlchemy 3 raises, 2.x does not)
        required = "" if whole else variable
        found_in.add(item._replace(required_env=required, inferred="inferred" in detail), claims=True)


def _mention(found_in: Collection, where: tuple[str, Scope, int], url: Text, engine: str) -> None:
    """A database URL written in code that no connection or configuration on its line uses."""
    path, scope, line = where
    if (path, line) in found_in.claimed or (path, url) in found_in.values.claimed_urls:
        return
    detail = "URL written in code, not connected"
    found_in.add(Evidence(engine, EvidenceKind.MENTION, scope, path, line, shown(url), detail))


_NEGATION = re.compile(r"\bnot\b|!|\bfalse\b|\bor\b|\|\||\bno\b", re.IGNORECASE)
_CAMEL_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")  # `TestingConfig` → Testing, Config
_WORD_BREAK = re.compile(r"[^A-Za-z0-9]+|_")


def test_branch(branch: str, switches: frozenset[str]) -> bool:
    """The condition of the `if` a setting is assigned under (`Assignment.branch`) selects the tests: one
    of its words is a test switch (`os.environ.get('TESTING') == 'true'`), and nothing negates it or
    offers another way in (`not`, `!=`, `false`, `or`; `not (…)` is its `else` branch)."""
    if not branch or _NEGATION.search(branch):
        return False
    return any(word.lower() in switches for word in _WORD_BREAK.split(branch))


def test_class(owner: str, switches: frozenset[str]) -> bool:
    """The class a setting is assigned in is the tests' configuration: a word of its name is a test switch
    (`TestConfig`, `TestingConfig`; not `ContestConfig`), as a `test` section of a settings file is."""
    return any(word.lower() in switches for word in _CAMEL_WORD.findall(owner))


def _superseded(assignment: Assignment, assignments: Iterable[Assignment]) -> bool:
    """Whether a later assignment in the same file replaces this one, or the dict holding it."""
    target = assignment.target
    # only a later assignment of the dict holding it (a strict prefix): equal names may be fields of
    # different classes (`ProdConfig.SQLALCHEMY_DATABASE_URI`, `DevConfig.…`). In the same function and
    # class only: the module's `app = create_app()` binds another `app` than the factory's local one
    # that `app.config["SQLALCHEMY_DATABASE_URI"] = …` configures. Nor one made only under an `if` the
    # earlier is not under (`if DATABASE_URL is not None: DATABASES = {…}` after the SQLite default): where
    # the condition fails, the earlier value holds
    return any(
        other.line > assignment.line
        and other.scope == assignment.scope
        and other.owner == assignment.owner
        and (not other.branch or other.branch == assignment.branch)
        and target.startswith(other.target + ".")
        for other in assignments
    )


def _has_authority(url: Text) -> bool:
    """Whether something (written or computed) follows the URL's first `://`."""
    pieces = (url,) if isinstance(url, str) else url.pieces
    for index, piece in enumerate(pieces):
        if "://" in piece:
            return bool(piece.split("://", 1)[1]) or index < len(pieces) - 1
    return False
