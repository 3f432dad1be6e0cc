import type { Tx } from '../db/db.js';
import type { AppContext } from './context.js';
import { writeOutbox } from './outbox.js';

export interface CustomerFollowup {
  ticketId: number;
  followupId: number;
  actorId: number | null;
  fromStatus: string;
  toStatus: string;
  source: string;
}

/**
 * Agents hear of a burst of customer follow-ups on one ticket in one mail: the first follow-up writes the
 * agents' outbox row due a short window later (`followupIds` lists the follow-ups); the next ones, while that
 * row waits, join it. Once the relay has taken the row (it locks and marks it), a new follow-up starts a new
 * row. The customer side of each follow-up is mailed at once, by its own row.
 */
export async function notifyAgentsOfFollowup(ctx: AppContext, trx: Tx, f: CustomerFollowup): Promise<void> {
  const waiting: { id: number } | undefined = await trx('outbox')
    .where({ ticket_id: f.ticketId, event: 'ticket.followup' })
    .whereNull('enqueued_at')
    .whereRaw("payload->'followupIds' is not null")
    .forUpdate()
    .first('id');
  if (waiting) {
    await trx('outbox')
      .where({ id: waiting.id })
      .update({
        payload: trx.raw(
          `jsonb_set(jsonb_set(payload, '{followupIds}', (payload->'followupIds') || to_jsonb(?::bigint)), '{toStatus}', to_jsonb(?::text))`,
          [f.followupId, f.toStatus],
        ),
      });
    return;
  }
  await writeOutbox(trx, [
    {
      event: 'ticket.followup',
      ticketId: f.ticketId,
      actorId: f.actorId,
      payload: {
        followupId: f.followupId,
        followupIds: [f.followupId],
        visibility: 'public',
        fromStatus: f.fromStatus,
        toStatus: f.toStatus,
        source: f.source,
      },
      delaySeconds: ctx.agentFollowupMailDelaySeconds ?? 0,
    },
  ]);
}
