import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import type { Middleware } from 'koa';
import type { Config } from '../config/config.js';
import { createRedis } from '../infra/redis.js';
import { notificationQueue } from './index.js';

export interface QueueDashboard {
  /** Koa middleware serving the dashboard under basePath; mount it behind the admin login. */
  middleware: Middleware;
  close(): Promise<void>;
}

/** bull-board over the notification queue (waiting, delayed, failed jobs; retry from the UI). */
export function createQueueDashboard(config: Config, basePath = '/admin/queues'): QueueDashboard {
  const connection = createRedis(config.REDIS_URL);
  connection.on('error', () => {});
  const queue = notificationQueue(config, connection);
  const adapter = new KoaAdapter();
  adapter.setBasePath(basePath);
  createBullBoard({
    queues: [new BullMQAdapter(queue)],
    // @bull-board/koa pins its own copy of @bull-board/api: same shape, separately declared types.
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: `${config.COMPANY_NAME} queues` } },
  });
  return {
    middleware: adapter.registerPlugin() as Middleware,
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
