import type { NewUser, User } from '@domain/user';
import { table } from './memory.js';

export class UserRepository {
  private readonly users = table<User>();

  list(): User[] {
    return this.users.all();
  }

  findById(id: number): User | undefined {
    return this.users.get(id);
  }

  findByEmail(email: string): User | undefined {
    return this.users.all().find((user) => user.email === email);
  }

  create(input: NewUser): User {
    return this.users.insert({ ...input, createdAt: new Date() });
  }

  delete(id: number): boolean {
    return this.users.remove(id);
  }
}

export const userRepository = new UserRepository();
