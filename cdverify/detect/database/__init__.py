"""Database engines: which engines the application really talks to, from evidence.

Evidence is ranked (strongest first): a connection call or configuration key whose URL or dialect is
known (`create_engine(URL)`, `new Sequelize({dialect})`, `DATABASES[...]['ENGINE']`, Prisma
`provider`, `.env` `DATABASE_URL`), an engine-only module in code (dialect types, driver imports),
a declared dependency, a Compose service or data file, a URL merely written down. Each item has the
scope of its file, so tests and migrations never decide the run-time engine. Comments never count:
every code fact comes from the syntax tree. Pure functions over the project model; no I/O.

Detection only: the database verifier (`cdverify/verifiers/database.py`) judges the report.
Modules: report.py (the records), catalogue.py (rules/database/*.toml, URL and value lookup),
values.py (following a value through assignments and the environment), connections.py, code.py and
imports.py (evidence in code), files.py (manifests, settings and environment files), uses.py
(`collect`, and the grouping into one use per engine), harness.py (the engines that hold in a declared
harness environment, the paper's by default for its tasks).
"""

from cdverify.detect.database.catalogue import catalogue, engine_of_url, engine_of_value, in_memory, label
from cdverify.detect.database.harness import (
    PAPER_ENVIRONMENT,
    HarnessEngines,
    HarnessEnvironment,
    describe_run,
    in_harness,
)
from cdverify.detect.database.report import (
    COMPOSE_SERVICE,
    CONFIGURATION_SWITCH,
    KIND_RANK,
    DatabaseReport,
    EngineStatus,
    EngineUse,
    Evidence,
    EvidenceKind,
    RejectedUrl,
)
from cdverify.detect.database.uses import collect

__all__ = [
    "COMPOSE_SERVICE",
    "CONFIGURATION_SWITCH",
    "KIND_RANK",
    "PAPER_ENVIRONMENT",
    "DatabaseReport",
    "EngineStatus",
    "EngineUse",
    "Evidence",
    "EvidenceKind",
    "HarnessEngines",
    "HarnessEnvironment",
    "RejectedUrl",
    "catalogue",
    "collect",
    "describe_run",
    "engine_of_url",
    "engine_of_value",
    "in_harness",
    "in_memory",
    "label",
]
