"""Patterns of the fifty-seventh unseen set (issue 18, docs/accuracy.md "Fifty-seventh set: disagreements"),
each with a missed (or violating) case and a clean one, on small projects written for the tests:

- a module only a seed imports (the seed is in the scripts scope by its name, `src/db/seed.ts`) is the seed's
  helper: no layer, and its SQL is the scripts'; a module the server imports too keeps its layer;
- a file a package.json script runs that starts a job-queue consumer (BullMQ's `new Worker(…)`) is a worker
  process of the application, not a command-line script: the SQL its job handler runs is the application's; a
  one-off program the scripts run (no consumer) stays a script.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, evidence_of, inspect_json, layers_of

# -- a module only the seed imports ----------------------------------------------------------------------

SEED_PACKAGE = (
    '{"name": "blog", "type": "module", "scripts": {"start": "node dist/index.js",'
    ' "db:seed": "npx tsx src/db/seed.ts"}, "dependencies": {"express": "4", "better-sqlite3": "11"}}'
)
SEED_INDEX = """import express from 'express';
import { listPosts } from './posts.repository.js';

const app = express();
app.get('/posts', (req, res) => res.json(listPosts()));
app.listen(3000);
"""
SEED_DB = """import Database from 'better-sqlite3';

export const db = new Database('blog.db');
"""
SEED_REPOSITORY = """import { db } from './db/client.js';

export const listPosts = () => db.prepare('SELECT id, title FROM posts ORDER BY id').all();
"""
SEED_FACTORY = """import { db } from './client.js';

export function createPosts(count: number): void {
  const insert = db.prepare('INSERT INTO posts (title) VALUES (?)');
  for (let i = 0; i < count; i += 1) {
    insert.run(`post ${i}`);
  }
}
"""
SEED = """import { createPosts } from './factory.js';

createPosts(20);
"""


def _seeded(index: str = SEED_INDEX) -> dict[str, str | bytes]:
    return {
        "package.json": SEED_PACKAGE,
        "src/index.ts": index,
        "src/db/client.ts": SEED_DB,
        "src/posts.repository.ts": SEED_REPOSITORY,
        "src/db/factory.ts": SEED_FACTORY,
        "src/db/seed.ts": SEED,
    }


def _sql_scopes(report: dict[str, Any]) -> dict[tuple[str, int], str]:
    return {(item["file"], item["line"]): item["scope"] for item in report["orm"]["raw_sql"]}


def test_a_module_only_a_seed_imports_is_the_seeds_helper(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _seeded())
    assert evidence_of(report)["src/db/factory.ts"] == "script helper"
    assert "src/db/factory.ts" not in layers_of(report)
    scopes = _sql_scopes(report)
    assert scopes[("src/db/factory.ts", 4)] == "scripts"
    assert scopes[("src/posts.repository.ts", 3)] == "application"
    assert layers_of(report)["src/db/client.ts"] == "repositories"  # the server reaches it too


def test_a_module_the_server_imports_too_keeps_its_layer(make_project: MakeProject) -> None:
    index = SEED_INDEX.replace(
        "import { listPosts } from './posts.repository.js';",
        "import { listPosts } from './posts.repository.js';\nimport { createPosts } from './db/factory.js';",
    ).replace("app.listen(3000);", "createPosts(1);\napp.listen(3000);")
    report = inspect_json(make_project, _seeded(index))
    assert evidence_of(report).get("src/db/factory.ts") != "script helper"
    assert layers_of(report)["src/db/factory.ts"] == "repositories"
    assert _sql_scopes(report)[("src/db/factory.ts", 4)] == "application"


# -- a job-queue worker run by a package script ----------------------------------------------------------

WORKER_PACKAGE = (
    '{"name": "links", "scripts": {"start": "node src/server.js", "worker": "node src/workers/clicks.js",'
    ' "report": "node src/reports/weekly.js"}, "dependencies": {"express": "4", "pg": "8", "bullmq": "5"}}'
)
WORKER_SERVER = """const express = require('express');
const pool = require('./lib/db');

const app = express();
app.get('/links', async (req, res) => {
  const { rows } = await pool.query('SELECT id, url FROM links ORDER BY id');
  res.json(rows);
});
app.listen(3000);
"""
WORKER_DB = """const { Pool } = require('pg');

module.exports = new Pool({ connectionString: process.env.DATABASE_URL });
"""
WORKER = """const { Worker } = require('bullmq');
const pool = require('../lib/db');

async function recordClick(job) {
  await pool.query('INSERT INTO clicks (link_id, at) VALUES ($1, now())', [job.data.linkId]);
}

async function main() {
  const worker = new Worker('clicks', recordClick, { connection: { host: 'localhost' } });
  worker.on('failed', (job, err) => console.error(job.id, err.message));
}

main().catch(() => process.exit(1));
"""
REPORT = """const pool = require('../lib/db');

async function main() {
  const { rows } = await pool.query('SELECT link_id, count(*) FROM clicks GROUP BY link_id');
  console.log(rows);
  process.exit(0);
}

main();
"""


def _worker_app(worker: str = WORKER) -> dict[str, str | bytes]:
    return {
        "package.json": WORKER_PACKAGE,
        "src/server.js": WORKER_SERVER,
        "src/lib/db.js": WORKER_DB,
        "src/workers/clicks.js": worker,
        "src/reports/weekly.js": REPORT,
    }


def test_a_queue_worker_a_package_script_runs_is_the_applications(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _worker_app())
    assert evidence_of(report).get("src/workers/clicks.js") != "command-line script"
    assert _sql_scopes(report)[("src/workers/clicks.js", 5)] == "application"
    # the one-off report program beside it stays a script
    assert evidence_of(report)["src/reports/weekly.js"] == "command-line script"
    assert _sql_scopes(report)[("src/reports/weekly.js", 4)] == "scripts"


def test_a_program_without_a_queue_consumer_stays_a_script(make_project: MakeProject) -> None:
    one_off = WORKER.replace("const { Worker } = require('bullmq');\n", "").replace(
        "  const worker = new Worker('clicks', recordClick, { connection: { host: 'localhost' } });\n"
        "  worker.on('failed', (job, err) => console.error(job.id, err.message));\n",
        "  await recordClick({ data: { linkId: Number(process.argv[2]) } });\n",
    )
    report = inspect_json(make_project, _worker_app(one_off))
    assert evidence_of(report)["src/workers/clicks.js"] == "command-line script"
    assert {scope for (file, _), scope in _sql_scopes(report).items() if file == "src/workers/clicks.js"} == {
        "scripts"
    }
