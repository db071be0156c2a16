import type { FastifyInstance } from 'fastify';
import { ArticleNotFound, ArticleService, InvalidArticle } from '../services/article.service';
import { parsePagination, type PageQuery } from './pagination';

export async function articleHandlers(app: FastifyInstance): Promise<void> {
  const articles = new ArticleService();

  app.get<{ Querystring: PageQuery }>('/articles', async (request) => {
    const { limit, offset } = parsePagination(request.query);
    return articles.list(limit, offset);
  });

  app.get<{ Params: { slug: string } }>('/articles/:slug', async (request, reply) => {
    try {
      return { article: articles.get(request.params.slug) };
    } catch (err) {
      if (err instanceof ArticleNotFound) return reply.code(404).send({ error: 'article not found' });
      throw err;
    }
  });

  app.post<{ Body: { title?: string; body?: string; tags?: string[] } }>('/articles', async (request, reply) => {
    try {
      return reply.code(201).send({ article: articles.publish(request.body ?? {}) });
    } catch (err) {
      if (err instanceof InvalidArticle) return reply.code(422).send({ error: err.message });
      throw err;
    }
  });
}
