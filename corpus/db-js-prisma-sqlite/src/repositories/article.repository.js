const prisma = require("../db");

function findAll() {
  return prisma.article.findMany({ orderBy: { createdAt: "desc" } });
}

function findBySlug(slug) {
  return prisma.article.findUnique({ where: { slug } });
}

function create(data) {
  return prisma.article.create({ data });
}

module.exports = { findAll, findBySlug, create };
