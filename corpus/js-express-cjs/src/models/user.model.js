const { DataTypes, Model } = require('sequelize');
const sequelize = require('../config/database');
const { hashPassword } = require('../services/password.service');

class User extends Model {}

User.init(
  {
    username: { type: DataTypes.STRING, allowNull: false, unique: true },
    email: { type: DataTypes.STRING, allowNull: false, unique: true, validate: { isEmail: true } },
    passwordHash: { type: DataTypes.STRING, allowNull: false },
    password: {
      type: DataTypes.VIRTUAL,
      set(value) {
        this.setDataValue('password', value);
      },
    },
    bio: { type: DataTypes.TEXT, allowNull: true },
  },
  {
    sequelize,
    modelName: 'User',
    hooks: {
      beforeValidate(user) {
        if (user.password) {
          user.passwordHash = hashPassword(user.password);
        }
      },
    },
  },
);

module.exports = User;
