import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/db.js';
import type { Logger } from '../infra/logger.js';
import { type OutboxWaker, wakeOnOutbox } from './outbox-listener.js';

export interface RelayOptions {
  /** Periodic sweep besides LISTEN (a missed NOTIFY, Redis back after an outage). */
  sweepMs: number;
  /** A row enqueued this long ago and still not done is enqueued again: its job may have been lost with Redis. */
  staleMs: number;
  /** Rows moved per round. */
  batch: number;
  /** Rows one queue job carries at most. */
  rowsPerJob: number;
}

/** Moves waiting rows to the queue now (`drain`); concurrent calls share one run. */
export type OutboxRelay = OutboxWaker;

/**
 * Marks the rows to enqueue (those due: a row waits until its not_before) and returns them with their batch:
 * rows without one are split into batches of `rowsPerJob`, each named after its first row. A row keeps its batch when enqueued again; the rows are locked
 * (another relay skips them) while batches are given, so no row is given two.
 */
const PICK_SQL = `
with picked as (
  select id, batch from outbox
  where done_at is null
    and (enqueued_at is null or enqueued_at < now() - make_interval(secs => ?))
    and (not_before is null or not_before <= now())
  order by id
  limit ?
  for update skip locked
), fresh as (
  select id, (row_number() over (order by id) - 1) / ?::int as chunk from picked where batch is null
), named as (
  select id, min(id) over (partition by chunk) as batch from fresh
)
update outbox o set enqueued_at = now(), batch = coalesce(p.batch, n.batch)
from picked p left join named n on n.id = p.id
where o.id = p.id
returning o.id, o.batch`;

/**
 * Moves outbox rows into BullMQ, one job per batch with jobId = the batch's first row, so running it twice (or
 * in two processes) adds each job once. While Redis is unreachable rows simply wait in Postgres.
 */
export function startOutboxRelay(
  deps: { db: Db; databaseUrl: string; queue: Queue; queueRedis: Redis; logger: Logger },
  opts: RelayOptions,
): OutboxRelay {
  const { db, queue, queueRedis, logger } = deps;
  const runOnce = async (): Promise<number> => {
    let moved = 0;
    for (;;) {
      if (queueRedis.status !== 'ready') return moved;
      const rows: { id: number; batch: number }[] = (
        await db.raw(PICK_SQL, [opts.staleMs / 1000, opts.batch, opts.rowsPerJob])
      ).rows;
      if (rows.length === 0) return moved;
      const batches = [...new Set(rows.map((r) => r.batch))];
      try {
        await queue.addBulk(
          batches.map((b) => ({ name: 'notify', data: { batch: b }, opts: { jobId: batchJobId(b) } })),
        );
      } catch (err) {
        // Marked but maybe not added: the next round takes them again (at worst, staleMs later).
        await db('outbox')
          .whereIn(
            'id',
            rows.map((r) => r.id),
          )
          .update({ enqueued_at: null })
          .catch((undo: Error) =>
            logger.warn(
              { err: undo.message },
              'outbox relay: could not unmark rows; they go again when stale',
            ),
          );
        throw err;
      }
      moved += rows.length;
      if (rows.length < opts.batch) return moved;
    }
  };

  return wakeOnOutbox(
    { databaseUrl: deps.databaseUrl, logger, name: 'outbox relay', queueRedis, sweepMs: opts.sweepMs },
    runOnce,
  );
}

/** The job id of a batch of outbox rows (BullMQ refuses integer-like custom ids). */
export const batchJobId = (batch: number): string => `outbox-${batch}`;
