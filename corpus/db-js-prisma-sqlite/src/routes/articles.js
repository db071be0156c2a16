const express = require("express");

const articleService = require("../services/article.service");

const router = express.Router();

router.get("/", async (req, res, next) => {
  try {
    res.json({ articles: await articleService.listArticles() });
  } catch (error) {
    next(error);
  }
});

router.post("/", async (req, res, next) => {
  try {
    const article = await articleService.createArticle(req.body.article || {});
    res.status(201).json({ article });
  } catch (error) {
    next(error);
  }
});

router.get("/:slug", async (req, res, next) => {
  try {
    const article = await articleService.getArticle(req.params.slug);
    if (!article) return res.status(404).json({ errors: { article: ["not found"] } });
    return res.json({ article });
  } catch (error) {
    return next(error);
  }
});

module.exports = router;
