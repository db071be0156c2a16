import type { ArticleDto } from '@acme/shared';

export interface Article {
  id: number;
  slug: string;
  title: string;
  body: string;
  tags: string[];
  publishedAt: Date;
}

export interface ArticleRow {
  id: number;
  slug: string;
  title: string;
  body: string;
  tags: string;
  published_at: string;
}

export function fromRow(row: ArticleRow): Article {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    body: row.body,
    tags: JSON.parse(row.tags) as string[],
    publishedAt: new Date(row.published_at),
  };
}

export function toDto(article: Article): ArticleDto {
  return {
    slug: article.slug,
    title: article.title,
    body: article.body,
    tags: article.tags,
    publishedAt: article.publishedAt.toISOString(),
  };
}
