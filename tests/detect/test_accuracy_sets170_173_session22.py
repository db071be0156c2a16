"""Session (22)'s held-out sets (docs/accuracy.md, "The hundred-and-seventieth to hundred-and-seventy-third sets'
disagreements"): the layers a Koa controller class, a crud module, a Flask connection module, a koa-joi-router
table and a Fastify wiring plugin take, and the start-up stops of an environs read in the config function an
aiohttp app factory calls, a config file built from the entry's folder through a name, and a SQLite file a
variable's fallback builds from the module's folder. Each violating case has a near miss beside it."""

from __future__ import annotations

import textwrap

import pytest
from reports import MakeProject, check, evidence_of, inspect_json, layer_violations, layers_of, only


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def no_db001(make_project: MakeProject, files: dict[str, str | bytes], task: str) -> None:
    assert [f for f in check(make_project, files, task)["findings"] if f["rule"] == "DB001"] == []


# -- a Koa controller class exported by default from a lowercase module, its methods handed the context

KOA_PACKAGE = '{"name": "auth", "dependencies": {"koa": "^2", "@koa/router": "^12", "mongoose": "^7"}}'
KOA_INDEX = src(
    """
    import Koa from "koa";
    import mongoose from "mongoose";
    import router from "./routes/user";

    mongoose.connect("mongodb://localhost:27017/auth");
    const app = new Koa();
    app.use(router.routes());
    app.listen(3000);
    """
)
KOA_ROUTES = src(
    """
    import Router from "@koa/router";
    import UserController from "../controllers/user";

    const router = new Router();
    const controller = new UserController();

    router.post("/api/user/register", async ctx => {
      await controller.register(ctx);
    });

    router.get("/api/user/:id", async (ctx) => {
      await controller.profile(ctx);
    });

    export default router;
    """
)
KOA_CONTROLLER = src(
    """
    import User from "../models/User";

    class UserController {
      async register(ctx) {
        const user = await User.create(ctx.request.body);
        ctx.body = { id: user.id };
      }

      async profile(ctx) {
        ctx.body = await User.findById(ctx.params.id);
      }
    }

    export default UserController;
    """
)
KOA_MODEL = src(
    """
    import mongoose from "mongoose";

    const schema = new mongoose.Schema({ name: String });
    export default mongoose.model("User", schema);
    """
)


def koa_app(controller: str = KOA_CONTROLLER) -> dict[str, str | bytes]:
    return {
        "package.json": KOA_PACKAGE,
        "src/index.js": KOA_INDEX,
        "src/routes/user.js": KOA_ROUTES,
        "src/controllers/user.js": controller,
        "src/models/User.js": KOA_MODEL,
    }


def test_a_controller_class_exported_by_default_answers_the_requests_handed_to_it(
    make_project: MakeProject,
) -> None:
    """mylastore/koa-api: `const controller = new UserController()` of `export default UserController` in
    `controllers/user.js`, each route's inline handler handing it the context: its methods answer the
    requests, though they query the models themselves."""
    layers = layers_of(inspect_json(make_project, koa_app()))
    assert layers["src/controllers/user.js"] == "routes"


def test_a_default_exported_function_handed_the_context_is_left_to_its_code(
    make_project: MakeProject,
) -> None:
    """Near miss: the default export a lowercase function (`export default makeUsers`) is no class whose
    instance's methods answer: the module keeps the data access its code shows."""
    controller = src(
        """
        import User from "../models/User";

        function makeUsers() {
          return {
            register: async (ctx) => User.create(ctx.request.body),
            profile: async (ctx) => User.findById(ctx.params.id),
          };
        }

        export default makeUsers;
        """
    )
    layers = layers_of(inspect_json(make_project, koa_app(controller)))
    assert layers["src/controllers/user.js"] == "repositories"


# -- a FastAPI crud module hashing the password with a helper of an auth module that handles requests

