const { Router } = require('express');

const api = Router();
api.use(require('./health.controller'));
api.use(require('./user.controller'));
api.use(require('./article.controller'));

module.exports = api;
