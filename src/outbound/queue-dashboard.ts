import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import type { Redis } from 'ioredis';
import type { Middleware } from 'koa';
import type { Config } from '../config/config.js';
import { notificationQueue } from './index.js';

const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; base-uri 'self'; object-src 'none'; form-action 'self'; frame-ancestors 'none'";

export interface QueueDashboard {
  /** Koa middleware serving the dashboard under basePath; mount it behind the admin login. */
  middleware: Middleware;
  close(): Promise<void>;
}

/**
 * bull-board over the notification queue (waiting, delayed, failed jobs; retry from the UI), on the process's
 * own Redis connection, which stays the caller's to close.
 */
export function createQueueDashboard(
  config: Config,
  connection: Redis,
  basePath = '/admin/queues',
): QueueDashboard {
  const queue = notificationQueue(config, connection);
  const adapter = new KoaAdapter();
  adapter.setBasePath(basePath);
  createBullBoard({
    queues: [new BullMQAdapter(queue)],
    // @bull-board/koa pins its own copy of @bull-board/api: same shape, separately declared types.
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: `${config.COMPANY_NAME} queues` } },
  });
  const board = adapter.registerPlugin() as Middleware;
  return {
    // bull-board needs a <base> and inline styles: a CSP of its own under basePath, scripts still 'self' only.
    middleware: async (ctx, next) => {
      if (ctx.path === basePath || ctx.path.startsWith(`${basePath}/`))
        ctx.set('Content-Security-Policy', DASHBOARD_CSP);
      await board(ctx, next);
    },
    close: () => queue.close(),
  };
}
