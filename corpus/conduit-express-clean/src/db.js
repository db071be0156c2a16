const { Sequelize } = require('sequelize');

const SQLITE_FILE = 'conduit.sqlite';

/**
 * PostgreSQL when `databaseUrl` is given (postgres:// or postgresql://),
 * otherwise SQLite in a file of the working directory.
 */
function createSequelize(databaseUrl) {
  if (!databaseUrl) {
    return new Sequelize({ dialect: 'sqlite', storage: SQLITE_FILE, logging: false });
  }
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return new Sequelize(databaseUrl, { logging: false });
}

module.exports = { createSequelize };
