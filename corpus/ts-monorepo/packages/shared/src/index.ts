/** Types and helpers shared by the API and the web app. */

export interface ArticleDto {
  slug: string;
  title: string;
  body: string;
  tags: string[];
  publishedAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function slugify(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
