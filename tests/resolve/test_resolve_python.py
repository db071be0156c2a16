"""Python resolution from files alone: source roots, relative imports, namespace packages."""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

from cdverify.model import ImportFact, ImportKind, TargetKind
from cdverify.resolve.python import PythonResolver

FILES = [
    "app/__init__.py",
    "app/api/__init__.py",
    "app/api/users.py",
    "app/models/user.py",
    "app/services/__init__.py",
    "app/services/auth.py",
    "src/shop/__init__.py",
    "src/shop/services/orders.py",
    "src/shop/main.py",
    "backend/run.sh",
    "backend/routes/items.py",
    "backend/models/item.py",
    "main.py",
]


def resolve(importer: str, spec: str, names: tuple[str, ...] = ()) -> list[tuple[TargetKind, str | None]]:
    fact = ImportFact(spec, ImportKind.STATIC, 1, 1, "", names)
    return [
        (r.kind, r.target if r.kind is TargetKind.INTERNAL else r.package)
        for r in PythonResolver(FILES).resolve(importer, fact)
    ]


@pytest.mark.parametrize(
    ("importer", "spec", "names", "expected"),
    [
        ("app/api/users.py", "app.models.user", (), [(TargetKind.INTERNAL, "app/models/user.py")]),
        ("app/api/users.py", "..models", ("user",), [(TargetKind.INTERNAL, "app/models/user.py")]),
        # `from ..services import auth, helper`: auth is a submodule, helper lives in __init__
        (
            "app/api/users.py",
            "..services",
            ("auth", "helper"),
            [
                (TargetKind.INTERNAL, "app/services/__init__.py"),
                (TargetKind.INTERNAL, "app/services/auth.py"),
            ],
        ),
        ("app/api/users.py", ".", ("x",), [(TargetKind.INTERNAL, "app/api/__init__.py")]),
        ("app/api/users.py", "app.services.nope", (), [(TargetKind.UNRESOLVED, "app.services.nope")]),
        ("app/api/users.py", "....x", (), [(TargetKind.UNRESOLVED, "....x")]),
        ("app/api/users.py", "flask", (), [(TargetKind.EXTERNAL, "flask")]),
        ("app/api/users.py", "os.path", (), [(TargetKind.STDLIB, "os")]),
        # src/ layout, namespace package `services` (no __init__.py)
        (
            "src/shop/main.py",
            "shop.services.orders",
            ("X",),
            [(TargetKind.INTERNAL, "src/shop/services/orders.py")],
        ),
        (
            "src/shop/main.py",
            "shop.services",
            ("orders",),
            [(TargetKind.INTERNAL, "src/shop/services/orders.py")],
        ),
        # a namespace package has no attributes of its own
        ("src/shop/main.py", "shop.services", ("Missing",), [(TargetKind.UNRESOLVED, "shop.services")]),
        ("main.py", "app", ("create_app",), [(TargetKind.INTERNAL, "app/__init__.py")]),
        # a sub-project run from its own folder (backend/run.sh): `routes` and `models` are top level there
        ("backend/routes/items.py", "models.item", (), [(TargetKind.INTERNAL, "backend/models/item.py")]),
    ],
)
def test_resolution(
    importer: str, spec: str, names: tuple[str, ...], expected: list[tuple[TargetKind, str]]
) -> None:
    assert resolve(importer, spec, names) == expected


def test_source_roots_are_found() -> None:
    roots = PythonResolver(FILES).roots
    assert "" in roots and "src" in roots and "backend" in roots


def test_stub_files_resolve() -> None:
    resolver = PythonResolver(["pkg/__init__.pyi", "pkg/mod.pyi"])
    fact = ImportFact("pkg.mod", ImportKind.STATIC, 1, 1, "")
    assert resolver.resolve("x.py", fact)[0].target == "pkg/mod.pyi"


def test_project_folder_named_like_the_standard_library() -> None:
    resolver = PythonResolver(["app/__init__.py", "app/http/users.py", "http/handlers.py", "main.py"])
    local = resolver.resolve("main.py", ImportFact("http.handlers", ImportKind.STATIC, 1, 1, ""))
    stdlib = resolver.resolve("main.py", ImportFact("http.client", ImportKind.STATIC, 1, 1, ""))
    assert [r.target for r in local] == ["http/handlers.py"]
    assert [r.kind for r in stdlib] == [TargetKind.STDLIB]


def test_namespace_package_keeps_the_submodules_it_has() -> None:
    fact = ImportFact("shop.services", ImportKind.STATIC, 1, 1, "", ("orders", "Missing"))
    assert [r.target for r in PythonResolver(FILES).resolve("src/shop/main.py", fact)] == [
        "src/shop/services/orders.py"
    ]


def test_package_wins_over_module_of_the_same_name() -> None:
    resolver = PythonResolver(["app.py", "app/__init__.py", "app/routes.py"])
    fact = ImportFact("app", ImportKind.STATIC, 1, 1, "", ("create_app",))
    assert [r.target for r in resolver.resolve("app.py", fact)] == ["app/__init__.py"]


# -- a namespace portion does not shadow a package (PEP 420) ---------------------------------------------

MIGRATIONS = ["app.py", "alembic/env.py", "alembic/versions/001_init.py", "alembic/script.py.mako"]


def _kinds(
    resolver: PythonResolver,
    spec: str,
    names: tuple[str, ...] = (),
    importer: str = "alembic/versions/001_init.py",
) -> list[tuple[TargetKind, str | None]]:
    fact = ImportFact(spec, ImportKind.STATIC, 1, 1, "", names)
    return [
        (r.kind, r.target if r.kind is TargetKind.INTERNAL else r.package)
        for r in resolver.resolve(importer, fact)
    ]


