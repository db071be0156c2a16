"""A JavaScript pattern of the nineteenth unseen labelled set (issue 18, docs/accuracy.md "The nineteenth set's
JavaScript/TypeScript disagreements"): a Node module that calls a function of its own as it loads
(`resetDatabase()` at its bottom), that no project file imports and that builds no app, is a program run by
hand: a command-line script in no layer, whose database library and SQL are the script's, not the app's. A
module the app imports, or one whose only module-level call is of another module's function (`config()` of
dotenv), keeps the layer its code gives it.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layers_of as _layers

PACKAGE = """{"name": "news", "dependencies": {"express": "4", "sequelize": "6", "mysql2": "3", "pg": "8"}}"""
SERVER = """const express = require("express");
const { Article } = require("./models/article");

const app = express();
app.get("/articles", async (req, res) => res.json(await Article.findAll()));
app.listen(3000);
"""
MODEL = """const { Sequelize, DataTypes } = require("sequelize");

const sequelize = new Sequelize("news", "root", "", { host: "localhost", dialect: "mysql" });
const Article = sequelize.define("Article", { title: DataTypes.STRING });

module.exports = { Article };
"""
RESET = """import { Pool } from "pg";

async function resetTables() {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  try {
    await pool.query("DELETE FROM articles WHERE archived = true");
  } finally {
    await pool.end();
  }
}

resetTables();
"""
# the same statements, in a module whose only module-level call is of another module's function
LOADED = """import { Pool } from "pg";
import { config } from "dotenv";

config();

export async function resetTables() {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  await pool.query("DELETE FROM articles WHERE archived = true");
}
"""


def _news(**more: str) -> dict[str, str]:
    return {"package.json": PACKAGE, "src/server.js": SERVER, "src/models/article.js": MODEL, **more}


def test_a_module_running_its_own_function_that_nothing_imports_is_a_script(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _news(**{"database/reset-db.js": RESET}))
    assert "database/reset-db.js" not in _layers(report)
    assert _evidence(report)["database/reset-db.js"] == "command-line script"
    # node-postgres only the script uses is no library of the app; its statement is in the scripts scope
    assert report["orm"]["libraries"] == ["sequelize"]
    scopes = {(site["file"], site["line"]): site["scope"] for site in report["orm"]["raw_sql"]}
    assert scopes == {("database/reset-db.js", 6): "scripts"}


def test_a_module_calling_only_an_imported_function_keeps_its_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _news(**{"database/reset-db.js": LOADED}))
    assert _layers(report)["database/reset-db.js"] == "repositories"
    assert sorted(report["orm"]["libraries"]) == ["pg", "sequelize"]


def test_a_module_the_app_imports_keeps_its_layer(make_project: MakeProject) -> None:
    server = SERVER.replace(
        "const app = express();", 'require("../database/reset-db");\nconst app = express();'
    )
    files = _news(
        **{"database/reset-db.js": RESET.replace("import { Pool } from", "const { Pool } = require(")}
    )
    files["database/reset-db.js"] = files["database/reset-db.js"].replace('"pg";', '"pg");', 1)
    files["src/server.js"] = server
    report = inspect_json(make_project, files)
    assert _layers(report)["database/reset-db.js"] == "repositories"
    assert sorted(report["orm"]["libraries"]) == ["pg", "sequelize"]
