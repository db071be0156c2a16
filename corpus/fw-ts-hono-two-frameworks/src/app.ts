import { Hono } from "hono";
import { logger } from "hono/logger";

import { articles } from "./routes/articles.js";
import { migrate } from "./db.js";

migrate();

export const app = new Hono().basePath("/api");

app.use("*", logger());
app.get("/health-check", (c) => c.json({ status: "ok" }));
app.route("/articles", articles);
