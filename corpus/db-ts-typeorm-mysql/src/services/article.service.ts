import type { Article } from "../models/article.entity";
import { articleRepository } from "../repositories/article.repository";

export interface ArticleView {
  slug: string;
  title: string;
  body: string;
}

function toView(article: Article): ArticleView {
  return { slug: article.slug, title: article.title, body: article.body };
}

export async function listArticles(): Promise<ArticleView[]> {
  return (await articleRepository().find({ order: { id: "DESC" } })).map(toView);
}

export async function getArticle(slug: string): Promise<ArticleView | null> {
  const article = await articleRepository().findOneBy({ slug });
  return article ? toView(article) : null;
}

export async function createArticle(title: string, body: string): Promise<ArticleView> {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return toView(await articleRepository().save({ slug, title, body }));
}
