import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The product's Prometheus metrics, in one registry, served at /metrics. */
export const registry = new Registry();

// Process metrics (CPU, RSS, heap, event-loop lag, GC, handles), prefixed like prom-client's defaults.
collectDefaultMetrics({ register: registry });

export const mailsIngested = new Counter({
  name: 'izardesk_mails_ingested_total',
  help: 'Inbound messages processed, by outcome (new_ticket, followup, reopen, ignored, held, rejected, unprocessable)',
  labelNames: ['mailbox', 'outcome'] as const,
  registers: [registry],
});

export const ingestLagSeconds = new Gauge({
  name: 'izardesk_ingest_lag_seconds',
  help: 'Age of the oldest message seen in a watched mailbox and not yet processed',
  labelNames: ['mailbox'] as const,
  registers: [registry],
});

export const notifications = new Counter({
  name: 'izardesk_notifications_total',
  help: 'Notification mails by result (sent, failed, retried, bounced)',
  labelNames: ['event', 'result'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'izardesk_http_request_duration_seconds',
  help: 'HTTP request latency',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

// Gauges below are read from Postgres and Redis at scrape time (src/metrics/scrape.ts).

export const ticketsOpen = new Gauge({
  name: 'izardesk_tickets_open',
  help: 'Tickets not closed, by status',
  labelNames: ['status'] as const,
  registers: [registry],
});

export const queueJobs = new Gauge({
  name: 'izardesk_queue_jobs',
  help: 'BullMQ jobs by queue and state (waiting is the queue depth)',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
});

export const outboxPending = new Gauge({
  name: 'izardesk_outbox_pending',
  help: 'Outbox events committed but not yet handed to a queue',
  registers: [registry],
});

export const outboxOldestSeconds = new Gauge({
  name: 'izardesk_outbox_oldest_pending_seconds',
  help: 'Age of the oldest outbox event not yet handed to a queue (0 when none)',
  registers: [registry],
});

export const scrapeErrors = new Counter({
  name: 'izardesk_metrics_scrape_errors_total',
  help: 'Failures reading a scrape-time gauge, by source (postgres, redis)',
  labelNames: ['source'] as const,
  registers: [registry],
});
