"""Feature tasks graded (issue 13): the paper's task definitions (`--tasks`), base repositories from a local
checkout (`--base-repos`) or a clone cache, the framework and task-file verdicts beside the paper's rule
(success = the tests pass), and the feature table.

Everything here is made by the tests: task definitions in the paper's format (none of the paper's own files,
which carry no licence), two small RealWorld back ends as base repositories (Flask and Express, each with a
comments feature that the task's patch removes), the agents' patches, and newman-reporter-csv reports
written row by row as newman 6.2.2 writes them (corpus/experiments/sample holds real ones)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from gitwork import GIT_ENV, diff_of, git, write

from cdverify.grading.bases import BaseRepos
from cdverify.grading.definitions import load_task_definitions
from cdverify.grading.features import prepare
from cdverify.grading.layout import GradeInputError, PatchCode, RunKind, discover
from cdverify.grading.store import run_key

AGENT, MODEL, DATE, TASK = "agent_a", "model-1", "2026-03-05T10-00-00", "hard-focused-task-001"

# --- the base repositories ------------------------------------------------------------------------------

FLASK_ARTICLES = """from flask import Blueprint, jsonify

articles = Blueprint("articles", __name__)


@articles.get("/articles")
def list_articles():
    return jsonify({"articles": [], "articlesCount": 0})
"""
FLASK_COMMENTS = """from flask import Blueprint, jsonify, request

comments = Blueprint("comments", __name__)
STORE: dict[str, list[dict]] = {}


@comments.get("/articles/<slug>/comments")
def list_comments(slug):
    return jsonify({"comments": STORE.get(slug, [])})


@comments.post("/articles/<slug>/comments")
def add_comment(slug):
    comment = {"id": len(STORE.get(slug, [])) + 1, "body": request.json["comment"]["body"]}
    STORE.setdefault(slug, []).append(comment)
    return jsonify({"comment": comment}), 201
