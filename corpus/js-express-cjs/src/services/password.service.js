const crypto = require('node:crypto');

const KEY_LENGTH = 64;

function hashPassword(password) {
  const salt = crypto.randomBytes(16).toString('hex');
  const key = crypto.scryptSync(password, salt, KEY_LENGTH).toString('hex');
  return `${salt}:${key}`;
}

function verifyPassword(password, stored) {
  const [salt, key] = String(stored).split(':');
  if (!salt || !key) return false;
  const candidate = crypto.scryptSync(password, salt, KEY_LENGTH);
  return crypto.timingSafeEqual(candidate, Buffer.from(key, 'hex'));
}

module.exports = { hashPassword, verifyPassword };
