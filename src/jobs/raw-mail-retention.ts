import type { AppContext } from '../app/context.js';
import { purgeOldRawMail } from '../app/gdpr/raw-mail-retention.js';

export const RAW_MAIL_RETENTION_JOB = 'raw-mail-retention';

/** Hourly: the limit is in days, and each run takes only what crossed it since the last one. */
export const RAW_MAIL_RETENTION_EVERY_MS = 60 * 60 * 1000;

/**
 * The scheduled deletion of raw inbound mail older than RAW_MAIL_RETENTION_DAYS. One job per period in Redis
 * (scheduler.ts), so one worker of the cluster runs each; two at once would each skip the rows the other holds.
 */
export const rawMailRetention = (
  app: AppContext,
  days: number,
  now = new Date(),
): Promise<{ purged: number }> => purgeOldRawMail(app, days, now);
