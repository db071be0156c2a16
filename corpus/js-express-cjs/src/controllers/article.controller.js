const { Router } = require('express');
const { articleService, requireUser } = require('../services');
const { articleRepository } = require('../repositories/article.repository');

const router = Router();

function toJson(article) {
  const { slug, title, description, body, createdAt, updatedAt, author } = article;
  return { slug, title, description, body, createdAt, updatedAt, author: author && { username: author.username } };
}

router.get('/articles', async (req, res, next) => {
  try {
    const limit = Number.parseInt(req.query.limit, 10) || 20;
    const offset = Number.parseInt(req.query.offset, 10) || 0;
    const { rows, count } = await articleRepository.list({ limit, offset });
    res.json({ articles: rows.map(toJson), articlesCount: count });
  } catch (err) {
    next(err);
  }
});

router.get('/articles/:slug', async (req, res, next) => {
  try {
    res.json({ article: toJson(await articleService.get(req.params.slug)) });
  } catch (err) {
    next(err);
  }
});

router.post('/articles', requireUser(), async (req, res, next) => {
  try {
    const article = await articleService.create(req.user, req.body.article || {});
    res.status(201).json({ article: toJson(article) });
  } catch (err) {
    next(err);
  }
});

router.put('/articles/:slug', requireUser(), async (req, res, next) => {
  try {
    const article = await articleService.update(req.params.slug, req.user, req.body.article || {});
    res.json({ article: toJson(article) });
  } catch (err) {
    next(err);
  }
});

router.delete('/articles/:slug', requireUser(), async (req, res, next) => {
  try {
    await articleService.remove(req.params.slug, req.user);
    res.status(204).end();
  } catch (err) {
    next(err);
  }
});

module.exports = router;
