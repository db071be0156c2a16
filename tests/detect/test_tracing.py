"""Tracing other modules' objects (cdverify/detect/tracing.py): the rounds that resolve an exported value
through the module it is imported from read an entry again only when a value it depends on changed. They
must give what reading every entry in every round gives: the reference below is that plain reading
(cdverify's code before issue 17), checked on every sample app of `corpus/` and on chains built to need
an entry read again within a round, in the next round, and cut by the three-round limit."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from cdverify.config import load_config
from cdverify.detect import tracing
from cdverify.detect.tracing import Instances, instances_of, module_keys
from cdverify.model import Family, FileFacts, ImportFact, ImportKind, Language
from cdverify.pipeline import analyse

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def reference(facts: Mapping[str, FileFacts]) -> dict[tuple[str, str], str]:
    """`instances_of(facts).names`, every pending entry read in every round (at most three)."""
    out: dict[tuple[str, str], str] = {}
    homes: dict[tuple[str, str], tuple[str, Family]] = {}
    for path, file_facts in facts.items():
        if not file_facts.exports:
            continue
        family = file_facts.language.family
        for key in module_keys(path, family):
            for name, value in file_facts.exports:
                out.setdefault((key, name), value)
                homes[(key, name)] = (path, family)
    # names imported to be imported from there, after the exports
    passed = {entry: offer for entry, offer in tracing.passed_through(facts).items() if entry not in out}
    for entry, (value, home) in passed.items():
        out[entry] = value
        homes[entry] = (home, Family.PYTHON)
    heads = frozenset(key.split(".")[0] for key, _ in out if "/" not in key)

    def project_bound(value: str) -> bool:
        return value.startswith(".") or value.split(".", 1)[0] in heads

    out = {
        entry: value
        for entry, value in out.items()
        if project_bound(value) or not value.endswith("." + entry[1]) or entry in passed
    }
    instances = Instances(out, heads, {})
    pending = [entry for entry, value in out.items() if project_bound(value)]
    for _ in range(3):
        changed = False
        for entry in pending:
            value = out[entry]
            path, family = homes[entry]
            resolved = tracing._foreign(value, path, family, instances) if project_bound(value) else None
            if resolved is not None and resolved != value:
                out[entry] = resolved
                changed = True
        if not changed:
            break
    return out


def python(path: str, *exports: tuple[str, str]) -> FileFacts:
    return FileFacts(path, Language.PYTHON, exports=exports)


def node(path: str, *exports: tuple[str, str]) -> FileFacts:
    return FileFacts(path, Language.TYPESCRIPT, exports=exports)


def resolved(facts: Mapping[str, FileFacts]) -> dict[tuple[str, str], str]:
    """`instances_of(facts).names`, checked against the reference."""
    found = instances_of(facts).names
    assert found == reference(facts)
    return found


def sample_apps() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir() and p.name not in ("expected", "experiments"))


@pytest.mark.parametrize("root", sample_apps(), ids=lambda p: p.name)
def test_the_rounds_give_what_reading_every_entry_gives_on_the_sample_apps(root: Path) -> None:
    facts = analyse(root, load_config(root), use_cache=False).facts
    found = instances_of(facts).names
    assert found == reference(facts)
    assert list(found) == list(reference(facts))  # the same entries in the same order


def test_a_chain_written_in_order_resolves_within_one_round() -> None:
    """`a` imports from `b`, which imports from `c`: read in file order, each hop is read after the one it
    depends on changed, within the round (and in the next round where the order is the other way)."""
    facts = {
        "app/a.py": python("app/a.py", ("Model", "app.b.Model")),
        "app/b.py": python("app/b.py", ("Model", "app.c.db.Model")),
        "app/c.py": python("app/c.py", ("db", "flask_sqlalchemy.SQLAlchemy()")),
        "app/d.py": python("app/d.py", ("Base", "app.a.Model"), ("Other", "app.e.thing")),
        "app/e.py": python("app/e.py", ("thing", "app.d.Base")),
    }
    found = resolved(facts)
    assert found[("app.a", "Model")] == "flask_sqlalchemy.SQLAlchemy().Model"
    assert found[("app.d", "Base")] == "flask_sqlalchemy.SQLAlchemy().Model"
    assert found[("app.e", "thing")] == "flask_sqlalchemy.SQLAlchemy().Model"


def test_a_chain_longer_than_the_rounds_stops_where_the_plain_reading_stops() -> None:
    """Written against file order, each entry reads one that has not changed yet in its round: each
    round doubles the hops an entry spans (2, 4, 8), so the end of a chain of 12 is never reached, in the
    reference as in the rounds that skip."""
    hops = 12
    facts = {
        f"app/m{n}.py": python(f"app/m{n}.py", ("x", f"app.m{n + 1}.x" if n < hops else "express()"))
        for n in range(hops + 1)
    }
    found = instances_of(facts).names
    expected = reference(facts)
    assert found == expected
    assert expected[("app.m0", "x")] == "app.m8.x"  # cut by the three rounds
    assert expected[("app.m5", "x")] == "express()"


def test_node_modules_resolve_through_default_exports_and_factories_as_the_reference_does() -> None:
    facts = {
        "src/app.ts": node("src/app.ts", ("default", "./routes/index.default"), ("api", "./routes.make().x")),
        "src/routes/index.ts": node(
            "src/routes/index.ts", ("default", "./users.router"), ("make()", "./db.db")
        ),
        "src/routes/users.ts": node("src/routes/users.ts", ("router", "express.Router()")),
        "src/routes/db.ts": node("src/routes/db.ts", ("db", "../knex.default")),
        "src/knex.ts": node("src/knex.ts", ("default", "knex()")),
    }
    found = resolved(facts)
    assert found[("src/routes/index", "default")] == "express.Router()"


def test_an_entry_that_changed_is_read_again_though_what_it_read_did_not_change() -> None:
    """`app.b.x.inner`: `b.x` is `app.c.thing`, which names nothing in `app/c/__init__.py` and never
    changes; but `app.c.thing.inner` is a module's export, found in the next round."""
    facts = {
        "app/a.py": python("app/a.py", ("x", "app.b.x.inner")),
        "app/b.py": python("app/b.py", ("x", "app.c.thing")),
        "app/c/__init__.py": python("app/c/__init__.py", ("other", "sqlalchemy.orm.Session()")),
        "app/c/thing.py": python("app/c/thing.py", ("inner", "sqlalchemy.create_engine()")),
    }
    found = resolved(facts)
    assert found[("app.a", "x")] == "sqlalchemy.create_engine()"


