const { Router } = require('express');

const router = Router();

router.get('/health-check', (req, res) => {
  res.json({ status: 'ok' });
});

module.exports = router;
