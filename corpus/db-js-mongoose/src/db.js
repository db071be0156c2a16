const mongoose = require("mongoose");

const MONGODB_URI = process.env.MONGODB_URI || "mongodb://127.0.0.1:27017/conduit";

async function connect(uri = MONGODB_URI) {
  await mongoose.connect(uri);
  return mongoose.connection;
}

module.exports = { connect };
