import { db } from '../db';
import { MAX_LIMIT } from '../handlers/pagination';
import { fromRow, type Article, type ArticleRow } from '../models/article';

export class ArticleRepository {
  page(limit: number, offset: number): { items: Article[]; total: number } {
    const rows = db
      .prepare('SELECT * FROM articles ORDER BY published_at DESC LIMIT ? OFFSET ?')
      .all(Math.min(limit, MAX_LIMIT), offset) as ArticleRow[];
    const { total } = db.prepare('SELECT COUNT(*) AS total FROM articles').get() as { total: number };
    return { items: rows.map(fromRow), total };
  }

  findBySlug(slug: string): Article | undefined {
    const row = db.prepare('SELECT * FROM articles WHERE slug = ?').get(slug) as ArticleRow | undefined;
    return row && fromRow(row);
  }

  insert(article: Omit<Article, 'id'>): Article {
    const result = db
      .prepare('INSERT INTO articles (slug, title, body, tags, published_at) VALUES (?, ?, ?, ?, ?)')
      .run(article.slug, article.title, article.body, JSON.stringify(article.tags), article.publishedAt.toISOString());
    return { ...article, id: Number(result.lastInsertRowid) };
  }
}