FASTAPI_AUTH = src(
    """
    from fastapi import Depends, HTTPException, status
    from fastapi.security import OAuth2PasswordBearer
    from passlib.context import CryptContext
    from sqlalchemy.orm import Session

    from app.database import get_db
    from app.models import User

    pwd = CryptContext(schemes=["bcrypt"])
    oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/login")

    def get_password_hash(password):
        return pwd.hash(password)

    def get_current_user(token: str = Depends(oauth2), db: Session = Depends(get_db)):
        unauthorized = HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Invalid credentials")
        user = db.query(User).filter(User.email == token).first()
        if user is None:
            raise unauthorized
        return user
    """
)
FASTAPI_DATABASE = src(
    """
    from sqlalchemy import create_engine
    from sqlalchemy.orm import declarative_base, sessionmaker

    engine = create_engine("sqlite:///./tasks.db")
    SessionLocal = sessionmaker(bind=engine)
    Base = declarative_base()

    def get_db():
        db = SessionLocal()
        try:
            yield db
        finally:
            db.close()
    """
)
FASTAPI_MODELS = src(
    """
    from sqlalchemy import Column, Integer, String

    from app.database import Base

    class User(Base):
        __tablename__ = "users"
        id = Column(Integer, primary_key=True)
        email = Column(String)
        hashed_password = Column(String)
    """
)
FASTAPI_ROUTES = src(
    """
    from fastapi import APIRouter, Depends

    from app import auth, crud
    from app.database import get_db

    router = APIRouter()

    @router.post("/users")
    def sign_up(payload: dict, db=Depends(get_db), admin=Depends(auth.get_current_user)):
        return crud.create_user(db, payload)
    """
)
FASTAPI_MAIN = src(
    """
    from fastapi import FastAPI

    from app.routes.users import router

    app = FastAPI()
    app.include_router(router)
    """
)


def crud_app(crud: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nsqlalchemy\npasslib\n",
        "app/__init__.py": "",
        "app/main.py": FASTAPI_MAIN,
        "app/auth.py": FASTAPI_AUTH,
        "app/database.py": FASTAPI_DATABASE,
        "app/models.py": FASTAPI_MODELS,
        "app/crud.py": crud,
        "app/routes/__init__.py": "",
        "app/routes/users.py": FASTAPI_ROUTES,
    }


def test_a_crud_module_hashing_a_field_it_was_handed_stays_data_access(make_project: MakeProject) -> None:
    """AshtonScalise/taskforge-backend: `hashed = get_password_hash(user.password)` of the auth module (which
    handles requests: `Depends`, `HTTPException`) in a function handed `user`: the crud module takes a value
    from it, wires nothing, and stays data access, so the route importing it bypasses the services."""
    crud = src(
        """
        from sqlalchemy.orm import Session

        from app.auth import get_password_hash
        from app.models import User

        def create_user(db: Session, user):
            hashed_pw = get_password_hash(user.password)
            db_user = User(email=user.email, hashed_password=hashed_pw)
            db.add(db_user)
            db.commit()
            return db_user
        """
    )
    report = inspect_json(make_project, crud_app(crud))
    assert layers_of(report)["app/crud.py"] == "repositories"
    assert ("bypass", "app/routes/users.py", "app/crud.py") in layer_violations(report)


def test_a_querying_module_handing_a_module_settings_field_to_a_route_module_wires_the_app(
    make_project: MakeProject,
) -> None:
    """Near miss: the field handed is one of a module-level object the file imports (`config.secret`), not of
    what the function was handed: the module still builds with the route module, as wiring does."""
    crud = src(
        """
        from sqlalchemy.orm import Session

        from app import config
        from app.auth import get_password_hash
        from app.models import User

        def create_admin(db: Session):
            hashed_pw = get_password_hash(config.secret)
            db.add(User(email="admin", hashed_password=hashed_pw))
            db.commit()
        """
    )
    files = {**crud_app(crud), "app/config.py": 'secret = "change-me"\n'}
    assert evidence_of(inspect_json(make_project, files))["app/crud.py"] == "composition root"


# -- a Flask connection module asking whether a request is in flight

FLASK_DB = src(
    """
    import sqlite3

    from flask import g, has_request_context

    def get_db_connection():
        if has_request_context():
            if "db" not in g:
                g.db = sqlite3.connect("bank.db")
            return g.db
        return sqlite3.connect("bank.db")

    def list_users():
        return get_db_connection().execute("SELECT id, name FROM users").fetchall()
    """
)
FLASK_ROUTES = src(
    """
    from flask import Blueprint, jsonify

    from db import list_users

    bp = Blueprint("main", __name__)

    @bp.route("/users")
    def users():
        return jsonify(list_users())
    """
)
FLASK_APP = src(
    """
    from flask import Flask

    from routes.main import bp

    def create_app():
        app = Flask(__name__)
        app.register_blueprint(bp)
        return app
    """
)


