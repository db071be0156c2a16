module.exports = {
  ...require('./password.service'),
  ...require('./user.service'),
  ...require('./article.service'),
};
