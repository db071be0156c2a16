import { Router } from 'express';
import { userRepository } from '@repos/index';
import { userService } from '@services/user.service';

export const usersRouter = Router();

usersRouter.get('/users', (_req, res) => {
  res.json({ users: userRepository.list() });
});

usersRouter.post('/users', (req, res) => {
  res.status(201).json({ user: userService.register(req.body ?? {}) });
});

usersRouter.get('/users/:id', (req, res) => {
  res.json({ user: userService.get(Number(req.params.id)) });
});

usersRouter.delete('/users/:id', (req, res) => {
  userService.remove(Number(req.params.id));
  res.status(204).end();
});