def test_names_passed_through_are_those_another_module_imports_from_the_module() -> None:
    """`from aiohttp import web` in settings.py is passed on where `from app.settings import web` is
    written; not a name nobody imports from there, nor one imported from the module's own name (the
    library `aiohttp` in `util/aiohttp.py`) or from an undotted standard-library module (`from time import
    time` names the standard library, not a project `time.py`)."""

    def module(path: str, *imports: tuple[str, tuple[str, ...]]) -> FileFacts:
        facts = tuple(
            ImportFact(spec, ImportKind.STATIC, 1, 1, f"from {spec}", names) for spec, names in imports
        )
        return FileFacts(path, Language.PYTHON, imports=facts)

    facts = {
        "app/settings.py": module("app/settings.py", ("aiohttp", ("web", "ClientSession"))),
        "app/main.py": module("app/main.py", ("app.settings", ("web",)), ("time", ("time",))),
        "app/time.py": module("app/time.py", ("datetime", ("time",))),
        "app/util/aiohttp.py": module("app/util/aiohttp.py", ("aiohttp", ("web",))),
        "app/views.py": module("app/views.py", ("aiohttp", ("web",))),
    }
    assert tracing.passed_through(facts) == {("app.settings", "web"): ("aiohttp.web", "app/settings.py")}
    assert instances_of(facts).names == {("app.settings", "web"): "aiohttp.web"}
