const express = require("express");

const articles = require("./routes/articles");

const app = express();
app.use(express.json());

app.get("/api/health-check", (req, res) => res.json({ status: "ok" }));
app.use("/api/articles", articles);

module.exports = app;
