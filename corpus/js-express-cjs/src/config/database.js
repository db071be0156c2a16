const path = require('node:path');
const { Sequelize } = require('sequelize');

const storage = process.env.DB_STORAGE || path.join(__dirname, '..', '..', 'conduit.sqlite');

module.exports = new Sequelize({
  dialect: 'sqlite',
  storage,
  logging: process.env.SQL_LOG === '1' ? console.log : false,
});
