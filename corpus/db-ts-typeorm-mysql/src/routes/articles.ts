import Router from "@koa/router";

import * as articleService from "../services/article.service";

export const articleRouter = new Router({ prefix: "/api/articles" });

articleRouter.get("/", async (ctx) => {
  ctx.body = { articles: await articleService.listArticles() };
});

articleRouter.post("/", async (ctx) => {
  const input = (ctx.request.body as { article?: { title?: string; body?: string } }).article ?? {};
  ctx.status = 201;
  ctx.body = { article: await articleService.createArticle(input.title ?? "", input.body ?? "") };
});

articleRouter.get("/:slug", async (ctx) => {
  const article = await articleService.getArticle(ctx.params.slug);
  if (!article) {
    ctx.status = 404;
    ctx.body = { errors: { article: ["not found"] } };
    return;
  }
  ctx.body = { article };
});
