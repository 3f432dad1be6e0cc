/**
 * BullMQ queues whose depth /metrics reports. Producers and workers use these names with
 * `prefix: config.REDIS_PREFIX`, so the ops side and the senders agree on one spelling.
 */
export const NOTIFICATIONS_QUEUE = 'notifications';

export const JOBS_QUEUE = 'scheduled-jobs';

/** One job per webhook delivery (outbound/webhooks.ts). */
export const WEBHOOKS_QUEUE = 'webhooks';

export const MONITORED_QUEUES: readonly string[] = [NOTIFICATIONS_QUEUE, JOBS_QUEUE, WEBHOOKS_QUEUE];

/** BullMQ job states counted per queue. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;
