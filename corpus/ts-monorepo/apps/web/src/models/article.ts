import type { ArticleDto } from '@acme/shared';
import { apiBase } from '../services/api';

export interface ArticleView extends ArticleDto {
  permalink: string;
  published: string;
}

export function toView(dto: ArticleDto): ArticleView {
  return {
    ...dto,
    permalink: `${apiBase}/articles/${dto.slug}`,
    published: new Date(dto.publishedAt).toLocaleDateString(),
  };
}
