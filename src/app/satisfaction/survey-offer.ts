import type { Tx } from '../../db/db.js';
import type { AppContext } from '../context.js';
import { recordHistory } from '../history.js';
import { writeOutbox } from '../outbox.js';

/**
 * At a ticket's closing, inside its transaction: offers the satisfaction survey once per ticket (the first
 * closing; a `survey_offered` history row remembers it). Returns what the closing mail's outbox payload carries:
 * `survey: true` when the survey goes in that mail; with a delay it is an outbox row of its own that waits.
 */
export async function offerSurvey(
  ctx: AppContext,
  trx: Tx,
  ticketId: number,
  actorId: number | null,
): Promise<{ survey?: true }> {
  const o = ctx.survey;
  if (!o?.enabled) return {};
  const offered = await trx('ticket_events')
    .where({ ticket_id: ticketId, kind: 'survey_offered' })
    .first('id');
  if (offered) return {};
  await recordHistory(trx, {
    ticketId,
    actorId,
    kind: 'survey_offered',
    fromStatus: 'closed',
    toStatus: 'closed',
    data: { delayMinutes: o.delayMinutes },
  });
  if (o.delayMinutes === 0) return { survey: true };
  await writeOutbox(trx, [
    { event: 'ticket.survey', ticketId, actorId, payload: {}, delaySeconds: o.delayMinutes * 60 },
  ]);
  return {};
}
