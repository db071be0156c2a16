const express = require('express');
const api = require('./controllers');
const { errorResponder, notFound } = require('./middleware/errors');

const app = express();
app.use(express.json());
app.use('/api', api);
app.use(notFound);
app.use(errorResponder);

module.exports = app;
