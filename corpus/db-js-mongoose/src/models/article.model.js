const mongoose = require("mongoose");

const articleSchema = new mongoose.Schema(
  {
    slug: { type: String, required: true, unique: true },
    title: { type: String, required: true },
    body: { type: String, default: "" },
  },
  { timestamps: true },
);

module.exports = mongoose.model("Article", articleSchema);
