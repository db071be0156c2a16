"""Synthetic patches at the edges of how the paper's verifiers read a patch, as an experiment in its layout.

    python benchmarks/gen_paper_edges.py OUT [--runs 2000] [--seed 13]

Each run of OUT/results/{runtime}/edge_agent/edge_model/{task}/2026-01-01T00-00-00/run_N/ holds one patch,
drawn at random from pieces that sit where a reproduction of the paper's verifiers can go wrong: layer
aliases in any case, in odd paths (`./`, `//`, a trailing `/`, non-ASCII names), imports with tabs and
double spaces, non-ASCII module names, several ESM imports on one line, multi-line and dynamic imports,
engine and ORM evidence near misses, lockfiles, a file given twice, lines that `str.splitlines` cuts (form
feeds, \\x85, \\u2028) or that look like diff headers (`+++`, `---`), CRLF patches, empty patches and
patches without a `diff --git` header. No run has a report: only the static verdicts are compared.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from gen_experiment import tasks

AGENT, MODEL, DATE = "edge_agent", "edge_model", "2026-01-01T00-00-00"
FOLDERS = [
    *["routes", "route", "Handlers", "handler", "routers", "VIEWS", "views"],
    *["services", "Service", "usecases", "use_cases"],
    *["models", "model", "Entities", "entity", "domain"],
    *["repositories", "repository", "repos", "data_access", "data", "dao", "DAL"],
    *["src", "app", "lib", "tests", "api", "controllers", "módulos", ".", "utils"],
]
NAMES = [
    "x.py",
    "index.js",
    "users.ts",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "README.md",
    "requirements.txt",
    "package.json",
    ".env",
]
MODULES = [
    "services.users",
    "app.routes.x",
    "models",
    "data.repo",
    "módulos.services",
    "Domain.User",
    "lib.views",
]
PATHS = ["../services/users", "./routes/index.js", "../models/user", "./repos", "../DAL/x", "", "lib/helpers"]
SPACES = [" ", "  ", "\t", " \t "]
EVIDENCE = [
    "import sqlite3",
    "import  sqlite3",
    "from\tsqlite3 import connect",
    "from sqlite3  import connect",
    "x = 1;import sqlite3",
    "x = 1; import sqlite3",
    "Import sqlite3",
    "import aiosqlite",
    "from  aiosqlite import connect",
    "from aiosqlite.pool import connect",
    "URL = 'sqlite:///app.db'",
    "URL = 'SQLite+pysqlite:///app.db'",
    "URL = 'sqlite://app.db'",
    "'ENGINE': 'django.db.backends.sqlite3'",
    "'ENGINE': 'django.db.backends.postgresql'",
    'require("sqlite3")',
    "'better-sqlite3'",
    "dialect: 'sqlite'",
    'dialect = "SQLite"',
    "psycopg2-binary==2.9",
    "Psycopg2",
    "import  asyncpg",
    "from asyncpg\timport connect",
    "DATABASE_URL=postgresql+asyncpg://u@h/db",
    "postgres:/x",
    "from sqlalchemy.dialects.postgresql import JSONB",
    "require('pg')",
    "require('PG')",
    '"pg-promise": "11"',
    "dialect: 'postgresql'",
    "host = 'postgres'",
    "host: 'postgres.local'",
    "SQLAlchemy==2.0",
    "from sqlalchemy import text",
    "const { Sequelize } = require( 'sequelize' )",
    "import { Model } from 'sequelize'",
    '"sequelize": "6.37.8"',
    "new Sequelize(url)",
    "Sequelize.define()",
]
CUTS = ["\x0c", "\x85", "\u2028", "\x0b", "\x1c"]


def import_line(rng: random.Random) -> str:
    space = rng.choice(SPACES)
    module, path, other = rng.choice(MODULES), rng.choice(PATHS), rng.choice(PATHS)
    return rng.choice(
        [
            f"{rng.choice(['', '    ', chr(9)])}from{space}{module}{space}import x",
            f"import{space}{module}",
            f"x = 1; from {module} import y",
            f"const a = require({rng.choice(['', ' '])}'{path}'{rng.choice(['', ' '])})",
            f"import a from '{path}'; import b from '{other}'",
            f'import {{ a }}{space}from{space}"{path}"',
            f"import {{\n  a,\n}} from '{path}'",
            f"import('{path}')",
            f"import services from '{path}'",
        ]
    )


def added_lines(rng: random.Random) -> list[str]:
    lines = []
    for _ in range(rng.randint(0, 8)):
        kind = rng.random()
        if kind < 0.45:
            line = import_line(rng)
        elif kind < 0.85:
            line = rng.choice(EVIDENCE)
        else:
            line = rng.choice(["++ lost", "-- kept as text", "diff --git a/fake b/fake", "plain text"])
        if rng.random() < 0.08:
            cut = rng.choice(CUTS)
            line = f"{rng.choice(EVIDENCE)}{cut}{line}"
        lines.extend(line.split("\n"))
    return lines


def file_path(rng: random.Random) -> str:
    folders = [rng.choice(FOLDERS) for _ in range(rng.randint(0, 3))]
    joiner = rng.choice(["/", "/", "/", "//"])
    path = joiner.join([*folders, rng.choice(NAMES)])
    return path + ("/" if rng.random() < 0.03 else "")


def section(path: str, lines: list[str], rng: random.Random) -> str:
    body = [f"+{line}" for line in lines]
    if rng.random() < 0.2:
        body.insert(
            rng.randint(0, len(body)), rng.choice([" context line", "-removed line", "\\ No newline"])
        )
    header = f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..1234567\n"
    return (
        header
        + f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n"
        + "".join(f"{b}\n" for b in body)
    )


def edge_patch(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.02:
        return ""
    sections = []
    for _ in range(rng.randint(1, 7)):
        path = file_path(rng)
        sections.append(section(path, added_lines(rng), rng))
        if rng.random() < 0.08:  # the same file again, later in the patch
            sections.append(section(path, added_lines(rng), rng))
    text = "".join(sections)
    if draw < 0.04:
        text = text.replace("diff --git ", "diff -u ")  # no `diff --git` header
    if rng.random() < 0.05:
        text = text.replace("\n", "\r\n")
    return text


def make(out: Path, runs: int, seed: int) -> int:
    """Write `runs` edge patches to OUT/results; returns the number written."""
    rng = random.Random(seed)
    results = out / "results"
    shutil.rmtree(results, ignore_errors=True)
    trials: dict[str, int] = {}
    everything = tasks()
    for _ in range(runs):
        runtime, task = rng.choice(everything)
        trials[task] = trials.get(task, 0) + 1
        folder = results / runtime / AGENT / MODEL / task / DATE / f"run_{trials[task]}"
        folder.mkdir(parents=True)
        (folder / f"{AGENT}-{task}.patch").write_bytes(edge_patch(rng).encode("utf-8"))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    print(f"{args.out}: {make(args.out, args.runs, args.seed)} runs")


if __name__ == "__main__":
    main()
