import { slugify, type ArticleDto, type Page } from '@acme/shared';
import { toDto } from '../models/article';
import { ArticleRepository } from '../repositories/article.repository';

export class ArticleNotFound extends Error {}
export class InvalidArticle extends Error {}

export class ArticleService {
  constructor(private readonly articles = new ArticleRepository()) {}

  list(limit: number, offset: number): Page<ArticleDto> {
    const { items, total } = this.articles.page(limit, offset);
    return { items: items.map(toDto), total, limit, offset };
  }

  get(slug: string): ArticleDto {
    const article = this.articles.findBySlug(slug);
    if (!article) throw new ArticleNotFound(slug);
    return toDto(article);
  }

  publish(input: { title?: string; body?: string; tags?: string[] }): ArticleDto {
    if (!input.title?.trim() || !input.body) throw new InvalidArticle('title and body are required');
    const slug = `${slugify(input.title)}-${Date.now().toString(36)}`;
    const article = this.articles.insert({
      slug,
      title: input.title.trim(),
      body: input.body,
      tags: input.tags ?? [],
      publishedAt: new Date(),
    });
    return toDto(article);
  }
}
