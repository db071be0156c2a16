const users = require('../repositories/user-repository');
const { UnauthorizedError, ValidationError } = require('./errors');
const { hashPassword, verifyPassword } = require('./passwords');
const { issueToken } = require('./tokens');
const { emailAddress, optional, pickDefined, required, text, validate } = require('./validation');

const REGISTRATION_RULES = { username: required, email: emailAddress, password: required };
const LOGIN_RULES = { email: required, password: required };
const CHANGE_RULES = {
  email: optional(emailAddress),
  username: optional(required),
  password: optional(required),
  bio: optional(text),
  image: optional(text),
};

const findByUniqueField = { email: users.findByEmail, username: users.findByUsername };
const unknownUser = () => new UnauthorizedError({ token: ['belongs to no user'] });

function toAuthenticatedUser(user) {
  const { email, username, bio, image } = user;
  return { email, token: issueToken(user), username, bio, image };
}

/** Rejects a username or email that another user already holds. */
async function assertAvailable(fields, ownerId = null) {
  const errors = {};
  for (const [field, find] of Object.entries(findByUniqueField)) {
    if (fields[field] === undefined) continue;
    const holder = await find(fields[field]);
    if (holder && holder.id !== ownerId) errors[field] = ['has already been taken'];
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
}

async function register(input) {
  const { username, email, password } = validate(input, REGISTRATION_RULES);
  await assertAvailable({ username, email });
  const user = await users.create({ username, email, passwordHash: await hashPassword(password) });
  return toAuthenticatedUser(user);
}

async function login(input) {
  const { email, password } = validate(input, LOGIN_RULES);
  const user = await users.findByEmail(email);
  if (!user || !(await verifyPassword(password, user.passwordHash))) {
    throw new UnauthorizedError({ credentials: ['email or password is invalid'] });
  }
  return toAuthenticatedUser(user);
}

async function getCurrent(userId) {
  const user = await users.findById(userId);
  if (!user) throw unknownUser();
  return toAuthenticatedUser(user);
}

async function updateCurrent(userId, input) {
  const source = validate(input, CHANGE_RULES);
  const { password, ...changes } = pickDefined(source, Object.keys(CHANGE_RULES));
  if (password === undefined && Object.keys(changes).length === 0) {
    const fields = Object.keys(CHANGE_RULES).join(', ');
    throw new ValidationError({ user: [`must change at least one of ${fields}`] });
  }
  await assertAvailable(changes, userId);
  if (password !== undefined) changes.passwordHash = await hashPassword(password);
  const user = await users.update(userId, changes);
  if (!user) throw unknownUser();
  return toAuthenticatedUser(user);
}

module.exports = { register, login, getCurrent, updateCurrent };
