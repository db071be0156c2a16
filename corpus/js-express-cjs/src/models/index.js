const sequelize = require('../config/database');
const User = require('./user.model');
const Article = require('./article.model');

User.hasMany(Article, { as: 'articles', foreignKey: 'authorId' });
Article.belongsTo(User, { as: 'author', foreignKey: 'authorId' });

module.exports = { sequelize, User, Article };
