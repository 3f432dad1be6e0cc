import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import type { AppContext } from '../context.js';
import { recordHistory } from '../history.js';
import { lockTicket } from '../ticket-row.js';
import { requireIncidentManager } from './declare.js';

/** An agent links a ticket to an open major incident by hand: it leaves the queue and is resolved with it. */
export async function linkTicketToIncident(
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
  incidentId: number,
): Promise<void> {
  requireIncidentManager(actor);
  await ctx.db.transaction(async (trx) => {
    const t = await lockTicket(trx, ticketId, actor);
    const inc = await trx('major_incidents').where({ id: incidentId }).forShare().first('id', 'status');
    if (!inc) throw new AppError('not_found', 'agent:incidents.notFound');
    if (inc.status !== 'open') throw new AppError('conflict', 'agent:incidents.alreadyResolved');
    if (t.status === 'closed') throw new AppError('conflict', 'agent:incidents.ticketClosed');
    if (t.major_incident_id === incidentId) return;
    await trx('tickets')
      .where({ id: ticketId })
      .update({ major_incident_id: incidentId, updated_at: new Date() });
    await recordHistory(trx, {
      ticketId,
      actorId: actorId(actor),
      kind: 'incident_linked',
      data: { majorIncidentId: incidentId },
    });
  });
}

/** An agent takes a ticket out of its major incident: it goes back to the normal queue. */
export async function unlinkTicketFromIncident(
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
): Promise<void> {
  requireIncidentManager(actor);
  await ctx.db.transaction(async (trx) => {
    const t = await lockTicket(trx, ticketId, actor);
    if (t.major_incident_id === null) return;
    await trx('tickets').where({ id: ticketId }).update({ major_incident_id: null, updated_at: new Date() });
    await recordHistory(trx, {
      ticketId,
      actorId: actorId(actor),
      kind: 'incident_unlinked',
      data: { majorIncidentId: t.major_incident_id },
    });
  });
}
