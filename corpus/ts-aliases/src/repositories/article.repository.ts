import type { Article, NewArticle } from '../domain/article.js';
import { table } from './memory.js';

export class ArticleRepository {
  private readonly articles = table<Article>();

  list(): Article[] {
    return this.articles.all().sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  findById(id: number): Article | undefined {
    return this.articles.get(id);
  }

  byAuthor(authorId: number): Article[] {
    return this.articles.all().filter((article) => article.authorId === authorId);
  }

  create(input: NewArticle): Article {
    return this.articles.insert({ ...input, createdAt: new Date() });
  }
}

export const articleRepository = new ArticleRepository();
