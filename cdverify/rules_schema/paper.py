"""The paper's own verifiers, as data (rules/paper_verifiers.toml), for `grade --verifiers paper`."""

from __future__ import annotations

from typing import ClassVar

from cdverify.rules_schema.base import Record, Strings

# -- paper_verifiers.toml ---------------------------------------------------------------------------


class PaperLayer(Record, frozen=True):
    name: str
    rank: int
    aliases: Strings


class PaperPattern(Record, frozen=True):
    id: str
    pattern: str


class PaperArchitecture(Record, frozen=True):
    minimum_layers: int
    layer: tuple[PaperLayer, ...]
    import_pass: tuple[PaperPattern, ...]


class PaperEngineEvidence(Record, frozen=True):
    id: str
    engine: str
    pattern: str
    ignore_case: bool = False


class DjangoException(Record, frozen=True):
    expected: str
    dropped: str


class PaperDatabase(Record, frozen=True):
    evidence: tuple[PaperEngineEvidence, ...]
    django_exception: tuple[DjangoException, ...]


class PaperOrmEvidence(Record, frozen=True):
    id: str
    orm: str
    pattern: str
    ignore_case: bool = False


class PaperOrm(Record, frozen=True):
    evidence: tuple[PaperOrmEvidence, ...]


class PaperVerifiers(Record, frozen=True):
    FILE: ClassVar[str] = "paper_verifiers"
    lockfiles: Strings
    architecture: PaperArchitecture
    database: PaperDatabase
    orm: PaperOrm
