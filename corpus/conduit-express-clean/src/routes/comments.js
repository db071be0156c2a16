const { Router } = require('express');
const commentService = require('../services/comment-service');
const asyncRoute = require('./async-route');
const { optionalAuth, requireAuth } = require('./authentication');

// Mounted under /articles/:slug/comments.
const router = Router({ mergeParams: true });

router.get(
  '/',
  optionalAuth,
  asyncRoute(async (req, res) => {
    res.json({ comments: await commentService.list(req.params.slug, req.userId) });
  }),
);

router.post(
  '/',
  requireAuth,
  asyncRoute(async (req, res) => {
    res.json({ comment: await commentService.add(req.userId, req.params.slug, req.body.comment) });
  }),
);

router.delete(
  '/:id',
  requireAuth,
  asyncRoute(async (req, res) => {
    await commentService.remove(req.userId, req.params.slug, Number(req.params.id));
    res.status(200).end();
  }),
);

module.exports = router;
