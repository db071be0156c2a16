import "reflect-metadata";
import { DataSource } from "typeorm";
import { afterAll, beforeAll, expect, test } from "vitest";

import { Article } from "../src/models/article.entity";

const testDataSource = new DataSource({
  type: "better-sqlite3",
  database: ":memory:",
  synchronize: true,
  entities: [Article],
});

beforeAll(async () => {
  await testDataSource.initialize();
});

afterAll(async () => {
  await testDataSource.destroy();
});

test("articles are saved and read back", async () => {
  const repository = testDataSource.getRepository(Article);
  await repository.save({ slug: "hello", title: "Hello", body: "" });
  expect(await repository.findOneBy({ slug: "hello" })).toMatchObject({ title: "Hello" });
});
