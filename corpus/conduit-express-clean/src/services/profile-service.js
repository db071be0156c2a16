const users = require('../repositories/user-repository');
const { NotFoundError } = require('./errors');

function toProfile({ username, bio, image }, following) {
  return { username, bio, image, following };
}

async function findUser(username) {
  const user = await users.findByUsername(username);
  if (!user) throw new NotFoundError('profile');
  return user;
}

/** Profiles of the given users as `viewerId` (null when anonymous) sees them, keyed by user id. */
async function profilesByUserId(userIds, viewerId) {
  const ids = [...new Set(userIds)];
  const [people, followed] = await Promise.all([
    users.findAllByIds(ids),
    viewerId ? users.followedIds(viewerId, ids) : [],
  ]);
  const followedSet = new Set(followed);
  return new Map(
    people.map((person) => [person.id, toProfile(person, followedSet.has(person.id))]),
  );
}

async function getProfile(username, viewerId) {
  const user = await findUser(username);
  const followed = viewerId ? await users.followedIds(viewerId, [user.id]) : [];
  return toProfile(user, followed.length > 0);
}

async function follow(viewerId, username) {
  const user = await findUser(username);
  await users.follow(viewerId, user.id);
  return toProfile(user, true);
}

async function unfollow(viewerId, username) {
  const user = await findUser(username);
  await users.unfollow(viewerId, user.id);
  return toProfile(user, false);
}

module.exports = { profilesByUserId, getProfile, follow, unfollow };
