const { Article, User } = require('../models');

const withAuthor = [{ model: User, as: 'author', attributes: ['username', 'bio'] }];

const articleRepository = {
  list({ limit = 20, offset = 0 } = {}) {
    return Article.findAndCountAll({
      include: withAuthor,
      order: [['createdAt', 'DESC']],
      limit,
      offset,
    });
  },

  findBySlug(slug) {
    return Article.findOne({ where: { slug }, include: withAuthor });
  },

  create(fields) {
    return Article.create(fields);
  },

  update(article, changes) {
    return article.update(changes);
  },

  remove(article) {
    return article.destroy();
  },
};

module.exports = { articleRepository };
