"""The facts cache and the parallel parser must give exactly the results of a plain run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cdverify import inspect
from cdverify.cache import FactsCache
from cdverify.pipeline import _parse_many, parse_all

Make = Callable[[dict[str, str | bytes]], Path]

FILES: dict[str, str | bytes] = {
    "app/routes/users.py": "from app.repositories.users import Repo\n",
    "app/services/users.py": "from flask import abort\n",
    "app/repositories/users.py": "from app.models.user import User\n",
    "app/models/user.py": "class User: ...\n",
    "app/models/broken.py": "def f(:\n",
}


def test_warm_cache_gives_the_same_report_and_sees_edits(make_project: Make) -> None:
    root = make_project(FILES)
    cold = inspect(root).to_json()
    cache = FactsCache(root.resolve())
    assert len(cache.entries) == len(FILES)
    warm = inspect(root).to_json()
    assert warm == cold
    (root / "app/routes/users.py").write_text("from app.services.users import abort\n")
    edited = inspect(root).to_json()
    assert [f["rule"] for f in edited["findings"]] == ["PARSE001", "ARCH003"]


def test_corrupt_cache_is_ignored(make_project: Make) -> None:
    root = make_project(FILES)
    cache = FactsCache(root.resolve())
    cache.path.parent.mkdir(parents=True, exist_ok=True)
    cache.path.write_bytes(b"not a pickle")
    assert [f["rule"] for f in inspect(root).to_json()["findings"]] == ["PARSE001", "ARCH002", "ARCH003"]


def test_no_cache_writes_nothing(make_project: Make) -> None:
    root = make_project(FILES)
    inspect(root, use_cache=False)
    assert not FactsCache(root.resolve()).path.exists()


def test_parallel_parse_matches_serial(make_project: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"app/services/s{i}.py": f"from app.models.m{i} import M\nimport os\n" for i in range(40)}
    root = make_project(files)
    monkeypatch.setattr("cdverify.pipeline._PARALLEL_MIN_BYTES", 0)
    project = inspect(root, use_cache=False).analysis.project
    serial, _ = parse_all(project, None, jobs=1)
    parallel, _ = parse_all(project, None, jobs=2)
    assert parallel == serial
    batch = [(s, (root / s.path).read_bytes()) for s in project.sources]
    assert _parse_many(batch, 3) == _parse_many(batch, 1)
