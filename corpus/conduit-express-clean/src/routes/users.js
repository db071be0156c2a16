const { Router } = require('express');
const userService = require('../services/user-service');
const asyncRoute = require('./async-route');
const { requireAuth } = require('./authentication');

const router = Router();

router.post(
  '/users',
  asyncRoute(async (req, res) => {
    res.status(201).json({ user: await userService.register(req.body.user) });
  }),
);

router.post(
  '/users/login',
  asyncRoute(async (req, res) => {
    res.json({ user: await userService.login(req.body.user) });
  }),
);

router.get(
  '/user',
  requireAuth,
  asyncRoute(async (req, res) => {
    res.json({ user: await userService.getCurrent(req.userId) });
  }),
);

router.put(
  '/user',
  requireAuth,
  asyncRoute(async (req, res) => {
    res.json({ user: await userService.updateCurrent(req.userId, req.body.user) });
  }),
);

module.exports = router;