def flask_app(db: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "flask\n",
        "app.py": FLASK_APP,
        "db.py": db,
        "routes/__init__.py": "",
        "routes/main.py": FLASK_ROUTES,
    }


def test_a_connection_module_testing_for_a_request_context_is_data_access(make_project: MakeProject) -> None:
    """PawFV/happy-lab: `if has_request_context(): g.db = …` reads nothing of the request: the module
    opening the connection and querying is data access, and the route importing it bypasses the services."""
    report = inspect_json(make_project, flask_app(FLASK_DB))
    assert layers_of(report)["db.py"] == "repositories"
    assert ("bypass", "routes/main.py", "db.py") in layer_violations(report)


def test_a_module_reading_the_request_handles_it(make_project: MakeProject) -> None:
    """Near miss: one that reads the request itself (`request.args`) handles requests: no data-access role."""
    db = FLASK_DB.replace(
        "from flask import g, has_request_context", "from flask import g, has_request_context, request"
    )
    db = db.replace(
        '"SELECT id, name FROM users"', '"SELECT id, name FROM users LIMIT ?", (request.args["n"],)'
    )
    report = inspect_json(make_project, flask_app(db))
    assert "db.py" not in layers_of(report)


# -- an aiohttp app whose factory calls the config function reading environs with no default

BOT_MAIN = src(
    """
    from aiohttp.web import run_app

    from app.web.app import setup_app

    if __name__ == "__main__":
        run_app(setup_app())
    """
)
BOT_APP = src(
    """
    from aiohttp.web import Application

    from app.web.config import setup_config

    app = Application()

    def setup_app() -> Application:
        setup_config(app, ".env")
        return app
    """
)
BOT_CONFIG = src(
    """
    from environs import Env
    from sqlalchemy.ext.asyncio import create_async_engine

    def setup_config(app, env_path: str):
        env = Env()
        env.read_env(env_path)
        app["session_key"] = env.str("SESSION_KEY"@DEFAULT@)
        app["engine"] = create_async_engine("postgresql+asyncpg://kts:kts@localhost:5432/kts")
    """
)
AIOHTTP_POSTGRES_TASK = "python-aiohttp-openapi-postgres-sqlalchemy"


def bot_app(default: str = "", main: str = BOT_MAIN) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nenvirons\nsqlalchemy\nasyncpg\n",
        "main.py": main,
        "app/__init__.py": "",
        "app/web/__init__.py": "",
        "app/web/app.py": BOT_APP,
        "app/web/config.py": BOT_CONFIG.replace("@DEFAULT@", default),
    }


def test_an_environs_read_in_the_config_function_the_factory_calls_stops_the_app(
    make_project: MakeProject,
) -> None:
    """vad-ii-k/BlackJack-TelegramBot: `run_app(setup_app())` under `if __name__ == "__main__":`, `setup_app`
    calling `setup_config(app, ".env")`, whose `env.str("SESSION_KEY")` raises EnvError where it is unset."""
    db001 = only(check(make_project, bot_app(), AIOHTTP_POSTGRES_TASK), "DB001")
    assert db001["harness_engines"] == []
    assert "SESSION_KEY" in db001["message"]


@pytest.mark.parametrize(
    "files",
    [
        bot_app(default=', default="dev"'),  # a default: no raise
        bot_app(main=BOT_MAIN.replace("run_app(setup_app())", "setup_app()")),  # the block starts no server
    ],
    ids=["default", "no-server"],
)
def test_a_read_with_a_default_or_a_block_starting_no_server_is_no_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    no_db001(make_project, files, AIOHTTP_POSTGRES_TASK)


# -- a config file built from the entry's folder through a name (`BASE_DIR / "local/config.yaml"`)

