const { User } = require('../models');

const userRepository = {
  findById(id) {
    return User.findByPk(id);
  },

  findByEmail(email) {
    return User.findOne({ where: { email } });
  },

  findByUsername(username) {
    return User.findOne({ where: { username } });
  },

  create({ username, email, password }) {
    return User.create({ username, email, password });
  },

  async update(user, changes) {
    return user.update(changes);
  },
};

module.exports = { userRepository };
