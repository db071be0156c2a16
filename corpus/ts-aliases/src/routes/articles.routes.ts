import { Router } from 'express';
import { ValidationError } from '../domain/errors.js';
import { articleService } from '@services/article.service';

export const articlesRouter = Router();

articlesRouter.get('/articles', (_req, res) => {
  res.json({ articles: articleService.list() });
});

articlesRouter.get('/articles/:id', (req, res) => {
  res.json({ article: articleService.get(Number(req.params.id)) });
});

articlesRouter.post('/articles', (req, res) => {
  const authorId = Number(req.get('x-user-id'));
  if (!Number.isInteger(authorId)) throw new ValidationError('x-user-id header is required');
  res.status(201).json({ article: articleService.publish(authorId, req.body ?? {}) });
});
