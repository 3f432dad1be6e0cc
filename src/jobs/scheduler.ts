import { Queue, Worker } from 'bullmq';
import { queueQuarantineDigest } from '../app/agent/quarantine-digest.js';
import { JOBS_QUEUE } from '../metrics/queues.js';
import type { RunningPart } from '../runtime/part.js';
import type { Services } from '../runtime/services.js';
import { autoCloseResolved } from './auto-close.js';
import { INCIDENT_SWEEP_EVERY_MS, INCIDENT_SWEEP_JOB, runIncidentJob } from './incident-resolve.js';
import {
  RAW_MAIL_RETENTION_EVERY_MS,
  RAW_MAIL_RETENTION_JOB,
  rawMailRetention,
} from './raw-mail-retention.js';
import { slaWatch } from './sla-watch.js';

/** How often the automatic closing runs; it closes what has waited AUTO_CLOSE_DAYS, so hourly is plenty. */
const AUTO_CLOSE_EVERY_MS = 60 * 60 * 1000;

/**
 * Scheduled jobs of the worker role. A BullMQ job scheduler makes one job per period in Redis, so with several
 * workers running only one of them runs each occurrence.
 */
export async function startJobs(s: Services): Promise<RunningPart> {
  const connection = { url: s.config.REDIS_URL, maxRetriesPerRequest: null };
  const prefix = s.config.REDIS_PREFIX;
  const queue = new Queue(JOBS_QUEUE, { connection, prefix });
  if (s.config.AUTO_CLOSE_DAYS > 0) {
    await queue.upsertJobScheduler(
      'auto-close',
      { every: AUTO_CLOSE_EVERY_MS },
      { name: 'auto-close', opts: { removeOnComplete: 50, removeOnFail: 200 } },
    );
  } else {
    await queue.removeJobScheduler('auto-close');
  }
  const digestMinutes = s.config.QUARANTINE_DIGEST_MINUTES;
  if (digestMinutes > 0) {
    await queue.upsertJobScheduler(
      'quarantine-digest',
      { every: digestMinutes * 60_000 },
      { name: 'quarantine-digest', opts: { removeOnComplete: 50, removeOnFail: 200 } },
    );
  } else {
    await queue.removeJobScheduler('quarantine-digest');
  }
  const slaMinutes = s.config.SLA_CHECK_MINUTES;
  if (slaMinutes > 0) {
    await queue.upsertJobScheduler(
      'sla-watch',
      { every: slaMinutes * 60_000 },
      { name: 'sla-watch', opts: { removeOnComplete: 50, removeOnFail: 200 } },
    );
  } else {
    await queue.removeJobScheduler('sla-watch');
  }
  const retentionDays = s.config.RAW_MAIL_RETENTION_DAYS;
  if (retentionDays !== undefined) {
    await queue.upsertJobScheduler(
      RAW_MAIL_RETENTION_JOB,
      { every: RAW_MAIL_RETENTION_EVERY_MS },
      { name: RAW_MAIL_RETENTION_JOB, opts: { removeOnComplete: 50, removeOnFail: 200 } },
    );
  } else {
    await queue.removeJobScheduler(RAW_MAIL_RETENTION_JOB);
  }
  await queue.upsertJobScheduler(
    INCIDENT_SWEEP_JOB,
    { every: INCIDENT_SWEEP_EVERY_MS },
    { name: INCIDENT_SWEEP_JOB, opts: { removeOnComplete: 50, removeOnFail: 200 } },
  );
  const worker = new Worker(
    JOBS_QUEUE,
    async (job) => {
      const incident = await runIncidentJob(s, job.name, job.data, (p) => job.updateProgress(p));
      if (incident) return incident;
      if (job.name === 'sla-watch') {
        const out = await slaWatch(s.app);
        if (out.notices) s.logger.info(out, 'SLA warnings and escalations queued');
        return out;
      }
      if (job.name === RAW_MAIL_RETENTION_JOB && retentionDays !== undefined) {
        const out = await rawMailRetention(s.app, retentionDays);
        if (out.purged) s.logger.info(out, 'raw inbound mail past its retention deleted');
        return out;
      }
      if (job.name === 'quarantine-digest') {
        const out = await queueQuarantineDigest(s.app);
        if (out.listed) s.logger.info(out, 'quarantine digest queued for the agents');
        return out;
      }
      if (job.name !== 'auto-close') return null;
      const out = await autoCloseResolved(s.app, s.config.AUTO_CLOSE_DAYS);
      if (out.closed || out.skipped) s.logger.info(out, 'automatic closing of resolved tickets');
      return out;
    },
    { connection, prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => s.logger.error({ err, job: job?.name }, 'scheduled job failed'));
  s.logger.info(
    { autoCloseDays: s.config.AUTO_CLOSE_DAYS, digestMinutes, slaMinutes, retentionDays },
    'scheduled jobs started',
  );
  return {
    name: 'jobs',
    stop: async () => {
      await worker.close();
      await queue.close();
    },
  };
}
