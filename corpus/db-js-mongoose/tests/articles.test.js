const test = require("node:test");
const assert = require("node:assert");
const mongoose = require("mongoose");
const { MongoMemoryServer } = require("mongodb-memory-server");

const { connect } = require("../src/db");
const articleService = require("../src/services/article.service");

test("articles round-trip through an in-memory MongoDB", async () => {
  const server = await MongoMemoryServer.create();
  await connect(server.getUri());
  const created = await articleService.createArticle({ title: "Hello World" });
  assert.strictEqual((await articleService.getArticle(created.slug)).title, "Hello World");
  await mongoose.disconnect();
  await server.stop();
});