CONFIG_MAIN = src(
    """
    from pathlib import Path

    from aiohttp.web import run_app

    from app.web import setup_app

    if __name__ == "__main__":
        BASE_DIR = @BASE@
        run_app(setup_app(BASE_DIR / "local/config.yaml"))
    """
)
CONFIG_WEB = src(
    """
    from aiohttp import web

    from app.config import setup_config

    def setup_app(config_path) -> web.Application:
        app = web.Application()
        setup_config(app, config_path)
        return app
    """
)
CONFIG_READ = src(
    """
    import yaml
    from sqlalchemy.ext.asyncio import create_async_engine

    def setup_config(app, config_path):
        with open(config_path, "r") as f:
            raw = yaml.safe_load(f)
        app["engine"] = create_async_engine("postgresql+asyncpg://kts:kts@localhost:5432/kts")
    """
)


def config_app(base: str, **extra: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "aiohttp\nsqlalchemy\nasyncpg\npyyaml\n",
        ".gitignore": "local/\n",
        "main.py": CONFIG_MAIN.replace("@BASE@", base),
        "app/__init__.py": "",
        "app/web.py": CONFIG_WEB,
        "app/config.py": CONFIG_READ,
        **extra,
    }


def test_a_config_file_divided_from_the_entrys_folder_by_name_stops_the_app(
    make_project: MakeProject,
) -> None:
    """annrud/stock_exchange_bot: `BASE_DIR = Path(__file__).resolve().parent`, then `BASE_DIR /
    "local/config.yaml"` handed through `setup_app` to the function opening it; `local/` is gitignored."""
    files = config_app("Path(__file__).resolve().parent")
    db001 = only(check(make_project, files, AIOHTTP_POSTGRES_TASK), "DB001")
    assert "reads local/config.yaml, which the project does not ship" in db001["message"]


@pytest.mark.parametrize(
    "files",
    [
        config_app("Path(__file__).resolve().parent", **{"local/config.yaml": "db: {}\n"}),  # shipped
        config_app("Path.cwd()"),  # the working folder, not the module's
    ],
    ids=["shipped", "cwd"],
)
def test_a_shipped_config_file_or_one_from_another_folder_is_no_stop(
    make_project: MakeProject, files: dict[str, str | bytes]
) -> None:
    no_db001(make_project, files, AIOHTTP_POSTGRES_TASK)


# -- koa-joi-router route tables

JOI_PACKAGE = '{"name": "tasks", "dependencies": {"koa": "^2", "koa-joi-router": "^8", "typeorm": "^0.3", "sqlite3": "^5"}}'
JOI_SOURCE = src(
    """
    import { DataSource } from "typeorm";

    export const dataSource = new DataSource({ type: "sqlite", database: "tasks.sqlite" });
    """
)
JOI_TASKS = src(
    """
    import router from "koa-joi-router";
    import { dataSource } from "../config/ormconfig";

    const tasksRouter = router();
    tasksRouter.prefix("/tasks");

    tasksRouter.get("/", async (context) => {
      context.body = await dataSource.getRepository("Task").find();
    });

    tasksRouter.route({
      method: "post",
      path: "/",
      validate: { type: "json" },
      handler: async (context) => {
        context.body = await dataSource.getRepository("Task").save(context.request.body);
      },
    });

    export default tasksRouter;
    """
)
JOI_APP = src(
    """
    import Koa from "koa";
    import tasksRouter from "./routes/tasks";

    const app = new Koa();
    app.use(tasksRouter.middleware());
    app.listen(3000);
    """
)


def test_koa_joi_router_tables_register_routes(make_project: MakeProject) -> None:
    """leosuncin/koa-api-example: `router()` of koa-joi-router, its `get(path, handler)` and `route({ method,
    path, handler })` register routes; the route module running the data source's queries bypasses."""
    files = {
        "package.json": JOI_PACKAGE,
        "src/app.ts": JOI_APP,
        "src/config/ormconfig.ts": JOI_SOURCE,
        "src/routes/tasks.ts": JOI_TASKS,
    }
    report = inspect_json(make_project, files)
    routes = sorted((r["file"], r["method"]) for r in report["framework"]["routes"])
    assert routes == [("src/routes/tasks.ts", "GET"), ("src/routes/tasks.ts", "POST")]
    assert layers_of(report)["src/routes/tasks.ts"] == "routes"
    assert ("bypass", "src/routes/tasks.ts", "src/config/ormconfig.ts") in layer_violations(report)