"""


def flask_app(comments: str | None) -> str:
    """conduit/app.py, registering the comments blueprint as `comments` says (None: not at all)."""
    imports = "from conduit.comments import comments\n" if comments is not None else ""
    register = f"    app.register_blueprint(comments{comments})\n" if comments is not None else ""
    return (
        "from flask import Flask\n\nfrom conduit.articles import articles\n"
        f"{imports}\n\ndef create_app() -> Flask:\n    app = Flask(__name__)\n"
        '    app.register_blueprint(articles, url_prefix="/api")\n'
        f"{register}    return app\n\n\n"
        'if __name__ == "__main__":\n    create_app().run(host="0.0.0.0", port=8080)\n'
    )


FLASK_BASE = {
    "pyproject.toml": '[tool.poetry]\nname = "conduit"\nversion = "0.1.0"\n\n'
    '[tool.poetry.dependencies]\npython = "^3.11"\nflask = "^3.0"\n',
    "conduit/__init__.py": "",
    "conduit/articles.py": FLASK_ARTICLES,
    "conduit/comments.py": FLASK_COMMENTS,
    "conduit/app.py": flask_app(', url_prefix="/api"'),
}
FLASK_WITHOUT_COMMENTS = {
    **{k: v for k, v in FLASK_BASE.items() if k != "conduit/comments.py"},
    "conduit/app.py": flask_app(None),
}

EXPRESS_APP = """const express = require("express");
const articles = require("./routes/articles");
{comments_import}
const app = express();
app.use(express.json());
app.use("/api", articles);
{comments_use}app.listen(3000);
"""
EXPRESS_BASE = {
    "package.json": json.dumps(
        {
            "name": "conduit",
            "scripts": {"develop": "node src/app.js"},
            "dependencies": {"express": "^4.19.2"},
        },
        indent=2,
    )
    + "\n",
    "src/app.js": EXPRESS_APP.format(
        comments_import='const comments = require("./routes/comments");\n',
        comments_use='app.use("/api", comments);\n',
    ),
    "src/routes/articles.js": 'const { Router } = require("express");\n\nconst router = Router();\n'
    'router.get("/articles", (req, res) => res.json({ articles: [], articlesCount: 0 }));\n'
    "module.exports = router;\n",
    "src/routes/comments.js": 'const { Router } = require("express");\n\nconst router = Router();\n'
    'router.get("/articles/:slug/comments", (req, res) => res.json({ comments: [] }));\n'
    "module.exports = router;\n",
}
EXPRESS_WITHOUT_COMMENTS = {
    **{k: v for k, v in EXPRESS_BASE.items() if k != "src/routes/comments.js"},
    "src/app.js": EXPRESS_APP.format(comments_import="", comments_use=""),
}


def make_repository(folder: Path, files: dict[str, str]) -> str:
    """A git repository holding `files` in one commit; its commit id."""
    folder.mkdir(parents=True)
    git(folder, "init", "-q")
    write(folder, files)
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "RealWorld back end")
    return git(folder, "rev-parse", "HEAD").strip()


# --- newman-reporter-csv reports ------------------------------------------------------------------------

USER = ['Response contains "user" property', 'User has "email" property', 'User has "username" property',
        'User has "bio" property', 'User has "image" property', 'User has "token" property']  # fmt: skip
REQUESTS = (  # name, method, path, status on success, assertions
    ("Register", "POST", "/users", ("Created", "201"), USER),
    ("Create Article", "POST", "/articles", ("Created", "201"),
     ['Response contains "article" property', 'Article has "title" property', 'Article has "slug" property',
      'Article has "body" property']),
    ("Create Comment for Article", "POST", "/articles/how-to-train-your-dragon/comments", ("OK", "200"),
     ['Response contains "comment" property', 'Comment has "id" property', 'Comment has "body" property',
      'Comment has "author" property']),
    ("All Comments for Article", "GET", "/articles/how-to-train-your-dragon/comments", ("OK", "200"),
     ['Response contains "comments" property', "comments is an array"]),
)  # fmt: skip
TOTAL = sum(len(request[4]) for request in REQUESTS)  # 16
COMMENT_REQUESTS = frozenset({"Create Comment for Article", "All Comments for Article"})  # 6 assertions
EVERY_REQUEST = frozenset(request[0] for request in REQUESTS)
HEADER = ("iteration", "collectionName", "requestName", "method", "url", "status", "code", "responseTime",
          "responseSize", "executed", "failed", "skipped", "totalAssertions", "executedCount", "failedCount",
          "skippedCount")  # fmt: skip


def newman_csv(
    port: int, failing: frozenset[str] = frozenset(), failing_one: str | None = None, refused: bool = False
) -> str:
    """A report as newman-reporter-csv writes it: every value quoted, empty lists left empty, no final
    newline. The requests in `failing` answer 404 (no answer at all when `refused`: no status, no code) and
    fail every assertion; `failing_one` fails its last."""
    lines = [",".join(HEADER)]
    for name, method, path, (status, code), checks in REQUESTS:
        failed = list(checks) if name in failing else checks[-1:] if name == failing_one else []
        passed = [check for check in checks if check not in failed]
        if name in failing:
            status, code = ("", "") if refused else ("Not Found", "404")

        def cell(value: str) -> str:
            return '"' + value.replace('"', '""') + '"' if value else ""

        values = ["1", "Conduit", name, method, f"http://conduit:{port}/api{path}", status, code, "23", "211",
                  ", ".join(passed), ", ".join(failed), "", str(len(checks)), str(len(passed)), str(len(failed)),
                  "0"]  # fmt: skip
        lines.append(",".join(cell(value) for value in values))
    return "\n".join(lines)


# --- the experiment ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Experiment:
    results: Path
    tasks: Path
    base_repos: Path  # holds realworld-mini-flask (the Flask task's base); Express is cloned by URL
    repo_cache: Path
    flask_commit: str
    express_commit: str
    express_origin: Path


def run_folder(results: Path, framework: str, task: str, trial: int, patch: str, report: str | None) -> Path:
    folder = results / framework / AGENT / MODEL / task / DATE / f"run_{trial}"
    folder.mkdir(parents=True)
    (folder / f"{AGENT}-{task}.patch").write_text(patch, encoding="utf-8")
    if report is not None:
        (folder / f"newman-run-report-2026-03-05-10-{trial:02d}-00-000-0.csv").write_text(
            report, encoding="utf-8"
        )
    return folder


def definition(name: str, folder: str, url: str | None, commit: str | None, patch: str | None,
               port: int, **extra: Any) -> dict[str, Any]:  # fmt: skip
    """A task definition in the paper's format."""
    document = {
        "name": name,
        "description": 'Removed "comments" feature from the repository',
        "prompt": "Given the following api specification: openapi: 3.0.1 …\n\nComplete the existing "
        "repository and make it compliant to this openAPI specification by adding missing comments "
        "functionalities",
        "patch": patch,
        "dockerFolder": folder,
        "repoMetadata": {
            "repoUrl": url,
            "repoCommit": commit,
            "setupCmds": ["alembic upgrade head"] if port == 8080 else ["npm run migrate:develop"],
            "runCmds": ["poetry run flask run --host=0.0.0.0"] if port == 8080 else ["npm run develop"],
            "port": port,
            "baseUrl": "/api",
            "healthcheckEndpoint": "/api/ping" if port == 8080 else "/",
        },
        "taskMetadata": {"linesAdded": 0, "linesRemoved": 20, "linesOfChange": 20, "numChangedFiles": 2},
    }
    return {**document, **extra}


