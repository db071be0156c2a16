const { Follow, User } = require('../models');
const { toPlain } = require('./plain');

async function create(fields) {
  return toPlain(await User.create(fields));
}

async function findById(id) {
  return toPlain(await User.findByPk(id));
}

async function findByEmail(email) {
  return toPlain(await User.findOne({ where: { email } }));
}

async function findByUsername(username) {
  return toPlain(await User.findOne({ where: { username } }));
}

async function findAllByIds(ids) {
  const rows = await User.findAll({ where: { id: ids } });
  return rows.map(toPlain);
}

async function update(id, changes) {
  const user = await User.findByPk(id);
  return user && toPlain(await user.update(changes));
}

async function follow(followerId, followingId) {
  await Follow.findOrCreate({ where: { followerId, followingId } });
}

async function unfollow(followerId, followingId) {
  await Follow.destroy({ where: { followerId, followingId } });
}

/** Ids of the users that `followerId` follows, optionally only among `candidateIds`. */
async function followedIds(followerId, candidateIds) {
  const where = candidateIds ? { followerId, followingId: candidateIds } : { followerId };
  const rows = await Follow.findAll({ where, attributes: ['followingId'] });
  return rows.map((row) => row.followingId);
}

module.exports = {
  create,
  findById,
  findByEmail,
  findByUsername,
  findAllByIds,
  update,
  follow,
  unfollow,
  followedIds,
};
