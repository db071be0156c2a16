const express = require('express');
const api = require('./routes');
const { handleErrors, notFound } = require('./routes/errors');

function createApp() {
  const app = express();
  app.use(express.json());
  app.use('/api', api);
  app.use(notFound);
  app.use(handleErrors);
  return app;
}

module.exports = { createApp };
