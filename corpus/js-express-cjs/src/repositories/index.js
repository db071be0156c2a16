module.exports = {
  ...require('./user.repository'),
  ...require('./article.repository'),
};
