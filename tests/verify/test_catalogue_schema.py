"""Every rule catalogue in rules/ is checked against its schema (cdverify/rules_schema/): each shipped file
loads as its typed record, and a broken copy fails at load naming the file, the line, the key and the
expected type."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cdverify.catalog import data_dir, decode_rules
from cdverify.rules_schema import ArchitecturePreset, FindingRule, Frameworks, schema_of
from cdverify.typed_toml import SchemaError, key_lines

RULES = data_dir("rules")
NAMES = sorted(p.relative_to(RULES).with_suffix("").as_posix() for p in RULES.rglob("*.toml"))


def _text(name: str) -> str:
    return (RULES / f"{name}.toml").read_text(encoding="utf-8")


def _line_of(text: str, pattern: str) -> int:
    """1-based line of the first line matching `pattern`."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if re.search(pattern, line))


def _rejected(name: str, text: str) -> SchemaError:
    with pytest.raises(SchemaError) as caught:
        decode_rules(name, text)
    return caught.value


@pytest.mark.parametrize("name", NAMES)
def test_every_shipped_catalogue_loads_as_its_record(name: str) -> None:
    loaded = decode_rules(name, _text(name))
    schema = schema_of(name)
    if name == "findings":
        assert loaded and all(isinstance(rule, FindingRule) for rule in loaded.values())
    else:
        assert isinstance(loaded, schema)


def test_a_file_without_schema_is_refused() -> None:
    with pytest.raises(LookupError, match=r"rules/nonsense\.toml has no schema"):
        schema_of("nonsense")


def test_misspelt_key_is_rejected_with_file_line_and_known_keys() -> None:
    text = _text("frameworks").replace(
        '[python.fastapi]\npackages = ["fastapi"]', '[python.fastapi]\npakages = ["fastapi"]'
    )
    line = _line_of(text, r"^pakages = ")
    error = _rejected("frameworks", text)
    message = str(error)
    assert f"rules/frameworks.toml:{line}: unknown key `pakages` in [python.fastapi]" in message
    assert "known: " in message and "packages" in message
    # the key it replaced is now missing, reported at the table's header
    assert (
        _line_of(text, r"^\[python\.fastapi\]"),
        "missing key `python.fastapi.packages` (an array of strings)",
    ) in [(n, m) for n, m in error.problems]


def test_wrong_type_names_key_line_and_expected_type() -> None:
    text = _text("orm/sinks").replace('name = "asyncpg"\n', 'name = "asyncpg"\narg = "1"\n')
    line = _line_of(text, r'^arg = "1"')
    error = _rejected("orm/sinks", text)
    assert len(error.problems) == 1
    assert re.fullmatch(
        rf"rules/orm/sinks\.toml:{line}: `python\[\d+\]\.arg` must be an integer, not a string", str(error)
    )


def test_inline_table_keys_and_array_items_are_placed_on_their_line() -> None:
    text = _text("frameworks").replace('"django.urls.re_path" = "*"', '"django.urls.re_path" = 1')
    line = _line_of(text, r'"django\.urls\.re_path" = 1')
    assert str(_rejected("frameworks", text)) == (
        f"rules/frameworks.toml:{line}: `python.django.route_calls.django.urls.re_path` must be a string, not an integer"
    )
    text = _text("architecture/clean_architecture").replace(
        'file_suffixes = ["service",', "file_suffixes = [3,"
    )
    line = _line_of(text, r"^file_suffixes = \[3,")
    assert str(_rejected("architecture/clean_architecture", text)) == (
        f"rules/architecture/clean_architecture.toml:{line}: `layers.services.file_suffixes[0]` must be a string, "
        "not an integer"
    )


def test_every_error_of_a_file_is_reported_at_once() -> None:
    text = (
        _text("findings")
        .replace('severity = "error"', 'severity = "fatal"', 1)
        .replace("summary =", "sumary =", 1)
    )
    error = _rejected("findings", text)
    lines = sorted(n for n, _ in error.problems)
    assert _line_of(text, r'severity = "fatal"') in lines and _line_of(text, r"^sumary =") in lines
    assert any("must be one of 'error', 'warning', 'info'" in m for _, m in error.problems)


def test_key_lines_reads_headers_arrays_of_tables_and_dotted_keys() -> None:
    text = '# c = 1\nx = 1  # [not.a.header]\n[a."b.c"]\nk.l = [\n  "q = 2", [3],\n]\n[[t]]\nm = { n = 1, "o.p" = 2 }\n[[t]]\nm = 0\n'
    assert key_lines(text) == {
        ("x",): 2,
        ("a", "b.c"): 3,
        ("a", "b.c", "k", "l"): 4,
        ("t", 0): 7,
        ("t", 0, "m"): 8,
        ("t", 0, "m", "n"): 8,
        ("t", 0, "m", "o.p"): 8,
        ("t", 1): 9,
        ("t", 1, "m"): 10,
    }


def test_records_are_frozen_and_the_preset_renames_from() -> None:
    preset = decode_rules("architecture/clean_architecture", _text("architecture/clean_architecture"))
    assert isinstance(preset, ArchitecturePreset)
    assert [(b.source, b.to) for b in preset.bypass] == [("routes", "repositories")]
    frameworks = decode_rules("frameworks", _text("frameworks"))
    assert isinstance(frameworks, Frameworks)
    with pytest.raises(AttributeError):
        frameworks.python = {}  # type: ignore[misc]


def test_a_broken_catalogue_fails_the_loader_loudly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole-catalogue loader (the one `cdverify check` uses) stops on a broken file, cache or not."""
    import shutil

    from cdverify import catalog

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    broken = rules / "node" / "builtins.toml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("prefix_only =", "prefix_onyl ="), encoding="utf-8"
    )
    monkeypatch.setenv("CDVERIFY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(catalog, "data_dir", lambda kind: rules)
    catalog._all_rules.cache_clear()
    try:
        with pytest.raises(SchemaError, match=r"rules/node/builtins\.toml:\d+: unknown key `prefix_onyl`"):
            catalog._all_rules()
        assert not list((tmp_path / "cache").glob("rules-*.pickle"))  # nothing cached from a broken catalogue
    finally:
        catalog._all_rules.cache_clear()


def test_constraint_values_come_from_the_catalogues() -> None:
    """One source for the accepted values: the engines a `database` value names exist, and the values are
    those the paper's constraint model has always accepted."""
    from cdverify.catalog import load_rules
    from cdverify.constraints import axis_values
    from cdverify.rules_schema import Engines

    engines = load_rules(Engines)
    assert set(engines.constraint.values()) <= set(engines.engines)
    assert axis_values()["framework"] == (
        "flask",
        "fastapi",
        "django",
        "aiohttp",
        "express",
        "fastify",
        "hono",
        "koa",
    )
    assert axis_values()["architecture"] == ("clean_architecture",)
    assert axis_values()["database"] == ("sqlite", "postgres")
    assert axis_values()["orm"] == ("sqlalchemy", "sequelize")


def test_a_toml_syntax_error_names_the_file_and_line() -> None:
    text = _text("python/distributions").replace('yaml = ["PyYAML"]', 'yaml = ["PyYAML"] x', 1)
    error = _rejected("python/distributions", text)
    assert str(error).startswith(
        f"rules/python/distributions.toml:{_line_of(text, r'^yaml = ')}: not valid TOML"
    )
