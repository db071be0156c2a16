const articleRepository = require("../repositories/article.repository");

function toView(doc) {
  return { slug: doc.slug, title: doc.title, body: doc.body };
}

async function listArticles() {
  return (await articleRepository.findAll()).map(toView);
}

async function getArticle(slug) {
  const doc = await articleRepository.findBySlug(slug);
  return doc ? toView(doc) : null;
}

async function createArticle({ title = "", body = "" }) {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return toView(await articleRepository.create({ slug, title, body }));
}

module.exports = { listArticles, getArticle, createArticle };
