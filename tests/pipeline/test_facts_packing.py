"""The facts cache's layout (`cache.dumps` / `unpack`) and the parser's shared strings and values: what is
stored comes back as the very records the parser made (same classes, same values, an object shared by
several facts still one object), on every corpus app of both languages and on facts made to be awkward;
sharing changes no fact."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from cdverify.cache import dumps, unpack
from cdverify.config import load_config
from cdverify.discover import discover_project
from cdverify.model import FileFacts, Language, Scope, SourceFile, Template, Value
from cdverify.parse import parse_bytes, sharing
from cdverify.pipeline import _PARSED_SCOPES

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
APPS = sorted(p.name for p in CORPUS.iterdir() if (p / "run.sh").is_file())  # the apps, not labels or mutants


def _round_trip(
    entries: list[tuple[FileFacts | None, list[object]]],
) -> list[tuple[FileFacts | None, list[object]]]:
    return unpack(*pickle.loads(dumps(entries)))


def _parsed(root: Path) -> list[tuple[FileFacts | None, list[object]]]:
    project = discover_project(root, load_config(root))
    return [
        parse_bytes(source, (root / source.path).read_bytes())  # type: ignore[misc]
        for source in project.sources
        if source.scope in _PARSED_SCOPES and source.language is not None
    ]


@pytest.mark.parametrize("app", APPS)
def test_corpus_facts_come_back_as_they_were_made(app: str) -> None:
    entries = _parsed(CORPUS / app)
    assert entries, app
    back = _round_trip(entries)
    # repr names every record's class and enum member: a field read back as a plain tuple or string fails
    assert repr(back) == repr(entries)


def _source(path: str, language: Language) -> SourceFile:
    return SourceFile(path, language, Scope.APPLICATION, 0)


AWKWARD = {
    # a number beyond 64 bits, a template string, an env read with a default, a non-UTF-8 byte
    ("app/big.py", Language.PYTHON): b"import os\nPORT = 123456789012345678901234567890\n"
    b'DATABASE_URL = os.environ.get("DB", f"postgres://{user}@db")\nNAME = "caf\xe9"\n',
    # a template literal's parts (Value.parts holds values) and a path join
    ("src/db.ts", Language.TYPESCRIPT): b"import { Pool } from 'pg';\nimport path from 'path';\n"
    b"const url = `postgres://${process.env.USER}@${host}/db`;\nconst pool = new Pool({ connectionString: url });\n"
    b"const dir = path.join(__dirname, 'routes');\n",
    ("src/broken.js", Language.JAVASCRIPT): b"const x = require('express')(\n",
}


def test_awkward_facts_come_back_as_they_were_made() -> None:
    entries = [parse_bytes(_source(path, language), data) for (path, language), data in AWKWARD.items()]
    facts = [entry[0] for entry in entries]
    assert all(facts)
    values = [v for f in facts if f for a in f.assignments for v in (a.value,)]
    assert 123456789012345678901234567890 in {n for v in values for n in v.numbers}
    assert any(isinstance(s, Template) for v in values for s in v.strings)
    assert any(v.parts and v.parts[0].env == ("USER",) for v in values)  # a template literal's parts
    assert any(v.paths == ("./routes",) for v in values)
    assert entries[2][1], "the broken file has its PARSE001 finding"
    surrogate = FileFacts("app/caf\udce9.py", Language.PYTHON)  # a file name that is not UTF-8
    entries.append((surrogate, []))
    entries.append((None, []))  # a binary file: no facts
    assert repr(_round_trip(entries)) == repr(entries)


def test_sharing_changes_no_fact() -> None:
    """The parser shares equal strings and values; parsing the same file with the tables full or empty
    gives equal facts, and the facts of two files hold one object per distinct name."""
    data = b"from flask import Flask\napp = Flask(__name__)\n@app.get('/a')\ndef a(): return db.query(x)\n"
    sharing.release()
    first, _ = parse_bytes(_source("app/a.py", Language.PYTHON), data)
    second, _ = parse_bytes(_source("app/b.py", Language.PYTHON), data)
    sharing.release()
    third, _ = parse_bytes(_source("app/b.py", Language.PYTHON), data)
    assert first is not None and second is not None and third is not None
    assert second == third and first._replace(path="app/b.py") == second
    assert first.calls[0].callee is second.calls[0].callee and first.calls[0].callee == "flask.Flask"
    assert first.calls[0].args[0] is second.calls[0].args[0]
    assert isinstance(first.calls[0].args[0], Value)
    back = _round_trip([(first, []), (second, [])])
    assert [facts for facts, _ in back] == [first, second]
    assert back[0][0].calls[0].args[0] is back[1][0].calls[0].args[0]  # stored once, read back as one
    assert back[0][0].calls[0].callee is back[1][0].calls[0].callee
    sharing.release()
    assert sharing.shared("flask.Flask") is not first.calls[0].callee  # forgotten: a new table


def test_a_decoded_part_is_shared_again() -> None:
    """A worker's part read back in the parent holds objects of its own, apart from the parent's; `reshared` gives back the
    very imports, argument values and tuples the parent's own parse made, and changes no fact."""
    sharing.release()
    try:
        entries = _parsed(CORPUS / "conduit-flask-clean")
        back = _round_trip(entries)
        made = [facts for facts, _ in entries if facts is not None]
        decoded = [facts for facts, _ in back if facts is not None]
        assert decoded[0].imports[0] is not made[0].imports[0]  # read back as new records
        again = [sharing.reshared(facts) for facts in decoded]
        assert again == made
        pairs = list(zip(made, again, strict=True))
        assert all(a is b for m, r in pairs for a, b in zip(m.imports, r.imports, strict=True))
        calls = [(m, r) for mf, rf in pairs for m, r in zip(mf.calls, rf.calls, strict=True) if m.args]
        assert calls and all(a is b for m, r in calls for a, b in zip(m.args, r.args, strict=True))
        assert all(m.args is r.args for m, r in calls)
        values = [assignment.value for facts in again for assignment in facts.assignments]
        assert values and len({id(value) for value in values}) == len(set(values))  # one object per value
    finally:
        sharing.release()


# Facts of the accuracy work (issue 18): start-up stops, environment helpers, programs, class members.
NEWER = {
    ("src/config.ts", Language.TYPESCRIPT): b"#!/usr/bin/env node\n"
    b"export function getOsEnv(key: string): string | undefined { return process.env[key]; }\n"
    b"const url = getOsEnv('DATABASE_URL');\nif (!url) { throw new Error('DATABASE_URL is required'); }\n"
    b"if (process.argv.length > 3) { process.exit(1); }\n",
    ("app/settings.py", Language.PYTHON): b"import os\nfrom pydantic_settings import BaseSettings\n"
    b"class Settings(BaseSettings):\n    database_url: str\n    debug: bool = False\n"
    b"class CreateUser:\n    def __call__(self, name):\n        return name\n"
    b"if not os.getenv('SECRET_KEY'):\n    raise ValueError('SECRET_KEY is required')\n",
}


def test_newer_facts_come_back_as_they_were_made() -> None:
    entries = [parse_bytes(_source(path, language), data) for (path, language), data in NEWER.items()]
    js, py = (entry[0] for entry in entries)
    assert js is not None and py is not None
    assert js.stops and js.env_helpers and js.program, js
    assert py.members, py
    assert repr(_round_trip(entries)) == repr(entries)
