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
  | 'quarantine.digest';

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
