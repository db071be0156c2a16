// Express recognises an error middleware by its four parameters.
// eslint-disable-next-line no-unused-vars
function errorResponder(err, req, res, next) {
  const status = err.status || (err.name === 'SequelizeValidationError' ? 422 : 500);
  if (status >= 500) console.error(err);
  res.status(status).json({ errors: { body: [err.message] } });
}

function notFound(req, res) {
  res.status(404).json({ errors: { body: [`no route for ${req.method} ${req.path}`] } });
}

module.exports = { errorResponder, notFound };
