import { Queue } from 'bullmq';
import type { AppContext } from '../app/context.js';
import { LINKED_OPEN_STATUSES } from '../app/incidents/linked.js';
import { resolveLinkedTickets } from '../app/incidents/resolve-incident.js';
import { JOBS_QUEUE } from '../metrics/queues.js';
import type { Services } from '../runtime/services.js';

export const INCIDENT_RESOLVE_JOB = 'incident-resolve';
/** The sweep that finishes what a lost job left: a resolved incident with linked tickets still open. */
export const INCIDENT_SWEEP_JOB = 'incident-sweep';
export const INCIDENT_SWEEP_EVERY_MS = 60_000;

/**
 * Queues the resolution of an incident's linked tickets. One job id per incident: queued twice, it runs once; and
 * it is idempotent anyway (resolveLinkedTickets), so the sweep may run it again safely.
 */
export async function queueIncidentResolve(s: Services, incidentId: number): Promise<void> {
  const queue = new Queue(JOBS_QUEUE, { connection: s.redis, prefix: s.config.REDIS_PREFIX });
  try {
    await queue.add(
      INCIDENT_RESOLVE_JOB,
      { incidentId },
      {
        jobId: `${INCIDENT_RESOLVE_JOB}-${incidentId}`,
        attempts: 10,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: true,
        removeOnFail: 200,
      },
    );
  } finally {
    await queue.close();
  }
}

/** Resolved incidents whose linked tickets are not all resolved yet. */
export async function unfinishedIncidents(app: AppContext): Promise<number[]> {
  const rows: { id: number }[] = await app
    .db('major_incidents as i')
    .where('i.status', 'resolved')
    .whereExists(
      app
        .db('tickets as t')
        .whereRaw('t.major_incident_id = i.id')
        .whereIn('t.status', LINKED_OPEN_STATUSES)
        .select(app.db.raw('1')),
    )
    .select('i.id');
  return rows.map((r) => r.id);
}

export async function runIncidentJob(
  s: Services,
  name: string,
  data: { incidentId?: unknown },
  progress: (p: object) => Promise<void>,
): Promise<object | null> {
  if (name === INCIDENT_RESOLVE_JOB && typeof data.incidentId === 'number') {
    const out = await resolveLinkedTickets(s.app, data.incidentId, { onBatch: progress });
    s.logger.info({ incidentId: data.incidentId, ...out }, 'major incident: linked tickets resolved');
    return out;
  }
  if (name === INCIDENT_SWEEP_JOB) {
    const ids = await unfinishedIncidents(s.app);
    for (const id of ids) await resolveLinkedTickets(s.app, id);
    return { incidents: ids.length };
  }
  return null;
}
