import { availableParallelism, loadavg } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileMessages, nestedHtml } from '../fixtures/hostile/messages.js';
import { type RunningIzardesk, startIzardesk } from '../helpers/cli.js';
import { must, type TestDb, testRedisPrefix, useTestDb } from '../helpers/db.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { appendRaw, buildMail } from '../helpers/imap.js';
import { waitUntil } from '../helpers/poll.js';

/**
 * Hostile mail under `izardesk start` (web and ingest in one process): the web keeps answering while the
 * ingest works through it, and each message is handled (a ticket, or the quarantine) within seconds.
 */
const t: TestDb = await useTestDb();
let dovecot: Dovecot;
let app: RunningIzardesk;
let base: string;
let customer: TestUser;

/**
 * The targets hold on a machine of its own; on a shared, oversubscribed one (load over twice its cores, as when
 * many test runs share two cores) they get that much more room. Before the fix these took minutes, not seconds.
 * The figures against the plain targets are the `hostile` benchmark's.
 */
const crowded = () => Math.max(1, loadavg()[0] / availableParallelism() / 2);

const handled = (messageId: string) =>
  t.db('inbound_mails').where({ message_id: messageId }).whereNot({ outcome: 'processing' }).first();

async function timedLogin(): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}/login`);
  await res.text();
  expect(res.status).toBe(200);
  return performance.now() - started;
}

beforeAll(async () => {
  dovecot = await startDovecot();
  customer = await makeUser(t.app, 'customer');
  app = startIzardesk(['start'], {
    ...dovecot.env,
    DATABASE_URL: t.url,
    REDIS_PREFIX: testRedisPrefix(),
    NODE_ENV: 'test',
    SECRET: 'test-secret-test-secret-test-secret-0123',
    PORT: '0',
    LOG_LEVEL: 'info',
    IMAP_POLL_SECONDS: '30',
    MAIL_SENDER_LIMIT_PER_HOUR: '1000',
  });
  const line = await app.waitFor(/web server listening/);
  base = `http://127.0.0.1:${(JSON.parse(line) as { address: { port: number } }).address.port}`;
  // The watcher is up once an ordinary mail has become a ticket.
  await appendRaw(dovecot, [buildMail({ from: customer.email, messageId: '<start-first@example.test>' })]);
  await waitUntil('the first mail under izardesk start', () => handled('start-first@example.test'), {
    timeoutMs: 90_000,
    everyMs: 25,
  }).catch((e) => {
    process.stdout.write(app.output().slice(-3000));
    throw e;
  });
  for (let i = 0; i < 5; i++) await timedLogin(); // warm (first render compiles templates)
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await dovecot?.stop();
});

describe('hostile mail under izardesk start', { timeout: 300_000 }, () => {
  it('answers /login in under 200 ms while 200,000 nested <div> are ingested', async () => {
    await appendRaw(dovecot, [nestedHtml(customer.email, 'start-nested')]);
    const times: number[] = [];
    const rec = await waitUntil(
      'the nested-HTML message to be handled',
      async () => {
        times.push(await timedLogin());
        return handled('start-nested@hostile.example');
      },
      { timeoutMs: 30_000, everyMs: 25 },
    );
    expect(rec.outcome).toBe('new_ticket');
    expect(rec.details.parse).toEqual([expect.stringMatching(/^HTML nested over 200 deep/)]);
    const ticket = must(await t.db('tickets').where({ id: rec.ticket_id! }).first('description'));
    expect(ticket.description).toBe('hola');
    times.sort((a, b) => a - b);
    process.stdout.write(`/login during the nested HTML: ${times.map((x) => Math.round(x)).join(' ')} ms\n`);
    expect(times.length).toBeGreaterThan(3);
    // Before, /login did not answer for the ~100 s sanitize-html spent. Nine in ten under 200 ms, and none near a
    // second: one slow answer on a shared machine is the machine, not a blocked event loop.
    expect(times[Math.floor(times.length * 0.9)]).toBeLessThan(200 * crowded());
    expect(times.at(-1)).toBeLessThan(1000 * crowded());
  });

  it('handles every hostile message (ticket or quarantine) within 5 s of its arrival', async () => {
    const took: Record<string, number> = {};
    for (const m of hostileMessages(customer.email, 'start-')) {
      await appendRaw(dovecot, [m.raw]);
      const started = performance.now();
      const rec = await waitUntil(
        `the ${m.name} message to be handled`,
        () => handled(`start-${m.name}@hostile.example`),
        { timeoutMs: 30_000, everyMs: 25 },
      );
      took[m.name] = Math.round(performance.now() - started);
      expect(['new_ticket', 'rejected', 'held'], `${m.name}: ${rec.reason}`).toContain(rec.outcome);
    }
    process.stdout.write(`handled in (ms): ${JSON.stringify(took)}\n`);
    for (const [name, ms] of Object.entries(took)) expect(ms, name).toBeLessThan(5000 * crowded());
    // Still flowing: an ordinary mail after them all becomes a ticket.
    await appendRaw(dovecot, [buildMail({ from: customer.email, messageId: '<start-after@example.test>' })]);
    expect(
      (
        await waitUntil(
          'the ordinary mail after the hostile ones',
          () => handled('start-after@example.test'),
          { timeoutMs: 30_000, everyMs: 25 },
        )
      ).outcome,
    ).toBe('new_ticket');
  });
});
