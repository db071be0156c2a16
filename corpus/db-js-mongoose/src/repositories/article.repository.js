const Article = require("../models/article.model");

function findAll() {
  return Article.find().sort({ createdAt: -1 }).lean();
}

function findBySlug(slug) {
  return Article.findOne({ slug }).lean();
}

function create(fields) {
  return Article.create(fields);
}

module.exports = { findAll, findBySlug, create };
