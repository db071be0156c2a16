"""A statement object bound to a name and run further down (issue 18, session (20)): `query =
text("SELECT …")` then `db.session.execute(query, …)` six lines below (SaicoBys/airbnb-manager), `const
query = sql\\`SELECT …\\`` at a Fastify plugin's top then `await db.execute(query)` in the handler it registers
(tinchoz49/fastify-starter). The statement runs at the call handing the name on, and is reported there; a
function taking a parameter of that name runs its own, so a statement bound elsewhere is not moved to it."""

from __future__ import annotations

from reports import MakeProject, inspect_json

MODELS = '''from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

db = SQLAlchemy()


class Room(db.Model):
    id = db.Column(db.Integer, primary_key=True)

    def supplies(self):
        query = text("""
            SELECT s.id, s.name
            FROM supply s
            WHERE s.room_id = :room_id
        """)
        return db.session.execute(query, {"room_id": self.id}).fetchall()


def statement():
    query = text("SELECT id FROM room")
    return query


def run(query):
    return db.session.execute(query).fetchall()
'''
APP = """from flask import Flask, jsonify

from models import Room, db

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///app.db"
db.init_app(app)


@app.get("/rooms/<int:rid>")
def show(rid):
    return jsonify([dict(r._mapping) for r in Room.query.get(rid).supplies()])
"""
HEALTH = """import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'

const db = drizzle(new pg.Pool())

export default async function healthRoutes(app) {
  const query = sql`SELECT * FROM pg_stat_activity`

  app.get('/health', {
    schema: { description: 'health' },
  }, async () => {
    await db.execute(query)
    return { status: 'ok' }
  })
}
"""
SERVER = """import Fastify from 'fastify'
import healthRoutes from './health.js'

const app = Fastify()
app.register(healthRoutes)
app.listen({ port: 3000 })
"""


def _sites(report: dict) -> list[tuple[str, int]]:  # type: ignore[type-arg]
    return [(r["file"], r["line"]) for r in report["orm"]["raw_sql"] if r["kind"] == "statement"]


def test_a_bound_text_statement_is_reported_where_it_runs(make_project: MakeProject) -> None:
    files = {"requirements.txt": "flask\nflask-sqlalchemy\n", "models.py": MODELS, "app.py": APP}
    sites = _sites(inspect_json(make_project, files))
    assert ("models.py", 16) in sites  # the execute, not the text( line 11
    assert ("models.py", 11) not in sites
    assert ("models.py", 20) in sites  # returned, run by a function taking its own `query`: stays


def test_a_bound_sql_template_is_reported_where_the_handler_runs_it(make_project: MakeProject) -> None:
    package = '{"type": "module", "dependencies": {"fastify": "^5", "drizzle-orm": "^0.36", "pg": "^8"}}'
    files = {"package.json": package, "src/health.js": HEALTH, "src/server.js": SERVER}
    assert _sites(inspect_json(make_project, files)) == [("src/health.js", 13)]
