import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The product's Prometheus metrics, in one registry, served at /metrics. */
export const registry = new Registry();

export const mailsIngested = new Counter({
  name: 'izardesk_mails_ingested_total',
  help: 'Inbound messages processed, by outcome (new_ticket, followup, reopen, ignored, held, rejected)',
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
