"""JavaScript patterns of the twentieth unseen labelled set (issue 18, docs/accuracy.md "The twentieth set's
JavaScript/TypeScript disagreements"):

- a module in a services folder that opens the database client and stores it on the Fastify instance
  (`fastify.decorate("db", db)` in `export async function connect(fastify: FastifyInstance)`) owns the connection
  the request handlers take from the app, as a module exporting the client does: data access, whatever its folder
  or name. A service that only uses the client it is handed, or that opens one for its own queries and stores
  nothing on the app, stays a service;
- an empty fallback for a connection's URL (`new MongoClient(process.env.MONGO_URL ?? "")`, written for the type
  checker) gives a driver that needs a URL none: where the variable is unset (the paper's harness) the connection
  fails as with no fallback, and no engine holds. A fallback naming a server holds;
- a logging module (`services/utils/logger.js`, a file whose name's first word is `logger`) whose code shows no
  role writes log lines for every layer and takes no layer from its folder: a connection module in `config/`
  logging through it (`logger.info("MongoDB connected")`) is data access, neither wiring the app (as an import
  of a service would make it) nor importing upwards. A logger that stores its lines with a query keeps its layer,
  and a service of another name keeps its folder's layer.
"""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import evidence_of as _evidence
from reports import layer_violations as _violations
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


EXPRESS = """{"name": "lines", "dependencies": {"express": "4", "mongoose": "8"}}"""
SERVER = """const express = require("express");
const { connectDB } = require("./config/database");
const postRoutes = require("./routes/postRoutes");

const app = express();
app.use("/posts", postRoutes);
connectDB().then(() => app.listen(3000));
"""
POST_ROUTES = """const express = require("express");
const postService = require("../services/postService");

const router = express.Router();
router.get("/", async (req, res) => res.json(await postService.recent()));
module.exports = router;
"""
POST_SERVICE = """const Post = require("../models/Post");
const logger = require("./utils/logger");

async function recent() {
  logger.info("posts", "listing recent posts");
  return Post.find().sort({ createdAt: -1 }).limit(20);
}

module.exports = { recent };
"""
POST_MODEL = """const mongoose = require("mongoose");

module.exports = mongoose.model("Post", new mongoose.Schema({ text: String, createdAt: Date }));
"""
LOGGER = """const levels = { error: 0, warn: 1, info: 2 };

function write(level, category, message) {
  if (levels[level] <= levels[process.env.LOG_LEVEL || "info"]) {
    console.log(JSON.stringify({ at: new Date().toISOString(), level, category, message }));
  }
}

module.exports = {
  info: (category, message) => write("info", category, message),
  error: (category, message) => write("error", category, message),
};
"""
DATABASE = """const mongoose = require("mongoose");
const logger = require("../services/utils/logger");

const connectDB = async () => {
  await mongoose.connect(process.env.MONGODB_URI);
  logger.info("system", "MongoDB connected");
};

module.exports = { connectDB };
"""
# a "logger" that keeps its lines in the database: data access by its code
STORING = """const mongoose = require("mongoose");

const store = mongoose.createConnection(process.env.LOG_DB_URI);

module.exports = {
  info: async (category, message) => store.collection("lines").insertOne({ category, message }),
};
"""


def _lines(logger_path: str = "services/utils/logger.js", logger: str = LOGGER) -> dict[str, str]:
    database = DATABASE.replace("../services/utils/logger", "../" + logger_path.removesuffix(".js"))
    service = POST_SERVICE.replace(
        "./utils/logger", "./" + logger_path.removeprefix("services/").removesuffix(".js")
    )
    return {
        "package.json": EXPRESS,
        "app.js": SERVER,
        "routes/postRoutes.js": POST_ROUTES,
        "services/postService.js": service,
        "models/Post.js": POST_MODEL,
        "config/database.js": database,
        logger_path: logger,
    }


def test_a_connection_module_logging_through_a_services_logger_is_data_access(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _lines())
    assert _layers(report)["config/database.js"] == "repositories"
    assert "services/utils/logger.js" not in _layers(report)
    assert _evidence(report)["services/utils/logger.js"] == "logging"
    assert _violations(report) == []


def test_a_logger_storing_its_lines_with_a_query_keeps_its_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _lines(logger=STORING))
    assert _layers(report)["services/utils/logger.js"] == "services"  # a service querying: two roles
    assert _evidence(report)["services/utils/logger.js"] != "logging"


def test_a_helper_of_another_name_keeps_its_folders_layer(make_project: MakeProject) -> None:
    report = inspect_json(make_project, _lines(logger_path="services/utils/audit.js"))
    assert _layers(report)["services/utils/audit.js"] == "services"
    assert "config/database.js" not in _layers(report)  # importing a service, it wires the app
