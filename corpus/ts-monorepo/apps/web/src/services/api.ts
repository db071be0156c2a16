import type { ArticleDto, Page } from '@acme/shared';
import { toView, type ArticleView } from '../models/article';

export const apiBase = '/api';

export async function fetchArticles(limit = 20, offset = 0): Promise<Page<ArticleView>> {
  const response = await fetch(`${apiBase}/articles?limit=${limit}&offset=${offset}`);
  if (!response.ok) throw new Error(`GET /articles failed with ${response.status}`);
  const page = (await response.json()) as Page<ArticleDto>;
  return { ...page, items: page.items.map(toView) };
}
