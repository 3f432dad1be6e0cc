import { priorityOf } from '../../domain/catalog.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import type { AppContext } from '../context.js';
import { recordHistory } from '../history.js';
import { writeOutbox } from '../outbox.js';
import { lockTicket } from '../ticket-row.js';
import { requireStaff } from './guards.js';

export interface TicketClassification {
  type: string;
  category: string;
  urgency: string | null;
  serviceId: number | null;
}

/**
 * Staff re-classifies a ticket (type, category, urgency, service). The catalog rules apply as at creation;
 * the priority follows the urgency. One history row and one 'ticket.updated' outbox row list the changes.
 */
export async function updateTicketClassification(
  ctx: AppContext,
  actor: Actor,
  ticketId: number,
  input: TicketClassification,
): Promise<{ changed: string[] }> {
  requireStaff(actor);
  return ctx.db.transaction(async (trx) => {
    const t = await lockTicket(trx, ticketId, actor);
    if (t.status === 'closed') throw new AppError('conflict', 'errors.ticketClosed');
    const fields: FieldErrors = {};
    const type = ctx.catalog.types[input.type];
    if (!type) fields.type = 'validation.typeRequired';
    else if (!type.categories.includes(input.category)) fields.category = 'validation.categoryInvalid';
    let urgency: string | null = null;
    if (type && type.urgencies.length > 0) {
      if (!input.urgency || !type.urgencies.includes(input.urgency))
        fields.urgency = 'validation.urgencyRequired';
      else urgency = input.urgency;
    }
    if (input.serviceId !== null) {
      const ok = t.company_id
        ? await trx('services').where({ id: input.serviceId, company_id: t.company_id }).first('id')
        : null;
      if (!ok) fields.serviceId = 'validation.serviceInvalid';
    }
    if (Object.keys(fields).length > 0) throw new AppError('invalid', 'validation.fixFields', { fields });

    const next = { type: input.type, category: input.category, urgency, service_id: input.serviceId };
    const changes: Record<string, [unknown, unknown]> = {};
    for (const [k, v] of Object.entries(next)) {
      const before = t[k as keyof typeof t] ?? null;
      if (before !== v) changes[k] = [before, v];
    }
    const changed = Object.keys(changes);
    if (changed.length === 0) return { changed };
    const by = actorId(actor);
    await trx('tickets')
      .where({ id: t.id })
      .update({ ...next, priority: priorityOf(urgency, t.impact), updated_at: new Date() });
    await recordHistory(trx, { ticketId: t.id, actorId: by, kind: 'updated', data: { changes } });
    // The status at the event: the mail tells it even if the ticket moved on before it is sent.
    await writeOutbox(trx, [
      { event: 'ticket.updated', ticketId: t.id, actorId: by, payload: { changes, status: t.status } },
    ]);
    return { changed };
  });
}
