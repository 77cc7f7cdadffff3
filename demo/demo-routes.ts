import { Hono } from 'hono';
import { ApiError } from '../src/server/index.js';
import type { DemoSession } from './seed.js';

/**
 * Routes only the demo has, under /demo-api: the seeded builders and their tokens. (Credits
 * are bought through the real purchase API and the offline demo gateway.)
 */
export function demoRoutes(session: DemoSession): Hono {
  const app = new Hono();
  app.get('/demo-api/session', (c) => c.json(session));
  app.onError((err, c) => {
    if (err instanceof ApiError) return c.json(err.toBody(), err.status as 400);
    return c.json(new ApiError('internal', 'internal error').toBody(), 500);
  });
  return app;
}
