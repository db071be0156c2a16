const { Comment } = require('../models');
const { toPlain } = require('./plain');

async function create(fields) {
  return toPlain(await Comment.create(fields));
}

async function findById(id) {
  return toPlain(await Comment.findByPk(id));
}

async function findByArticle(articleId) {
  const rows = await Comment.findAll({
    where: { articleId },
    order: [
      ['createdAt', 'ASC'],
      ['id', 'ASC'],
    ],
  });
  return rows.map(toPlain);
}

async function remove(id) {
  await Comment.destroy({ where: { id } });
}

module.exports = { create, findById, findByArticle, remove };
