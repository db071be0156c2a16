import Fastify from 'fastify';
import { config } from './config';
import { migrate } from './db';
import { articleHandlers } from './handlers/articles.handler';
import { healthHandler } from './handlers/health.handler';

const app = Fastify({ logger: true });

migrate();
await app.register(healthHandler, { prefix: '/api' });
await app.register(articleHandlers, { prefix: '/api' });

try {
  await app.listen({ port: config.port, host: '0.0.0.0' });
} catch (err) {
  app.log.error(err);
  process.exit(1);
}
