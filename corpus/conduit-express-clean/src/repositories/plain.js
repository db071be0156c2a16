/** Repositories hand plain objects to the services, never Sequelize instances. */
function toPlain(row) {
  return row ? row.get({ plain: true }) : null;
}

module.exports = { toPlain };
