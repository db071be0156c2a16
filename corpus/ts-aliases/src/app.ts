import express, { type NextFunction, type Request, type Response } from 'express';
import { DomainError } from '@domain/errors';
import { articlesRouter } from '@routes/articles.routes';
import { healthRouter } from '@routes/health.routes';
import { reportsRouter } from '@routes/reports.routes';
import { usersRouter } from '@routes/users.routes';

export const app = express();

app.use(express.json());
app.use('/api', healthRouter, usersRouter, articlesRouter, reportsRouter);

app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
  if (err instanceof DomainError) {
    res.status(err.status).json({ error: err.message });
    return;
  }
  console.error(err);
  res.status(500).json({ error: 'internal error' });
});
