"""Layer patterns of the eleventh unseen labelled set (issue 18, docs/accuracy.md "The eleventh set's
patterns"), each with a violating (or missed) case and a clean one, on small projects written for the tests:

- an app module that builds the app, mounts a router and holds many request handlers of its own is the
  routes layer, not the composition root: its import of the module owning the engine is a bypass; an app
  module that mounts routers and registers a health check, or a route table of handlers imported from
  project modules, only wires the app (composition root, no violation);
- the class an OpenAPI glue plugin takes as its operation handlers (`app.register(openapiGlue,
  { serviceHandlers: handler })`, `handler = new OpenAPIServiceHandler(prisma)`) handles requests though it
  sits in services/: routes; the app file registering the plugin wires it (composition root), and its
  import of the Prisma client module is no bypass; a plain class in services/ the app file only calls
  stays a service.
"""

from __future__ import annotations

from typing import Any

from reports import MakeProject, inspect_json


def _layers(report: dict[str, Any]) -> dict[str, str]:
    files: dict[str, str] = report["architecture"]["files"]
    return files


def _roots(report: dict[str, Any]) -> list[str]:
    roots: list[str] = report["architecture"]["composition_roots"]
    return roots


def _violations(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((v["kind"], v["file"], v["target"]) for v in report["architecture"]["violations"])


# -- a FastAPI main.py holding the app, a mounted router and many handlers ---------------------------------

DATABASE = """from sqlmodel import SQLModel, create_engine

engine = create_engine("sqlite:///app.db")


def init_db():
    SQLModel.metadata.create_all(engine)
"""
MODELS = """from sqlmodel import SQLModel, Field


class Note(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    text: str
"""
EXTRA_ROUTER = """from fastapi import APIRouter
from sqlmodel import Session, select

from ..database import engine
from ..models import Note

router = APIRouter(prefix="/extra")


@router.get("/notes")
def extra_notes():
    with Session(engine) as session:
        return session.exec(select(Note)).all()
"""
HEAD = """from fastapi import FastAPI
from sqlmodel import Session, select

from .database import engine, init_db
from .models import Note
from .api.extra import router as extra_router

app = FastAPI()
app.include_router(extra_router)
"""
HANDLER = """

@app.get("/notes/{n}")
def note_{n}():
    with Session(engine) as session:
        return session.exec(select(Note)).all()
"""
HEALTH = """

@app.get("/health")
def health():
    return {"ok": True}
"""


def _fastapi(main: str) -> dict[str, str | bytes]:
    return {
        "requirements.txt": "fastapi\nsqlmodel\n",
        "app/__init__.py": "",
        "app/main.py": main,
        "app/database.py": DATABASE,
        "app/models.py": MODELS,
        "app/api/__init__.py": "",
        "app/api/extra.py": EXTRA_ROUTER,
    }


def test_an_app_module_holding_many_handlers_is_routes(make_project: MakeProject) -> None:
    main = HEAD + "".join(HANDLER.replace("{n}", str(n)) for n in range(10))
    report = inspect_json(make_project, _fastapi(main))
    assert "app/main.py" not in _roots(report)
    assert _layers(report)["app/main.py"] == "routes"
    assert report["architecture"]["evidence"]["app/main.py"] == "code: routes"
    assert ("bypass", "app/main.py", "app/database.py") in _violations(report)


def test_an_app_module_mounting_routers_with_a_health_check_wires(make_project: MakeProject) -> None:
    main = HEAD + HEALTH + "".join(HANDLER.replace("{n}", str(n)) for n in range(2))
    report = inspect_json(make_project, _fastapi(main))
    assert _roots(report) == ["app/main.py"]
    assert "app/main.py" not in _layers(report)
    assert ("bypass", "app/main.py", "app/database.py") not in _violations(report)
    assert ("bypass", "app/api/extra.py", "app/database.py") in _violations(report)


# -- an aiohttp route table of handlers imported from project modules -------------------------------------

ENDPOINT = """from aiohttp import web


def {name}_endpoint(use_case):
    async def handler(request):
        return web.json_response(await use_case())

    return handler
"""
TABLE_HEAD = """from aiohttp import web

from app.db import make_pool
{imports}


def create_app():
    app = web.Application()
    pool = make_pool()
    app.add_routes(
        [
{routes}
        ]
    )
    return app
"""
POOL = """import asyncpg


def make_pool():
    return asyncpg.create_pool("postgresql://localhost/app")
"""


def test_a_route_table_of_imported_handlers_wires(make_project: MakeProject) -> None:
    names = [f"item{n}" for n in range(10)]
    files: dict[str, str | bytes] = {
        "requirements.txt": "aiohttp\nasyncpg\n",
        "app/__init__.py": "",
        "app/db.py": POOL,
        "app/api/__init__.py": "",
    }
    for name in names:
        files[f"app/api/{name}.py"] = ENDPOINT.replace("{name}", name)
    imports = "\n".join(f"from app.api.{name} import {name}_endpoint" for name in names)
    routes = "\n".join(f'            web.get("/{name}", {name}_endpoint(pool)),' for name in names)
    files["app/container.py"] = TABLE_HEAD.replace("{imports}", imports).replace("{routes}", routes)
    report = inspect_json(make_project, files)
    assert _roots(report) == ["app/container.py"]
    assert "app/container.py" not in _layers(report)
    assert _violations(report) == []


# -- handler classes an OpenAPI glue plugin routes requests to --------------------------------------------

GLUE_PACKAGE = """{"name": "petstore", "main": "src/index.ts",
 "dependencies": {"fastify": "4", "fastify-openapi-glue": "4", "@prisma/client": "5"}}"""
GLUE_INDEX = """import Fastify from 'fastify';
import openapiGlue from 'fastify-openapi-glue';
import { readFileSync } from 'fs';
import { OpenAPIServiceHandler } from './services/openapiService';
import { prisma } from './utils/prisma';

export async function buildApp() {
  const app = Fastify();
  app.get('/health', async () => {
    await prisma.$queryRaw`SELECT 1`;
    return { status: 'healthy' };
  });
  const specification = readFileSync('openapi.yml', 'utf8');
  const serviceHandler = new OpenAPIServiceHandler(prisma);
  await app.register(openapiGlue, { specification, serviceHandlers: serviceHandler });
  return app;
}

buildApp().then((app) => app.listen({ port: 3000 }));
"""
PLAIN_INDEX = """import Fastify from 'fastify';
import { OpenAPIServiceHandler } from './services/openapiService';
import { prisma } from './utils/prisma';

const app = Fastify();
const serviceHandler = new OpenAPIServiceHandler(prisma);
app.get('/pets', async () => serviceHandler.findPets());
app.listen({ port: 3000 });
"""
GLUE_SERVICE = """import { FastifyRequest, FastifyReply } from 'fastify';
import { PrismaClient } from '@prisma/client';
import { PetService } from './petService';

export class OpenAPIServiceHandler {
  private pets: PetService;

  constructor(prisma: PrismaClient) {
    this.pets = new PetService(prisma);
  }

  async findPets(request?: FastifyRequest, reply?: FastifyReply) {
    const pets = await this.pets.list();
    return reply ? reply.send(pets) : pets;
  }
}
"""
PET_SERVICE = """import { PrismaClient } from '@prisma/client';

export class PetService {
  constructor(private prisma: PrismaClient) {}

  list() {
    return this.prisma.pet.findMany();
  }
}
"""
PRISMA = """import { PrismaClient } from '@prisma/client';

export const prisma = new PrismaClient();
"""


def _glue(index: str) -> dict[str, str | bytes]:
    return {
        "package.json": GLUE_PACKAGE,
        "src/index.ts": index,
        "src/services/openapiService.ts": GLUE_SERVICE,
        "src/services/petService.ts": PET_SERVICE,
        "src/utils/prisma.ts": PRISMA,
    }


def test_handlers_an_openapi_glue_plugin_takes_are_routes(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _glue(GLUE_INDEX))
    assert _layers(report)["src/services/openapiService.ts"] == "routes"
    assert report["architecture"]["evidence"]["src/services/openapiService.ts"] == "code: routes"
    assert _roots(report) == ["src/index.ts"]
    assert "src/index.ts" not in _layers(report)
    assert ("bypass", "src/index.ts", "src/utils/prisma.ts") not in _violations(report)


def test_a_service_class_no_glue_plugin_takes_stays_a_service(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _glue(PLAIN_INDEX))
    assert _layers(report)["src/services/openapiService.ts"] == "services"
    assert _layers(report)["src/index.ts"] == "routes"
    assert ("bypass", "src/index.ts", "src/utils/prisma.ts") in _violations(report)
