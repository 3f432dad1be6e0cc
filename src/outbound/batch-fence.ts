import type { StatementPool } from '../db/prepared-query.js';
import { TemporaryFailure } from './temporary-failure.js';

/**
 * One run of a batch at a time, across every worker. BullMQ may run a job twice: a stalled job (its lock not
 * renewed in time) is handed to another worker while the first still sends, and the relay enqueues a batch
 * again when Redis lost its job. Both runs would send the batch's mails not yet confirmed. A Postgres session
 * advisory lock keyed by the batch, held on a connection of its own for the whole run, fences them: the second
 * run fails as temporary and is retried later, when it finds the rows done. Postgres frees the lock when the
 * run ends, or when its worker dies and the connection drops.
 */
export async function withBatchFence<T>(
  pool: StatementPool,
  batch: number,
  run: () => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const lock = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [
      batch,
    ]);
    if (!lock.rows[0]?.ok) throw new TemporaryFailure(`batch ${batch} is being sent by another run`);
    try {
      return await run();
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [batch]).catch((err: Error) => {
        broken = err;
      });
    }
  } finally {
    // A connection whose unlock failed is closed rather than reused: closing it frees the lock.
    client.release(broken);
  }
}
