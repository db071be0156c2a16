const { DataTypes, Model } = require('sequelize');
const sequelize = require('../config/database');

class Article extends Model {}

Article.init(
  {
    slug: { type: DataTypes.STRING, allowNull: false, unique: true },
    title: { type: DataTypes.STRING, allowNull: false },
    description: { type: DataTypes.STRING, allowNull: false, defaultValue: '' },
    body: { type: DataTypes.TEXT, allowNull: false },
  },
  { sequelize, modelName: 'Article' },
);

module.exports = Article;
