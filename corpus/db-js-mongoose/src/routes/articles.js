const articleService = require("../services/article.service");

async function articleRoutes(app) {
  app.get("/", async () => ({ articles: await articleService.listArticles() }));

  app.post("/", async (request, reply) => {
    const article = await articleService.createArticle(request.body.article || {});
    return reply.code(201).send({ article });
  });

  app.get("/:slug", async (request, reply) => {
    const article = await articleService.getArticle(request.params.slug);
    if (!article) return reply.code(404).send({ errors: { article: ["not found"] } });
    return { article };
  });
}

module.exports = articleRoutes;
