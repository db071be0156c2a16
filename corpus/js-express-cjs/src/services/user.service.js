const crypto = require('node:crypto');
const express = require('express');
const { userRepository } = require('../repositories');
const { verifyPassword } = require('./password.service');

const SECRET = process.env.TOKEN_SECRET || 'dev-secret-change-me';

class AuthError extends Error {
  constructor(message, status = 401) {
    super(message);
    this.status = status;
  }
}

function signToken(userId) {
  const payload = Buffer.from(JSON.stringify({ sub: userId, iat: Date.now() })).toString('base64url');
  const signature = crypto.createHmac('sha256', SECRET).update(payload).digest('base64url');
  return `${payload}.${signature}`;
}

function readToken(token) {
  const [payload, signature] = String(token).split('.');
  const expected = crypto.createHmac('sha256', SECRET).update(payload || '').digest('base64url');
  if (!signature || signature !== expected) return null;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).sub;
}

const userService = {
  async register({ username, email, password }) {
    if (await userRepository.findByUsername(username)) {
      throw new AuthError('username has already been taken', 422);
    }
    const user = await userRepository.create({ username, email, password });
    return { user, token: signToken(user.id) };
  },

  async login({ email, password }) {
    const user = await userRepository.findByEmail(email);
    if (!user || !verifyPassword(password, user.passwordHash)) {
      throw new AuthError('email or password is invalid');
    }
    return { user, token: signToken(user.id) };
  },

  async current(token) {
    const userId = token ? readToken(token) : null;
    return userId ? userRepository.findById(userId) : null;
  },
};

// Loads the caller into req.user; mounted by the controllers in front of protected routes.
function requireUser() {
  const guard = express.Router();
  guard.use(async (req, res, next) => {
    try {
      const header = req.get('authorization') || '';
      const user = await userService.current(header.replace(/^Token\s+/i, ''));
      if (!user) return next(new AuthError('missing or invalid token'));
      req.user = user;
      return next();
    } catch (err) {
      return next(err);
    }
  });
  return guard;
}

module.exports = { AuthError, userService, requireUser };
