import { Queue, Worker } from 'bullmq';
import type { Config } from '../config/config.js';
import { createStatementPool } from '../db/prepared-query.js';
import { createFailFastRedis, createRedis } from '../infra/redis.js';
import { NOTIFICATIONS_QUEUE } from '../metrics/queues.js';
import type { RunningPart } from '../runtime/part.js';
import type { Services } from '../runtime/services.js';
import { deliverBatch } from './deliver.js';
import { createDeliveryStore } from './delivery-store.js';
import { type OutboxRelay, type RelayOptions, startOutboxRelay } from './relay.js';
import { rateLimited } from './sending-rate.js';
import { compileTemplates } from './templates.js';
import { notificationTexts } from './text-overrides.js';
import { createMailTransport } from './transport.js';

export interface OutboundTuning extends RelayOptions {
  /** First retry delay; doubles on each attempt (exponential backoff). */
  retryBaseMs: number;
  attempts: number;
  concurrency: number;
  /** How stale this worker's copy of the admins' mail texts may get (text-overrides.ts). */
  textsMaxAgeMs: number;
}

/** About 17 hours of retries for a relay that stays down: 5 s, 10 s, 20 s... */
const DEFAULTS: OutboundTuning = {
  sweepMs: 5000,
  staleMs: 120_000,
  batch: 500,
  rowsPerJob: 50,
  retryBaseMs: 5000,
  attempts: 15,
  concurrency: 8,
  textsMaxAgeMs: 1000,
};

/** A job queued before batches carries its outbox row, whose batch it is (migration 20261201_501). */
type NotifyJob = { batch: number } | { outboxId: number };
const batchOf = (data: NotifyJob): number => ('batch' in data ? data.batch : data.outboxId);

/** The queue as the relay, the dashboard and tests see it. */
export const notificationQueue = (config: Config, connection = createRedis(config.REDIS_URL)) =>
  new Queue(NOTIFICATIONS_QUEUE, { connection, prefix: config.REDIS_PREFIX });

export interface RunningOutbound extends RunningPart {
  relay: OutboxRelay;
  queue: Queue;
}

/** Outbox relay and notification sender. Templates are compiled first: a broken one stops start-up. */
export async function startOutbound(
  s: Services,
  tuning: Partial<OutboundTuning> = {},
): Promise<RunningOutbound> {
  const o = { ...DEFAULTS, ...tuning };
  const { config, logger } = s;
  const templates = await compileTemplates(config);
  const queueRedis = createRedis(config.REDIS_URL);
  const workerRedis = createRedis(config.REDIS_URL);
  const rateRedis = createFailFastRedis(config.REDIS_URL);
  for (const r of [queueRedis, workerRedis, rateRedis]) r.on('error', () => {});
  // Per mail, not per job: a job carries a batch of rows.
  const transport = rateLimited(
    createMailTransport(config),
    rateRedis,
    `${config.REDIS_PREFIX}:${NOTIFICATIONS_QUEUE}:sending-rate`,
    config.SMTP_MAX_PER_SECOND,
  );
  const queue = new Queue(NOTIFICATIONS_QUEUE, {
    connection: queueRedis,
    prefix: config.REDIS_PREFIX,
    defaultJobOptions: {
      attempts: o.attempts,
      backoff: { type: 'exponential', delay: o.retryBaseMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 14 * 24 * 3600 },
    },
  });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'notification queue error'));
  const fences = createStatementPool(config.DATABASE_URL, logger, o.concurrency);
  const store = createDeliveryStore(s.db, s.pg);
  const texts = notificationTexts(s.db, o.textsMaxAgeMs);
  const deps = { db: s.db, store, fences, config, logger, templates, texts, transport };
  const worker = new Worker<NotifyJob>(
    NOTIFICATIONS_QUEUE,
    (job) => deliverBatch(deps, batchOf(job.data), job.attemptsMade + 1 >= (job.opts.attempts ?? 1)),
    { connection: workerRedis, prefix: config.REDIS_PREFIX, concurrency: o.concurrency },
  );
  worker.on('error', (err) => logger.warn({ err: err.message }, 'notification worker error'));
  worker.on('failed', (job, err) =>
    logger.warn(
      { batch: job ? batchOf(job.data) : null, attempt: job?.attemptsMade, err: err.message },
      'notification attempt failed',
    ),
  );
  const relay = startOutboxRelay(
    { db: s.db, databaseUrl: config.DATABASE_URL, queue, queueRedis, logger },
    o,
  );
  logger.info({ smtp: Boolean(config.SMTP_URL) }, 'outbound worker started');

  return {
    name: 'outbound',
    relay,
    queue,
    health: () => transport.health(),
    async stop() {
      await relay.stop();
      // close() lets the jobs in hand finish: no mail is cut in the middle.
      await worker.close();
      await queue.close();
      transport.close();
      await fences.end();
      queueRedis.disconnect();
      workerRedis.disconnect();
      rateRedis.disconnect();
    },
  };
}
