const jwt = require('jsonwebtoken');
const { UnauthorizedError } = require('./errors');

const LIFETIME = '30d';

// Set JWT_SECRET in any real deployment; the fallback only suits local runs and tests.
const secret = () => process.env.JWT_SECRET || 'conduit-development-secret';

function issueToken(user) {
  return jwt.sign({ username: user.username }, secret(), {
    subject: String(user.id),
    expiresIn: LIFETIME,
  });
}

/**
 * The id of the user a token was issued to. A missing token yields null, unless `required`;
 * an invalid or expired token is always rejected.
 */
function authenticate(token, { required }) {
  if (!token) {
    if (required) throw new UnauthorizedError({ token: ['is missing'] });
    return null;
  }
  try {
    return Number(jwt.verify(token, secret(), { algorithms: ['HS256'] }).sub);
  } catch {
    throw new UnauthorizedError({ token: ['is invalid or expired'] });
  }
}

module.exports = { issueToken, authenticate };
