"""Python resolution from files alone: source roots, relative imports, namespace packages."""

from __future__ import annotations

import pytest

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
