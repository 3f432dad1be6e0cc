import { Queue } from 'bullmq';
import type { Db } from '../db/db.js';
import { OPEN_STATUSES } from '../domain/ticket-status.js';
import { withTimeout } from '../runtime/health.js';
import type { Services } from '../runtime/services.js';
import { outboxOldestSeconds, outboxPending, queueJobs, scrapeErrors, ticketsOpen } from './metrics.js';
import { MONITORED_QUEUES, QUEUE_STATES } from './queues.js';

const SCRAPE_TIMEOUT_MS = 2000;

async function readTickets(db: Db): Promise<void> {
  // One grouped query over the (status, …) index; closed tickets are the bulk and are skipped.
  const rows: { status: string; n: number }[] = await db('tickets')
    .whereIn('status', OPEN_STATUSES)
    .groupBy('status')
    .select('status', db.raw('count(*)::int as n'));
  for (const status of OPEN_STATUSES) ticketsOpen.set({ status }, 0);
  for (const r of rows) ticketsOpen.set({ status: r.status }, r.n);
  const [outbox] = (
    await db.raw(
      `select count(*)::int as n, coalesce(extract(epoch from now() - min(coalesce(not_before, created_at))), 0)::float as age
         from outbox where enqueued_at is null and (not_before is null or not_before <= now())`,
    )
  ).rows as { n: number; age: number }[];
  outboxPending.set(outbox?.n ?? 0);
  outboxOldestSeconds.set(outbox?.age ?? 0);
}

/** Scrape-time gauges (open tickets, outbox backlog, queue depth) read with one cheap query per source. */
export function scrapeGauges(s: Services) {
  let queues: Queue[] | null = null;
  const queueList = () => {
    // The shared connection: a Queue used only for counting needs no connection of its own.
    queues ??= MONITORED_QUEUES.map(
      (name) => new Queue(name, { connection: s.redis, prefix: s.config.REDIS_PREFIX }),
    );
    return queues;
  };

  async function readQueues(): Promise<void> {
    // Commands wait for a reconnect on this client; when Redis is away, say so instead of piling them up.
    if (s.redis.status !== 'ready') throw new Error(`redis ${s.redis.status}`);
    for (const q of queueList()) {
      const counts = await q.getJobCounts(...QUEUE_STATES);
      for (const state of QUEUE_STATES) queueJobs.set({ queue: q.name, state }, counts[state] ?? 0);
    }
  }

  return {
    async refresh(): Promise<void> {
      const results = await Promise.allSettled([
        withTimeout(readTickets(s.db), SCRAPE_TIMEOUT_MS),
        withTimeout(readQueues(), SCRAPE_TIMEOUT_MS),
      ]);
      const sources = ['postgres', 'redis'] as const;
      results.forEach((r, i) => {
        if (r.status === 'rejected') {
          scrapeErrors.inc({ source: sources[i] });
          s.logger.warn({ err: (r.reason as Error).message, source: sources[i] }, 'metrics scrape failed');
        }
      });
    },
  };
}
