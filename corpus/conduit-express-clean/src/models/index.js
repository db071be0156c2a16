const Article = require('./article');
const Comment = require('./comment');
const Favorite = require('./favorite');
const Follow = require('./follow');
const Tag = require('./tag');
const User = require('./user');

/** Binds every model to a Sequelize instance and declares the associations. */
function initModels(sequelize) {
  for (const model of [User, Article, Comment, Tag, Favorite, Follow]) {
    model.initialize(sequelize);
  }

  const required = (name) => ({ name, allowNull: false });

  Article.belongsTo(User, { as: 'author', foreignKey: required('authorId'), onDelete: 'CASCADE' });
  Article.belongsToMany(Tag, {
    through: 'ArticleTags',
    as: 'tags',
    foreignKey: 'articleId',
    otherKey: 'tagId',
    timestamps: false,
  });
  Article.belongsToMany(User, {
    through: Favorite,
    as: 'favoritedBy',
    foreignKey: 'articleId',
    otherKey: 'userId',
  });
  Comment.belongsTo(Article, { foreignKey: required('articleId'), onDelete: 'CASCADE' });
  Comment.belongsTo(User, { as: 'author', foreignKey: required('authorId'), onDelete: 'CASCADE' });
  User.belongsToMany(User, {
    through: Follow,
    as: 'followedUsers',
    foreignKey: 'followerId',
    otherKey: 'followingId',
  });
}

module.exports = { Article, Comment, Favorite, Follow, Tag, User, initModels };
