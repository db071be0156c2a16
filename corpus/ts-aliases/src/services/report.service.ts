import { articleRepository, userRepository } from '../repositories/index.js';

export interface Summary {
  users: number;
  articles: number;
  topAuthors: { authorId: number; articles: number }[];
}

export const reportService = {
  async summary(): Promise<Summary> {
    const counts = new Map<number, number>();
    for (const article of articleRepository.list()) {
      counts.set(article.authorId, (counts.get(article.authorId) ?? 0) + 1);
    }
    const topAuthors = [...counts.entries()]
      .map(([authorId, articles]) => ({ authorId, articles }))
      .sort((a, b) => b.articles - a.articles)
      .slice(0, 5);
    return { users: userRepository.list().length, articles: articleRepository.list().length, topAuthors };
  },
};
