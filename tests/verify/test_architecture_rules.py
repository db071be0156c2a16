"""Every architecture rule with a violating and a clean case, in Python and in TypeScript."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cdverify import inspect, verify
from cdverify.config import ConfigError

Make = Callable[[dict[str, str | bytes]], Path]

# A clean four-layer Flask app; tests add or replace files to seed one violation each.
PY_CLEAN: dict[str, str | bytes] = {
    "app/__init__.py": "",
    "app/routes/users.py": "from flask import Blueprint\nfrom app.services.users import UserService\n",
    "app/services/users.py": "from app.repositories.users import UserRepository\nfrom app.models.user import User\n",
    "app/repositories/users.py": "from app.models.user import User\n",
    "app/models/user.py": "class User: ...\n",
    "tests/test_users.py": "from app.repositories.users import UserRepository\nfrom app.routes.users import bp\n",
}

TS_CLEAN: dict[str, str | bytes] = {
    "package.json": '{"name": "api", "dependencies": {"express": "^4"}}',
    "src/controllers/user.controller.ts": "import { Router } from 'express';\nimport { UserService } from '../services/user.service';\n",
    "src/services/user.service.ts": "import { UserRepository } from '../repositories/user.repository';\n",
    "src/repositories/user.repository.ts": "import { User } from '../models/user';\n",
    "src/models/user.ts": "export class User {}\n",
}


def rules_of(root: Path) -> list[tuple[str, str, int]]:
    return [
        (f.rule, f.location.path, f.location.line)
        for f in inspect(root).findings
        if f.rule.startswith("ARCH")
    ]


@pytest.mark.parametrize("files", [PY_CLEAN, TS_CLEAN], ids=["python", "typescript"])
def test_clean_projects_have_no_architecture_findings(
    make_project: Make, files: dict[str, str | bytes]
) -> None:
    root = make_project(files)
    assert rules_of(root) == []
    report = verify(root, "clean_architecture")
    assert report.verdicts["architecture"].status == "pass"
    assert report.exit_code == 0


def test_arch001_upward_import(make_project: Make) -> None:
    root = make_project(
        {**PY_CLEAN, "app/models/user.py": "from app.services.users import UserService\nclass User: ...\n"}
    )
    findings = inspect(root).findings
    upward = [f for f in findings if f.rule == "ARCH001"]
    assert [(f.location.path, f.location.line, f.data["from_layer"], f.data["to_layer"]) for f in upward] == [
        ("app/models/user.py", 1, "models", "services")
    ]
    assert upward[0].data["kind"] == "upward" and upward[0].data["type_only"] is False
    assert verify(root, "clean_architecture").exit_code == 1


def test_arch001_type_only_import_is_reported_and_marked(make_project: Make) -> None:
    root = make_project(
        {
            **TS_CLEAN,
            "src/models/user.ts": "import type { UserService } from '../services/user.service';\nexport class User {}\n",
        }
    )
    (finding,) = [f for f in inspect(root).findings if f.rule.startswith("ARCH")]
    assert finding.rule == "ARCH001"
    assert finding.data["type_only"] is True
    assert finding.data["import_kind"] == "type_only"


@pytest.mark.parametrize(
    ("files", "path", "line"),
    [
        (
            {
                **TS_CLEAN,
                "src/controllers/user.controller.ts": "import { Router } from 'express';\n"
                "import type { UserRepository } from '../repositories/user.repository';\n"
                "import { UserRepository as Repo } from '../repositories/user.repository';\n",
                "src/services/user.service.ts": "import type { Request } from 'express';\n"
                "import { UserRepository } from '../repositories/user.repository';\n",
            },
            "src/controllers/user.controller.ts",
            3,
        ),
        (
            {
                **PY_CLEAN,
                "app/routes/users.py": "from typing import TYPE_CHECKING\nfrom flask import Blueprint\n"
                "from app.services.users import UserService\nif TYPE_CHECKING:\n"
                "    from app.repositories.users import UserRepository\n"
                "from app.repositories.users import UserRepository as Repo\n",
            },
            "app/routes/users.py",
            6,
        ),
    ],
    ids=["typescript", "python"],
)
def test_type_only_imports_ignore_keeps_run_time_violations(
    make_project: Make, files: dict[str, str | bytes], path: str, line: int
) -> None:
    """`type_only_imports = "ignore"`: an `import type` / `if TYPE_CHECKING:` import breaks no layer rule
    (ARCH001, ARCH002, ARCH003), a run-time import of the same module still does; the default reports both."""
    root = make_project(files)
    reported = rules_of(root)
    assert len([r for r in reported if r[1] == path and r[0] == "ARCH002"]) == 2
    (root / "cdverify.toml").write_text('type_only_imports = "ignore"\n')
    assert rules_of(root) == [("ARCH002", path, line)]


def test_type_only_imports_setting_is_checked(make_project: Make) -> None:
    root = make_project({**PY_CLEAN, "cdverify.toml": 'type_only_imports = "skip"\n'})
    with pytest.raises(ConfigError, match='type_only_imports must be "report" or "ignore"'):
        inspect(root)


def test_arch002_route_reaches_repository(make_project: Make) -> None:
    root = make_project(
        {
            **TS_CLEAN,
            "src/controllers/user.controller.ts": "import { UserRepository } from '../repositories/user.repository';\n",
        }
    )
    assert rules_of(root) == [("ARCH002", "src/controllers/user.controller.ts", 1)]


def test_arch002_through_an_unlayered_barrel(make_project: Make) -> None:
    root = make_project(
        {
            **TS_CLEAN,
            "src/lib/index.ts": "export * from '../repositories/user.repository';\n",
            "src/controllers/user.controller.ts": "import { UserRepository } from '../lib';\n",
        }
    )
    (finding,) = [f for f in inspect(root).findings if f.rule.startswith("ARCH")]
    assert finding.rule == "ARCH002"
    assert finding.data["via"] == ["src/lib/index.ts"]


def test_arch002_names_the_service_that_already_wraps_the_repository(make_project: Make) -> None:
    """issue 19: the hint names the service to call: the one named like the route first, then like the
    repository; every such service is in `wrapped_by`, a type-only import is none."""
    root = make_project(
        {
            **PY_CLEAN,
            "app/routes/profiles.py": "from app.repositories.users import UserRepository\n",
            "app/services/profiles.py": "from app.repositories.users import UserRepository\n",
            "app/services/audit.py": "from app.repositories.users import UserRepository\n",
            "app/services/typing_only.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.repositories.users import X\n"
            ),
        }
    )
    (finding,) = [f for f in inspect(root).findings if f.rule == "ARCH002"]
    assert finding.data["wrapped_by"] == [
        "app/services/profiles.py",
        "app/services/users.py",
        "app/services/audit.py",
    ]
    assert finding.hint == (
        "call app/services/profiles.py, which already wraps app/repositories/users.py (so do 2 other files of"
        " its layer); only services may use repositories"
    )


def test_arch002_with_one_wrapping_service(make_project: Make) -> None:
    root = make_project(
        {**PY_CLEAN, "app/routes/users.py": "from app.repositories.users import UserRepository\n"}
    )
    (finding,) = [f for f in inspect(root).findings if f.rule == "ARCH002"]
    assert finding.hint == (
        "call app/services/users.py, which already wraps app/repositories/users.py; only services may use repositories"
    )


def test_arch002_without_a_wrapping_service_asks_for_one(make_project: Make) -> None:
    root = make_project(
        {
            **PY_CLEAN,
            "app/routes/users.py": "from app.repositories.users import UserRepository\n",
            "app/services/users.py": "from app.models.user import User\n",
        }
    )
    (finding,) = [f for f in inspect(root).findings if f.rule == "ARCH002"]
    assert "wrapped_by" not in finding.data
    assert (
        finding.hint
        == "call a service that wraps app/repositories/users.py; only services may use repositories"
    )


def test_arch003_framework_in_service(make_project: Make) -> None:
    root = make_project(
        {
            **PY_CLEAN,
            "app/services/users.py": "from flask import abort\nfrom werkzeug.security import generate_password_hash\n",
        }
    )
    assert rules_of(root) == [("ARCH003", "app/services/users.py", 1)]


def test_arch003_clean_service_may_use_plain_libraries(make_project: Make) -> None:
    root = make_project(
        {
            **PY_CLEAN,
            "app/services/users.py": "import bcrypt\nfrom werkzeug.security import check_password_hash\n",
        }
    )
    assert rules_of(root) == []


def test_arch003_node_scoped_framework_package(make_project: Make) -> None:
    root = make_project(
        {**TS_CLEAN, "src/services/user.service.ts": "import { Injectable } from '@nestjs/common';\n"}
    )
    assert rules_of(root) == [("ARCH003", "src/services/user.service.ts", 1)]


def test_arch004_missing_layer(make_project: Make) -> None:
    files = {k: v for k, v in PY_CLEAN.items() if "repositories" not in k}
    files["app/services/users.py"] = "from app.models.user import User\n"
    root = make_project(files)
    assert rules_of(root) == [("ARCH004", ".", 0)]


def test_arch005_layer_known_by_file_name_only(make_project: Make) -> None:
    files = {k: v for k, v in PY_CLEAN.items() if "repositories" not in k}
    files["app/user_repository.py"] = "from app.models.user import User\n"
    files["app/services/users.py"] = "from app.user_repository import UserRepository\n"
    root = make_project(files)
    assert rules_of(root) == [("ARCH005", "app/user_repository.py", 0)]
    assert inspect(root).to_json()["architecture"]["layers"]["repositories"] == ["app/user_repository.py"]


def test_arch006_layer_cycle_and_arch007_file_cycle(make_project: Make) -> None:
    root = make_project(
        {
            **PY_CLEAN,
            "app/repositories/users.py": "from app.models.user import User\nfrom app.services.users import UserService\n",
        }
    )
    found = rules_of(root)
    assert ("ARCH001", "app/repositories/users.py", 2) in found
    assert ("ARCH006", "app/repositories/users.py", 2) in found
    assert ("ARCH007", "app/repositories/users.py", 2) in found
    findings = inspect(root).findings
    cycle = next(f for f in findings if f.rule == "ARCH006")
    assert cycle.data["cycle"] == ["repositories", "services"]
    file_cycle = next(f for f in findings if f.rule == "ARCH007")
    assert (
        file_cycle.evidence
        == "app/repositories/users.py:2 → app/services/users.py:1 → app/repositories/users.py"
    )


def test_arch007_prints_a_real_cycle_not_the_sorted_group(make_project: Make) -> None:
    # a.py → c.py → b.py → a.py: sorted order (a, b, c) would invent a.py → b.py and b.py → c.py
    root = make_project(
        {
            "app/a.py": "import os\nfrom app.c import x\n",
            "app/b.py": "from app.a import y\n",
            "app/c.py": "from app.b import z\n",
        }
    )
    (finding,) = [f for f in inspect(root).findings if f.rule == "ARCH007"]
    assert (finding.location.path, finding.location.line) == ("app/a.py", 2)
    assert finding.evidence == "app/a.py:2 → app/c.py:1 → app/b.py:1 → app/a.py"
    assert finding.data["cycle"] == ["app/a.py", "app/c.py", "app/b.py"]


def test_type_only_imports_make_no_cycle(make_project: Make) -> None:
    root = make_project(
        {
            **PY_CLEAN,
            "app/repositories/users.py": (
                "from typing import TYPE_CHECKING\nfrom app.models.user import User\n"
                "if TYPE_CHECKING:\n    from app.services.users import UserService\n"
            ),
        }
    )
    assert rules_of(root) == [("ARCH001", "app/repositories/users.py", 4)]


def test_out_of_scope_code_is_not_layered(make_project: Make) -> None:
    root = make_project(
        {
            **PY_CLEAN,
            "migrations/env.py": "from app.routes.users import bp\n",
            "scripts/seed.py": "from app.repositories.users import UserRepository\n",
        }
    )
    assert rules_of(root) == []


def test_layer_synonyms_and_deepest_folder_wins(make_project: Make) -> None:
    root = make_project(
        {
            "src/presentation/http/user.controller.ts": "import { CreateUser } from '../../application/use-cases/create-user';\n",
            "src/application/use-cases/create-user.ts": "import { UserRepo } from '../../infrastructure/data-access/user.repo';\n",
            "src/infrastructure/data-access/user.repo.ts": "import { User } from '../../domain/entities/user';\n",
            "src/domain/entities/user.ts": "export class User {}\n",
            "src/domain/services/pricing.ts": "export const price = 1;\n",
        }
    )
    layers = inspect(root).to_json()["architecture"]["layers"]
    assert layers == {
        "routes": ["src/presentation/http"],
        "services": ["src/application/use-cases", "src/domain/services"],
        "repositories": ["src/infrastructure/data-access"],
        "models": ["src/domain/entities"],
    }
    assert rules_of(root) == []


def test_abstractions_folder_is_not_layered_by_file_name(make_project: Make) -> None:
    root = make_project(
        {
            **PY_CLEAN,
            "app/interfaces/repository.py": "class IRepository: ...\n",
            "app/models/base.py": "from app.interfaces.repository import IRepository\n",
        }
    )
    assert "app/interfaces/repository.py" not in inspect(root).analysis.layers.files
    assert rules_of(root) == []
