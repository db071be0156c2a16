const test = require("node:test");
const assert = require("node:assert");

const app = require("../src/app");

test("health check answers 200", async () => {
  const server = app.listen(0);
  const { port } = server.address();
  const response = await fetch(`http://127.0.0.1:${port}/api/health-check`);
  assert.strictEqual(response.status, 200);
  server.close();
});
