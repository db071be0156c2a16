"""Node applications that cannot start in the paper's harness because a setting they require at start-up is
unset (issue 18, session 2026-12-05 (6)): a Joi schema validated with `validate(process.env)` whose `error`
is thrown, envalid's `cleanEnv` (it reports and exits), a value whose fallback is a function called on the
spot that throws (`process.env.X || (() => { throw … })()`), and a zod schema requiring a variable outside
the database settings (`JWT_SECRET`). The express runtime of the paper's harness puts a `.env.development`
beside the app: an Express app that loads that file by name sees its variables there, and only in the
paper's harness. Each case has clean variants. The projects are small synthetic ones written for these
tests."""

from __future__ import annotations

import json

import pytest
from reports import MakeProject, check, database_status, database_status_set_and_unset, only

from cdverify.config import build_config
from cdverify.pipeline import verify

PG_TASK = "express-openapi-postgres"
PACKAGE = (
    '{"name": "app", "dependencies": {"express": "4", "pg": "8", "joi": "17", "envalid": "8", "zod": "3"}}'
)
INDEX = """const express = require('express');
const pool = require('./db');

const app = express();
app.get('/health', async (req, res) => res.json((await pool.query('SELECT 1 AS ok')).rows));
app.listen(3000);
"""
DB = """const { Pool } = require('pg');
const config = require('./config');

module.exports = new Pool({ connectionString: config.databaseUrl });
"""
PG_URL = "postgresql://user:password@postgres:5432/conduit"


def _app(config: str, **extra: str) -> dict[str, str | bytes]:
    return {"package.json": PACKAGE, "src/index.js": INDEX, "src/db.js": DB, "src/config.js": config, **extra}


# -- Joi: validate() returns the error, the module throws it ------------------------------------------------

JOI = f"""const Joi = require('joi');

const schema = Joi.object()
  .keys({{
    JWT_SECRET: Joi.string()FIELD,
    PORT: Joi.number().default(3000),
  }})
  .unknown();

const {{ value: env, error }} = schema.prefs({{ errors: {{ label: 'key' }} }}).validate(process.env);
CHECK
module.exports = {{ databaseUrl: process.env.DATABASE_URL || '{PG_URL}', secret: env.JWT_SECRET }};
"""
THROW = "if (error) {\n  throw new Error(`Config validation error: ${error.message}`);\n}"


def test_a_joi_schema_failing_at_start_up_stops_the_app(make_project: MakeProject) -> None:
    files = _app(JOI.replace("FIELD", ".required()").replace("CHECK", THROW))
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "at src/config.js:12 throws when a Joi schema finds $JWT_SECRET unset" in db001["message"]
    root = make_project(files)
    assert database_status_set_and_unset(root, PG_TASK, "JWT_SECRET", "s3cret") == ("pass", "pass")


@pytest.mark.parametrize(
    ("field", "check_code"),
    [
        (".required()", ""),  # the error is never thrown
        (".required()", "if (!error) {\n  throw new Error('unreachable');\n}"),  # the opposite test
        ("", THROW),  # the field is not required
        (".default('dev')", THROW),  # the field has a default
    ],
)
def test_a_joi_schema_that_passes_in_the_harness(
    make_project: MakeProject, field: str, check_code: str
) -> None:
    files = _app(JOI.replace("FIELD", field).replace("CHECK", check_code))
    assert database_status(check(make_project, files, PG_TASK)) == "pass"


# -- envalid: cleanEnv exits where a field has no value ---------------------------------------------------

ENVALID = f"""const {{ cleanEnv, str, url }} = require('envalid');

const env = cleanEnv(process.env, {{
  DATABASE_URL: url({{ default: '{PG_URL}' }}),
  JWT_SECRET: str(OPTIONS),
}});

module.exports = {{ databaseUrl: env.DATABASE_URL, secret: env.JWT_SECRET }};
"""


