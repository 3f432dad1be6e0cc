import type { Tx } from '../../db/db.js';
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import { type AppContext, nowOf } from '../context.js';
import { recordHistory } from '../history.js';
import { writeOutbox } from '../outbox.js';
import { followClocks } from '../sla/clocks.js';
import { lockTicket } from '../ticket-row.js';
import { requireIncidentManager } from './declare.js';
import { outageLink } from './linked.js';

/** Whether the requester already got the acknowledgement of this incident (linked when opened, or by hand). */
async function acknowledged(trx: Tx, ticketId: number, incidentId: number): Promise<boolean> {
  const row = await trx('ticket_events')
    .where({ ticket_id: ticketId })
    .whereRaw("data->>'majorIncidentId' = ?", [String(incidentId)])
    .where((q) => q.where({ kind: 'created' }).orWhereRaw("data->>'acknowledged' = 'true'"))
    .first('id');
  return Boolean(row);
}

/**
 * An agent links a ticket to an open major incident by hand: it leaves the queue, its SLA clocks stop until it
 * leaves the incident, and it is resolved with it. The requester of a public incident's ticket gets the outage
 * acknowledgement an automatic link sends, once per ticket and incident.
 */
export async function linkTicketToIncident(
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
  incidentId: number,
): Promise<void> {
  requireIncidentManager(actor);
  await ctx.db.transaction(async (trx) => {
    const t = await lockTicket(trx, ticketId, actor);
    const inc = await trx('major_incidents')
      .where({ id: incidentId })
      .forShare()
      .first('id', 'status', 'title', 'description', 'public', 'estimated_end_at');
    if (!inc) throw new AppError('not_found', 'agent:incidents.notFound');
    if (inc.status !== 'open') throw new AppError('conflict', 'agent:incidents.alreadyResolved');
    if (t.status === 'closed') throw new AppError('conflict', 'agent:incidents.ticketClosed');
    if (t.major_incident_id === incidentId) return;
    const now = nowOf(ctx);
    await trx('tickets').where({ id: ticketId }).update({ major_incident_id: incidentId, updated_at: now });
    const clocks = await followClocks(trx, {
      before: t,
      status: t.status,
      answeredBySupport: false,
      now,
      majorIncidentId: incidentId,
    });
    const link = outageLink(inc);
    const mail = link.payload.outage !== undefined && !(await acknowledged(trx, ticketId, incidentId));
    const by = actorId(actor);
    await recordHistory(trx, {
      ticketId,
      actorId: by,
      kind: 'incident_linked',
      data: { majorIncidentId: incidentId, ...(mail ? { acknowledged: true } : {}), ...clocks },
    });
    if (mail)
      await writeOutbox(trx, [
        {
          event: 'ticket.outage_linked',
          ticketId,
          actorId: by,
          payload: { ...link.payload, status: t.status },
        },
      ]);
  });
}

/** An agent takes a ticket out of its major incident: back to the normal queue, its clocks running again. */
export async function unlinkTicketFromIncident(
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
): Promise<void> {
  requireIncidentManager(actor);
  await ctx.db.transaction(async (trx) => {
    const t = await lockTicket(trx, ticketId, actor);
    if (t.major_incident_id === null) return;
    const now = nowOf(ctx);
    await trx('tickets').where({ id: ticketId }).update({ major_incident_id: null, updated_at: now });
    const clocks = await followClocks(trx, {
      before: t,
      status: t.status,
      answeredBySupport: false,
      now,
      majorIncidentId: null,
    });
    await recordHistory(trx, {
      ticketId,
      actorId: actorId(actor),
      kind: 'incident_unlinked',
      data: { majorIncidentId: t.major_incident_id, ...clocks },
    });
  });
}
