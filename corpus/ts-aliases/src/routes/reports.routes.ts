import { Router } from 'express';

export const reportsRouter = Router();

reportsRouter.get('/reports/summary', async (_req, res, next) => {
  try {
    // Loaded on first use: reports are rare and should not slow down start-up.
    const { reportService } = await import('../services/report.service.js');
    res.json(await reportService.summary());
  } catch (err) {
    next(err);
  }
});