def test_envalid_at_start_up_with_a_required_field_stops_the_app(make_project: MakeProject) -> None:
    db001 = only(check(make_project, _app(ENVALID.replace("OPTIONS", "")), PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "exits when envalid's cleanEnv finds $JWT_SECRET unset" in db001["message"]


@pytest.mark.parametrize("options", ["{ default: 'dev' }", "{ devDefault: 'dev' }"])
def test_envalid_with_defaults_starts(make_project: MakeProject, options: str) -> None:
    assert database_status(check(make_project, _app(ENVALID.replace("OPTIONS", options)), PG_TASK)) == "pass"


def test_envalid_in_a_function_nobody_calls_at_start_up(make_project: MakeProject) -> None:
    lazy = ENVALID.replace("OPTIONS", "").replace("const env = cleanEnv(", "const load = () => cleanEnv(")
    lazy = lazy.replace(
        "module.exports = { databaseUrl: env.DATABASE_URL, secret: env.JWT_SECRET };",
        f"module.exports = {{ databaseUrl: '{PG_URL}', load }};",
    )
    assert database_status(check(make_project, _app(lazy), PG_TASK)) == "pass"


# -- a fallback that throws ------------------------------------------------------------------------------

FALLBACK = f"""module.exports = {{
  databaseUrl: process.env.DATABASE_URL || '{PG_URL}',
  jwt: {{
    secret:
      process.env.JWT_SECRET ||
      FALLBACK,
  }},
}};
"""


@pytest.mark.parametrize(
    "fallback",
    [
        '(() => {\n        throw new Error("JWT_SECRET is required");\n      })()',
        '(function () { throw new Error("JWT_SECRET is required"); })()',
    ],
)
def test_a_throwing_fallback_stops_the_app(make_project: MakeProject, fallback: str) -> None:
    db001 = only(check(make_project, _app(FALLBACK.replace("FALLBACK", fallback)), PG_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "at src/config.js:4 throws when $JWT_SECRET is unset" in db001["message"]


@pytest.mark.parametrize(
    "fallback",
    [
        "'dev-secret'",  # a value
        '(() => "dev-secret")()',  # a function that returns one
        '(() => { console.warn("JWT_SECRET unset"); return "dev"; })()',  # no throw
    ],
)
def test_a_fallback_that_does_not_throw(make_project: MakeProject, fallback: str) -> None:
    assert (
        database_status(check(make_project, _app(FALLBACK.replace("FALLBACK", fallback)), PG_TASK)) == "pass"
    )


# -- a zod schema requiring a variable outside the database settings ------------------------------------

ZOD = f"""const {{ z }} = require('zod');

const schema = z.object({{
  PORT: z.string().default('3000'),
  JWT_SECRET: z.string()FIELD,
}});
const parsed = schema.safeParse(process.env);
if (!parsed.success) {{
  console.error(parsed.error);
  process.exit(1);
}}
module.exports = {{ databaseUrl: process.env.DATABASE_URL || '{PG_URL}', secret: parsed.data.JWT_SECRET }};
"""


@pytest.mark.parametrize(
    ("field", "stops"), [(".min(32)", True), (".optional()", False), (".default('x')", False)]
)
def test_a_zod_schema_requiring_a_secret(make_project: MakeProject, field: str, stops: bool) -> None:
    report = check(make_project, _app(ZOD.replace("FIELD", field)), PG_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        assert "exits when a zod schema finds $JWT_SECRET unset" in only(report, "DB001")["message"]


ZOD_REFINED = f"""const {{ z }} = require('zod');

const schema = z.object({{
  NODE_ENV: z.string().default('development'),
  JWT_SECRET: z.string()FIELD,
}})CHAIN;

let env;
try {{
  env = schema.parse(process.env);
}} catch (error) {{
  console.error(error);
  process.exit(1);
}}
module.exports = {{ databaseUrl: process.env.DATABASE_URL || '{PG_URL}', secret: env.JWT_SECRET }};
"""
REFINE = ".superRefine((input, ctx) => { if (input.NODE_ENV === 'production' && !input.JWT_SECRET) ctx.addIssue({ code: 'custom' }); })"


@pytest.mark.parametrize(
    ("field", "chain", "stops"),
    [
        ("", REFINE, True),  # a refinement keeps the object's fields: parse still throws (session (10))
        ("", ".strict()" + REFINE, True),
        (".optional()", REFINE, False),
        ("", ".partial()", False),  # partial() makes every field optional: not a schema-keeping method
    ],
)
def test_a_refined_zod_schema_parsed_at_start_up(
    make_project: MakeProject, field: str, chain: str, stops: bool
) -> None:
    config = ZOD_REFINED.replace("FIELD", field).replace("CHAIN", chain)
    report = check(make_project, _app(config), PG_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        assert "throws when a zod schema finds $JWT_SECRET unset" in only(report, "DB001")["message"]


# -- the express runtime's .env.development -------------------------------------------------------------

CHECKED = """require('dotenv').config();

if (!process.env.JWT_SECRET) {
  throw new Error('JWT_SECRET missing');
}
module.exports = { databaseUrl: process.env.DATABASE_URL };
"""


def _runtime_app(scripts: str, dependencies: str = '"express": "4"') -> dict[str, str | bytes]:
    package = (
        '{"name": "app", "scripts": {'
        + scripts
        + '}, "dependencies": {'
        + dependencies
        + ', "pg": "8", "dotenv": "16"}}'
    )
    return {**_app(CHECKED), "package.json": package}


def test_an_express_app_loading_the_runtime_file_sees_its_variables(make_project: MakeProject) -> None:
    files = _runtime_app('"develop": "dotenv -e .env.development -- node src/index.js"')
    assert (
        database_status(check(make_project, files, PG_TASK)) == "pass"
    )  # DATABASE_URL and JWT_SECRET set there


@pytest.mark.parametrize(
    ("scripts", "dependencies"),
    [
        ('"start": "node src/index.js"', '"express": "4"'),  # the file is not loaded
        ('"develop": "dotenv -e .env.development -- node src/index.js"', '"koa": "2"'),  # no express runtime
    ],
)
def test_an_app_not_loading_the_runtime_file_sees_none(
    make_project: MakeProject, scripts: str, dependencies: str
) -> None:
    report = check(make_project, _runtime_app(scripts, dependencies), PG_TASK)
    assert database_status(report) == "fail"
    assert "throws when $JWT_SECRET is unset" in only(report, "DB001")["message"]


def test_the_runtime_file_is_the_paper_harness_only(make_project: MakeProject) -> None:
    root = make_project(_runtime_app('"develop": "dotenv -e .env.development -- node src/index.js"'))
    declared = build_config({"harness_env": {"PORT": "8080"}})  # another harness: no runtime file
    assert verify(root, "express+postgres", declared, use_cache=False).verdicts["database"].status == "fail"
    # the same declared variables for a paper task: the paper's harness with them, the runtime file too
    assert verify(root, PG_TASK, declared, use_cache=False).verdicts["database"].status == "pass"


# -- a module required at start-up that is not in the project -------------------------------------------

MISSING_INDEX = """const express = require('express');
const db = require('./config/db');
const users = require('./users');

const app = express();
app.use('/users', users);
module.exports = app;
"""
USERS = f"""const express = require('express');
const {{ Pool }} = require('pg');

const pool = new Pool({{ connectionString: '{PG_URL}' }});
const router = express.Router();
router.get('/', async (req, res) => res.json((await pool.query('SELECT * FROM users')).rows));
module.exports = router;
"""
DB_MODULE = "const mongoose = require('mongoose');\nmongoose.connect('mongodb://localhost/app');\n"


def _missing(index: str = MISSING_INDEX, **extra: str) -> dict[str, str | bytes]:
    package = (
        '{"name": "app", "main": "app.js", "dependencies": {"express": "4", "pg": "8", "mongoose": "8"}}'
    )
    return {"package.json": package, "app.js": index, "users.js": USERS, **extra}


def test_a_module_required_at_start_up_that_is_not_there_stops_the_app(make_project: MakeProject) -> None:
    report = check(make_project, _missing(), "express-openapi-postgres")
    db001 = only(report, "DB001")
    message = "require('./config/db') at app.js:2 throws MODULE_NOT_FOUND: ./config/db is not in the project"
    assert message in db001["message"]
    assert db001["harness_engines"] == []
    # with the module there it would run on its literal PostgreSQL URL: that is the whole fix
    assert db001["hint"] == (
        f"make the application start as shipped ({message}): add what it needs to the project, or remove the "
        "statement"
    )
    assert report["database"]["engines"] == ["postgresql"]  # the engines it is written for stay


@pytest.mark.parametrize(
    "extra",
    [
        {"config/db.js": DB_MODULE},  # the module is there
        {"config/db/index.js": DB_MODULE},  # a folder with an index
        {"config/db.json": "{}"},  # a JSON module
        # an ignored file of a working copy: not analysed, but there for Node
        {".gitignore": "/config\n", "config/db.js": DB_MODULE},
    ],
)
def test_a_module_that_is_there_does_not_stop_it(make_project: MakeProject, extra: dict[str, str]) -> None:
    report = check(make_project, _missing(**extra), "express-openapi-postgres")
    assert "MODULE_NOT_FOUND" not in json.dumps(report["findings"])


@pytest.mark.parametrize(
    "index",
    [
        # required inside a function: only when it runs
        MISSING_INDEX.replace(
            "const db = require('./config/db');", "const db = () => require('./config/db');"
        ),
        # a package, not a relative path: its absence is an install problem, not the project's
        MISSING_INDEX.replace("require('./config/db')", "require('config-db')"),
    ],
)
def test_requires_that_are_not_start_up_module_paths(make_project: MakeProject, index: str) -> None:
    report = check(make_project, _missing(index), "express-openapi-postgres")
    assert "MODULE_NOT_FOUND" not in json.dumps(report["findings"])


@pytest.mark.parametrize(
    ("module", "extra"),
    [
        # Prisma's client generated into the project by `prisma generate` (the schema's `output`)
        (
            "./db/client",
            {
                "prisma/schema.prisma": (
                    'generator client {\n  provider = "prisma-client"\n  output   = "../src/db"\n}\n'
                    'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
                )
            },
        ),
        ("./api.gen", {}),  # a generated module by its name (rules/scopes.toml)
    ],
)
def test_a_module_a_build_step_generates_is_not_missing(
    make_project: MakeProject, module: str, extra: dict[str, str]
) -> None:
    index = MISSING_INDEX.replace("require('./config/db')", f"require('{module}')")
    files = {**_missing(index), **extra}
    files["src/app.js"] = files.pop("app.js")
    files["src/users.js"] = files.pop("users.js")
    if extra:  # without the generator, the same module is missing
        bare = {path: text for path, text in files.items() if path not in extra}
        assert "MODULE_NOT_FOUND" in json.dumps(
            check(make_project, bare, "express-openapi-postgres")["findings"]
        )
    report = check(make_project, files, "express-openapi-postgres")
    assert "MODULE_NOT_FOUND" not in json.dumps(report["findings"])


# -- a library that throws as it is made when an option is missing ---------------------------------------

AUTH = f"""const {{ expressjwt }} = require('express-jwt');

CALL
module.exports = {{ databaseUrl: '{PG_URL}', auth }};
"""


@pytest.mark.parametrize(
    ("call", "stops"),
    [
        ("const auth = expressjwt({ secret: process.env.JWT_SECRET, algorithms: ['HS256'] });", True),
        # a fallback in code: the option is always set
        (
            "const auth = expressjwt({ secret: process.env.JWT_SECRET || 'dev', algorithms: ['HS256'] });",
            False,
        ),
        # made when a request comes, not at start-up
        (
            "const auth = (req, res, next) =>\n"
            "  expressjwt({ secret: process.env.JWT_SECRET, algorithms: ['HS256'] })(req, res, next);",
            False,
        ),
    ],
)
def test_express_jwt_without_its_secret(make_project: MakeProject, call: str, stops: bool) -> None:
    report = check(make_project, _app(AUTH.replace("CALL", call)), PG_TASK)
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        message = only(report, "DB001")["message"]
        assert "express-jwt throws `secret` is a required option when $JWT_SECRET is unset" in message


def test_a_cognito_verifier_without_its_pool_id(make_project: MakeProject) -> None:
    call = (
        "const { CognitoJwtVerifier } = require('aws-jwt-verify');\n"
        "const auth = CognitoJwtVerifier.create({ userPoolId: process.env.COGNITO_USER_POOL_ID, tokenUse: 'access' });"
    )
    files = _app(AUTH.replace("const { expressjwt } = require('express-jwt');\n", "").replace("CALL", call))
    db001 = only(check(make_project, files, PG_TASK), "DB001")
    assert (
        "CognitoJwtVerifier.create throws Invalid Cognito User Pool ID when $COGNITO_USER_POOL_ID"
        in (db001["message"])
    )
    root = make_project(files)
    assert database_status_set_and_unset(root, PG_TASK, "COGNITO_USER_POOL_ID", "eu-west-1_abc") == (
        "pass",
        "pass",
    )


# Hono's JWT middleware factory throws as it is called without a secret (hono 3 and 4)
HONO_PACKAGE = '{"name": "app", "dependencies": {"hono": "4", "@hono/node-server": "1", "pg": "8"}}'
HONO_INDEX = f"""import {{ Hono }} from 'hono';
import {{ serve }} from '@hono/node-server';
import {{ jwt }} from 'hono/jwt';
import {{ Pool }} from 'pg';

const pool = new Pool({{ connectionString: '{PG_URL}' }});
const app = new Hono();
CALL
app.get('/health', async (c) => c.json((await pool.query('SELECT 1 AS ok')).rows));
serve({{ fetch: app.fetch, port: 3000 }});
"""


@pytest.mark.parametrize(
    ("call", "stops"),
    [
        ("app.use('/api/*', jwt({ secret: process.env.JWT_SECRET as string }));", True),
        ("app.use('/api/*', jwt({ secret: Bun.env.JWT_SECRET as string }));", True),
        # a fallback in code: the option is always set
        ("app.use('/api/*', jwt({ secret: process.env.JWT_SECRET || 'dev-secret' }));", False),
        # made when a request comes, from the request's bindings: not at start-up
        ("app.use('/api/*', (c, next) => jwt({ secret: c.env.JWT_SECRET })(c, next));", False),
    ],
)
def test_hono_jwt_without_its_secret(make_project: MakeProject, call: str, stops: bool) -> None:
    files = {"package.json": HONO_PACKAGE, "src/index.ts": HONO_INDEX.replace("CALL", call)}
    report = check(make_project, files, "hono-openapi-postgres")
    assert database_status(report) == ("fail" if stops else "pass")
    if stops:
        message = only(report, "DB001")["message"]
        assert "hono/jwt's jwt() throws JWT auth middleware requires options for" in message
        assert "$JWT_SECRET is unset" in message
