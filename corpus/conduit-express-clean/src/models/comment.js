const { DataTypes, Model } = require('sequelize');

class Comment extends Model {
  static initialize(sequelize) {
    return Comment.init(
      { body: { type: DataTypes.TEXT, allowNull: false } },
      { sequelize, modelName: 'Comment' },
    );
  }
}

module.exports = Comment;
