import { AppError, type FieldErrors, isAppError } from '../../domain/errors.js';
import { inLanguage, type Localized } from '../../domain/incident-scope.js';
import type { Actor } from '../../domain/ticket-status.js';
import { actorId, actorOf } from '../actor.js';
import { type AppContext, nowOf } from '../context.js';
import { recordHistory } from '../history.js';
import { followClocks } from '../sla/clocks.js';
import { resolve } from '../tickets/lifecycle.js';
import { affectedCounts } from './affected.js';
import { requireIncidentManager } from './declare.js';
import { checkLocalized } from './incident-input.js';
import { LINKED_OPEN_STATUSES, scopeOf } from './linked.js';

/**
 * Resolves a major incident with its solution and keeps its figures. The linked tickets are resolved afterwards,
 * in batches, by resolveLinkedTickets (the `incident-resolve` job): each with its own solution mail.
 */
export async function resolveIncident(
  ctx: AppContext,
  actor: Actor,
  incidentId: number,
  solution: Localized,
): Promise<void> {
  requireIncidentManager(actor);
  if (actor.kind !== 'user') throw new AppError('forbidden', 'errors.forbidden');
  const fields: FieldErrors = {};
  const text = checkLocalized(solution, 'solution', fields, { required: 'validation.solutionRequired' });
  if (Object.keys(fields).length) throw new AppError('invalid', 'validation.fixFields', { fields });
  await ctx.db.transaction(async (trx) => {
    const inc = await trx('major_incidents').where({ id: incidentId }).forUpdate().first();
    if (!inc) throw new AppError('not_found', 'agent:incidents.notFound');
    if (inc.status !== 'open') throw new AppError('conflict', 'agent:incidents.alreadyResolved');
    const counts = await affectedCounts(trx, scopeOf(inc));
    const linked = await trx('tickets')
      .where({ major_incident_id: incidentId })
      .count<{ n: number }[]>('* as n');
    const now = new Date();
    await trx('major_incidents')
      .where({ id: incidentId })
      .update({
        status: 'resolved',
        solution: JSON.stringify(text),
        resolved_by: actorId(actor),
        resolved_at: now,
        customers_affected: counts.customers,
        services_affected: counts.services,
        tickets_linked: Number(linked[0]?.n ?? 0),
        updated_at: now,
      });
    await trx('incident_updates').insert({
      incident_id: incidentId,
      author_id: actorId(actor),
      kind: 'resolved',
      public: inc.public,
      body: JSON.stringify(text),
    });
  });
}

export interface ResolveProgress {
  resolved: number;
  /** Tickets the use case refused to resolve: unlinked, back in the normal queue. */
  unlinked: number;
}

/**
 * Resolves the tickets still linked to a resolved incident, `batchSize` at a time, each batch one transaction
 * (every ticket through the `resolve` use case: its history, its solution in the requester's language, its mail).
 * Only linked tickets still open are taken, and taken locked, so running it again, or after a worker died
 * mid-way, resolves each ticket exactly once. `onBatch` is called after each committed batch.
 */
export async function resolveLinkedTickets(
  ctx: AppContext,
  incidentId: number,
  o: { batchSize?: number; onBatch?: (p: ResolveProgress) => void | Promise<void> } = {},
): Promise<ResolveProgress> {
  const total: ResolveProgress = { resolved: 0, unlinked: 0 };
  for (;;) {
    const batch = await ctx.db.transaction(async (trx) => {
      const inc = await trx('major_incidents')
        .where({ id: incidentId, status: 'resolved' })
        .first('solution', 'resolved_by');
      const resolver = inc?.resolved_by
        ? await trx('users')
            .where({ id: inc.resolved_by })
            .first('id', 'role', 'company_id', 'is_company_manager')
        : undefined;
      if (!inc?.solution || !resolver) return null;
      const solution = inc.solution;
      const tickets: { id: number; language: string | null }[] = await trx('tickets as t')
        .leftJoin('users as u', 'u.id', 't.requester_id')
        .where('t.major_incident_id', incidentId)
        .whereIn('t.status', LINKED_OPEN_STATUSES)
        .orderBy('t.id')
        .limit(o.batchSize ?? 50)
        .forUpdate('t')
        .skipLocked()
        .select('t.id', 'u.language');
      const done: ResolveProgress = { resolved: 0, unlinked: 0 };
      const inTx = { ...ctx, db: trx };
      const actor = actorOf(resolver);
      for (const t of tickets) {
        try {
          await resolve(inTx, actor, t.id, {
            body: inLanguage(solution, t.language ?? 'es'),
            source: 'system',
          });
          done.resolved++;
        } catch (err) {
          if (!isAppError(err)) throw err;
          // Never taken again: it would stop the job for good. An agent sees it in the queue, its clocks running.
          const before = await trx('tickets').where({ id: t.id }).first();
          if (!before) throw err;
          const now = nowOf(ctx);
          await trx('tickets').where({ id: t.id }).update({ major_incident_id: null, updated_at: now });
          const clocks = await followClocks(trx, {
            before,
            status: before.status,
            answeredBySupport: false,
            now,
            majorIncidentId: null,
          });
          await recordHistory(trx, {
            ticketId: t.id,
            actorId: null,
            kind: 'incident_unlinked',
            data: { majorIncidentId: incidentId, reason: err.messageKey, ...clocks },
          });
          done.unlinked++;
        }
      }
      return done;
    });
    if (!batch || batch.resolved + batch.unlinked === 0) return total;
    total.resolved += batch.resolved;
    total.unlinked += batch.unlinked;
    await o.onBatch?.(total);
  }
}
