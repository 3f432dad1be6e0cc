import { priorityOf } from '../../domain/catalog.js';
import { AppError, type FieldErrors } from '../../domain/errors.js';
import type { Actor } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import { type AppContext, nowOf } from '../context.js';
import { recordHistory } from '../history.js';
import { writeOutbox } from '../outbox.js';
import { reclassifyClocks } from '../sla/reclassify.js';
import { lockTicket } from '../ticket-row.js';
import { requireStaff } from './guards.js';

export interface TicketClassification {
  type: string;
  category: string;
  urgency: string | null;
  serviceId: number | null;
  /** The team that handles it (null: none); absent: left as it is. */
  teamId?: number | null;
}

/**
 * Staff re-classifies a ticket (type, category, urgency, service) or hands it to another team. The catalog
 * rules apply as at creation; the priority follows the urgency, and the SLA policy is chosen again (the clocks
 * keep the time already run, app/sla/reclassify.ts). One history row and one 'ticket.updated' outbox row list
 * the changes; a team change also keeps both teams' names, as they were, for the history.
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
    const teamId = input.teamId === undefined ? t.team_id : input.teamId;
    const teams =
      teamId !== t.team_id
        ? await trx('teams')
            .whereIn(
              'id',
              [teamId, t.team_id].filter((x): x is number => x !== null),
            )
            .select('id', 'name', 'active')
        : [];
    // A deactivated team may stay on its tickets, but none is handed to it.
    if (teamId !== null && teamId !== t.team_id && !teams.some((x) => x.id === teamId && x.active))
      fields.teamId = 'agent:teams.notFound';
    if (Object.keys(fields).length > 0) throw new AppError('invalid', 'validation.fixFields', { fields });

    const next = {
      type: input.type,
      category: input.category,
      urgency,
      service_id: input.serviceId,
      team_id: teamId,
    };
    const changes: Record<string, [unknown, unknown]> = {};
    for (const [k, v] of Object.entries(next)) {
      const before = t[k as keyof typeof t] ?? null;
      if (before !== v) changes[k] = [before, v];
    }
    const changed = Object.keys(changes);
    if (changed.length === 0) return { changed };
    const by = actorId(actor);
    const now = nowOf(ctx);
    await trx('tickets')
      .where({ id: t.id })
      .update({ ...next, priority: priorityOf(urgency, t.impact), updated_at: now });
    const reclassified = changed.some((k) => k !== 'team_id');
    const clocks = reclassified
      ? await reclassifyClocks(
          trx,
          t,
          {
            type: input.type,
            category: input.category,
            urgency,
            companyId: t.company_id,
            serviceId: input.serviceId,
          },
          now,
        )
      : {};
    const nameOf = (id: number | null) => teams.find((x) => x.id === id)?.name ?? null;
    const teamNames = changes.team_id ? { teamNames: [nameOf(t.team_id), nameOf(teamId)] } : {};
    await recordHistory(trx, {
      ticketId: t.id,
      actorId: by,
      kind: 'updated',
      data: { changes, ...teamNames, ...clocks },
    });
    // The status at the event: the mail tells it even if the ticket moved on before it is sent.
    await writeOutbox(trx, [
      { event: 'ticket.updated', ticketId: t.id, actorId: by, payload: { changes, status: t.status } },
    ]);
    return { changed };
  });
}
