import { Router } from 'express';

export const healthRouter = Router();

healthRouter.get('/health-check', (_req, res) => {
  res.json({ status: 'ok' });
});
