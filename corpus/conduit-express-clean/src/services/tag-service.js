const tags = require('../repositories/tag-repository');

async function list() {
  return tags.findAllNames();
}

module.exports = { list };