@pytest.mark.parametrize(
    "declared", [(), ("alembic",), ("flask-migrate",)], ids=["undeclared", "alembic", "other"]
)
def test_migrations_folder_named_like_a_package_is_not_the_package(declared: tuple[str, ...]) -> None:
    """`alembic/` of migrations (no __init__.py) cannot give `op`: `from alembic import op` is alembic's."""
    resolver = PythonResolver(MIGRATIONS, declared)
    assert _kinds(resolver, "alembic", ("op",)) == [(TargetKind.EXTERNAL, "alembic")]
    assert _kinds(resolver, "alembic.context") == [(TargetKind.EXTERNAL, "alembic")]


def test_declared_package_wins_over_a_namespace_portion() -> None:
    """Installed (declared) regular packages win even where the folder could satisfy the import."""
    files = [*MIGRATIONS, "alembic/op.py"]
    assert _kinds(PythonResolver(files, ["alembic"]), "alembic", ("op",)) == [
        (TargetKind.EXTERNAL, "alembic")
    ]
    # the distributions catalogue's import names count: `yaml/` does not shadow PyYAML
    yaml = PythonResolver(["app.py", "yaml/loader.py"], ["pyyaml"])
    assert _kinds(yaml, "yaml", ("loader",)) == [(TargetKind.EXTERNAL, "yaml")]


def test_project_namespace_package_still_resolves() -> None:
    files = [*MIGRATIONS, "alembic/op.py", "services/users.py"]
    resolver = PythonResolver(files, ["flask"])
    assert _kinds(resolver, "alembic", ("op",)) == [(TargetKind.INTERNAL, "alembic/op.py")]
    assert _kinds(resolver, "services.users", ("make",)) == [(TargetKind.INTERNAL, "services/users.py")]
    assert _kinds(resolver, "services", ("users",)) == [(TargetKind.INTERNAL, "services/users.py")]


def test_regular_package_named_like_a_dependency_stays_the_project_s() -> None:
    """A folder with __init__.py is a regular package found first on the path: it shadows the dependency,
    and a module it lacks is still a broken project import."""
    resolver = PythonResolver(["app.py", "alembic/__init__.py"], ["alembic"])
    assert _kinds(resolver, "alembic", ("op",)) == [(TargetKind.INTERNAL, "alembic/__init__.py")]
    assert _kinds(resolver, "alembic.op") == [(TargetKind.UNRESOLVED, "alembic.op")]


def test_migrations_folder_gives_no_res001(make_project: MakeProject) -> None:
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\nalembic\n",
        "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "alembic/env.py": "from alembic import context\n",
        "alembic/versions/001_init.py": "from alembic import op\nimport sqlalchemy as sa\n",
    }
    assert [f["rule"] for f in inspect_json(make_project, files)["findings"] if f["rule"] == "RES001"] == []
    files["app.py"] = "import services.users\n"  # a project import that matches no file
    files["services/__init__.py"] = ""
    assert [f["file"] for f in inspect_json(make_project, files)["findings"] if f["rule"] == "RES001"] == [
        "app.py"
    ]


def test_import_reaching_into_a_namespace_folder_then_missing_stays_res001() -> None:
    """`app/` without __init__.py holds `repositories/`: `app.repositories.user_repo` is the project's own
    import, broken; `from app.repositories import user_repo` too (docs/rules/RES001.md)."""
    resolver = PythonResolver(["main.py", "app/repositories/user_repository.py"], ["flask"])
    fact = ImportFact("app.repositories.user_repo", ImportKind.STATIC, 1, 1, "", ("UserRepository",))
    assert [r.kind for r in resolver.resolve("main.py", fact)] == [TargetKind.UNRESOLVED]
    fact = ImportFact("app.repositories", ImportKind.STATIC, 1, 1, "", ("user_repo",))
    assert [r.kind for r in resolver.resolve("main.py", fact)] == [TargetKind.UNRESOLVED]


def test_a_package_root_is_imported_by_its_own_name() -> None:
    """The project folder is itself a regular package (`agent_service/` with `__init__.py`, checked as the
    project): its modules import it by its name from its parent (`from agent_service.tools.db import pool`,
    as `uvicorn agent_service.main:app` run from above it loads them), so the imports are the project's own.
    A module the package lacks is a broken project import."""
    files = ["__init__.py", "main.py", "tools/__init__.py", "tools/db.py", "routers/items.py"]
    resolver = PythonResolver(files, (), "agent_service")
    assert _kinds(resolver, "agent_service.tools.db", ("pool",), "routers/items.py") == [
        (TargetKind.INTERNAL, "tools/db.py")
    ]
    assert _kinds(resolver, "agent_service.tools", ("db",), "main.py") == [
        (TargetKind.INTERNAL, "tools/db.py")
    ]
    assert _kinds(resolver, "agent_service", ("main",), "routers/items.py") == [
        (TargetKind.INTERNAL, "main.py")
    ]
    assert _kinds(resolver, "agent_service.tools.cache", (), "main.py") == [
        (TargetKind.UNRESOLVED, "agent_service.tools.cache")
    ]


def test_a_folder_that_is_no_package_is_not_imported_by_its_name() -> None:
    """Without `__init__.py` at the top, the project folder's name is no package of the project: an import of
    it is another distribution's."""
    resolver = PythonResolver(["main.py", "tools/db.py"], (), "agent_service")
    assert _kinds(resolver, "agent_service.tools.db", ("pool",), "main.py") == [
        (TargetKind.EXTERNAL, "agent_service")
    ]
