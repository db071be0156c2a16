// The first version of the API, on Express. Superseded by src/app.ts (Hono) but never deleted;
// `npm run legacy` still starts it.
import express from "express";

import * as articleService from "../services/article.service.js";

const app = express();
app.use(express.json());

app.get("/api/articles", (_req, res) => {
  res.json({ articles: articleService.listArticles() });
});

app.listen(3001, () => console.log("legacy API on 3001"));
