"""Patterns of the twenty-fifth unseen labelled set (issue 18, docs/accuracy.md "The twenty-fifth set's
disagreements"), each with a violating and a clean project written for the test:

- a yup schema of the process environment validated at start-up (`object().shape({ DB_URI:
  string().required() }).validateSync(process.env)`) throws where a required field is unset: the application
  cannot start in the paper's harness; a field with a default, or one not marked required, stops nothing.
"""

from __future__ import annotations

import pytest
from reports import MakeProject, check, database_status, only

PG_TASK = "koa-openapi-postgres"
KOA_PACKAGE = '{"name": "api", "dependencies": {"koa": "2", "@koa/router": "10", "knex": "1", "pg": "8", "yup": "0.32"}}'
KOA_SERVER = """import Koa from 'koa';
import Router from '@koa/router';

import env from './env';
import db from './db';

const app = new Koa();
const router = new Router();
router.get('/items', async (ctx) => {
  ctx.body = await db('items').select('*');
});
app.use(router.routes());
app.listen(env.PORT);
"""
KNEX_DB = """import { knex } from 'knex';

import env from './env';

export default knex({ client: 'pg', connection: env.DB_URI });
"""
YUP_ENV = """import { object, string, number } from 'yup';

const schema = object().shape({
  PORT: number().default(3000),
  DB_URI: string()FIELD,
});

export default schema.VALIDATE(process.env, { stripUnknown: true });
"""


def _koa(field: str, validate: str = "validateSync") -> dict[str, str | bytes]:
    env = YUP_ENV.replace("FIELD", field).replace("VALIDATE", validate)
    return {"package.json": KOA_PACKAGE, "src/server.ts": KOA_SERVER, "src/db.ts": KNEX_DB, "src/env.ts": env}


def test_a_yup_schema_requiring_the_database_url_stops_the_app(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _koa(".required()"), PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "a yup schema" in db001["message"]
    assert "$DB_URI" in db001["message"]


@pytest.mark.parametrize(
    ("field", "validate"),
    [
        ("", "validateSync"),  # not marked required: undefined passes
        (".required().default('postgresql://user:password@postgres:5432/conduit')", "validateSync"),
        (".notRequired()", "validateSync"),
        (".required()", "cast"),  # cast converts types and checks no requirement
    ],
)
def test_a_yup_schema_that_passes_in_the_harness(make_project: MakeProject, field: str, validate: str) -> None:
    assert database_status(check(make_project, _koa(field, validate), PG_TASK)) == "pass"
