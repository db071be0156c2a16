import { Hono } from "hono";

import * as articleService from "../services/article.service.js";

export const articles = new Hono();

articles.get("/", (c) => c.json({ articles: articleService.listArticles() }));

articles.post("/", async (c) => {
  const { article } = await c.req.json<{ article: { title: string; body?: string } }>();
  return c.json({ article: articleService.createArticle(article.title, article.body ?? "") }, 201);
});

articles.get("/:slug", (c) => {
  const article = articleService.getArticle(c.req.param("slug"));
  return article ? c.json({ article }) : c.json({ errors: { article: ["not found"] } }, 404);
});
