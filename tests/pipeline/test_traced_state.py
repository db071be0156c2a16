"""The traced instances brought up to date after an edit (cdverify/detect/traced_state.py) are those a full
computation gives: on every corpus app, along a chain of edits of the exports (an export added, removed,
renamed, retargeted at another module's, a new module, a module removed, an import by dots alone, a
Node path alias, a Node default export), each state stored and read back as between runs."""

from __future__ import annotations

import io
import pickle
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from reports import CORPUS
from reports import CORPUS_APPS as APPS

from cdverify.config import load_config
from cdverify.detect import traced_state
from cdverify.detect.traced_state import TracedState, brought_up_to_date, computed
from cdverify.detect.tracing import aliased_imports, instances_of
from cdverify.model import FileFacts, ImportFact, ImportKind, Language
from cdverify.pipeline import analyse

Facts = dict[str, FileFacts]
Aliased = dict[str, tuple[tuple[str, str], ...]]


class Chain:
    """A project's facts edited step by step; after each step the stored state is brought up to date
    and compared with a full computation."""

    def __init__(self, facts: Facts, aliased: Aliased) -> None:
        self.facts = dict(facts)
        self.aliased = dict(aliased)
        self.state = pickle.dumps(computed(self.facts, (), self.aliased))
        self.full = 0  # steps computed whole instead of brought up to date

    def step(
        self, name: str, edit: Callable[[Facts, Aliased], None], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        edit(self.facts, self.aliased)
        self.facts = dict(sorted(self.facts.items()))
        fresh = computed(self.facts, (), self.aliased)
        calls: list[int] = []

        def counted(*args: object) -> TracedState:
            calls.append(1)
            return computed(*args)  # type: ignore[arg-type]

        with monkeypatch.context() as patch:
            patch.setattr(traced_state, "computed", counted)
            updated = brought_up_to_date(pickle.loads(self.state), self.facts, (), self.aliased)
        self.full += bool(calls)
        assert updated.names == fresh.names == instances_of(self.facts, (), self.aliased).names, name
        assert (updated.heads, updated.packaged, updated.held) == (fresh.heads, fresh.packaged, fresh.held), (
            name
        )
        assert updated.parts == fresh.parts and updated.by_key == fresh.by_key, name
        assert list(updated.passed.items()) == list(fresh.passed.items()), name
        for entry, readers in fresh.readers.items():  # kept readers may be more (read before), never fewer
            assert readers <= updated.readers.get(entry, set()), (name, entry)
        self.state = pickle.dumps(updated)


def _with_exports(facts: Facts) -> list[str]:
    return [path for path, file_facts in facts.items() if file_facts.exports]


def _exports(facts: Facts, path: str, exports: list[tuple[str, str]]) -> None:
    facts[path] = facts[path]._replace(exports=tuple(exports))


def _most_read(facts: Facts) -> tuple[str, str]:
    """(file, exported name) another module's export finds its value through, the first such."""
    names = instances_of(facts).names
    for path in _with_exports(facts):
        for name, value in facts[path].exports:
            if value != names.get((path, name)) and value.startswith("."):
                return path, name
    path = _with_exports(facts)[0]
    return path, facts[path].exports[0][0]


def _edits(facts: Facts) -> list[tuple[str, Callable[[Facts, Aliased], None]]]:
    paths = _with_exports(facts)
    first, last = paths[0], paths[-1]
    node = facts[first].language.family == "node"
    target = _most_read(facts)
    sibling = (
        first.rsplit("/", 1)[0] + ("/zz_added.ts" if node else "/zz_added.py")
        if "/" in first
        else ("zz_added.ts" if node else "zz_added.py")
    )
    reference = (
        f"./{Path(last).stem}.{facts[last].exports[0][0]}" if node else f".{facts[last].exports[0][0]}"
    )

    def add(facts: Facts, _: Aliased) -> None:
        _exports(facts, first, [*facts[first].exports, ("added_one", reference)])

    def remove(facts: Facts, _: Aliased) -> None:
        path, name = target
        _exports(facts, path, [pair for pair in facts[path].exports if pair[0] != name])

    def restore(facts: Facts, _: Aliased) -> None:
        path, _name = target
        facts[path] = facts[path]._replace(exports=original[path].exports)

    def rename(facts: Facts, _: Aliased) -> None:
        path, name = target
        _exports(facts, path, [(f"{n}_renamed" if n == name else n, v) for n, v in facts[path].exports])

    def retarget(facts: Facts, _: Aliased) -> None:
        path, name = target
        _exports(facts, path, [(n, reference if n == name else v) for n, v in facts[path].exports])

    def new_module(facts: Facts, _: Aliased) -> None:
        facts[sibling] = facts[first]._replace(
            path=sibling, exports=(*facts[last].exports, ("made", reference))
        )

    def module_removed(facts: Facts, _: Aliased) -> None:
        del facts[sibling]

    def dotted_import(facts: Facts, _: Aliased) -> None:
        fact = ImportFact("..", ImportKind.STATIC, 1, 1, f"from .. import {target[1]}", (target[1],))
        facts[first] = facts[first]._replace(imports=(*facts[first].imports, fact))

    def alias(_: Facts, aliased: Aliased) -> None:
        aliased[first] = (("@/lib", "./lib"),)

    def default_export(facts: Facts, _: Aliased) -> None:
        _exports(facts, last, [*facts[last].exports, ("default", reference)])

    original = dict(facts)
    return [
        ("an export added", add),
        ("an export others read removed", remove),
        ("the export back", restore),
        ("the export renamed", rename),
        ("the export retargeted", retarget),
        ("a new module", new_module),
        ("the module removed", module_removed),
        ("an import by dots alone", dotted_import),
        ("a Node path alias", alias),
        ("a default export", default_export),
    ]


def _random_edit(rng: random.Random) -> Callable[[Facts, Aliased], None]:
    def edit(facts: Facts, _: Aliased) -> None:
        paths = _with_exports(facts)
        path, other = rng.choice(paths), facts[rng.choice(paths)].exports
        exports = list(facts[path].exports)
        kind = rng.choice(["drop", "copy", "reverse", "retarget"])
        if kind == "drop" and len(exports) > 1:
            exports.pop(rng.randrange(len(exports)))
        elif kind == "copy":
            exports.append(rng.choice(other))
        elif kind == "reverse":
            exports.reverse()
        else:
            at = rng.randrange(len(exports))
            exports[at] = (exports[at][0], rng.choice(other)[1])
        _exports(facts, path, exports)

    return edit


@pytest.mark.parametrize("app", APPS)
def test_brought_up_to_date_is_computed_afresh(app: str, monkeypatch: pytest.MonkeyPatch) -> None:
    analysis = analyse(CORPUS / app, load_config(CORPUS / app), use_cache=False, jobs=1)
    if not _with_exports(analysis.facts):
        pytest.skip("no module exports anything")
    chain = Chain(analysis.facts, aliased_imports(analysis.facts, analysis.graph))
    for name, edit in _edits(chain.facts):
        chain.step(name, edit, monkeypatch)
    rng = random.Random(app)
    for number in range(12):
        chain.step(f"random edit {number}", _random_edit(rng), monkeypatch)
    # brought up to date, not computed whole (but where a Node default export comes or goes)
    assert chain.full == 0 if analysis.language == "python" else chain.full < 22


def test_an_export_added_is_brought_up_to_date_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A chain of modules each reading the one before: edits in it are brought up to date, not computed
    whole, and still give a full computation's answer."""
    facts = {
        f"app/m{number}.py": FileFacts(
            f"app/m{number}.py",
            Language.PYTHON,
            exports=(("db", ".extensions.db"), ("Model", f".m{number - 1}.Model" if number else "x.Model")),
        )
        for number in range(60)
    }
    facts["app/extensions.py"] = FileFacts("app/extensions.py", Language.PYTHON, exports=(("db", "x.DB()"),))
    chain = Chain(dict(sorted(facts.items())), {})

    def exports(path: str, *pairs: tuple[str, str]) -> Callable[[Facts, Aliased], None]:
        return lambda facts, _: _exports(facts, path, list(pairs))

    chain.step(
        "an export added", exports("app/m30.py", ("db", ".extensions.db"), ("extra", ".m2.db")), monkeypatch
    )
    chain.step("a link of the chain retargeted", exports("app/m10.py", ("Model", "y.Base")), monkeypatch)
    chain.step("the first value changed", exports("app/extensions.py", ("db", "z.DB()")), monkeypatch)
    assert chain.full == 0
    names = pickle.loads(chain.state).names
    assert (names[("app.m11", "Model")], names[("app.m31", "Model")]) == ("y.Base", ".m30.Model")


def _from(specifier: str, *names: str) -> ImportFact:
    return ImportFact(
        specifier, ImportKind.STATIC, 1, 1, f"from {specifier} import {', '.join(names)}", names
    )


def test_names_passed_through_are_brought_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names a module imports from a library or by an absolute path, imported from it in turn (`from
    aiohttp import web` in settings.py, `from app.settings import web` elsewhere), depend on the imports
    of other files: edits of those imports are brought up to date, not computed whole, and still give a
    full computation's answer."""

    def module(path: str, imports: tuple[ImportFact, ...] = (), *exports: tuple[str, str]) -> FileFacts:
        return FileFacts(path, Language.PYTHON, imports=imports, exports=exports)

    settings_imports = (_from("aiohttp", "web"), _from("app.db", "session"), _from("vendor.util", "helper"))
    facts = {
        "app/db.py": module("app/db.py", (), ("session", "sqlalchemy.orm.Session()")),
        "app/settings.py": module("app/settings.py", settings_imports),
        "app/main.py": module(
            "app/main.py", (_from("app.settings", "web"),), ("api", ".settings.web.Application()")
        ),
        "app/views.py": module(
            "app/views.py", (_from("app.settings", "helper"),), ("query", "app.settings.session.query")
        ),
        "lib/shim.py": module("lib/shim.py", (_from("aiohttp", "web"),)),
        "tools/run.py": module("tools/run.py", (), ("get", "lib.shim.web.get")),
    }
    chain = Chain(facts, {})

    def imports(path: str, *more: ImportFact) -> Callable[[Facts, Aliased], None]:
        return lambda facts, _: facts.__setitem__(path, facts[path]._replace(imports=more))

    def exports(path: str, *pairs: tuple[str, str]) -> Callable[[Facts, Aliased], None]:
        return lambda facts, _: _exports(facts, path, list(pairs))

    chain.step(
        "a name passed through imported",
        imports("app/views.py", _from("app.settings", "session", "helper")),
        monkeypatch,
    )
    chain.step("its source retargeted", exports("app/db.py", ("session", "peewee.Database()")), monkeypatch)
    chain.step("an export of the same name", exports("app/settings.py", ("web", "x.Web()")), monkeypatch)
    chain.step("the export gone", exports("app/settings.py"), monkeypatch)
    chain.step("a new head passed through", imports("tools/run.py", _from("lib.shim", "web")), monkeypatch)
    chain.step(
        "the library imported otherwise", imports("lib/shim.py", _from("aiohttp.web", "web")), monkeypatch
    )
    chain.step("its importer gone", imports("app/main.py"), monkeypatch)
    vendored = module("vendor/util.py", (), ("helper", "redis.Redis()"))
    chain.step(
        "a module under a new head", lambda facts, _: facts.__setitem__(vendored.path, vendored), monkeypatch
    )
    assert chain.full == 0
    state = pickle.loads(chain.state)
    assert state.names[("app.views", "query")] == "peewee.Database().query"
    assert state.names[("app.settings", "helper")] == "redis.Redis()"
    assert ("app.settings", "web") not in state.names and ("lib.shim", "web") in state.passed


def test_the_state_is_stored_with_its_groups_flattened() -> None:
    """Pickled, the state comes back equal with the same kinds of containers, and pickle's memo holds
    fewer objects than for the same fields pickled as they are (the lists and sets of each entry)."""
    root = CORPUS / "conduit-flask-clean"
    analysis = analyse(root, load_config(root), use_cache=False, jobs=1)
    state = computed(analysis.facts, (), aliased_imports(analysis.facts, analysis.graph))
    assert state.held and state.by_key and state.parts
    back = pickle.loads(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    assert isinstance(back, TracedState) and back == state
    mappings = ("parts", "names", "held", "readers", "by_key")
    assert all(list(getattr(back, name).items()) == list(getattr(state, name).items()) for name in mappings)
    assert {type(group) for group in back.held.values()} == {list}
    assert {type(group) for group in back.by_key.values()} == {list}
    assert all(type(group) is set for group in back.readers.values())
    assert all(type(part[1]) is tuple for part in back.parts.values())

    def memo(value: object) -> int:
        pickler = pickle.Pickler(io.BytesIO(), protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dump(value)
        return len(pickler.memo.copy())

    assert memo(state) < memo(tuple(state)) - len(state.held) - len(state.by_key)
