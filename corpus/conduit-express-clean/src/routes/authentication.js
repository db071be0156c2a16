const { authenticate } = require('../services/tokens');

/** The token of an `Authorization: Token <jwt>` header, or null. */
function tokenFrom(req) {
  const [scheme, token] = (req.get('Authorization') ?? '').split(' ');
  return scheme === 'Token' && token ? token : null;
}

/** Sets `req.userId` (null when anonymous); rejects with 401 when `required` and not signed in. */
function authentication({ required }) {
  return (req, res, next) => {
    try {
      req.userId = authenticate(tokenFrom(req), { required });
      next();
    } catch (error) {
      next(error);
    }
  };
}

module.exports = {
  requireAuth: authentication({ required: true }),
  optionalAuth: authentication({ required: false }),
};
