"""The parser's library bindings (rules/parse.toml): read once per process, typed, and part of the key of
the facts cache, so that an edit of the catalogue never serves facts parsed under the old one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cdverify import cache
from cdverify.locations import data_dir
from cdverify.model import Language
from cdverify.parse import parse_source
from cdverify.parse.libraries import node_libraries, python_libraries


def test_the_catalogue_is_loaded_once_and_read_as_sets() -> None:
    parse_source("a.ts", Language.TYPESCRIPT, b"process.env.PORT;\n")
    assert node_libraries() is node_libraries()
    assert python_libraries() is python_libraries()
    libraries = node_libraries()
    assert "process.env" in libraries.env_objects
    assert "path.join()" in libraries.path_joins and "node:path.posix.resolve()" in libraries.path_joins
    assert "fastify-plugin" in libraries.plugin_wrappers
    assert [binding.value for binding in libraries.parameters][:1] == ["fastify()"]
    assert "os.getenv" in python_libraries().env_getters


@pytest.fixture
def rules_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped rules and grammars copied where a test may edit them, as the facts cache sees them."""
    for kind in ("rules", "grammars"):
        shutil.copytree(data_dir(kind), tmp_path / kind)
    monkeypatch.setattr(cache, "data_dir", lambda kind: tmp_path / kind)
    return tmp_path / "rules"


def test_an_edit_of_the_parsers_catalogue_changes_the_facts_cache_key(rules_copy: Path) -> None:
    before = cache._code_fingerprint()
    assert cache._code_fingerprint() == before  # a key, not a nonce
    catalogue = rules_copy / "parse.toml"
    catalogue.write_text(catalogue.read_text().replace('"transaction", ', ""))
    assert cache._code_fingerprint() != before


def test_an_edit_of_another_catalogue_keeps_the_facts(rules_copy: Path) -> None:
    before = cache._code_fingerprint()
    findings = rules_copy / "findings.toml"
    findings.write_text(findings.read_text() + "\n# a comment\n")
    assert cache._code_fingerprint() == before
