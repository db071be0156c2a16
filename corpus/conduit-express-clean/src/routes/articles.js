const { Router } = require('express');
const articleService = require('../services/article-service');
const asyncRoute = require('./async-route');
const { optionalAuth, requireAuth } = require('./authentication');

const router = Router();

router.get(
  '/',
  optionalAuth,
  asyncRoute(async (req, res) => {
    res.json(await articleService.list(req.query, req.userId));
  }),
);

router.get(
  '/feed',
  requireAuth,
  asyncRoute(async (req, res) => {
    res.json(await articleService.feed(req.query, req.userId));
  }),
);

router.post(
  '/',
  requireAuth,
  asyncRoute(async (req, res) => {
    res.status(201).json({ article: await articleService.create(req.userId, req.body.article) });
  }),
);

router.get(
  '/:slug',
  optionalAuth,
  asyncRoute(async (req, res) => {
    res.json({ article: await articleService.get(req.params.slug, req.userId) });
  }),
);

router.put(
  '/:slug',
  requireAuth,
  asyncRoute(async (req, res) => {
    res.json({
      article: await articleService.update(req.userId, req.params.slug, req.body.article),
    });
  }),
);

router.delete(
  '/:slug',
  requireAuth,
  asyncRoute(async (req, res) => {
    await articleService.remove(req.userId, req.params.slug);
    res.status(200).end();
  }),
);

router.post(
  '/:slug/favorite',
  requireAuth,
  asyncRoute(async (req, res) => {
    res.json({ article: await articleService.favorite(req.userId, req.params.slug) });
  }),
);

router.delete(
  '/:slug/favorite',
  requireAuth,
  asyncRoute(async (req, res) => {
    res.json({ article: await articleService.unfavorite(req.userId, req.params.slug) });
  }),
);

module.exports = router;
