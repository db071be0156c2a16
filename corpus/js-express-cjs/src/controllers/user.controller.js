const { Router } = require('express');
const { userService, requireUser } = require('../services');

const router = Router();

function toJson(user, token) {
  return { user: { username: user.username, email: user.email, bio: user.bio, token } };
}

router.post('/users', async (req, res, next) => {
  try {
    const { user, token } = await userService.register(req.body.user || {});
    res.status(201).json(toJson(user, token));
  } catch (err) {
    next(err);
  }
});

router.post('/users/login', async (req, res, next) => {
  try {
    const { user, token } = await userService.login(req.body.user || {});
    res.json(toJson(user, token));
  } catch (err) {
    next(err);
  }
});

router.get('/user', requireUser(), (req, res) => {
  res.json(toJson(req.user, req.get('authorization').replace(/^Token\s+/i, '')));
});

module.exports = router;
