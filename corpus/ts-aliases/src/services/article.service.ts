import { validateArticle, type Article } from '@domain/article';
import { NotFoundError } from '@domain/errors';
import { articleRepository, userRepository } from '@repos/index';

export class ArticleService {
  list(): Article[] {
    return articleRepository.list();
  }

  get(id: number): Article {
    const article = articleRepository.findById(id);
    if (!article) throw new NotFoundError(`article ${id}`);
    return article;
  }

  publish(authorId: number, input: { title?: unknown; body?: unknown }): Article {
    if (!userRepository.findById(authorId)) throw new NotFoundError(`user ${authorId}`);
    return articleRepository.create({ authorId, ...validateArticle(input) });
  }
}

export const articleService = new ArticleService();
