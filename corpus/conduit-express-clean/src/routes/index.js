const { Router } = require('express');
const articles = require('./articles');
const comments = require('./comments');
const profiles = require('./profiles');
const tags = require('./tags');
const users = require('./users');

/** Everything served under /api. */
const api = Router();

api.get('/health-check', (req, res) => {
  res.json({ status: 'ok' });
});
api.use(users);
api.use('/profiles', profiles);
api.use('/articles/:slug/comments', comments);
api.use('/articles', articles);
api.use('/tags', tags);

module.exports = api;
