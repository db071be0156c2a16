const { Router } = require('express');
const tagService = require('../services/tag-service');
const asyncRoute = require('./async-route');

const router = Router();

router.get(
  '/',
  asyncRoute(async (req, res) => {
    res.json({ tags: await tagService.list() });
  }),
);

module.exports = router;
