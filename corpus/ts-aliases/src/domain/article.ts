import { ValidationError } from './errors.js';

export interface Article {
  id: number;
  authorId: number;
  title: string;
  body: string;
  createdAt: Date;
}

export type NewArticle = Pick<Article, 'authorId' | 'title' | 'body'>;

export function validateArticle(input: { title?: unknown; body?: unknown }): Pick<Article, 'title' | 'body'> {
  if (typeof input.title !== 'string' || input.title.trim() === '') {
    throw new ValidationError('title is required');
  }
  return { title: input.title.trim(), body: typeof input.body === 'string' ? input.body : '' };
}
