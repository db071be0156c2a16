const { Model } = require('sequelize');

/** A follower → followed user pair (self-join table of User). */
class Follow extends Model {
  static initialize(sequelize) {
    return Follow.init({}, { sequelize, modelName: 'Follow', timestamps: false });
  }
}

module.exports = Follow;
