const { Tag } = require('../models');

async function findAllNames() {
  const rows = await Tag.findAll({ attributes: ['name'], order: [['name', 'ASC']] });
  return rows.map((row) => row.name);
}

module.exports = { findAllNames };
