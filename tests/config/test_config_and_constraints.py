"""Configuration files, command-line overrides, ignores, and constraint spellings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cdverify import ConfigError, inspect, load_config, parse_constraints
from cdverify.config import build_config
from cdverify.constraints import Constraints, merge

Make = Callable[[dict[str, str | bytes]], Path]

APP: dict[str, str | bytes] = {
    "app/routes/users.py": "from app.repositories.users import Repo\n",
    "app/services/users.py": "",
    "app/repositories/users.py": "",
    "app/models/user.py": "",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("flask+clean_architecture", Constraints("flask", "clean_architecture", language="python")),
        ("python-flask-openapi-unconstrained", Constraints("flask", language="python", task="paper")),
        (
            "node-express-openapi-clean_architecture-sqlite-sequelize",
            Constraints("express", "clean_architecture", "sqlite", "sequelize", "node", task="paper"),
        ),
        # the paper's results name tasks without a prefix, its task files with the runtime's (`uv-`, `node-`)
        (
            "flask-openapi-clean_architecture-postgres-sqlalchemy",
            Constraints("flask", "clean_architecture", "postgres", "sqlalchemy", "python", task="paper"),
        ),
        ("uv-flask-openapi-unconstrained", Constraints("flask", language="python", task="paper")),
        ("hono-openapi-sqlite", Constraints("hono", database="sqlite", language="node", task="paper")),
        ("FastAPI+PostgreSQL+SQLAlchemy", Constraints("fastapi", None, "postgres", "sqlalchemy", "python")),
        ("clean_architecture", Constraints(architecture="clean_architecture")),
        ("clean-architecture", Constraints(architecture="clean_architecture")),
    ],
)
def test_constraint_spellings(text: str, expected: Constraints) -> None:
    assert parse_constraints(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "flask+spring",
        "flask+sequelize+sqlite",
        "express+sqlalchemy+postgres",
        "flask+sqlalchemy",
        "flask+express",
        "uv-express-openapi-unconstrained",
        "",
    ],
)
def test_bad_constraints_are_usage_errors(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_constraints(text)


def test_level_and_merge() -> None:
    base = parse_constraints("python-flask-openapi-clean_architecture-sqlite-sqlalchemy")
    assert base.level == 3
    assert merge(base, architecture="none").level == 2
    with pytest.raises(ConfigError):
        merge(base, database="oracle")


def test_config_from_pyproject_with_custom_layer_names(make_project: Make) -> None:
    root = make_project(
        {
            "pyproject.toml": '[tool.cdverify]\n[tool.cdverify.layers.routes]\ndirectories = ["gateways_in"]\n',
            "app/gateways_in/users.py": "from app.repositories.users import Repo\n",
            "app/services/users.py": "",
            "app/repositories/users.py": "",
            "app/models/user.py": "",
        }
    )
    report = inspect(root)
    assert report.analysis.layers.files["app/gateways_in/users.py"] == "routes"
    assert [f.rule for f in report.findings] == ["ARCH002"]
    assert report.to_json()["config"].endswith("pyproject.toml")


def test_layer_globs_from_command_line_win(make_project: Make) -> None:
    root = make_project({**APP, "app/web_layer/x.py": ""})
    config = load_config(root, layer_globs={"routes": ["app/web_layer/**"]})
    assert inspect(root, config).analysis.layers.files["app/web_layer/x.py"] == "routes"


def test_ignore_needs_a_reason(make_project: Make) -> None:
    root = make_project({**APP, "cdverify.toml": '[[ignore]]\nrule = "ARCH002"\npath = "app/routes/*"\n'})
    with pytest.raises(ConfigError, match="reason"):
        inspect(root)


def test_ignore_suppresses_and_unused_ignore_is_reported(make_project: Make) -> None:
    root = make_project(
        {
            **APP,
            "cdverify.toml": (
                '[[ignore]]\nrule = "ARCH002"\npath = "app/routes/*"\nreason = "legacy endpoint, ticket 12"\n'
                '[[ignore]]\nrule = "ARCH001"\npath = "app/nowhere.py"\nreason = "stale"\n'
            ),
        }
    )
    report = inspect(root)
    assert [f.rule for f in report.suppressed] == ["ARCH002"]
    assert [f.rule for f in report.findings] == ["CFG001"]


def test_unknown_keys_and_layers_are_all_reported_at_once() -> None:
    with pytest.raises(ConfigError) as error:
        build_config({"bogus": 1, "layers": {"controllers": {}}, "scopes": {"nonsense": ["x"]}})
    assert len(error.value.problems) == 3


def test_missing_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        inspect(tmp_path / "missing")