def write_definition(tasks: Path, document: dict[str, Any], stem: str, patch_text: str | None = None) -> None:
    folder = tasks / document["dockerFolder"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    if patch_text is not None:  # the task's own patch, under the name its definition gives
        (folder / document["patch"]).write_text(patch_text, encoding="utf-8")


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Experiment:
    root = tmp_path_factory.mktemp("features")
    scratch = root / "scratch"
    scratch.mkdir()
    base_repos = root / "checkouts"
    flask_commit = make_repository(base_repos / "realworld-mini-flask", FLASK_BASE)
    express_origin = root / "origin" / "realworld-mini-express"
    express_commit = make_repository(express_origin, EXPRESS_BASE)

    tasks = root / "tasks"
    flask_removal = diff_of(FLASK_WITHOUT_COMMENTS, scratch, base=FLASK_BASE)
    express_removal = diff_of(EXPRESS_WITHOUT_COMMENTS, scratch, base=EXPRESS_BASE)
    # never contacted: the Flask base is a local checkout (--base-repos)
    flask_url = "https://example.invalid/someone/realworld-mini-flask.git"
    write_definition(
        tasks,
        definition(TASK, "flask", flask_url, flask_commit, f"flask-{TASK}.patch", 8080),
        f"flask-{TASK}",
        flask_removal,
    )
    express_url = express_origin.as_uri()
    write_definition(
        tasks,
        definition(TASK, "express", express_url, express_commit, f"express-{TASK}.patch", 3000),
        f"express-{TASK}",
        express_removal,
    )
    generation = definition("flask-openapi-sqlite", "uv", None, None, None, 8080)
    generation["repoMetadata"] |= {"setupCmds": ["uv pip install --system -r requirements.txt", "chmod +x run.sh"],
                                   "runCmds": ["./run.sh"], "healthcheckEndpoint": "/api/health-check"}  # fmt: skip
    generation |= {"taskMetadata": None, "postmanCollection": "Conduit.postman_collection.json"}
    write_definition(tasks, generation, "uv-flask-openapi-sqlite")

    results = root / "results"
    restored = diff_of(FLASK_BASE, scratch, base=FLASK_WITHOUT_COMMENTS)
    fastapi = {"conduit/comments_api.py": 'from fastapi import FastAPI\n\napi = FastAPI()\n\n\n'
               '@api.get("/api/articles/{slug}/comments")\ndef list_comments(slug: str) -> dict:\n'
               '    return {"comments": []}\n'}  # fmt: skip
    other_framework = diff_of({**FLASK_WITHOUT_COMMENTS, **fastapi}, scratch, base=FLASK_WITHOUT_COMMENTS)
    stale = {"conduit/app.py": "from flask import Flask\n\napp = Flask(__name__)\n"}
    not_applying = diff_of({"conduit/app.py": FLASK_BASE["conduit/app.py"]}, scratch, base=stale)
    elsewhere = {
        **FLASK_BASE,
        "conduit/app.py": FLASK_BASE["conduit/app.py"].replace("port=8080", "port=5000"),
    }
    other_port = diff_of(elsewhere, scratch, base=FLASK_WITHOUT_COMMENTS)
    run_folder(results, "flask", TASK, 1, restored, newman_csv(8080))
    run_folder(results, "flask", TASK, 2, other_framework, newman_csv(8080))
    run_folder(results, "flask", TASK, 3, not_applying, newman_csv(8080, COMMENT_REQUESTS))
    run_folder(results, "flask", TASK, 4, other_port, newman_csv(8080, EVERY_REQUEST, refused=True))
    express_restored = diff_of(EXPRESS_BASE, scratch, base=EXPRESS_WITHOUT_COMMENTS)
    run_folder(results, "express", TASK, 1, express_restored, newman_csv(3000))
    run_folder(results, "express", TASK, 2, express_restored, newman_csv(3000, failing_one="Create Article"))
    # a task the definitions do not have: graded on its tests, its framework unknown
    run_folder(results, "koa", "hard-focused-task-002", 1, express_restored, newman_csv(3000))
    return Experiment(
        results, tasks, base_repos, root / "repo-cache", flask_commit, express_commit, express_origin
    )


def grade_json(*args: str | Path) -> dict[str, Any]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "cdverify",
            "grade",
            *map(str, args),
            "--format",
            "json",
            "--no-store",
            "-j",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    document: dict[str, Any] = json.loads(run.stdout)
    return document


def with_tasks(experiment: Experiment, *args: str | Path) -> tuple[str | Path, ...]:
    return (
        experiment.results, "--tasks", experiment.tasks, "--base-repos", experiment.base_repos,
        "--repo-cache", experiment.repo_cache, *args,
    )  # fmt: skip


def runs_by(document: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(r["framework"], r["trial"]): r for r in document["runs"] if r["task"] != "hard-focused-task-002"}


@pytest.fixture(scope="module")
def graded(experiment: Experiment) -> dict[str, Any]:
    return grade_json(*with_tasks(experiment))


# --- the task definitions ---------------------------------------------------------------------------------


def test_definitions_are_read_and_indexed_by_folder_and_name(experiment: Experiment) -> None:
    definitions = load_task_definitions(experiment.tasks)
    assert sorted(definitions.by_key) == [("express", TASK), ("flask", TASK), ("uv", "flask-openapi-sqlite")]
    flask = definitions.find("flask", TASK)
    assert flask is not None and flask.kind is RunKind.FEATURE
    assert (flask.repo.repo_commit, flask.repo.port, flask.repo.base_url) == (
        experiment.flask_commit,
        8080,
        "/api",
    )
    assert flask.patch == experiment.tasks / "flask" / f"flask-{TASK}.patch"
    assert flask.size is not None and flask.size.lines_removed == 20
    generation = definitions.find("uv", "flask-openapi-sqlite")
    assert generation is not None and generation.kind is RunKind.GENERATION
    assert (generation.patch, generation.repo.repo_url, generation.size) == (None, None, None)
    assert generation.repo.run_cmds == ("./run.sh",)
    assert generation.postman_collection == "Conduit.postman_collection.json"


def test_runs_carry_their_definition_and_base(experiment: Experiment, tmp_path: Path) -> None:
    results = tmp_path / "results"
    (tmp_path / "scratch").mkdir()
    run_folder(
        results, "flask", TASK, 1, diff_of(FLASK_BASE, tmp_path / "scratch", FLASK_WITHOUT_COMMENTS), None
    )
    generation = results / "uv" / AGENT / MODEL / "flask-openapi-sqlite" / DATE / "run_1"
    generation.mkdir(parents=True)
    (generation / f"{AGENT}-flask-openapi-sqlite.patch").write_text("", encoding="utf-8")
    definitions = load_task_definitions(experiment.tasks)
    bases = BaseRepos(tmp_path / "cache", experiment.base_repos)
    found = prepare(discover(results), definitions, bases)
    feature, generated = sorted(found.runs, key=lambda run: run.kind.value)
    assert generated.kind is RunKind.GENERATION and generated.definition is not None
    assert (generated.definition.repo.port, generated.definition.repo.setup_cmds[0]) == (
        8080, "uv pip install --system -r requirements.txt",
    )  # fmt: skip
    assert feature.definition is definitions.find("flask", TASK) and feature.unavailable is None
    assert feature.code == PatchCode(
        feature.code.patch,  # type: ignore[union-attr]
        experiment.base_repos / "realworld-mini-flask",
        experiment.flask_commit,
        experiment.tasks / "flask" / f"flask-{TASK}.patch",
    )
    # the store key holds what the definition contributes: the base commit and the task patch's bytes
    key = run_key(feature)
    assert key is not None and run_key(feature) == key
    other_patch = tmp_path / "other.patch"
    other_patch.write_text("", encoding="utf-8")
    assert run_key(replace(feature, code=replace(feature.code, base_patch=other_patch))) != key
    assert run_key(replace(feature, code=replace(feature.code, commit="0" * 40))) != key
    assert run_key(replace(feature, runtime="express")) != key


def test_malformed_definitions_are_all_reported_with_their_file(tmp_path: Path) -> None:
    tasks = tmp_path / "tasks"
    good = definition(TASK, "flask", "file:///nowhere/r.git", "a" * 40, "t.patch", 8080)
    write_definition(tasks, good, "flask-ok", "")
    (tasks / "flask" / "broken.json").write_text('{"name": "x",', encoding="utf-8")
    write_definition(tasks, {**good, "repoMetadat": {}}, "flask-typo", "")
    write_definition(tasks, {k: v for k, v in good.items() if k != "prompt"}, "flask-no-prompt", "")
    wrong = {
        **good,
        "name": "hard-focused-task-009",
        "repoMetadata": {**good["repoMetadata"], "port": "8080"},
    }
    write_definition(tasks, wrong, "flask-port")
    write_definition(
        tasks, {**good, "name": "hard-focused-task-010", "patch": "missing.patch"}, "flask-missing"
    )
    write_definition(tasks, good, "flask-again")  # the same (flask, name) as flask-ok
    no_base = {
        **good,
        "name": "hard-focused-task-011",
        "repoMetadata": {**good["repoMetadata"], "repoUrl": ""},
    }
    write_definition(tasks, no_base, "flask-no-base")
    write_definition(tasks, {**good, "dockerFolder": "gin"}, "gin-task")
    write_definition(
        tasks, {**good, "name": "express-openapi-sqlite", "dockerFolder": "uv", "patch": None}, "uv-x"
    )
    with pytest.raises(GradeInputError) as raised:
        load_task_definitions(tasks)
    message = str(raised.value)
    assert "9 problem(s) in the task definitions" in message
    expected = [
        ("broken.json", "not valid JSON (Expecting property name enclosed in double quotes at line 1"),
        (
            "flask-typo.json",
            "unknown key repoMetadat (known: name, prompt, dockerFolder, patch, repoMetadata",
        ),
        ("flask-no-prompt.json", "no key prompt"),
        ("flask-port.json", 'repoMetadata.port must be a port number (1-65535), not "8080"'),
        ("flask-missing.json", "its patch missing.patch is not beside it"),
        ("flask-ok.json", f"task flask/{TASK} is also {tasks / 'flask' / 'flask-again.json'}"),  # read first
        (
            "flask-no-base.json",
            "a feature task needs repoMetadata.repoUrl (its base repository and its own patch)",
        ),
        ("gin-task.json", "dockerFolder 'gin' is no runtime or feature framework folder (uv, node, aiohttp"),
        ("uv-x.json", "express-openapi-sqlite is a node task, but its dockerFolder is uv"),
    ]
    for file, problem in expected:
        assert f"{file}: {problem}" in message, (file, message)
    with pytest.raises(GradeInputError, match="no task definition"):
        load_task_definitions(write(tmp_path / "empty", {"README.md": "x"}))


def test_the_command_refuses_malformed_definitions_with_exit_code_2(
    experiment: Experiment, tmp_path: Path
) -> None:
    write(tmp_path / "tasks", {"flask/x.json": "[]"})
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "cdverify",
            "grade",
            str(experiment.results),
            "--tasks",
            str(tmp_path / "tasks"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert f"{tmp_path / 'tasks' / 'flask' / 'x.json'}: the definition must be a JSON object" in run.stderr


# --- grading ----------------------------------------------------------------------------------------------


def test_feature_runs_graded_on_their_tests_with_framework_and_task_verdicts(graded: dict[str, Any]) -> None:
    runs = runs_by(graded)
    for run in runs.values():
        assert run["kind"] == "feature" and run["task"] == TASK and run["level"] == 0
        assert {run["verdicts"][axis] for axis in ("architecture", "database", "orm")} == {"not_applicable"}
    # restored correctly: 16/16, Flask still serves it, no new task-file finding
    restored = runs[("flask", 1)]
    assert _counts(restored) == {"total": TOTAL, "passed": TOTAL, "failed": 0}
    assert restored["assertions"]["failures"] == []
    assert (restored["success"], restored["error"], restored["notes"]) == (True, None, [])
    assert (restored["verdicts"]["framework"], restored["verdicts"]["task"]) == ("pass", "pass")
    assert restored["findings"] == []
    # comments served by FastAPI: the tests pass, so it succeeds by the paper's rule; the framework fails
    other = runs[("flask", 2)]
    assert (other["success"], other["verdicts"]["framework"], other["verdicts"]["task"]) == (
        True,
        "fail",
        "pass",
    )
    assert [(f["rule"], f["file"]) for f in other["findings"]] == [("FW002", "conduit/comments_api.py")]
    assert "fastapi" in other["findings"][0]["message"]
    # a patch that does not apply: the run's error, 0 assertions as for a generation run
    broken = runs[("flask", 3)]
    assert broken["error"].startswith(
        "MaterialiseError: the patch does not apply: error: patch failed: conduit/app.py"
    )
    assert (broken["a"], broken["success"], broken["tests_pass"]) == (0.0, False, False)
    # the server moved to port 5000: nothing answers on the task's port (8080, from its definition), and the
    # task-file checks find that the base did not have: TASK008 (the base's own TASK001/003/006 do not count)
    moved = runs[("flask", 4)]
    assert _counts(moved) == {"total": TOTAL, "passed": 0, "failed": TOTAL}
    assert moved["assertions"]["failures"]  # the first of them, from the report
    assert (moved["verdicts"]["framework"], moved["verdicts"]["task"]) == ("pass", "fail")
    assert [(f["rule"], f["file"], f["message"]) for f in moved["findings"]] == [
        ("TASK008", "conduit/app.py", "the server listens on port 5000, not 8080")
    ]
    # Express: the base cloned from its file:// URL into the clone cache
    assert [runs[("express", trial)]["verdicts"]["framework"] for trial in (1, 2)] == ["pass", "pass"]
    assert [runs[("express", trial)]["success"] for trial in (1, 2)] == [True, False]
    assert _counts(runs[("express", 2)]) == {"total": TOTAL, "passed": TOTAL - 1, "failed": 1}
    assert len(runs[("express", 2)]["assertions"]["failures"]) == 1


def _counts(run: dict[str, Any]) -> dict[str, int]:
    return {key: run["assertions"][key] for key in ("total", "passed", "failed")}


def test_a_task_without_definition_keeps_its_behaviour_figures(
    experiment: Experiment, graded: dict[str, Any]
) -> None:
    (koa,) = [run for run in graded["runs"] if run["framework"] == "koa"]
    assert (koa["task"], koa["assertions"]["passed"], koa["success"], koa["error"]) == (
        "hard-focused-task-002", TOTAL, True, None,
    )  # fmt: skip
    assert (koa["verdicts"]["framework"], koa["verdicts"]["task"]) == ("unknown", "unknown")
    assert koa["notes"] == [
        "framework and task files not verified: no task definition of koa/hard-focused-task-002 in "
        f"{experiment.tasks}"
    ]


def test_the_feature_table_is_the_papers_pass_at_1(graded: dict[str, Any]) -> None:
    tasks = {(t["framework"], t["task"]): t for t in graded["tasks"] if t["kind"] == "feature"}
    # Flask: runs 1 and 2 pass every test (c = 2 of 4); A% = (1 + 1 + 0 + 0) / 4
    assert (tasks[("flask", TASK)]["n"], tasks[("flask", TASK)]["successes"]) == (4, 2)
    assert tasks[("flask", TASK)]["pass@1"] == pytest.approx(0.5)
    assert tasks[("flask", TASK)]["a"] == pytest.approx(0.5)
    assert tasks[("express", TASK)]["a"] == pytest.approx((1 + 15 / 16) / 2)
    features = {(f["framework"], f["difficulty"]): f for f in graded["features"]}
    overall = features[(None, None)]
    assert (overall["tasks"], overall["runs"], overall["successes"]) == (3, 7, 4)
    assert overall["pass@1"] == pytest.approx((0.5 + 0.5 + 1.0) / 3)  # mean over tasks, as the paper's
    assert overall["a"] == pytest.approx((0.5 + (1 + 15 / 16) / 2 + 1) / 3)
    assert overall["strict_a"] == pytest.approx(overall["a"])  # no verifier applies under the paper's rule
    assert features[("flask", None)]["pass@1"] == pytest.approx(0.5)
    assert features[("koa", None)]["pass@1"] == 1.0
    assert features[(None, "hard")]["pass@1"] == overall["pass@1"]
    assert set(features) == {(None, None), ("express", None), ("flask", None), ("koa", None), (None, "hard")}
    assert graded["levels"] == [] and graded["frameworks"] == []  # generation tables only


def test_success_may_require_the_framework_verdict(experiment: Experiment) -> None:
    document = grade_json(*with_tasks(experiment, "--success-includes", "framework"))
    runs = runs_by(document)
    assert [runs[("flask", trial)]["success"] for trial in (1, 2, 3, 4)] == [True, False, False, False]
    (koa,) = [run for run in document["runs"] if run["framework"] == "koa"]
    assert (koa["tests_pass"], koa["success"], koa["strict_a"]) == (True, False, 0.0)  # unknown is no pass
    overall = next(f for f in document["features"] if f["framework"] is None and f["difficulty"] is None)
    assert overall["pass@1"] == pytest.approx((0.25 + 0.5 + 0.0) / 3)


def test_without_task_definitions_every_feature_run_is_graded_on_its_tests(experiment: Experiment) -> None:
    document = grade_json(experiment.results)
    assert document["summary"] == {"runs": 7, "successes": 4, "errors": 0, "unreadable": 0, "pending": 0}
    for run in document["runs"]:
        assert (run["verdicts"]["framework"], run["verdicts"]["task"]) == ("unknown", "unknown")
        assert run["notes"] == [
            "framework and task files not verified: its base repository is unknown: give the paper's task "
            "definitions (--tasks)"
        ]
    # the patch that does not apply is not laid out, so here it is judged on its report alone
    assert runs_by(document)[("flask", 3)]["assertions"]["passed"] == 10


def test_a_base_that_cannot_be_had_leaves_the_verdicts_unknown(
    experiment: Experiment, tmp_path: Path
) -> None:
    tasks = tmp_path / "tasks"
    missing = (tmp_path / "no-such-repository.git").as_uri()
    document = definition(TASK, "express", missing, experiment.express_commit, "t.patch", 3000)
    write_definition(tasks, document, f"express-{TASK}", "")
    store = tmp_path / "store"
    graded = grade_json(experiment.results, "--tasks", tasks, "--repo-cache", tmp_path / "cache")
    express = [run for run in graded["runs"] if run["framework"] == "express"]
    assert [run["success"] for run in express] == [True, False]  # the behaviour figures stand
    for run in express:
        assert (run["verdicts"]["framework"], run["error"]) == ("unknown", None)
        [note] = run["notes"]
        assert note.startswith(
            f"framework and task files not verified: its base repository cannot be had: {missing}: cannot be "
            "cloned (fatal: '"
        ), note
    # a run with an unknown verdict is not stored: the next grade tries again (here every run is unknown)
    stored = subprocess.run(
        [sys.executable, "-m", "cdverify", "grade", str(experiment.results), "--tasks", str(tasks),
         "--repo-cache", str(tmp_path / "cache"), "--store", str(store), "--format", "json"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert stored.returncode == 0, stored.stderr
    assert json.loads(stored.stdout)["summary"]["runs"] == 7 and list(store.rglob("*.json")) == []


def test_graded_runs_are_stored_except_unknown_ones(experiment: Experiment, tmp_path: Path) -> None:
    store = tmp_path / "store"
    args = [*map(str, with_tasks(experiment)), "--store", str(store), "--format", "json"]
    first = subprocess.run([sys.executable, "-m", "cdverify", "grade", *args], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    stored = sorted(store.rglob("*.json"))
    assert len(stored) == 6  # the Flask and Express runs; the Koa run's verdicts are unknown
    assert {json.loads(path.read_text())["framework"] for path in stored} == {"flask", "express"}
    second = subprocess.run(
        [sys.executable, "-m", "cdverify", "grade", *args], capture_output=True, text=True
    )
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["runs"] == json.loads(first.stdout)["runs"]
    assert sorted(store.rglob("*.json")) == stored  # reused, nothing new


def test_manifest_feature_runs_grade_as_the_layout_does(
    experiment: Experiment, graded: dict[str, Any]
) -> None:
    """The same four Flask runs, listed in a manifest with their base, commit and base patch."""
    short = experiment.flask_commit[:7]
    rows = ["run,agent,model,task,trial,patch,base,commit,base_patch,report"]
    for trial in (1, 2, 3, 4):
        folder = experiment.results / "flask" / AGENT / MODEL / TASK / DATE / f"run_{trial}"
        [report] = folder.glob("newman-run-report-*.csv")
        rows.append(
            f"m{trial},{AGENT},{MODEL},flask-{TASK},{trial},{folder / f'{AGENT}-{TASK}.patch'},"
            f"{experiment.base_repos / 'realworld-mini-flask'},{short},"
            f"{experiment.tasks / 'flask' / f'flask-{TASK}.patch'},{report}"
        )
    manifest = experiment.results.parent / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")

    def figures(document: dict[str, Any]) -> dict[int, tuple[Any, ...]]:
        return {
            run["trial"]: (run["task"], run["framework"], run["assertions"], run["verdicts"], run["success"],
                           run["error"], [f["rule"] for f in run["findings"]])
            for run in document["runs"] if run["framework"] == "flask"
        }  # fmt: skip

    layout = figures(graded)
    assert figures(grade_json(manifest)) == layout
    assert figures(grade_json(manifest, "--tasks", experiment.tasks)) == layout  # the definition's port: 8080
    assert layout[4][3]["task"] == "fail" and layout[2][3]["framework"] == "fail"


def test_the_feature_table_in_text_csv_and_tables(experiment: Experiment, tmp_path: Path) -> None:
    args = [*map(str, with_tasks(experiment)), "--no-store", "--csv", str(tmp_path / "csv")]
    args += ["--tables", str(tmp_path / "tables")]
    run = subprocess.run([sys.executable, "-m", "cdverify", "grade", *args], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    start = lines.index("Feature tasks (success = tests pass; means over tasks)")
    table = [line.split() for line in lines[start + 1 : start + 8]]
    assert table[0] == [
        "agent",
        "model",
        "framework",
        "difficulty",
        "tasks",
        "runs",
        "successes",
        "pass@1",
        "A%",
    ]
    assert table[2] == [AGENT, MODEL, "all", "all", "3", "7", "4", "0.667", "82.3"]  # (0.5 + 0.969 + 1) / 3
    assert table[3] == [AGENT, MODEL, "express", "all", "1", "2", "1", "0.500", "96.9"]
    assert table[4] == [AGENT, MODEL, "flask", "all", "1", "4", "2", "0.500", "50.0"]
    assert table[6] == [AGENT, MODEL, "all", "hard", "3", "7", "4", "0.667", "82.3"]
    assert "Runs with notes (1)" in lines
    with (tmp_path / "csv" / "runs.csv").open(encoding="utf-8") as handle:
        rows = {(row["framework"], row["trial"]): row for row in csv.DictReader(handle)}
    assert rows[("koa", "1")]["notes"].startswith("framework and task files not verified: no task definition")
    assert (rows[("flask", "2")]["verdict_framework"], rows[("flask", "2")]["notes"]) == ("fail", "")
    markdown = (tmp_path / "tables" / "features.md").read_text(encoding="utf-8")
    assert f"| {AGENT} | {MODEL} | flask | all | 1 | 4 | 2 | 0.500 | 50.0 |" in markdown
    latex = (tmp_path / "tables" / "features.tex").read_text(encoding="utf-8")
    assert r"\begin{tabular}{llllrrrrr}" in latex and r"agent\_a & model-1 & koa & all" in latex


def test_the_report_with_feature_runs_validates_against_its_schema(graded: dict[str, Any]) -> None:
    from strict_schema import strict_validator

    strict_validator("grade").validate(graded)
    assert {run["verdicts"]["framework"] for run in graded["runs"]} >= {"pass", "fail", "unknown"}


# --- nothing from a base repository runs ------------------------------------------------------------------

TRAP_HOOKS = ("post-checkout", "post-merge", "pre-commit", "post-commit", "reference-transaction",
              "post-index-change", "pre-auto-gc", "post-rewrite", "fsmonitor-watchman")  # fmt: skip


def set_traps(repository: Path, marker: Path) -> None:
    """Hooks, a filter driver (clean, smudge, process) and a file-system monitor that each touch `marker`."""
    command = f"touch {marker}"
    hooks = repository / ".git" / "hooks"
    for name in TRAP_HOOKS:
        (hooks / name).write_text(f"#!/bin/sh\n{command}\n", encoding="utf-8")
        (hooks / name).chmod(0o755)
    for key, value in (("filter.trap.clean", command), ("filter.trap.smudge", command),
                       ("filter.trap.process", command), ("filter.trap.required", "true"),
                       ("core.fsmonitor", command), ("core.hooksPath", str(hooks))):  # fmt: skip
        git(repository, "config", key, value)


def test_no_hook_filter_or_monitor_of_a_base_repository_runs(tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    files = {**FLASK_BASE, ".gitattributes": "*.py filter=trap\n"}
    checkout = tmp_path / "checkouts" / "trapped-flask"
    commit = make_repository(checkout, files)
    origin = tmp_path / "origin" / "trapped-origin"  # the same history, to be cloned by URL
    origin.parent.mkdir()
    git(origin.parent, "clone", "-q", str(checkout), origin.name)
    set_traps(checkout, marker)
    set_traps(origin, marker)
    # the traps are live: ordinary git use in the checkout springs them (git fails here, on the filter)
    subprocess.run(["git", "status"], cwd=checkout, env=GIT_ENV, capture_output=True, check=False)
    assert marker.exists()
    marker.unlink()

    tasks = tmp_path / "tasks"
    removal = diff_of(FLASK_WITHOUT_COMMENTS, tmp_path, base=FLASK_BASE)
    local = definition(TASK, "flask", "https://example.invalid/x/trapped-flask.git", commit, "t1.patch", 8080)
    write_definition(tasks, local, f"flask-{TASK}", removal)
    cloned = definition(TASK, "express", origin.as_uri(), commit, "t2.patch", 8080)
    write_definition(tasks, cloned, f"express-{TASK}", removal)
    results = tmp_path / "results"
    restored = diff_of(FLASK_BASE, tmp_path, base=FLASK_WITHOUT_COMMENTS)
    run_folder(results, "flask", TASK, 1, restored, newman_csv(8080))
    run_folder(results, "express", TASK, 1, restored, newman_csv(8080))
    cache = tmp_path / "cache"
    document = grade_json(
        results, "--tasks", tasks, "--base-repos", tmp_path / "checkouts", "--repo-cache", cache
    )
    verdicts = {run["framework"]: run["verdicts"]["framework"] for run in document["runs"]}
    assert verdicts == {"flask": "pass", "express": "fail"}  # both laid out (a Flask app is no Express one)
    [clone] = cache.iterdir()
    assert clone.name.startswith("trapped-origin-") and clone.name.endswith(".git")
    assert not marker.exists()


def test_the_papers_verifiers_judge_feature_runs_by_their_tests_alone(
    experiment: Experiment, tmp_path: Path
) -> None:
    fresh = tmp_path / "cache"
    paper = grade_json(
        experiment.results, "--tasks", experiment.tasks, "--repo-cache", fresh, "--verifiers", "paper"
    )
    assert not fresh.exists()  # nothing is laid out for the paper's verifiers: nothing is cloned
    assert {verdict for run in paper["runs"] for verdict in run["verdicts"].values()} == {"not_applicable"}
    assert [run["success"] for run in paper["runs"]] == [run["tests_pass"] for run in paper["runs"]]
    assert sum(run["success"] for run in paper["runs"]) == 4
    compared = grade_json(*with_tasks(experiment, "--compare", "paper"))
    assert compared["comparison"]["disagreements"] == []  # the paper's verifiers do not judge feature runs
    assert runs_by(compared)[("flask", 2)]["verdicts"]["framework"] == "fail"


def test_what_cannot_be_verified_is_unknown_with_a_note(experiment: Experiment, tmp_path: Path) -> None:
    """A feature run given as a folder has no base to compare its task files with; a feature task whose name
    starts with no framework folder has no framework to check."""
    checkout = experiment.base_repos / "realworld-mini-flask"
    folder = write(tmp_path / "restored", FLASK_BASE)
    patch = tmp_path / "restored.patch"
    patch.write_text(diff_of(FLASK_BASE, tmp_path, base=FLASK_WITHOUT_COMMENTS), encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "run,agent,model,task,trial,repo,patch,base,commit,base_patch,kind\n"
        f"folder,{AGENT},{MODEL},flask-{TASK},1,{folder},,,,,feature\n"
        f"nameless,{AGENT},{MODEL},comments-task,1,,{patch},{checkout},{experiment.flask_commit},"
        f"{experiment.tasks / 'flask' / f'flask-{TASK}.patch'},\n",
        encoding="utf-8",
    )
    runs = {run["run"]: run for run in grade_json(manifest)["runs"]}
    as_folder, nameless = runs["folder"], runs["nameless"]
    assert (as_folder["framework"], as_folder["verdicts"]["framework"], as_folder["verdicts"]["task"]) == (
        "flask", "pass", "unknown",
    )  # fmt: skip
    assert as_folder["notes"] == [
        "task files not verified: the code is a folder, with no base repository to compare with"
    ]
    assert (nameless["framework"], nameless["verdicts"]["framework"], nameless["verdicts"]["task"]) == (
        "", "unknown", "pass",
    )  # fmt: skip
    assert nameless["notes"] == [
        "framework not verified: the task names no framework folder (e.g. flask-<task>)"
    ]
