/** Express 4 does not catch rejected promises: pass them to the error middleware. */
function asyncRoute(handler) {
  return (req, res, next) => handler(req, res, next).catch(next);
}

module.exports = asyncRoute;
