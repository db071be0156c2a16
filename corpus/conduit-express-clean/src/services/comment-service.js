const comments = require('../repositories/comment-repository');
const { findArticle } = require('./article-service');
const { ForbiddenError, NotFoundError } = require('./errors');
const { profilesByUserId } = require('./profile-service');
const { required, validate } = require('./validation');

/** The comments as `viewerId` (null when anonymous) sees them. */
async function present(list, viewerId) {
  if (list.length === 0) return [];
  const authorIds = list.map((comment) => comment.authorId);
  const authors = await profilesByUserId(authorIds, viewerId);
  return list.map(({ id, createdAt, updatedAt, body, authorId }) => ({
    id,
    createdAt,
    updatedAt,
    body,
    author: authors.get(authorId),
  }));
}

async function list(slug, viewerId) {
  const article = await findArticle(slug);
  return present(await comments.findByArticle(article.id), viewerId);
}

async function add(authorId, slug, input) {
  const { body } = validate(input, { body: required });
  const article = await findArticle(slug);
  const comment = await comments.create({ body, articleId: article.id, authorId });
  const [view] = await present([comment], authorId);
  return view;
}

async function remove(userId, slug, commentId) {
  const article = await findArticle(slug);
  const comment = Number.isSafeInteger(commentId) ? await comments.findById(commentId) : null;
  if (!comment || comment.articleId !== article.id) throw new NotFoundError('comment');
  if (comment.authorId !== userId) {
    throw new ForbiddenError({ comment: ['can only be deleted by its author'] });
  }
  await comments.remove(comment.id);
}

module.exports = { list, add, remove };
