const { Article, Favorite, Tag, User } = require('../models');

const NEWEST_FIRST = [
  ['createdAt', 'DESC'],
  ['id', 'DESC'],
];
const WITH_TAGS = { model: Tag, as: 'tags', attributes: ['name'], through: { attributes: [] } };

function toArticle(row) {
  const { tags, ...article } = row.get({ plain: true });
  return { ...article, tagList: tags.map((tag) => tag.name) };
}

async function findBySlug(slug) {
  const row = await Article.findOne({ where: { slug }, include: [WITH_TAGS] });
  return row && toArticle(row);
}

async function slugExists(slug) {
  return (await Article.count({ where: { slug } })) > 0;
}

/** Joins that narrow the article list; each matches at most one row per article. */
function filterJoins({ tag, author, favoritedBy }) {
  const joins = [];
  if (tag !== undefined) {
    joins.push({ model: Tag, as: 'tags', where: { name: tag }, through: { attributes: [] } });
  }
  if (author !== undefined) {
    joins.push({ model: User, as: 'author', where: { username: author } });
  }
  if (favoritedBy !== undefined) {
    joins.push({
      model: User,
      as: 'favoritedBy',
      where: { username: favoritedBy },
      through: { attributes: [] },
    });
  }
  return joins.map((join) => ({ ...join, attributes: [], required: true }));
}

/**
 * One page of articles, newest first, with the total number of matches. `authorIds` restricts
 * the authors (the feed); `tag`, `author` and `favoritedBy` are the filters of the list.
 */
async function findPage({ authorIds, limit, offset, ...filters }) {
  const { rows, count } = await Article.findAndCountAll({
    attributes: ['id'],
    where: authorIds ? { authorId: authorIds } : {},
    include: filterJoins(filters),
    order: NEWEST_FIRST,
    limit,
    offset,
    distinct: true,
    subQuery: false,
  });
  const page = await Article.findAll({
    where: { id: rows.map((row) => row.id) },
    include: [WITH_TAGS],
    order: NEWEST_FIRST,
  });
  return { articles: page.map(toArticle), count };
}

async function create({ tagList, ...fields }) {
  const article = await Article.sequelize.transaction(async (transaction) => {
    const row = await Article.create(fields, { transaction });
    await Tag.bulkCreate(
      tagList.map((name) => ({ name })),
      { ignoreDuplicates: true, transaction },
    );
    await row.setTags(await Tag.findAll({ where: { name: tagList }, transaction }), {
      transaction,
    });
    return row;
  });
  return findBySlug(article.slug);
}

async function update(id, changes) {
  const row = await Article.findByPk(id, { include: [WITH_TAGS] });
  await row.update(changes);
  return toArticle(row);
}

async function remove(id) {
  await Article.destroy({ where: { id } });
}

async function addFavorite(userId, articleId) {
  await Favorite.findOrCreate({ where: { userId, articleId } });
}

async function removeFavorite(userId, articleId) {
  await Favorite.destroy({ where: { userId, articleId } });
}

/** Map of article id → number of users who favorited it (absent when none). */
async function favoriteCounts(articleIds) {
  const counts = await Favorite.count({ where: { articleId: articleIds }, group: ['articleId'] });
  return new Map(counts.map(({ articleId, count }) => [articleId, count]));
}

/** Ids of the articles, among `articleIds`, that `userId` has favorited. */
async function favoritedIds(userId, articleIds) {
  const rows = await Favorite.findAll({
    where: { userId, articleId: articleIds },
    attributes: ['articleId'],
  });
  return rows.map((row) => row.articleId);
}

module.exports = {
  findBySlug,
  slugExists,
  findPage,
  create,
  update,
  remove,
  addFavorite,
  removeFavorite,
  favoriteCounts,
  favoritedIds,
};
