const { Model } = require('sequelize');

/** A user's favorite article (join table of User ↔ Article). */
class Favorite extends Model {
  static initialize(sequelize) {
    return Favorite.init({}, { sequelize, modelName: 'Favorite', timestamps: false });
  }
}

module.exports = Favorite;
