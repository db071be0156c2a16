import { useEffect, useState } from 'react';
import type { ArticleView } from '../models/article';
import { fetchArticles } from '../services/api';

export function ArticleList() {
  const [articles, setArticles] = useState<ArticleView[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    fetchArticles()
      .then((page) => setArticles(page.items))
      .catch((err: Error) => setError(err.message));
  }, []);

  if (error) return <p role="alert">{error}</p>;
  return (
    <ul>
      {articles.map((article) => (
        <li key={article.slug}>
          <a href={article.permalink}>{article.title}</a> <small>{article.published}</small>
        </li>
      ))}
    </ul>
  );
}