def test_a_router_of_another_package_registers_nothing(make_project: MakeProject) -> None:
    """Near miss: a `router()` of an undeclared, uncatalogued package is no Koa router."""
    files = {
        "package.json": JOI_PACKAGE.replace("koa-joi-router", "koa-mystery-router"),
        "src/app.ts": JOI_APP,
        "src/config/ormconfig.ts": JOI_SOURCE,
        "src/routes/tasks.ts": JOI_TASKS.replace("koa-joi-router", "koa-mystery-router"),
    }
    assert inspect_json(make_project, files)["framework"]["routes"] == []


# -- a Fastify plugin per module in `infrastructure/services/` building the module's service

FASTIFY_PACKAGE = '{"name": "events", "dependencies": {"fastify": "^4", "fastify-plugin": "^4", "pg": "^8"}}'
EVENT_REPOSITORY = src(
    """
    import { FastifyInstance } from "fastify";

    export class EventsRepository {
      constructor(private fastify: FastifyInstance) {}
      async list() {
        return (await this.fastify.pg.query("SELECT id, name FROM events")).rows;
      }
    }
    """
)
EVENT_SERVICE = src(
    """
    import { EventsRepository } from "../infrastructure/repository/events.repository";

    export class EventService {
      constructor(private repository: EventsRepository) {}
      async list() {
        return this.repository.list();
      }
    }
    """
)
EVENT_PLUGIN = src(
    """
    import fp from "fastify-plugin";
    import { EventsRepository } from "../repository/events.repository";
    import { EventService } from "../../application/event.service";

    export default fp(async (fastify) => {
      const eventsRepository = new EventsRepository(fastify);
      const eventsService = new EventService(eventsRepository);
      fastify.decorate("eventsService", eventsService);
    });
    """
)
EVENT_ROUTES = src(
    """
    import { FastifyInstance } from "fastify";

    export default async function eventRoutes(fastify: FastifyInstance) {
      fastify.get("/events", async () => fastify.eventsService.list());
    }
    """
)
EVENT_APP = src(
    """
    import Fastify from "fastify";
    import services from "./modules/events/infrastructure/services";
    import eventRoutes from "./modules/events/infrastructure/routes/event.routes";

    const app = Fastify();
    app.register(services);
    app.register(eventRoutes);
    app.listen({ port: 3000 });
    """
)


def events_app(plugin: str) -> dict[str, str | bytes]:
    base = "src/modules/events"
    return {
        "package.json": FASTIFY_PACKAGE,
        "src/app.ts": EVENT_APP,
        f"{base}/application/event.service.ts": EVENT_SERVICE,
        f"{base}/infrastructure/repository/events.repository.ts": EVENT_REPOSITORY,
        f"{base}/infrastructure/services/index.ts": plugin,
        f"{base}/infrastructure/routes/event.routes.ts": EVENT_ROUTES,
    }


def test_a_services_folder_plugin_decorating_the_service_it_builds_wires_the_app(
    make_project: MakeProject,
) -> None:
    """KevinDM15/event-management: `const eventsService = new EventService(eventsRepository);
    fastify.decorate("eventsService", eventsService)` in `infrastructure/services/index.ts`: a container."""
    report = inspect_json(make_project, events_app(EVENT_PLUGIN))
    path = "src/modules/events/infrastructure/services/index.ts"
    assert path not in layers_of(report)
    assert evidence_of(report)[path] == "composition root"


def test_a_services_folder_module_calling_what_it_builds_stays_a_service(make_project: MakeProject) -> None:
    """Near miss: one that calls the repository it builds (`await repository.list()`) is a service."""
    plugin = EVENT_PLUGIN.replace(
        'fastify.decorate("eventsService", eventsService);',
        'fastify.decorate("eventsService", eventsService);\n  await eventsRepository.list();',
    )
    report = inspect_json(make_project, events_app(plugin))
    assert layers_of(report)["src/modules/events/infrastructure/services/index.ts"] == "services"


# -- a SQLite file a variable's fallback builds from the module's folder, its folder not shipped

