const { randomBytes, scrypt, timingSafeEqual } = require('node:crypto');
const { promisify } = require('node:util');

const deriveKey = promisify(scrypt);
const KEY_LENGTH = 64;

/** Returns "salt:key" in hex, for storage. */
async function hashPassword(password) {
  const salt = randomBytes(16).toString('hex');
  const key = await deriveKey(password, salt, KEY_LENGTH);
  return `${salt}:${key.toString('hex')}`;
}

async function verifyPassword(password, stored) {
  const [salt, storedKey] = stored.split(':');
  const key = await deriveKey(password, salt, KEY_LENGTH);
  return timingSafeEqual(key, Buffer.from(storedKey, 'hex'));
}

module.exports = { hashPassword, verifyPassword };
