import type { Db } from '../db/db.js';
import { preparedQuery, type StatementPool } from '../db/prepared-query.js';
import { batcher } from './batch.js';
import { loadBatch, type OutboxRecord } from './outbox-load.js';

/** A mail the relay accepted. */
export interface Sent {
  outbox_id: number;
  ticket_id: number | null;
  user_id: number | null;
  recipient: string;
  event: string;
  /** Without angle brackets. */
  message_id: string;
  /** Also mark the outbox row done: the last mail of a job without failures. */
  finish: boolean;
}

/**
 * The two statements of every notification: the load of its job's batch before sending, and the confirmation
 * after, shared by the mails confirmed at that moment (group commit): under load one round trip serves many.
 * A confirmation commits before its callers go on: a mail is confirmed before its job completes.
 */
export interface DeliveryStore {
  /** The rows of a batch not done yet. */
  load(batch: number): Promise<OutboxRecord[]>;
  confirm(sent: Sent): Promise<null>;
}

const CONFIRM_SQL = `
with v as (
  select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::boolean[])
    as v(outbox_id, ticket_id, user_id, recipient, event, message_id, finish)
), d as (
  insert into deliveries (outbox_id, ticket_id, user_id, recipient, event, message_id, status, sent_at)
  select outbox_id, ticket_id, user_id, recipient, event, message_id, 'sent', now() from v
  on conflict (outbox_id, recipient) do update set status = 'sent', sent_at = now(), error = null
  returning 1
)
update outbox set done_at = now(), attempts = attempts + 1, last_error = null
where id in (select outbox_id from v where finish)`;

/** Confirmations wait this long for company (their mails already went out): under load, fewer statements. */
const CONFIRM_LINGER_MS = 20;

/** One store per process, shared by every job: its confirmations are grouped across them. */
export function createDeliveryStore(db: Db, pg: StatementPool): DeliveryStore {
  const confirm = batcher(
    async (all: Sent[]): Promise<null[]> => {
      // One row per pair: an upsert may not touch the same row twice in one statement.
      const pairs = new Map<string, Sent>();
      for (const s of all) {
        const k = `${s.outbox_id}\n${s.recipient}`;
        const seen = pairs.get(k);
        pairs.set(k, seen ? { ...seen, finish: seen.finish || s.finish } : s);
      }
      const v = [...pairs.values()];
      await preparedQuery(pg, CONFIRM_SQL, [
        v.map((s) => s.outbox_id),
        v.map((s) => s.ticket_id),
        v.map((s) => s.user_id),
        v.map((s) => s.recipient),
        v.map((s) => s.event),
        v.map((s) => s.message_id),
        v.map((s) => s.finish),
      ]);
      return all.map(() => null);
    },
    { lingerMs: CONFIRM_LINGER_MS },
  );
  return { load: (batch) => loadBatch(db, batch), confirm };
}