HONO_PACKAGE = '{"name": "tasks", "scripts": {"start": "tsx src/app.ts"}, "dependencies": {"hono": "^4", "@hono/node-server": "^1", "better-sqlite3": "^11"}}'
HONO_DB = src(
    """
    import Database from "better-sqlite3";
    import path from "node:path";

    const dbPath = process.env.DB_PATH ?? path.join(__dirname, "../../data/tasks.db");

    export const db = new Database(dbPath);
    """
)
HONO_APP = src(
    """
    import { Hono } from "hono";
    import { serve } from "@hono/node-server";
    import { db } from "./config/database";

    const app = new Hono();
    app.get("/tasks", (c) => c.json(db.prepare("SELECT id, title FROM tasks").all()));
    serve({ fetch: app.fetch, port: 3000 });
    """
)
HONO_SQLITE_TASK = "node-hono-openapi-clean_architecture-sqlite"


def test_a_sqlite_file_a_variables_fallback_builds_in_a_missing_folder_stops_the_app(
    make_project: MakeProject,
) -> None:
    """mlongano/rest-task-api-from-express-to-hono: `process.env.DB_PATH ?? path.join(__dirname,
    "../../data/tasks.db")`, `data/` gitignored: better-sqlite3 cannot create the file where DB_PATH is unset."""
    files = {"package.json": HONO_PACKAGE, "src/config/database.ts": HONO_DB, "src/app.ts": HONO_APP}
    db001 = only(check(make_project, files, HONO_SQLITE_TASK), "DB001")
    assert "data/tasks.db" in db001["message"]
    assert db001["harness_engines"] == []


def test_the_same_fallback_with_its_folder_shipped_is_no_stop(make_project: MakeProject) -> None:
    files = {
        "package.json": HONO_PACKAGE,
        "src/config/database.ts": HONO_DB,
        "src/app.ts": HONO_APP,
        "data/.gitkeep": "",
    }
    no_db001(make_project, files, HONO_SQLITE_TASK)


# -- camelCase module names and CommonJS barrels of routers (ferdiebergado/koa-api)

PG_PACKAGE = '{"name": "users", "dependencies": {"koa": "^2", "@koa/router": "^8", "pg": "^8"}}'
PG_DB = src(
    """
    const { Pool } = require("pg");

    const pool = new Pool();

    async function query(sql) {
      return pool.query(sql);
    }

    module.exports = { query };
    """
)
USERS_SERVICE = src(
    """
    const db = require("../db");

    async function find(id) {
      const findUserById = {
        text: "SELECT id, name FROM users WHERE id = $1",
        values: [id],
      };
      const users = await db.query(findUserById);
      return users.rows[0];
    }

    module.exports = { find };
    """
)
USERS_API = src(
    """
    const Router = require("@koa/router");
    const usersService = require("@SERVICE@");

    const router = new Router();
    router.get("/users/:id", async (ctx) => {
      ctx.body = await usersService.find(ctx.params.id);
    });

    module.exports = router;
    """
)
USERS_APP = src(
    """
    const Koa = require("koa");
    const users = require("./users");

    const app = new Koa();
    app.use(users.routes());
    app.listen(3000);
    """
)


def users_app(service_file: str) -> dict[str, str | bytes]:
    return {
        "package.json": PG_PACKAGE,
        "src/app.js": USERS_APP,
        "src/db/index.js": PG_DB,
        "src/users/index.js": 'const usersAPI = require("./usersAPI");\n\nmodule.exports = usersAPI;\n',
        "src/users/usersAPI.js": USERS_API.replace("@SERVICE@", "./" + service_file.removesuffix(".js")),
        f"src/users/{service_file}": USERS_SERVICE,
    }


def test_a_camelcase_service_module_running_queries_stays_a_service(make_project: MakeProject) -> None:
    """`users/usersService.js` names the services layer as `UserService.ts` does: a query-only module named
    as a service stays one, and the router calling it is no bypass; the barrel `users/index.js` re-exporting
    the router is routes."""
    report = inspect_json(make_project, users_app("usersService.js"))
    layers = layers_of(report)
    assert layers["src/users/usersService.js"] == "services"
    assert layers["src/users/index.js"] == "routes"
    assert [v for v in layer_violations(report) if v[1] == "src/users/usersAPI.js"] == []


