import { NotFoundError, ValidationError } from '@domain/errors';
import { validateNewUser, type NewUser, type User } from '@domain/user';
import { UserRepository, userRepository } from '../repositories/user.repository.js';

type UserListener = (event: { type: 'created' | 'deleted'; user: User }) => void;

export class UserService {
  private readonly listeners: UserListener[] = [];

  constructor(private readonly users: UserRepository = userRepository) {}

  onChange(listener: UserListener): void {
    this.listeners.push(listener);
  }

  get(id: number): User {
    const user = this.users.findById(id);
    if (!user) throw new NotFoundError(`user ${id}`);
    return user;
  }

  register(input: Partial<NewUser>): User {
    const candidate = validateNewUser(input);
    if (this.users.findByEmail(candidate.email)) {
      throw new ValidationError('email is already registered');
    }
    const user = this.users.create(candidate);
    this.listeners.forEach((listener) => listener({ type: 'created', user }));
    return user;
  }

  remove(id: number): void {
    const user = this.get(id);
    this.users.delete(id);
    this.listeners.forEach((listener) => listener({ type: 'deleted', user }));
  }
}

export const userService = new UserService();
