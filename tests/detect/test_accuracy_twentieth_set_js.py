"""JavaScript patterns of the twentieth unseen labelled set (issue 18, docs/accuracy.md "The twentieth set's
JavaScript/TypeScript disagreements"):

- a module in a services folder that opens the database client and stores it on the Fastify instance
  (`fastify.decorate("db", db)` in `export async function connect(fastify: FastifyInstance)`) owns the connection
  the request handlers take from the app, as a module exporting the client does: data access, whatever its folder
  or name. A service that only uses the client it is handed, or that opens one for its own queries and stores
  nothing on the app, stays a service;
- an empty fallback for a connection's URL (`new MongoClient(process.env.MONGO_URL ?? "")`, written for the type
  checker) gives a driver that needs a URL none: where the variable is unset (the paper's harness) the connection
  fails as with no fallback, and no engine holds. A fallback naming a server holds.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layers_of as _layers

PACKAGE = """{"name": "pantry", "dependencies": {"fastify": "4", "mongodb": "5"}}"""
APP = """import Fastify from "fastify";
import itemRoutes from "./api/items/items.routes";
import { connectStore } from "./services/store.service";

const app = Fastify();
app.register(itemRoutes);

async function main() {
  await connectStore(app);
  await app.listen({ port: 8080 });
}

main();
"""
ROUTES = """import { FastifyInstance } from "fastify";
import { listItems } from "../../services/items.service";

export default async function itemRoutes(fastify: FastifyInstance) {
  fastify.get("/items", async (request) => listItems(request.server.db));
}
"""
ITEMS = """import { Db } from "mongodb";

export async function listItems(db: Db) {
  const shelf = await db.collection("items").find({ hidden: false }).toArray();
  return shelf.map((item) => ({ ...item, label: item.name.toUpperCase() }));
}
"""
STORE = """import { FastifyInstance } from "fastify";
import { MongoClient } from "mongodb";

export async function connectStore(fastify: FastifyInstance) {
  const client = new MongoClient(process.env.STORE_URL ?? "mongodb://localhost:27017");
  await client.connect();
  const db = client.db("pantry");
  fastify.decorate("db", db);
  fastify.addHook("onClose", async () => client.close());
}
"""
# the same client, opened for the service's own count and handed to nobody
COUNTING = """import { FastifyInstance } from "fastify";
import { MongoClient } from "mongodb";

export async function connectStore(fastify: FastifyInstance) {
  const client = new MongoClient(process.env.STORE_URL ?? "mongodb://localhost:27017");
  await client.connect();
  const total = await client.db("pantry").collection("items").countDocuments();
  fastify.log.info(`pantry holds ${total} items`);
}
"""


def _pantry(store: str = STORE) -> dict[str, str]:
    return {
        "package.json": PACKAGE,
        "src/app.ts": APP,
        "src/api/items/items.routes.ts": ROUTES,
        "src/services/items.service.ts": ITEMS,
        "src/services/store.service.ts": store,
    }


def test_a_service_storing_the_client_it_opens_on_the_app_is_data_access(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _pantry())
    assert _layers(report)["src/services/store.service.ts"] == "repositories"
    assert _evidence(report)["src/services/store.service.ts"] == "code: queries"


def test_a_service_using_the_client_it_opens_for_itself_stays_a_service(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _pantry(store=COUNTING))
    assert _layers(report)["src/services/store.service.ts"] == "services"


def test_a_service_querying_the_client_it_is_handed_stays_a_service(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _pantry())
    assert _layers(report)["src/services/items.service.ts"] == "services"
    assert _layers(report)["src/api/items/items.routes.ts"] == "routes"


def _harness(make_project: MakeProject, fallback: str) -> list[str]:
    from cdverify import inspect
    from cdverify.detect.database import PAPER_ENVIRONMENT, in_harness

    store = STORE.replace('"mongodb://localhost:27017"', fallback)
    inspected = inspect(make_project(_pantry(store=store)), use_cache=False)
    assert inspected.to_json()["database"]["engines"] == ["mongodb"]
    return in_harness(inspected.analysis.database, PAPER_ENVIRONMENT).engines


def test_an_empty_fallback_for_the_url_leaves_the_connection_without_one(make_project: MakeProject) -> None:
    assert _harness(make_project, '""') == []
    assert _harness(make_project, "''") == []


def test_a_fallback_naming_a_server_holds_in_the_harness(make_project: MakeProject) -> None:
    assert _harness(make_project, '"mongodb://localhost:27017"') == ["mongodb"]
