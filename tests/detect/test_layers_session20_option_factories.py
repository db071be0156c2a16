"""A Fastify route registered with route options another module's function builds (`fastify.route(
games.getOne(fastify))`), that function calling a handler factory with the app it is given (`handler:
controller(fastify).getOne`): the factory's module holds the route's handlers, so querying inline it keeps
its folder's layer (docs/accuracy.md, session 2026-12-07 (20))."""

from __future__ import annotations

from reports import MakeProject, inspect_json
from reports import layer_violations as _violations
from reports import layers_of as _layers

PACKAGE = '{"name": "games", "dependencies": {"fastify": "4", "@fastify/postgres": "5", "pg": "8"}}'
APP = """const Fastify = require("fastify");
const app = Fastify();
app.register(require("@fastify/postgres"), { connectionString: process.env.DATABASE_URL });
app.register(require("./routes/games"), { prefix: "/games" });
app.listen({ port: 3000 });
"""
PLUGIN = """const gamesRoutes = require("./games.routes");

module.exports = async function games(fastify) {
  fastify.route(gamesRoutes.getOne(fastify));
};
"""
ROUTES = """const controller = require("./games.controller");

module.exports = {
  getOne: function (fastify) {
    return { method: "GET", url: "/:name", handler: controller(fastify).getOne };
  },
};
"""
CONTROLLER = """const { statements } = require("../../repositories/statements");

module.exports = function (fastify) {
  return {
    getOne: async function (request, reply) {
      const client = await fastify.pg.connect();
      const { rows } = await client.query(statements.byName, [request.params.name]);
      client.release();
      reply.send(rows[0]);
    },
  };
};
"""
STATEMENTS = """module.exports = { statements: { byName: "SELECT * FROM games WHERE name = $1" } };
"""


def _project(routes: str = ROUTES) -> dict[str, str | bytes]:
    return {
        "package.json": PACKAGE,
        "index.js": APP,
        "routes/games/index.js": PLUGIN,
        "routes/games/games.routes.js": routes,
        "routes/games/games.controller.js": CONTROLLER,
        "repositories/statements.js": STATEMENTS,
    }


def test_the_handler_factory_a_route_options_builder_calls_with_the_app_handles_requests(
    make_project: MakeProject,
) -> None:
    report = inspect_json(make_project, _project())
    assert _layers(report)["routes/games/games.controller.js"] == "routes"
    assert ("bypass", "routes/games/games.controller.js", "repositories/statements.js") in _violations(report)
    assert not [v for v in _violations(report) if v[1] == "routes/games/games.routes.js"]


def test_a_module_the_options_builder_calls_without_its_parameters_keeps_its_code_role(
    make_project: MakeProject,
) -> None:
    # the builder calls the module's export with nothing of its own: no handler factory made from the app
    routes = ROUTES.replace("controller(fastify).getOne", "controller().getOne").replace(
        "function (fastify)", "function ()"
    )
    report = inspect_json(make_project, _project(routes))
    assert _layers(report)["routes/games/games.controller.js"] == "repositories"
