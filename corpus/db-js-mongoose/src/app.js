const Fastify = require("fastify");

const articleRoutes = require("./routes/articles");

function buildApp() {
  const app = Fastify({ logger: true });
  app.get("/api/health-check", async () => ({ status: "ok" }));
  app.register(articleRoutes, { prefix: "/api/articles" });
  return app;
}

module.exports = { buildApp };
