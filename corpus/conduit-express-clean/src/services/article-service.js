const { randomBytes } = require('node:crypto');
const articles = require('../repositories/article-repository');
const users = require('../repositories/user-repository');
const { ForbiddenError, NotFoundError } = require('./errors');
const { profilesByUserId } = require('./profile-service');
const {
  optional,
  pickDefined,
  required,
  text,
  textList,
  validate,
  wholeNumber,
} = require('./validation');

const DEFAULT_LIMIT = 20;
const NEW_ARTICLE_RULES = {
  title: required,
  description: required,
  body: required,
  tagList: optional(textList),
};
const ARTICLE_CHANGE_RULES = {
  title: optional(required),
  description: optional(required),
  body: optional(required),
};

function slugify(title) {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug || 'article';
}

/** A slug for `title` that no other article holds; `currentSlug` is the article's own. */
async function uniqueSlug(title, currentSlug = null) {
  const slug = slugify(title);
  if (slug === currentSlug || !(await articles.slugExists(slug))) return slug;
  return `${slug}-${randomBytes(4).toString('hex')}`;
}

async function findArticle(slug) {
  const article = await articles.findBySlug(slug);
  if (!article) throw new NotFoundError('article');
  return article;
}

async function findOwnArticle(userId, slug) {
  const article = await findArticle(slug);
  if (article.authorId !== userId) {
    throw new ForbiddenError({ article: ['can only be changed by its author'] });
  }
  return article;
}

/** The articles as `viewerId` (null when anonymous) sees them. */
async function present(list, viewerId) {
  if (list.length === 0) return [];
  const ids = list.map((article) => article.id);
  const authorIds = list.map((article) => article.authorId);
  const [authors, favoriteCounts, favorited] = await Promise.all([
    profilesByUserId(authorIds, viewerId),
    articles.favoriteCounts(ids),
    viewerId ? articles.favoritedIds(viewerId, ids) : [],
  ]);
  const favoritedSet = new Set(favorited);
  return list.map((article) => ({
    slug: article.slug,
    title: article.title,
    description: article.description,
    body: article.body,
    // Clients and the RealWorld Postman suite expect tags in alphabetical order.
    tagList: [...article.tagList].sort(),
    createdAt: article.createdAt,
    updatedAt: article.updatedAt,
    favorited: favoritedSet.has(article.id),
    favoritesCount: favoriteCounts.get(article.id) ?? 0,
    author: authors.get(article.authorId),
  }));
}

async function presentOne(article, viewerId) {
  const [view] = await present([article], viewerId);
  return view;
}

function readPage(query) {
  const { limit = DEFAULT_LIMIT, offset = 0 } = validate(query, {
    limit: optional(wholeNumber(1)),
    offset: optional(wholeNumber(0)),
  });
  return { limit: Number(limit), offset: Number(offset) };
}

async function presentPage(criteria, viewerId) {
  const { articles: page, count } = await articles.findPage(criteria);
  return { articles: await present(page, viewerId), articlesCount: count };
}

/** Articles, newest first, filtered by `tag`, `author` and `favorited` (a username). */
async function list(query, viewerId) {
  const { tag, author, favorited } = validate(query, {
    tag: optional(text),
    author: optional(text),
    favorited: optional(text),
  });
  return presentPage({ tag, author, favoritedBy: favorited, ...readPage(query) }, viewerId);
}

/** Articles by the authors `userId` follows, newest first. */
async function feed(query, userId) {
  const page = readPage(query);
  return presentPage({ authorIds: await users.followedIds(userId), ...page }, userId);
}

async function get(slug, viewerId) {
  return presentOne(await findArticle(slug), viewerId);
}

async function create(authorId, input) {
  const { title, description, body, tagList = [] } = validate(input, NEW_ARTICLE_RULES);
  const article = await articles.create({
    slug: await uniqueSlug(title),
    title,
    description,
    body,
    authorId,
    tagList: [...new Set(tagList.map((tag) => tag.trim()))],
  });
  return presentOne(article, authorId);
}

async function update(userId, slug, input) {
  const source = validate(input, ARTICLE_CHANGE_RULES);
  const article = await findOwnArticle(userId, slug);
  const changes = pickDefined(source, Object.keys(ARTICLE_CHANGE_RULES));
  if (changes.title !== undefined) changes.slug = await uniqueSlug(changes.title, article.slug);
  return presentOne(await articles.update(article.id, changes), userId);
}

async function remove(userId, slug) {
  const article = await findOwnArticle(userId, slug);
  await articles.remove(article.id);
}

async function favorite(userId, slug) {
  const article = await findArticle(slug);
  await articles.addFavorite(userId, article.id);
  return presentOne(article, userId);
}

async function unfavorite(userId, slug) {
  const article = await findArticle(slug);
  await articles.removeFavorite(userId, article.id);
  return presentOne(article, userId);
}

module.exports = { findArticle, list, feed, get, create, update, remove, favorite, unfavorite };
