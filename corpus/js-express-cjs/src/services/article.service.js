const crypto = require('node:crypto');
const { articleRepository } = require('../repositories');

class ArticleError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

function slugify(title) {
  const base = String(title)
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${base || 'article'}-${crypto.randomBytes(3).toString('hex')}`;
}

const articleService = {
  async get(slug) {
    const article = await articleRepository.findBySlug(slug);
    if (!article) throw new ArticleError(`article ${slug} not found`, 404);
    return article;
  },

  async create(author, { title, description = '', body }) {
    if (!title || !body) throw new ArticleError('title and body are required', 422);
    return articleRepository.create({ slug: slugify(title), title, description, body, authorId: author.id });
  },

  async update(slug, author, changes) {
    const article = await this.get(slug);
    if (article.authorId !== author.id) throw new ArticleError('only the author may edit', 403);
    const allowed = {};
    for (const key of ['title', 'description', 'body']) {
      if (changes[key] !== undefined) allowed[key] = changes[key];
    }
    return articleRepository.update(article, allowed);
  },

  async remove(slug, author) {
    const article = await this.get(slug);
    if (article.authorId !== author.id) throw new ArticleError('only the author may delete', 403);
    await articleRepository.remove(article);
  },
};

module.exports = { ArticleError, articleService };
