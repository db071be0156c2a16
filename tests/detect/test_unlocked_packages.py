"""An import at start-up of a package that nothing installs (issue 18, the sixty-second set; docs/accuracy.md
"Sixty-second and sixty-third sets, JavaScript/TypeScript halves"): an Express server started with `node index.js`
writes `import { open } from 'sqlite'` (the promise wrapper over sqlite3) while package.json declares only
sqlite3 and the lockfile beside it names no `sqlite`. The paper's `npm install` installs what the lockfile
names, so the import cannot be found and the application cannot start (DB001, harness engines none).

Clean: no lockfile (a dependency's own dependencies are then unknown), a lockfile naming the package (another
package installs it), a lockfile out of step with package.json (an install resolves a new tree), a `require`
(it may sit in a `try`), a module no start script reaches, a project with workspaces, a name that is a project
folder. Projects written for the test."""

from __future__ import annotations

import json

import pytest
from reports import MakeProject, check, only

SQLITE_TASK = "express-openapi-sqlite"
PACKAGE = json.dumps(
    {
        "name": "orders",
        "type": "module",
        "scripts": {"start": "node server.js"},
        "dependencies": {"express": "^4.19.2", "sqlite3": "^5.1.6"},
    }
)


def lockfile(*names: str) -> str:
    packages = {"": {"name": "orders"}} | {f"node_modules/{name}": {"version": "1.0.0"} for name in names}
    return json.dumps({"name": "orders", "lockfileVersion": 3, "packages": packages})


LOCK = lockfile("express", "sqlite3", "body-parser")
SERVER = """import express from 'express';
import sqlite3 from 'sqlite3';
import { open } from 'sqlite';

const app = express();
const db = await open({ filename: './orders.db', driver: sqlite3.Database });
await db.exec('CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, item TEXT)');
app.get('/orders', async (req, res) => res.json(await db.all('SELECT * FROM orders')));
app.listen(4000);
"""


def project(**changes: str) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {"package.json": PACKAGE, "package-lock.json": LOCK, "server.js": SERVER}
    files.update({name.replace("__", "/").replace("_", "."): text for name, text in changes.items()})
    return files


def test_an_import_of_a_package_nothing_installs_stops_the_app(make_project: MakeProject) -> None:
    report = check(make_project, project(), SQLITE_TASK)
    db001 = only(report, "DB001")
    assert (
        "import { open } from 'sqlite'; at server.js:3 throws MODULE_NOT_FOUND: sqlite is not declared in "
        "package.json and its lockfile does not name it, so npm install does not install it"
    ) in db001["message"]
    assert db001["harness_engines"] == []
    assert report["database"]["engines"] == ["sqlite"]


def test_a_module_the_started_one_imports_stops_it_too(make_project: MakeProject) -> None:
    server = "import express from 'express';\nimport { openDb } from './db.js';\n\nconst app = express();\n"
    server += "app.get('/orders', async (req, res) => res.json(await (await openDb()).all('SELECT * FROM orders')));\n"
    server += "app.listen(4000);\n"
    db = "import sqlite3 from 'sqlite3';\nimport { open } from 'sqlite';\n\n"
    db += "export const openDb = () => open({ filename: './orders.db', driver: sqlite3.Database });\n"
    report = check(make_project, project(server_js=server, db_js=db), SQLITE_TASK)
    assert (
        "import { open } from 'sqlite'; at db.js:2 throws MODULE_NOT_FOUND"
        in only(report, "DB001")["message"]
    )


STRAY = "import { open } from 'sqlite';\n\nexport const stray = () => open({ filename: 'x.db' });\n"


@pytest.mark.parametrize(
    "changes",
    [
        {"package-lock_json": ""},  # no lockfile: not proven
        {"package-lock_json": lockfile("express", "sqlite3", "sqlite")},  # another package installs it
        {"package-lock_json": lockfile("express")},  # out of step: sqlite3 is resolved afresh
        {
            "server_js": SERVER.replace(
                "import { open } from 'sqlite';", "const { open } = require('sqlite');"
            )
        },
        {"package_json": PACKAGE.replace('"express"', '"workspaces": ["packages/*"], "express"', 1)},
    ],
    ids=["no-lockfile", "locked", "stale-lockfile", "require", "workspaces"],
)
def test_imports_not_proven_missing_are_not_claimed(
    make_project: MakeProject, changes: dict[str, str]
) -> None:
    files = project(**changes)
    files = {name: text for name, text in files.items() if text != ""}
    report = check(make_project, files, SQLITE_TASK)
    assert "MODULE_NOT_FOUND" not in json.dumps(report["findings"])
    assert report["verdicts"]["database"]["status"] == "pass"


def test_a_module_no_start_script_reaches_is_not_claimed(make_project: MakeProject) -> None:
    clean = SERVER.replace("import { open } from 'sqlite';\n", "import { open } from './wrapper.js';\n")
    wrapper = "export const open = async () => null;\n"
    report = check(make_project, project(server_js=clean, wrapper_js=wrapper, stray_js=STRAY), SQLITE_TASK)
    assert "MODULE_NOT_FOUND" not in json.dumps(report["findings"])


def test_a_name_that_is_a_project_folder_is_not_claimed(make_project: MakeProject) -> None:
    # `sqlite/` in the project: a path mapping the resolver did not follow may point there
    report = check(make_project, project(sqlite__helpers_js="export const helper = 1;\n"), SQLITE_TASK)
    assert "MODULE_NOT_FOUND" not in json.dumps(report["findings"])
