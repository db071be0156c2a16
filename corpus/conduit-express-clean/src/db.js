const fs = require('fs');
const path = require('path');
const { Sequelize } = require('sequelize');

const SQLITE_FILE = 'conduit.sqlite';
const ENV_FILE = path.join(__dirname, '..', '.env');

/**
 * The task's `.env` file, when there is one, for the variables the environment leaves unset.
 * The paper's harness sets no DATABASE_URL: a PostgreSQL task ships a `.env` naming its database
 * (`tasks/postgres.env` holds the paper's literal settings), a SQLite task none.
 */
function loadEnvFile(file = ENV_FILE) {
  if (!fs.existsSync(file)) {
    return;
  }
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const at = line.indexOf('=');
    const key = line.slice(0, at).trim();
    if (at > 0 && !key.startsWith('#') && process.env[key] === undefined) {
      process.env[key] = line.slice(at + 1).trim();
    }
  }
}

/**
 * PostgreSQL when DATABASE_URL is set (postgres:// or postgresql://),
 * otherwise SQLite in a file of the working directory.
 */
function createSequelize() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    return new Sequelize({ dialect: 'sqlite', storage: SQLITE_FILE, logging: false });
  }
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return new Sequelize(databaseUrl, { logging: false });
}

module.exports = { createSequelize, loadEnvFile };
