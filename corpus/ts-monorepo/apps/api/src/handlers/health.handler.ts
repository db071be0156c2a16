import type { FastifyInstance } from 'fastify';

export async function healthHandler(app: FastifyInstance): Promise<void> {
  app.get('/health-check', async () => ({ status: 'ok' }));
}
