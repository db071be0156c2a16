const { DataTypes, Model } = require('sequelize');

class Article extends Model {
  static initialize(sequelize) {
    return Article.init(
      {
        slug: { type: DataTypes.STRING, allowNull: false, unique: true },
        title: { type: DataTypes.STRING, allowNull: false },
        description: { type: DataTypes.STRING, allowNull: false },
        body: { type: DataTypes.TEXT, allowNull: false },
      },
      { sequelize, modelName: 'Article' },
    );
  }
}

module.exports = Article;
