import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { Queue } from 'bullmq';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPending } from '../../src/app/tickets/lifecycle.js';
import { NOTIFICATIONS_QUEUE } from '../../src/metrics/queues.js';
import type { Services } from '../../src/runtime/services.js';
import { createWebApp } from '../../src/web/app.js';
import { httpMetrics } from '../../src/web/http-metrics.js';
import { useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';

const listen = async (app: Koa) => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** The value of one sample line, e.g. sample(text, 'izardesk_tickets_open{status="new"}'). */
const sample = (text: string, series: string): number | null => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
};

/** On the public port, /metrics answers holders of OPS_TOKEN only (tests/integration/web-ops-exposure.test.ts). */
const asOperator = { headers: { authorization: 'Bearer ops-token-ops-token-02' } };

describe('/metrics', () => {
  let s: Services;
  let base: string;

  beforeAll(async () => {
    const t = await useTestDb();
    s = await useTestServices(t, { OPS_TOKEN: 'ops-token-ops-token-02' });
    base = await listen(createWebApp(s, { health: {} }));
    const customer = await makeUser(t.app, 'customer');
    const agent = await makeUser(t.app, 'agent');
    await makeTicket(t.app, customer, 'one');
    await makeTicket(t.app, customer, 'two');
    const third = await makeTicket(t.app, customer, 'three');
    await setPending(t.app, agent.actor, third, { body: 'Is the ONT powered?' });
    const queue = new Queue(NOTIFICATIONS_QUEUE, {
      connection: { url: s.config.REDIS_URL, maxRetriesPerRequest: null },
      prefix: s.config.REDIS_PREFIX,
    });
    await queue.add('ticket.created', { outboxId: 1 });
    await queue.add('ticket.created', { outboxId: 2 }, { delay: 60_000 });
    await queue.close();
  });

  it('exposes process, product and HTTP metrics in Prometheus text format', async () => {
    await fetch(`${base}/healthz`);
    const res = await fetch(`${base}/metrics`, asOperator);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const name of [
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
      'izardesk_mails_ingested_total',
      'izardesk_ingest_lag_seconds',
      'izardesk_notifications_total',
      'izardesk_queue_jobs',
      'izardesk_tickets_open',
      'izardesk_outbox_pending',
      'izardesk_http_request_duration_seconds',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    expect(
      sample(
        text,
        'izardesk_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}',
      ),
    ).toBe(1);
  });

  it('counts open tickets by status with one query at scrape time', async () => {
    const text = await (await fetch(`${base}/metrics`, asOperator)).text();
    expect(sample(text, 'izardesk_tickets_open{status="new"}')).toBe(2);
    expect(sample(text, 'izardesk_tickets_open{status="pending"}')).toBe(1);
    expect(sample(text, 'izardesk_tickets_open{status="resolved"}')).toBe(0);
    // Each ticket operation wrote an outbox row that no relay has picked up in this test.
    expect(sample(text, 'izardesk_outbox_pending')).toBe(4);
  });

  it('reports the depth of the notifications queue', async () => {
    const text = await (await fetch(`${base}/metrics`, asOperator)).text();
    expect(sample(text, 'izardesk_queue_jobs{queue="notifications",state="waiting"}')).toBe(1);
    expect(sample(text, 'izardesk_queue_jobs{queue="notifications",state="delayed"}')).toBe(1);
    expect(sample(text, 'izardesk_queue_jobs{queue="notifications",state="failed"}')).toBe(0);
  });

  it('labels latency by route template, never by raw path', async () => {
    const app = new Koa();
    const router = new Router();
    router.get('/probe/:id', (ctx) => {
      ctx.body = ctx.params.id;
    });
    app.use(httpMetrics);
    app.use(router.routes());
    const probe = await listen(app);
    for (const id of [41, 42, 43]) await fetch(`${probe}/probe/${id}`);
    await fetch(`${probe}/no/such/page`);
    const text = await (await fetch(`${base}/metrics`, asOperator)).text();
    expect(
      sample(
        text,
        'izardesk_http_request_duration_seconds_count{method="GET",route="/probe/:id",status="200"}',
      ),
    ).toBe(3);
    expect(
      sample(
        text,
        'izardesk_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}',
      ),
    ).toBe(1);
    expect(text).not.toContain('/probe/42');
  });
});
