import type { UserService } from '@services/user.service';
import { ValidationError } from './errors.js';

export interface User {
  id: number;
  name: string;
  email: string;
  createdAt: Date;
}

export interface NewUser {
  name: string;
  email: string;
}

/** Callbacks a UserService fires after it changes a user (kept next to the entity they describe). */
export type UserEvents = Parameters<UserService['onChange']>[0];

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function validateNewUser(input: Partial<NewUser>): NewUser {
  const name = input.name?.trim();
  const email = input.email?.trim().toLowerCase();
  if (!name) throw new ValidationError('name is required');
  if (!email || !EMAIL.test(email)) throw new ValidationError('email is invalid');
  return { name, email };
}
