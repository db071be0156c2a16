"""A module in a services folder that makes the database client and hands it out as its default export
(issue 18, session (20): `services/prisma.ts` holding `const prisma = new PrismaClient(); export default
prisma;`, imported as `import prisma from "../services/prisma.js"`) owns the connection: it is data access
whatever its folder, as a named export already was, and a route importing it bypasses the services. Also
where the client is generated into the project (`generator client { provider = "prisma-client"; output =
"../generated/prisma" }`, imported from `../generated/prisma/client.js`). A service querying through the
client it imports stays a service."""

from __future__ import annotations

import pytest
from reports import MakeProject, inspect_json

APP = """import Koa from "koa";
import router from "./routes/user.js";

const app = new Koa();
app.use(router.routes());
app.listen(3000);
"""
ROUTES = """import Router from "@koa/router";
import prisma from "../services/prisma.js";
import { listUsers } from "../services/user.service.js";

const router = new Router();
router.get("/users", async (ctx) => {
  ctx.body = await listUsers();
});
router.get("/count", async (ctx) => {
  ctx.body = await prisma.user.count();
});
export default router;
"""
SERVICE = """import prisma from "./prisma.js";

export async function listUsers() {
  return prisma.user.findMany();
}
"""
SCHEMA = """generator client {
  provider = "prisma-client"
  output   = "../generated/prisma"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id Int @id @default(autoincrement())
}
"""


def _files(client: str, generated: bool) -> dict[str, str | bytes]:
    source = "../generated/prisma/client.js" if generated else "@prisma/client"
    files: dict[str, str | bytes] = {
        "package.json": '{"type": "module", "dependencies": {"koa": "^2", "@koa/router": "^12", "@prisma/client": "^6"}}',
        "src/app.ts": APP,
        "src/routes/user.ts": ROUTES,
        "src/services/user.service.ts": SERVICE,
        "src/services/prisma.ts": f'import {{ PrismaClient }} from "{source}";\n\n{client}',
    }
    if generated:
        files["src/prisma/schema.prisma"] = SCHEMA
    return files


@pytest.mark.parametrize("generated", [False, True])
def test_a_client_handed_out_as_the_default_export_owns_the_connection(
    make_project: MakeProject, generated: bool
) -> None:
    client = "const prisma = new PrismaClient();\n\nexport default prisma;\n"
    architecture = inspect_json(make_project, _files(client, generated))["architecture"]
    assert architecture["files"]["src/services/prisma.ts"] == "repositories"
    assert architecture["files"]["src/services/user.service.ts"] == "services"
    bypasses = [(v["file"], v["target"]) for v in architecture["violations"] if v["kind"] == "bypass"]
    assert ("src/routes/user.ts", "src/services/prisma.ts") in bypasses


def test_a_default_export_that_is_no_client_owns_nothing(make_project: MakeProject) -> None:
    # the default export is a function using the client, not the client itself: the file stays a service
    client = (
        "const prisma = new PrismaClient();\n\n"
        "export default async function countUsers() {\n  return prisma.user.count();\n}\n"
    )
    files = _files(client, generated=False)
    files["src/routes/user.ts"] = ROUTES.replace("import prisma from", "import countUsers from").replace(
        "prisma.user.count()", "countUsers()"
    )
    architecture = inspect_json(make_project, files)["architecture"]
    assert architecture["files"]["src/services/prisma.ts"] == "services"
