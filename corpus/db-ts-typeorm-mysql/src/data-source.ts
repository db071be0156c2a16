import "reflect-metadata";
import { DataSource } from "typeorm";

import { Article } from "./models/article.entity";

const port = Number(process.env.DB_PORT ?? 3306);

export const AppDataSource = new DataSource({
  type: "mysql",
  host: process.env.DB_HOST ?? "localhost",
  port,
  username: process.env.DB_USER ?? "root",
  password: process.env.DB_PASSWORD ?? "password",
  database: process.env.DB_NAME ?? "conduit",
  synchronize: true,
  entities: [Article],
});
