const {
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} = require('../services/errors');

const STATUS_BY_ERROR = new Map([
  [ValidationError, 422],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
]);

function notFound(req, res) {
  res.status(404).json({ errors: { route: [`${req.method} ${req.originalUrl} does not exist`] } });
}

// Express recognises error middleware by its four parameters, so `next` stays although unused.
function handleErrors(error, req, res, next) {
  const status = STATUS_BY_ERROR.get(error.constructor);
  if (status) {
    res.status(status).json({ errors: error.errors });
  } else if (error.expose) {
    // Client errors raised by Express itself, such as a malformed JSON body.
    res.status(error.status).json({ errors: { request: [error.message] } });
  } else {
    console.error(error);
    res.status(500).json({ errors: { server: ['internal error'] } });
  }
}

module.exports = { notFound, handleErrors };
