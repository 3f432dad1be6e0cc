import { Queue, Worker } from 'bullmq';
import { webhookToSend } from '../app/queries/webhooks.js';
import { type AttemptResult, recordWebhookAttempt, skipWebhookDelivery } from '../app/webhooks/attempts.js';
import { claimWebhooksToEnqueue, fanOutWebhooks, type QueuedWebhook } from '../app/webhooks/fan-out.js';
import { createRedis } from '../infra/redis.js';
import { SecretBoxError, unseal } from '../infra/secret-box.js';
import { WEBHOOKS_QUEUE } from '../metrics/queues.js';
import type { RunningPart } from '../runtime/part.js';
import type { Services } from '../runtime/services.js';
import { wakeOnOutbox } from './outbox-listener.js';
import { postWebhook } from './webhook-post.js';

export interface WebhookTuning {
  /** Periodic sweep besides LISTEN. */
  sweepMs: number;
  /** A pending delivery enqueued this long ago is enqueued again (no-op while its job is still there). */
  staleMs: number;
  /** Outbox rows fanned out, and deliveries enqueued, per round. */
  batch: number;
  /** First retry delay; doubles on each attempt. */
  retryBaseMs: number;
  attempts: number;
  concurrency: number;
  /** One POST's time limit. */
  timeoutMs: number;
}

/** 15 attempts: 10 s, 20 s, 40 s... the last one about 45 hours after the first. */
const DEFAULTS: WebhookTuning = {
  sweepMs: 5000,
  staleMs: 120_000,
  batch: 200,
  retryBaseMs: 10_000,
  attempts: 15,
  concurrency: 4,
  timeoutMs: 10_000,
};

/**
 * BullMQ ids may not hold a lone ':' nor be integers: `webhook-<outbox id>-<endpoint id>`, one job per
 * delivery however often it is enqueued.
 */
export const webhookJobId = (w: Pick<QueuedWebhook, 'outboxId' | 'endpointId'>): string =>
  `webhook-${w.outboxId}-${w.endpointId}`;

type WebhookJob = { deliveryId: number };

/** Thrown for an attempt to retry: BullMQ waits (exponential backoff) and runs the job again. */
class RetryLater extends Error {
  override name = 'RetryLater';
}

export interface RunningWebhooks extends RunningPart {
  /** Fans out and enqueues what waits now; concurrent calls share one run. */
  drain(): Promise<number>;
  queue: Queue;
}

/**
 * The webhook sender: fans committed outbox rows out to the endpoints (deliveries in Postgres), puts each
 * delivery on the `webhooks` queue, and POSTs it, signed, recording every attempt.
 */
export async function startWebhooks(
  s: Services,
  tuning: Partial<WebhookTuning> = {},
): Promise<RunningWebhooks> {
  const o = { ...DEFAULTS, ...tuning };
  const { config, logger, app } = s;
  const queueRedis = createRedis(config.REDIS_URL);
  const workerRedis = createRedis(config.REDIS_URL);
  for (const r of [queueRedis, workerRedis]) r.on('error', () => {});
  const queue = new Queue(WEBHOOKS_QUEUE, {
    connection: queueRedis,
    prefix: config.REDIS_PREFIX,
    defaultJobOptions: {
      attempts: o.attempts,
      backoff: { type: 'exponential', delay: o.retryBaseMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 14 * 24 * 3600 },
    },
  });
  queue.on('error', (err) => logger.warn({ err: err.message }, 'webhooks queue error'));

  const send = async (deliveryId: number, lastAttempt: boolean): Promise<AttemptResult | 'skipped'> => {
    const d = await webhookToSend(s.db, deliveryId);
    if (d?.status !== 'pending') return 'skipped';
    if (!d.active) {
      await skipWebhookDelivery(app, d.id);
      return 'skipped';
    }
    let secret: string;
    try {
      secret = unseal(config.SECRET, d.secret);
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      // Sealed under another SECRET: no attempt can sign it until the secret is rotated.
      return recordWebhookAttempt(app, {
        deliveryId: d.id,
        endpointId: d.endpoint_id,
        outcome: { status: null, error: `signing secret unreadable: ${err.message}` },
        durationMs: 0,
        lastAttempt: true,
        disableAfterDays: config.WEBHOOK_DISABLE_AFTER_DAYS,
      });
    }
    const { durationMs, ...outcome } = await postWebhook({
      url: d.url,
      secret,
      event: d.event,
      deliveryId: d.id,
      body: d.body,
      timeoutMs: o.timeoutMs,
    });
    return recordWebhookAttempt(app, {
      deliveryId: d.id,
      endpointId: d.endpoint_id,
      outcome,
      durationMs,
      lastAttempt,
      disableAfterDays: config.WEBHOOK_DISABLE_AFTER_DAYS,
    });
  };

  const worker = new Worker<WebhookJob>(
    WEBHOOKS_QUEUE,
    async (job) => {
      const result = await send(job.data.deliveryId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
      if (result === 'retry') throw new RetryLater(`delivery ${job.data.deliveryId}: will try again`);
    },
    { connection: workerRedis, prefix: config.REDIS_PREFIX, concurrency: o.concurrency },
  );
  worker.on('error', (err) => logger.warn({ err: err.message }, 'webhooks worker error'));
  worker.on('failed', (job, err) => {
    if (!(err instanceof RetryLater))
      logger.warn({ delivery: job?.data.deliveryId, err: err.message }, 'webhook attempt failed');
  });

  const runOnce = async (): Promise<number> => {
    let moved = 0;
    let fanned: number;
    do fanned = await fanOutWebhooks(app, o.batch);
    while (fanned === o.batch);
    for (;;) {
      if (queueRedis.status !== 'ready') return moved;
      const claimed = await claimWebhooksToEnqueue(app, o.staleMs / 1000, o.batch);
      if (claimed.length === 0) return moved;
      // Not added (Redis gone meanwhile): the deliveries are enqueued again once stale.
      await queue.addBulk(
        claimed.map((w) => ({
          name: 'deliver',
          data: { deliveryId: w.id },
          opts: { jobId: webhookJobId(w) },
        })),
      );
      moved += claimed.length;
      if (claimed.length < o.batch) return moved;
    }
  };
  const waker = wakeOnOutbox(
    { databaseUrl: config.DATABASE_URL, logger, name: 'webhooks relay', queueRedis, sweepMs: o.sweepMs },
    runOnce,
  );
  logger.info('webhooks worker started');

  return {
    name: 'webhooks',
    queue,
    drain: waker.drain,
    async stop() {
      await waker.stop();
      // close() lets the POSTs in hand finish and record their outcome.
      await worker.close();
      await queue.close();
      queueRedis.disconnect();
      workerRedis.disconnect();
    },
  };
}
