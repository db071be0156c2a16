const { test, before } = require('node:test');
const assert = require('node:assert/strict');

process.env.DB_STORAGE = ':memory:';

const app = require('../src/app');
const { sequelize } = require('../src/models');
const { userRepository } = require('../src/repositories/user.repository');

let server;
let base;

before(async () => {
  await sequelize.sync({ force: true });
  server = app.listen(0);
  base = `http://127.0.0.1:${server.address().port}/api`;
});

test('health check answers 200', async () => {
  const res = await fetch(`${base}/health-check`);
  assert.equal(res.status, 200);
});

test('registration stores a hashed password', async () => {
  const user = { username: 'jake', email: 'jake@example.com', password: 'jakejake' };
  const res = await fetch(`${base}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user }),
  });
  assert.equal(res.status, 201);
  const stored = await userRepository.findByEmail('jake@example.com');
  assert.notEqual(stored.passwordHash, 'jakejake');
  server.close();
});
