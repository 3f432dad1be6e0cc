import { AppError, type FieldErrors } from '../../domain/errors.js';
import type { Localized } from '../../domain/incident-scope.js';
import { canManageIncidents } from '../../domain/permissions.js';
import type { Actor } from '../../domain/ticket-status.js';
import { actorId } from '../actor.js';
import type { AppContext } from '../context.js';
import { writeOutboxForTickets } from '../outbox.js';
import { checkIncident, checkLocalized, type IncidentInput } from './incident-input.js';
import { LINKED_OPEN_STATUSES } from './linked.js';

export function requireIncidentManager(actor: Actor): void {
  if (!canManageIncidents(actor)) throw new AppError('forbidden', 'errors.forbidden');
}

/** Declares a major incident: from now on, new tickets in its scope are linked to it. */
export async function declareIncident(ctx: AppContext, actor: Actor, input: IncidentInput): Promise<number> {
  requireIncidentManager(actor);
  const v = checkIncident(input);
  return ctx.db.transaction(async (trx) => {
    const [row] = await trx('major_incidents')
      .insert({
        title: JSON.stringify(v.title),
        description: JSON.stringify(v.description),
        scope: JSON.stringify(v.scope),
        public: v.public,
        started_at: v.startedAt,
        estimated_end_at: v.estimatedEndAt,
        declared_by: actorId(actor),
      })
      .returning('id');
    const id = row.id as number;
    await trx('incident_updates').insert({
      incident_id: id,
      author_id: actorId(actor),
      kind: 'declared',
      public: v.public,
      body: JSON.stringify(v.description),
      estimated_end_at: v.estimatedEndAt,
    });
    return id;
  });
}

export interface IncidentUpdateInput {
  body: Localized;
  /** Public updates are mailed to the requester of every ticket linked and still open. */
  public: boolean;
  /** A new estimate of the end; undefined leaves it as it is. */
  estimatedEndAt?: Date | null;
}

/**
 * An update of an open incident (progress, a new estimate). A public one writes, in the same transaction, one
 * notification per linked open ticket, in one statement: each requester gets it once, in her language.
 */
export async function postIncidentUpdate(
  ctx: AppContext,
  actor: Actor,
  incidentId: number,
  input: IncidentUpdateInput,
): Promise<{ updateId: number; notified: number }> {
  requireIncidentManager(actor);
  const fields: FieldErrors = {};
  const body = checkLocalized(input.body, 'body', fields);
  if (Object.keys(fields).length) throw new AppError('invalid', 'validation.fixFields', { fields });
  return ctx.db.transaction(async (trx) => {
    const inc = await trx('major_incidents').where({ id: incidentId }).forUpdate().first();
    if (!inc) throw new AppError('not_found', 'agent:incidents.notFound');
    if (inc.status !== 'open') throw new AppError('conflict', 'agent:incidents.alreadyResolved');
    const estimate = input.estimatedEndAt === undefined ? inc.estimated_end_at : input.estimatedEndAt;
    if (estimate && estimate <= inc.started_at)
      throw new AppError('invalid', 'validation.fixFields', {
        fields: { estimatedEndAt: 'agent:incidents.estimateBeforeStart' },
      });
    const isPublic = input.public && inc.public;
    const [row] = await trx('incident_updates')
      .insert({
        incident_id: incidentId,
        author_id: actorId(actor),
        kind: 'update',
        public: isPublic,
        body: JSON.stringify(body),
        estimated_end_at: input.estimatedEndAt === undefined ? null : input.estimatedEndAt,
      })
      .returning('id');
    const updateId = row.id as number;
    await trx('major_incidents')
      .where({ id: incidentId })
      .update({ estimated_end_at: estimate, updated_at: new Date() });
    const notified = isPublic
      ? await writeOutboxForTickets(
          trx,
          'ticket.outage_update',
          actorId(actor),
          {
            incidentId,
            updateId,
            outage: { title: inc.title, text: body, estimatedEndAt: estimate?.toISOString() ?? null },
          },
          trx('tickets')
            .where({ major_incident_id: incidentId })
            .whereIn('status', LINKED_OPEN_STATUSES)
            .select('id'),
        )
      : 0;
    return { updateId, notified };
  });
}
