const articleRepository = require("../repositories/article.repository");
const { toArticle } = require("../models/article");

function slugify(title) {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

async function listArticles() {
  return (await articleRepository.findAll()).map(toArticle);
}

async function getArticle(slug) {
  const row = await articleRepository.findBySlug(slug);
  return row ? toArticle(row) : null;
}

async function createArticle({ title = "", body = "" }) {
  return toArticle(await articleRepository.create({ slug: slugify(title), title, body }));
}

module.exports = { listArticles, getArticle, createArticle };
