const { DataTypes, Model } = require('sequelize');

class User extends Model {
  static initialize(sequelize) {
    return User.init(
      {
        username: { type: DataTypes.STRING, allowNull: false, unique: true },
        email: { type: DataTypes.STRING, allowNull: false, unique: true },
        passwordHash: { type: DataTypes.STRING, allowNull: false },
        bio: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
        image: { type: DataTypes.STRING, allowNull: false, defaultValue: '' },
      },
      { sequelize, modelName: 'User' },
    );
  }
}

module.exports = User;
