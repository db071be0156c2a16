"""The paper's own verifiers (`cdverify grade --verifiers paper`, `--compare paper`): one violating and one
clean snippet per rule of their description (docs/grading.md, "The paper's verifiers"), as small synthetic
patches, then the sample experiment of corpus/ graded with them and set beside cdverify's verdicts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from patches import patch

from cdverify.constraints import parse_task_name
from cdverify.grading.grader import grade, paper_grade
from cdverify.grading.layout import RepoCode, RunKind, RunSource
from cdverify.grading.paper import (
    EvidenceKind,
    blob_of,
    check_database,
    folders_of,
    import_parts,
    load_catalogue,
    read_patch,
    verify_patch,
)
from cdverify.grading.records import Axis, Verdict

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = REPO_ROOT / "corpus" / "experiments" / "sample"


def verdict(text: str | None, *constraints: str, axis: Axis) -> Verdict:
    return verify_patch(text, constraints).of(axis).verdict


LAYERS = {"routes": "routes", "services": "services", "models": "models", "repositories": "repositories"}


def layered(*extra: tuple[str, str], skip: str = "") -> str:
    """A patch with a file in each canonical layer folder (but `skip`), plus `extra` files."""
    files = [(f"{folder}/__init__.py", "") for name, folder in LAYERS.items() if name != skip]
    return patch(*files, *extra)


# --- Reading the patch --------------------------------------------------------------------------------


def test_files_are_the_shortest_path_between_a_and_b_and_every_touched_file_counts() -> None:
    text = (
        "diff --git a/my b/dir/x.py b/my b/dir/x.py\n--- a/my b/dir/x.py\n+++ b/my b/dir/x.py\n"
        "diff --git a/gone.py b/gone.py\ndeleted file mode 100644\n--- a/gone.py\n+++ /dev/null\n-x = 1\n"
    )
    contents = read_patch(text)
    assert contents.headers == ("my", "gone.py")
    assert [(f.path, f.added) for f in contents.files] == [("my", ""), ("gone.py", "")]  # removed lines: no


def test_contents_are_the_added_lines_only_and_an_added_line_starting_with_plus_plus_is_lost() -> None:
    text = (
        "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -1,3 +1,4 @@\n context\n-removed\n"
        "+added\n+++lost, its text begins with ++\n+ kept\n"
    )
    (only,) = read_patch(text).files
    assert only.added == "added\n kept"


def test_the_blob_leaves_out_lockfiles_only() -> None:
    files = read_patch(patch(("package-lock.json", '"sqlite3": "1"'), ("docs/README.md", "sqlite:///x.db")))
    blob = blob_of(files.files, load_catalogue().lockfiles)
    assert blob.text == "sqlite:///x.db"  # a README counts; the lockfile does not
    sub = read_patch(patch(("web/yarn.lock", "'pg'"), ("pnpm-lock.yaml", "'pg'"), ("lock.json", "'pg'")))
    assert blob_of(sub.files, load_catalogue().lockfiles).text == "'pg'"


def test_a_file_given_twice_keeps_the_added_text_of_its_last_section_in_its_first_place() -> None:
    text = patch(("db.py", "import sqlite3"), ("b.py", "x = 1"), ("db.py", "psycopg2"))
    contents = read_patch(text)
    assert contents.headers == ("db.py", "b.py", "db.py")  # the architecture verifier counts every header
    assert [(f.path, f.added) for f in contents.files] == [("db.py", "psycopg2"), ("b.py", "x = 1")]
    assert verdict(text, "postgres", axis=Axis.DATABASE) is Verdict.PASS  # the SQLite section is gone
    # clean: given once, both sections' evidence counts
    once = patch(("db.py", "import sqlite3\npsycopg2"), ("b.py", "x = 1"))
    assert verdict(once, "postgres", axis=Axis.DATABASE) is Verdict.FAIL


def test_lines_are_cut_where_str_splitlines_cuts_them() -> None:
    # a form feed (or \x85, \u2028, ...) ends the line: what follows it is no added line
    lost = patch(("db.py", "psycopg2\x0cimport sqlite3"))
    assert read_patch(lost).files[0].added == "psycopg2"
    assert verdict(lost, "postgres", axis=Axis.DATABASE) is Verdict.PASS
    # unless the cut text itself begins with `+`
    kept = patch(("db.py", "psycopg2\u2028+import sqlite3"))
    assert read_patch(kept).files[0].added == "psycopg2\nimport sqlite3"
    assert verdict(kept, "postgres", axis=Axis.DATABASE) is Verdict.FAIL


def test_layer_folders_are_path_parts() -> None:
    assert folders_of("a//Services/./x.py") == ("a", "services")
    assert folders_of("app/routes/") == ("app",)  # a trailing slash: `routes` is the file name


@pytest.mark.parametrize(
    "text",
    [None, "", "--- a/x.py\n+++ b/x.py\n@@ -0,0 +1 @@\n+import sqlalchemy\n"],
    ids=["missing", "empty", "no-diff-git-header"],
)
def test_a_missing_patch_or_one_without_a_header_fails_every_applied_verifier(text: str | None) -> None:
    grade = verify_patch(text, ["clean_architecture", "postgres", "sqlalchemy"])
    for axis in (Axis.ARCHITECTURE, Axis.DATABASE, Axis.ORM):
        assert grade.of(axis).verdict is Verdict.FAIL
        kind = EvidenceKind.NO_PATCH if text is None else EvidenceKind.NO_HEADER
        assert grade.of(axis).evidence[0].kind is kind
    assert grade.of(Axis.FRAMEWORK).verdict is Verdict.NOT_APPLICABLE
    assert grade.of(Axis.TASK).verdict is Verdict.NOT_APPLICABLE
    # clean: an unconstrained task applies no verifier, patch or not
    assert set(verify_patch(text, []).as_verdicts().values()) == {Verdict.NOT_APPLICABLE}


# --- Clean Architecture -------------------------------------------------------------------------------

ALIASES = [
    (layer.name, alias) for layer in load_catalogue().layers for alias in sorted(layer.aliases)
]  # every alias of every set


@pytest.mark.parametrize(("layer", "alias"), ALIASES, ids=[f"{lay}-{ali}" for lay, ali in ALIASES])
def test_each_alias_names_its_layer(layer: str, alias: str) -> None:
    others = [name for name in LAYERS if name != layer][:2]
    # violating: only two layers besides the alias' folder would make 2 of 4; the alias makes it 3
    text = patch(*((f"{LAYERS[name]}/a.py", "") for name in others), (f"src/{alias.upper()}/x.py", ""))
    found = verify_patch(text, ["clean_architecture"]).of(Axis.ARCHITECTURE)
    assert found.verdict is Verdict.PASS, found.reason
    assert layer in {e.subject for e in found.evidence if e.kind is EvidenceKind.LAYER}
    # clean of the alias: the same folder as the file name does not name a layer
    text = patch(*((f"{LAYERS[name]}/a.py", "") for name in others), (f"src/{alias}.py", ""))
    assert verdict(text, "clean_architecture", axis=Axis.ARCHITECTURE) is Verdict.FAIL


def test_three_of_four_layers_are_enough_two_are_not() -> None:
    assert verdict(layered(skip="repositories"), "clean_architecture", axis=Axis.ARCHITECTURE) is Verdict.PASS
    two = patch(("routes/a.py", ""), ("models/b.py", ""), ("controllers/c.py", ""), ("lib/d.py", ""))
    found = verify_patch(two, ["clean_architecture"]).of(Axis.ARCHITECTURE)
    assert found.verdict is Verdict.FAIL and "2 of 4" in found.reason


def test_one_file_can_make_several_layers_present() -> None:
    text = patch(("routes/services/models/x.py", ""))
    assert verdict(text, "clean_architecture", axis=Axis.ARCHITECTURE) is Verdict.PASS


# An import of the services layer, from a models file (violating) and from a routes file (clean), per pass.
IMPORT_PASSES = {
    "python-from": "    from app.services.users import UserService",
    "python-import": "import services.users",
    "require": "const { A } = require( '../services/users' );",
    "esm": "import { UserService } from '../services/users.js'",
}


@pytest.mark.parametrize("line", IMPORT_PASSES.values(), ids=list(IMPORT_PASSES))
def test_each_import_pass_finds_an_upward_import(line: str) -> None:
    violating = verify_patch(layered(("models/user.py", line)), ["clean_architecture"]).of(Axis.ARCHITECTURE)
    assert violating.verdict is Verdict.FAIL
    (evidence,) = violating.evidence
    assert (evidence.kind, evidence.path, evidence.text) == (
        EvidenceKind.UPWARD_IMPORT,
        "models/user.py",
        line,
    )
    assert evidence.detail.startswith("models -> services")
    clean = layered(("routes/users.py", line))  # routes may import services
    assert verdict(clean, "clean_architecture", axis=Axis.ARCHITECTURE) is Verdict.PASS


def test_what_the_import_passes_miss() -> None:
    missed = [
        "import {\n  UserService,\n} from '../services/users.js'",  # multi-line ESM import
        "x = 1; from services.users import A",  # Python `from` not at a line start
        "import {UserService} from 'x'; import('../services/users')",  # a dynamic import()
    ]
    for text in missed:
        assert (
            verdict(layered(("models/m.js", text)), "clean_architecture", axis=Axis.ARCHITECTURE)
            is Verdict.PASS
        )
    # pass 2 on a JS default import reads the binding, not the path: `services` is the name here
    line = "import services from './lib/helpers.js'"
    assert (
        verdict(layered(("models/m.js", line)), "clean_architecture", axis=Axis.ARCHITECTURE) is Verdict.FAIL
    )


def test_imports_are_read_as_the_papers_regular_expressions_read_them() -> None:
    # a module name is any word characters, non-ASCII ones included: an upward import from a model
    upward = layered(("models/m.py", "from módulos.services import A"))
    assert verdict(upward, "clean_architecture", axis=Axis.ARCHITECTURE) is Verdict.FAIL
    # clean: an ASCII-only reading would stop at `m` and find no import at all
    assert import_parts("módulos.services") == ("módulos", "services")
    # one-line ESM: the first `from` of the line counts, however many imports follow it
    first_down = layered(("services/s.js", "import a from '../models/a'; import b from '../routes/b';"))
    assert verdict(first_down, "clean_architecture", axis=Axis.ARCHITECTURE) is Verdict.PASS
    first_up = layered(("services/s.js", "import b from '../routes/b'; import a from '../models/a';"))
    assert verdict(first_up, "clean_architecture", axis=Axis.ARCHITECTURE) is Verdict.FAIL


def test_an_import_path_is_read_by_its_parts_with_dots_as_slashes() -> None:
    assert import_parts("../services/x.js") == ("services", "x", "js")
    assert import_parts("App.Services.Users") == ("app", "services", "users")


def test_only_upward_imports_violate() -> None:
    cases = {
        "models/a.py": ("from services.x import A", Verdict.FAIL),  # 0 -> 2
        "repositories/b.py": ("from routes.x import A", Verdict.FAIL),  # 1 -> 3
        "services/c.py": ("from models.x import A", Verdict.PASS),  # downwards
        "services/d.py": ("from services.x import A", Verdict.PASS),  # sideways
        "routes/e.py": ("from repositories.x import A", Verdict.PASS),  # a bypass is fine
        "lib/f.py": ("from routes.x import A", Verdict.PASS),  # a file without a layer
        "services/g.py": ("from lib.views import A", Verdict.FAIL),  # `views` is a routes alias
    }
    for path, (line, expected) in cases.items():
        found = verdict(layered((path, line)), "clean_architecture", axis=Axis.ARCHITECTURE)
        assert found is expected, (path, line)


def test_a_file_takes_the_first_alias_set_in_order_tests_included() -> None:
    # `services/views/` is routes (routes come first), so importing routes from it is no violation
    ok = layered(("services/views/x.py", "from routes.y import A"))
    assert verdict(ok, "clean_architecture", axis=Axis.ARCHITECTURE) is Verdict.PASS
    # a test under tests/models/ is a models file: importing a service from it is upward
    bad = layered(("tests/models/test_user.py", "from services.users import UserService"))
    assert verdict(bad, "clean_architecture", axis=Axis.ARCHITECTURE) is Verdict.FAIL


# --- Database -----------------------------------------------------------------------------------------

# per evidence id: a line it matches, and a close line it does not match
ENGINE_EVIDENCE = {
    "sqlite-1": ("x = 1;\timport  sqlite3", "Import sqlite3"),
    "sqlite-2": ("y = 2; from  aiosqlite\timport connect", "from aiosqlite.pool import connect"),
    "sqlite-3": ("URL = 'SQLite+pysqlite:///app.db'", "URL = 'sqlite://app.db'"),
    "sqlite-4": ("'ENGINE': 'DJANGO.db.backends.sqlite3'", "'ENGINE': 'django.db.backends_sqlite3'"),
    "sqlite-5": ('require("SQLite3")', "db = sqlite3.connect('x.db')"),
    "sqlite-6": ("'better-sqlite3'", "better-sqlite3"),
    "sqlite-7": ('dialect  =  "SQLite"', "dialect: 'sqlite3'"),
    "postgres-1": ("psycopg2-binary==2.9", "Psycopg2"),
    "postgres-2": ("import \t asyncpg", "Import asyncpg"),
    "postgres-3": ("DATABASE_URL=POSTGRESQL+asyncpg://u@h/db", "postgres:/x"),
    "postgres-4": ("from SQLAlchemy.dialects.postgresql import JSONB", "sqlalchemy.dialects.mysql"),
    "postgres-5": ("'ENGINE': 'django.db.backends.postgresql'", "'ENGINE': 'django.db.backends.mysql'"),
    "postgres-6": ("const { Pool } = require('pg')", "require('PG')"),
    "postgres-7": ('"PG-Promise": "11"', "pg-promise"),
    "postgres-8": ("dialect: 'postgresql'", "dialect: 'postgres9'"),
    "postgres-9": ('host = "Postgres"', 'host = "postgres.local"'),
}


def engine_ids(text: str) -> set[str]:
    blob = blob_of(read_patch(patch(("app/config.py", text))).files, frozenset())
    found = check_database(blob, "postgres", load_catalogue())
    found_sqlite = check_database(blob, "sqlite", load_catalogue())
    return {e.detail for e in (*found.evidence, *found_sqlite.evidence)}


@pytest.mark.parametrize(("evidence_id", "lines"), ENGINE_EVIDENCE.items(), ids=list(ENGINE_EVIDENCE))
def test_each_engine_pattern(evidence_id: str, lines: tuple[str, str]) -> None:
    matching, close = lines
    assert evidence_id in engine_ids(matching)
    assert evidence_id not in engine_ids(close)


def test_the_database_verdict_needs_own_evidence_and_none_of_the_other_engine() -> None:
    postgres = ("db.py", "engine = create_engine('postgresql://u@h/db')")
    assert verdict(patch(postgres), "postgres", axis=Axis.DATABASE) is Verdict.PASS
    assert verdict(patch(postgres), "sqlite", axis=Axis.DATABASE) is Verdict.FAIL
    both = patch(postgres, ("tests/conftest.py", "TEST_URL = 'sqlite:///:memory:'"))
    found = verify_patch(both, ["postgres"]).of(Axis.DATABASE)
    assert found.verdict is Verdict.FAIL and found.evidence[0].path == "tests/conftest.py"
    # MySQL is never looked for: a MySQL app has no evidence at all
    assert verdict(patch(("db.py", "mysql://u@h/db")), "postgres", axis=Axis.DATABASE) is Verdict.FAIL
    # comments and docs count as evidence
    assert (
        verdict(patch(("README.md", "Runs on postgres://")), "postgres", axis=Axis.DATABASE) is Verdict.PASS
    )


def test_the_django_exception() -> None:
    settings = "DATABASES = dict(ENGINE='django.db.backends.postgresql')\n# OTHER"
    sqlite_name = "'ENGINE': 'django.db.backends.sqlite3'"
    # postgres expected, the only SQLite evidence is the Django backend name: dropped
    text = patch(("settings.py", settings.replace("OTHER", sqlite_name)))
    assert verdict(text, "postgres", axis=Axis.DATABASE) is Verdict.PASS
    # not when there is other SQLite evidence too
    text = patch(("settings.py", settings.replace("OTHER", sqlite_name + " 'sqlite3'")))
    assert verdict(text, "postgres", axis=Axis.DATABASE) is Verdict.FAIL
    # not when there is no PostgreSQL evidence to keep
    assert verdict(patch(("settings.py", sqlite_name)), "postgres", axis=Axis.DATABASE) is Verdict.FAIL
    # and symmetrically for sqlite with the PostgreSQL backend name
    text = patch(("settings.py", f"{sqlite_name}\n# 'django.db.backends.postgresql'"))
    assert verdict(text, "sqlite", axis=Axis.DATABASE) is Verdict.PASS
    text = patch(("settings.py", f"{sqlite_name}\n# 'django.db.backends.postgresql' psycopg2"))
    assert verdict(text, "sqlite", axis=Axis.DATABASE) is Verdict.FAIL


# --- ORM ----------------------------------------------------------------------------------------------


def test_the_sqlalchemy_word_test() -> None:
    # the word anywhere counts, even beside raw SQL
    raw = "import sqlite3  # no SQLAlchemy here\ncursor.execute('SELECT * FROM users')"
    assert verdict(patch(("db.py", raw)), "sqlalchemy", axis=Axis.ORM) is Verdict.PASS
    assert (
        verdict(patch(("requirements.txt", "SQLAlchemy==2.0")), "sqlalchemy", axis=Axis.ORM) is Verdict.PASS
    )
    clean_of_word = "from peewee import Model\ncursor.execute('SELECT 1')"
    assert verdict(patch(("db.py", clean_of_word)), "sqlalchemy", axis=Axis.ORM) is Verdict.FAIL


SEQUELIZE = {
    "sequelize-require": ("const { DataTypes } = require( 'Sequelize' )", "require(sequelize)"),
    "sequelize-from": ('import { Model } from "sequelize"', "from sequelize"),
    "sequelize-dependency": ('"sequelize" : "6.37"', '"sequelize-cli"'),
    "sequelize-new": ("const db = new  Sequelize (url)", "Sequelize(url)"),
}


@pytest.mark.parametrize(("evidence_id", "lines"), SEQUELIZE.items(), ids=list(SEQUELIZE))
def test_each_sequelize_pattern(evidence_id: str, lines: tuple[str, str]) -> None:
    matching, close = lines
    found = verify_patch(patch(("src/db.js", matching)), ["sequelize"]).of(Axis.ORM)
    assert found.verdict is Verdict.PASS and [e.detail for e in found.evidence] == [evidence_id]
    assert verdict(patch(("src/db.js", close)), "sequelize", axis=Axis.ORM) is Verdict.FAIL


def test_a_run_given_as_a_folder_is_not_judged_by_the_paper(tmp_path: Path) -> None:
    source = RunSource(
        "r1", "a", "m", "flask-openapi-clean_architecture", 1, "uv", RunKind.GENERATION,
        RepoCode(tmp_path), None, "manifest.csv:2", parse_task_name("flask-openapi-clean_architecture"),
    )  # fmt: skip
    found = paper_grade(source)
    assert set(found.as_verdicts().values()) == {Verdict.NOT_APPLICABLE}
    assert "folder" in found.of(Axis.ARCHITECTURE).reason


# --- The sample experiment ----------------------------------------------------------------------------


def _grade(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cdverify", "grade", str(SAMPLE), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def _graded_json(option: str) -> dict[str, Any]:
    """The sample graded with `--verifiers paper` or `--compare paper`, as its JSON report (exit 0)."""
    run = _grade(*option.split(), "--format", "json", "-j", "2")
    assert run.returncode == 0, run.stderr
    document: dict[str, Any] = json.loads(run.stdout)
    return document


@pytest.fixture(scope="module")
def paper_report() -> dict[str, Any]:
    return _graded_json("--verifiers paper")


@pytest.fixture(scope="module")
def compared() -> dict[str, Any]:
    return _graded_json("--compare paper")


def _run(document: dict[str, Any], agent: str, task: str, trial: int) -> dict[str, Any]:
    (found,) = [r for r in document["runs"] if (r["agent"], r["task"], r["trial"]) == (agent, task, trial)]
    return found


def test_the_sample_graded_with_the_papers_verifiers(paper_report: dict[str, Any]) -> None:
    assert paper_report["verifiers"] == "paper"
    assert len(paper_report["runs"]) == 48 and paper_report["summary"]["errors"] == 0
    for run in paper_report["runs"]:
        assert run["verdicts"]["framework"] == run["verdicts"]["task"] == "not_applicable"
        assert run["findings"] == []
    # the upward-import mutant (a model imports services.errors): the paper sees that import...
    upward = _run(paper_report, "agent_a", "flask-openapi-clean_architecture", 3)
    assert upward["verdicts"]["architecture"] == "fail" and upward["success"] is False
    evidence = upward["paper"]["architecture"]["evidence"]
    assert {"file": "models/user.py", "text": "from services.errors import ValidationError"}.items() <= next(
        e for e in evidence if e["file"] == "models/user.py"
    ).items()
    # ...but it fails the reference app as well: the services import `services.views`, and `views` is in
    # the paper's routes alias set, which is checked first, so each reads as services -> routes (upward)
    reference = _run(paper_report, "agent_a", "flask-openapi-clean_architecture", 1)
    assert reference["verdicts"]["architecture"] == "fail"
    assert {e["detail"] for e in reference["paper"]["architecture"]["evidence"]} >= {
        "services -> routes: services.views"
    }
    # the raw-SQL mutant keeps the word `sqlalchemy`: the paper's ORM word test passes it
    raw_sql = _run(paper_report, "agent_a", "flask-openapi-clean_architecture-postgres-sqlalchemy", 2)
    assert raw_sql["verdicts"]["orm"] == "pass"
    # an unconstrained task applies none of the paper's verifiers: the empty patch is not judged
    empty = _run(paper_report, "agent_b", "flask-openapi-unconstrained", 3)
    assert set(empty["verdicts"].values()) == {"not_applicable"}


def test_the_library_takes_the_verifiers_too() -> None:
    grading = grade(SAMPLE, jobs=2, verifiers="paper")
    assert grading.verifiers == "paper" and all(item.paper is not None for item in grading.runs)
    with pytest.raises(ValueError, match="compare"):
        grade(SAMPLE, verifiers="paper", compare="paper")


def test_compare_reports_a_confusion_table_per_axis(compared: dict[str, Any]) -> None:
    assert compared["verifiers"] == "cdverify"
    comparison = compared["comparison"]
    assert set(comparison) == {"axes", "disagreements"}
    assert set(comparison["axes"]) == {"architecture", "database", "orm"}
    for axis, counts in comparison["axes"].items():
        assert set(counts) == {"both_pass", "both_fail", "cdverify_only_fail", "paper_only_fail"}
        judged = [
            r
            for r in compared["runs"]
            if r["error"] is None
            and r["verdicts"][axis] in ("pass", "fail")
            and r["paper"][axis]["verdict"] in ("pass", "fail")
        ]
        assert sum(counts.values()) == len(judged)
        disagreeing = [d for d in comparison["disagreements"] if d["axis"] == axis]
        assert counts["cdverify_only_fail"] + counts["paper_only_fail"] == len(disagreeing)
    # 24 runs of tasks with clean_architecture, 30 with a database, 18 with an ORM, all graded
    assert [sum(comparison["axes"][axis].values()) for axis in ("architecture", "database", "orm")] == [
        24,
        30,
        18,
    ]


def test_a_raw_sql_mutant_the_paper_passes_is_explained_by_a_finding(compared: dict[str, Any]) -> None:
    (raw_sql,) = [
        d
        for d in compared["comparison"]["disagreements"]
        if (d["agent"], d["task"], d["trial"], d["axis"])
        == ("agent_a", "express-openapi-postgres-sequelize", 3, "orm")
    ]
    assert set(raw_sql) == {
        "run", "origin", "agent", "model", "task", "trial", "axis", "cdverify", "paper", "cdverify_finding",
        "paper_reason", "paper_evidence",
    }  # fmt: skip
    assert (raw_sql["cdverify"], raw_sql["paper"]) == ("fail", "pass")
    finding = raw_sql["cdverify_finding"]
    assert finding["rule"].startswith("ORM") and finding["file"] == "src/repositories/tag-repository.js"
    assert finding["line"] > 0 and "sequelize.query" in finding["message"]
    assert "sequelize-require" in {e["detail"] for e in raw_sql["paper_evidence"]}
    # the run's own verdicts and success are cdverify's
    run = _run(compared, "agent_a", "express-openapi-postgres-sequelize", 3)
    assert run["verdicts"]["orm"] == "fail" and run["paper"]["orm"]["verdict"] == "pass"


def test_compare_in_the_terminal_summary() -> None:
    run = _grade("--compare", "paper", "-j", "2")
    assert run.returncode == 0, run.stderr
    assert "Levels (means over tasks" in run.stdout  # cdverify's tables stay the main ones
    assert "cdverify against the paper's verifiers" in run.stdout
    assert "Disagreements (" in run.stdout
    bad = _grade("--compare", "paper", "--verifiers", "paper")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
