const { Router } = require('express');
const profileService = require('../services/profile-service');
const asyncRoute = require('./async-route');
const { optionalAuth, requireAuth } = require('./authentication');

const router = Router();

router.get(
  '/:username',
  optionalAuth,
  asyncRoute(async (req, res) => {
    res.json({ profile: await profileService.getProfile(req.params.username, req.userId) });
  }),
);

router.post(
  '/:username/follow',
  requireAuth,
  asyncRoute(async (req, res) => {
    res.json({ profile: await profileService.follow(req.userId, req.params.username) });
  }),
);

router.delete(
  '/:username/follow',
  requireAuth,
  asyncRoute(async (req, res) => {
    res.json({ profile: await profileService.unfollow(req.userId, req.params.username) });
  }),
);

module.exports = router;
