export * from './user.repository';
export { ArticleRepository, articleRepository } from './article.repository';
