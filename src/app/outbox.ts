import type { Knex } from 'knex';
import type { Tx } from '../db/db.js';

export const OUTBOX_CHANNEL = 'izardesk_outbox';

/** Events the use cases emit; the outbound rules decide who gets which mail. */
export type OutboxEvent =
  | 'ticket.created'
  | 'ticket.followup'
  | 'ticket.pending'
  | 'ticket.assigned'
  | 'ticket.resolved'
  | 'ticket.approved'
  | 'ticket.refused'
  | 'ticket.closed'
  | 'ticket.reopened'
  | 'ticket.updated'
  | 'ticket.merged'
  /** A public update of the major incident the ticket is linked to (payload.outage). */
  | 'ticket.outage_update'
  /** An agent linked the ticket to a public major incident: the requester's outage acknowledgement. */
  | 'ticket.outage_linked'
  /** The satisfaction survey in a mail of its own, SURVEY_DELAY_MINUTES after the closing. */
  | 'ticket.survey'
  | 'account.invited'
  | 'account.password_reset'
  | 'account.email_change'
  | 'account.email_changed'
  | 'mail.unknown_sender'
  | 'mail.attachment_too_big'
  | 'mail.rejected'
  | 'mail.agent_notice'
  | 'quarantine.digest'
  /** An SLA clock nears its due instant (app/sla/notices.ts). */
  | 'sla.warning'
  /** An SLA clock passed its due instant: escalated to the team's leads. */
  | 'sla.breach'
  /** An admin's "send me a test" of a mail's texts (payload: template, language, texts). */
  | 'texts.test'
  /** The admin's test of a webhook endpoint (payload.endpointId): delivered to that endpoint only, no mail. */
  | 'webhook.test'
  /** A webhook endpoint disabled after failing WEBHOOK_DISABLE_AFTER_DAYS: mailed to the admins. */
  | 'webhook.disabled';

export interface OutboxRow {
  event: OutboxEvent;
  ticketId?: number | null;
  actorId?: number | null;
  payload?: Record<string, unknown>;
  /** The relay leaves the row this long (a mail that waits for others to join it). */
  delaySeconds?: number;
}

/** Writes outbox rows inside the caller's transaction; NOTIFY wakes the relay only once the transaction commits. */
export async function writeOutbox(trx: Tx, rows: readonly OutboxRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted: { id: number }[] = await trx('outbox')
    .insert(
      rows.map((r) => ({
        event: r.event,
        ticket_id: r.ticketId ?? null,
        actor_id: r.actorId ?? null,
        payload: JSON.stringify(r.payload ?? {}),
        not_before: r.delaySeconds ? trx.raw('now() + make_interval(secs => ?)', [r.delaySeconds]) : null,
      })),
    )
    .returning('id');
  await trx.raw('select pg_notify(?, ?)', [OUTBOX_CHANNEL, String(inserted.at(-1)?.id ?? '')]);
  return inserted.map((r) => r.id);
}

/**
 * One row of the same event and payload for each ticket a query selects (its only column: `id`), in one
 * INSERT … SELECT: an incident update for thousands of tickets is one statement. Returns how many were written.
 */
export async function writeOutboxForTickets(
  trx: Tx,
  event: OutboxEvent,
  actorId: number | null,
  payload: Record<string, unknown>,
  tickets: Knex.QueryBuilder,
): Promise<number> {
  const inserted = await trx.raw<{ rowCount: number }>(
    `insert into outbox (event, ticket_id, actor_id, payload)
     select ?, x.id, ?, ?::jsonb from (?) x order by x.id`,
    [event, actorId, JSON.stringify(payload), tickets],
  );
  if (inserted.rowCount) await trx.raw('select pg_notify(?, ?)', [OUTBOX_CHANNEL, '']);
  return inserted.rowCount;
}
