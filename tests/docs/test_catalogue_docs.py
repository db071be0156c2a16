"""docs/catalogues.md documents every key of every catalogue: each TOML key of a record of
cdverify/rules_schema/ (reached from the file's record) is named in a code span of the section of
docs/catalogues.md about that file (`### rules/<file>.toml`). A key added to the schema without a word in
the docs fails here."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator

import msgspec
import pytest

from cdverify import rules_schema
from cdverify.rules_schema import FILES, schema_of
from cdverify.rules_schema.base import Record
from docs.doc_blocks import DOCS

PAGE = DOCS / "catalogues.md"
# the catalogue files as the page's headings name them → the name schema_of knows
FILE_NAMES = {
    **{f"rules/{record.FILE}.toml": record.FILE for record in FILES},
    "rules/findings.toml": "findings",
    "rules/architecture/&lt;preset&gt;.toml": "architecture/clean_architecture",
}


def _records(annotation: object) -> Iterator[type]:
    """Every schema record an annotation reaches (through arrays, tables, unions and fields)."""
    if _is_record(annotation):
        yield annotation
        for hint in typing.get_type_hints(annotation).values():
            yield from _records(hint)
    for argument in typing.get_args(annotation):
        yield from _records(argument)


def _is_record(value: object) -> typing.TypeGuard[type]:
    return isinstance(value, type) and issubclass(value, Record) and value is not Record


def _keys(record: type) -> list[str]:
    return [field.encode_name for field in msgspec.structs.fields(record)]


def _section(heading: str) -> str:
    text = PAGE.read_text(encoding="utf-8")
    start = text.index(f"### {heading}\n")
    end = re.compile(r"^#{1,3} ", re.MULTILINE).search(text, start + 4)
    return text[start : end.start() if end else len(text)]


@pytest.mark.parametrize("heading", sorted(FILE_NAMES))
def test_every_key_of_the_file_is_documented(heading: str) -> None:
    # the names written in code spans of the section: `url`, `[[python]]`, `engines.<name>.label`
    named = {
        word for span in re.findall(r"`([^`\n]+)`", _section(heading)) for word in re.findall(r"\w+", span)
    }
    undocumented = sorted(
        f"{record.__name__}.{key}"
        for record in set(_records(schema_of(FILE_NAMES[heading])))
        for key in _keys(record)
        if key not in named
    )
    assert not undocumented, f"docs/catalogues.md, {heading}: keys not documented: {undocumented}"


def test_every_record_of_the_schema_belongs_to_a_documented_file() -> None:
    reached = {record for name in FILE_NAMES.values() for record in _records(schema_of(name))}
    defined = {
        value
        for value in vars(rules_schema).values()
        if _is_record(value) and value.__module__.startswith(rules_schema.__name__ + ".")
    }
    assert defined - reached == set(), (
        f"records no documented file reaches: {sorted(r.__name__ for r in defined - reached)}"
    )


def test_every_catalogue_file_has_a_section() -> None:
    text = PAGE.read_text(encoding="utf-8")
    shipped = {
        f"rules/{path.relative_to(DOCS.parent / 'rules').with_suffix('').as_posix()}.toml"
        for path in (DOCS.parent / "rules").rglob("*.toml")
    }
    headings = {heading.replace("&lt;preset&gt;", "clean_architecture") for heading in FILE_NAMES}
    assert shipped <= headings, f"catalogue files without a section: {sorted(shipped - headings)}"
    for heading in FILE_NAMES:
        assert f"### {heading}\n" in text
