"""The paper's own verifiers, as data (rules/paper_verifiers.toml), for `grade --verifiers paper`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from cdverify.rules_schema.base import Strings

# -- paper_verifiers.toml ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperLayer:
    name: str
    rank: int
    aliases: Strings


@dataclass(frozen=True)
class PaperPattern:
    id: str
    pattern: str


@dataclass(frozen=True)
class PaperArchitecture:
    minimum_layers: int
    layer: tuple[PaperLayer, ...]
    import_pass: tuple[PaperPattern, ...]


@dataclass(frozen=True)
class PaperEngineEvidence:
    id: str
    engine: str
    pattern: str
    ignore_case: bool = False


@dataclass(frozen=True)
class DjangoException:
    expected: str
    dropped: str


@dataclass(frozen=True)
class PaperDatabase:
    evidence: tuple[PaperEngineEvidence, ...]
    django_exception: tuple[DjangoException, ...]


@dataclass(frozen=True)
class PaperOrmEvidence:
    id: str
    orm: str
    pattern: str
    ignore_case: bool = False


@dataclass(frozen=True)
class PaperOrm:
    evidence: tuple[PaperOrmEvidence, ...]


@dataclass(frozen=True)
class PaperVerifiers:
    FILE: ClassVar[str] = "paper_verifiers"
    lockfiles: Strings
    architecture: PaperArchitecture
    database: PaperDatabase
    orm: PaperOrm
