import type { Article } from "../models/article.js";
import * as articleRepository from "../repositories/article.repository.js";

export function listArticles(): Article[] {
  return articleRepository.findAll();
}

export function getArticle(slug: string): Article | undefined {
  return articleRepository.findBySlug(slug);
}

export function createArticle(title: string, body: string): Article {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return articleRepository.insert({ slug, title, body });
}
