import type { Repository } from "typeorm";

import { AppDataSource } from "../data-source";
import { Article } from "../models/article.entity";

export function articleRepository(): Repository<Article> {
  return AppDataSource.getRepository(Article);
}
