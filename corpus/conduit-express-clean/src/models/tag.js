const { DataTypes, Model } = require('sequelize');

class Tag extends Model {
  static initialize(sequelize) {
    return Tag.init(
      { name: { type: DataTypes.STRING, allowNull: false, unique: true } },
      { sequelize, modelName: 'Tag', timestamps: false },
    );
  }
}

module.exports = Tag;