def test_a_camelcase_name_without_a_layer_word_leaves_the_code_to_decide(make_project: MakeProject) -> None:
    """Near miss: `usersFinder.js` names no layer; its queries place it in data access, and the router
    calling it bypasses the services."""
    report = inspect_json(make_project, users_app("usersFinder.js"))
    assert layers_of(report)["src/users/usersFinder.js"] == "repositories"
    assert ("bypass", "src/users/usersAPI.js", "src/users/usersFinder.js") in layer_violations(report)


# -- a requirements file written in UTF-16 (PowerShell's `pip freeze > requirements.txt`)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-8"])
def test_a_requirements_file_with_a_byte_order_mark_declares_its_driver(
    make_project: MakeProject, encoding: str
) -> None:
    """Ahmedmostafaa16/back_in_stock_backend: `create_engine(os.getenv("DATABASE_URL"))`, the engine known only
    from the one driver `requirements.txt` declares, which is UTF-16 with its byte-order mark."""
    files: dict[str, str | bytes] = {
        "requirements.txt": "fastapi\nsqlalchemy\npsycopg2-binary\n".encode(encoding),
        "database.py": 'import os\nfrom sqlalchemy import create_engine\n\nengine = create_engine(os.getenv("DATABASE_URL"))\n',
        "main.py": "from fastapi import FastAPI\n\nimport database\n\napp = FastAPI()\n",
    }
    assert inspect_json(make_project, files)["database"]["engines"] == ["postgresql"]


def test_a_camelcase_module_named_for_the_database_is_data_access(make_project: MakeProject) -> None:
    """Near miss (swax/naisys-overlord): `databaseService.js` is named for the database, whatever its class
    word: its queries place it in data access, and the router calling it bypasses the services."""
    report = inspect_json(make_project, users_app("databaseService.js"))
    assert layers_of(report)["src/users/databaseService.js"] == "repositories"
    assert ("bypass", "src/users/usersAPI.js", "src/users/databaseService.js") in layer_violations(report)


# -- Django Channels consumers (YuriNiShaira/queue-django-api)

CONSUMER = src(
    """
    import json

    from channels.generic.websocket import AsyncWebsocketConsumer

    from .models import Ticket

    class TicketConsumer(@BASE@):
        async def connect(self):
            await self.accept()

        async def receive(self, text_data=None):
            await self.send(json.dumps({"count": Ticket.objects.count()}))
    """
)


def channels_app(base: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "django\nchannels\n",
        "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n",
        "queueing/__init__.py": "",
        "queueing/models.py": "from django.db import models\n\nclass Ticket(models.Model):\n    number = models.IntegerField()\n",
        "queueing/consumers.py": CONSUMER.replace("@BASE@", base),
    }


def test_a_channels_consumer_answers_its_connections_as_a_view_does(make_project: MakeProject) -> None:
    """`class TicketConsumer(AsyncWebsocketConsumer)` answers the WebSocket the ASGI router hands it."""
    layers = layers_of(inspect_json(make_project, channels_app("AsyncWebsocketConsumer")))
    assert layers["queueing/consumers.py"] == "routes"


def test_a_plain_class_beside_the_models_is_no_consumer(make_project: MakeProject) -> None:
    """Near miss: the same methods on a class extending nothing of Channels answer no connection."""
    layers = layers_of(inspect_json(make_project, channels_app("object")))
    assert layers.get("queueing/consumers.py") != "routes"


def test_a_python_package_bringing_its_views_up_is_no_router_barrel(make_project: MakeProject) -> None:
    """Near miss (gothinkster/flask-realworld-example-app): `from . import views` in `conduit/user/__init__.py`
    is its package's marker, not a barrel of the router: no layer of its own."""
    files: dict[str, str | bytes] = {
        "requirements.txt": "flask\n",
        "conduit/__init__.py": "",
        "conduit/app.py": "from flask import Flask\n\nfrom conduit import user\n\napp = Flask(__name__)\napp.register_blueprint(user.views.blueprint)\n",
        "conduit/user/__init__.py": "from . import views  # noqa\n",
        "conduit/user/views.py": 'from flask import Blueprint\n\nblueprint = Blueprint("user", __name__)\n\n@blueprint.route("/api/user")\ndef get_user():\n    return {"user": None}\n',
    }
    layers = layers_of(inspect_json(make_project, files))
    assert layers["conduit/user/views.py"] == "routes"
    assert "conduit/user/__init__.py" not in layers
