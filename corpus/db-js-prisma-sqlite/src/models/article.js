/**
 * The API shape of an article (the table itself is declared in prisma/schema.prisma).
 * @param {{slug: string, title: string, body: string, createdAt: Date}} row
 */
function toArticle(row) {
  return {
    slug: row.slug,
    title: row.title,
    body: row.body,
    createdAt: row.createdAt.toISOString(),
  };
}

module.exports = { toArticle };
