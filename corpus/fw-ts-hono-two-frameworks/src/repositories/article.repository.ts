import { db } from "../db.js";
import type { Article } from "../models/article.js";

export function findAll(): Article[] {
  return db.prepare("SELECT slug, title, body FROM articles ORDER BY id DESC").all() as Article[];
}

export function findBySlug(slug: string): Article | undefined {
  return db.prepare("SELECT slug, title, body FROM articles WHERE slug = ?").get(slug) as Article | undefined;
}

export function insert(article: Article): Article {
  db.prepare("INSERT INTO articles (slug, title, body) VALUES (?, ?, ?)").run(article.slug, article.title, article.body);
  return article;
}
