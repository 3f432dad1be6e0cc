import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOutbox } from '../../src/app/outbox.js';
import { createRedis } from '../../src/infra/redis.js';
import { type DeliverDeps, deliverBatch } from '../../src/outbound/deliver.js';
import { createDeliveryStore } from '../../src/outbound/delivery-store.js';
import { startOutbound } from '../../src/outbound/index.js';
import { startOutboxRelay } from '../../src/outbound/relay.js';
import { compileTemplates } from '../../src/outbound/templates.js';
import { TemporaryFailure } from '../../src/outbound/temporary-failure.js';
import { notificationTexts } from '../../src/outbound/text-overrides.js';
import { createMailTransport } from '../../src/outbound/transport.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/poll.js';
import { startPrivateRedis } from '../helpers/private-redis.js';
import { useTestServices } from '../helpers/services.js';
import { type CapturedMail, parse, sleep, startCapturingSmtp } from '../helpers/smtp.js';

const t = await useTestDb();
const redis = await startPrivateRedis();
const smtp = await startCapturingSmtp();
const s = await useTestServices(t, {
  SMTP_URL: smtp.url,
  REDIS_URL: redis.url,
  SUPPORT_ADDRESS: 'support@izarlink.test',
  SMTP_MAX_PER_SECOND: '500',
});
// A second database for the relay-twice test, whose rows no running pipeline reads.
const t2 = await useTestDb();
const outbound = await startOutbound(s, { sweepMs: 200, staleMs: 1500, retryBaseMs: 200, attempts: 12 });
afterAll(async () => {
  await outbound.stop();
  await smtp.close();
  await redis.stop();
});

let customer: TestUser;
beforeAll(async () => {
  customer = await makeUser(s.app, 'customer');
  await makeUser(s.app, 'agent');
});

const allDone = () =>
  waitUntil(
    'every outbox row to be done',
    async () => Number((await s.db('outbox').whereNull('done_at').count({ n: '*' }))[0]?.n) === 0,
    { timeoutMs: 30_000 },
  );

/** Every delivery of these tickets reached the SMTP server exactly once (matched by Message-ID). */
async function expectEachSentOnce(ticketIds: number[], perTicket: number) {
  const rows = await s.db('deliveries').whereIn('ticket_id', ticketIds).select();
  expect(rows).toHaveLength(ticketIds.length * perTicket);
  expect(rows.every((r) => r.status === 'sent')).toBe(true);
  const captured = await Promise.all(smtp.messages.map((m: CapturedMail) => parse(m)));
  for (const r of rows) {
    expect(
      captured.filter((m) => m.messageId === `<${r.message_id}>`),
      r.recipient,
    ).toHaveLength(1);
  }
}

describe('outbound faults', () => {
  it('SMTP down for a while, then back: every notification is delivered once', async () => {
    await smtp.stop();
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(await makeTicket(s.app, customer, `Outage ${i}`));
    await waitUntil(
      'a failed attempt',
      async () =>
        Number(
          (await s.db('deliveries').whereIn('ticket_id', ids).whereNotNull('error').count({ n: '*' }))[0]?.n,
        ) > 0,
      { timeoutMs: 10_000 },
    );
    expect(smtp.messages).toHaveLength(0);
    await sleep(500);
    await smtp.start();
    await allDone();
    await expectEachSentOnce(ids, 2);
    const retried = await s.db('outbox').whereIn('ticket_id', ids).max({ n: 'attempts' }).first();
    expect(Number(retried?.n)).toBeGreaterThan(1);
  });

  it('a 5xx recipient is recorded on the delivery and the user, and not retried', async () => {
    const bouncing = await makeUser(s.app, 'customer', { email: 'gone@client.test' });
    smtp.reject('gone@client.test', 550, 'User unknown');
    const before = smtp.messages.length;
    const id = await makeTicket(s.app, bouncing, 'Nobody home');
    await allDone();
    const d = must(await s.db('deliveries').where({ ticket_id: id, recipient: 'gone@client.test' }).first());
    expect(d.status).toBe('failed');
    expect(d!.error).toContain('User unknown');
    const u = must(await s.db('users').where({ id: bouncing.id }).first());
    expect(u.bounced_at).not.toBeNull();
    expect(u!.bounce_reason).toContain('550');
    const row = must(await s.db('outbox').where({ ticket_id: id }).first());
    expect(row.attempts).toBe(1);
    expect(smtp.messages.length - before).toBe(1); // the agent's mail only
    // The next notification for that address is skipped and recorded, not attempted.
    const id2 = await makeTicket(s.app, bouncing, 'Still nobody');
    await allDone();
    const d2 = must(
      await s.db('deliveries').where({ ticket_id: id2, recipient: 'gone@client.test' }).first(),
    );
    expect(d2.status).toBe('bounced');
  });

  it('a 4xx answer is retried with backoff until accepted, and delivered once', async () => {
    const greylisted = await makeUser(s.app, 'customer', { email: 'grey@client.test' });
    smtp.reject('grey@client.test', 451, 'Greylisted, try later');
    const id = await makeTicket(s.app, greylisted, 'Greylisting');
    await waitUntil(
      'two attempts',
      async () => must(await s.db('outbox').where({ ticket_id: id }).first()).attempts >= 2,
      { timeoutMs: 10_000 },
    );
    smtp.accept('grey@client.test');
    await allDone();
    await expectEachSentOnce([id], 2);
  });

  it('Redis unavailable then restarted empty in the middle: nothing is lost, nothing doubled', async () => {
    // Jobs already in Redis (waiting on a dead SMTP server) are lost with it; rows still in Postgres go out later.
    await smtp.stop();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await makeTicket(s.app, customer, `Before crash ${i}`));
    await waitUntil(
      'rows to be enqueued',
      async () =>
        (await s.db('outbox').whereIn('ticket_id', ids).whereNull('enqueued_at').count({ n: '*' }))[0]?.n ===
        0,
      { timeoutMs: 10_000 },
    );
    await redis.stop();
    for (let i = 0; i < 3; i++) ids.push(await makeTicket(s.app, customer, `During outage ${i}`));
    await sleep(700);
    const waiting = await s
      .db('outbox')
      .whereIn('ticket_id', ids.slice(3))
      .whereNull('enqueued_at')
      .count({ n: '*' });
    expect(Number(waiting[0]?.n)).toBe(3);
    const restartedAt = new Date();
    await redis.start();
    await smtp.start();
    await allDone();
    await expectEachSentOnce(ids, 2);
    // The jobs lost with Redis were enqueued again from Postgres.
    const lost = await s.db('outbox').whereIn('ticket_id', ids.slice(0, 3)).select('enqueued_at');
    for (const r of lost) expect(r.enqueued_at!.getTime()).toBeGreaterThan(restartedAt.getTime());
  });

  /** What a worker hands a job, for running one outside BullMQ (as a re-run after a crash would). */
  const directDeps = async (): Promise<DeliverDeps> => ({
    db: s.db,
    store: createDeliveryStore(s.db, s.pg),
    fences: s.pg,
    config: s.config,
    logger: s.logger,
    templates: await compileTemplates(s.config),
    texts: notificationTexts(s.db),
    transport: createMailTransport(s.config),
  });

  /** A ticket's notification, sent and then marked not done again, and how many mails were captured by then. */
  const sentThenUndone = async (title: string) => {
    const id = await makeTicket(s.app, customer, title);
    await allDone();
    const row = must(await s.db('outbox').where({ ticket_id: id }).first());
    const before = smtp.messages.length;
    await s.db('outbox').where({ id: row.id }).update({ done_at: null });
    return { row, before };
  };

  it('a job run again after a crash does not re-send what was confirmed', async () => {
    // As if the worker died after sending, before marking the row done: the job runs again.
    const { row, before } = await sentThenUndone('Crash after send');
    const deps = await directDeps();
    await deliverBatch(deps, row.batch!, false);
    deps.transport.close();
    expect(smtp.messages.length).toBe(before);
    expect(must(await s.db('outbox').where({ id: row!.id }).first()).done_at).not.toBeNull();
  });

  it('a batch run a second time while the first still sends (a stalled job) is refused, and sends nothing twice', async () => {
    // The first run "still sending": its mails not confirmed yet, its fence held on a connection of its own.
    const { row, before } = await sentThenUndone('Stalled job');
    await s.db('deliveries').where({ outbox_id: row!.id }).del();
    const firstRun = await s.pg.connect();
    await firstRun.query('select pg_advisory_lock($1::bigint)', [row!.batch]);
    const deps = await directDeps();
    try {
      await expect(deliverBatch(deps, row.batch!, true)).rejects.toBeInstanceOf(TemporaryFailure);
      expect(smtp.messages.length).toBe(before);
      // Refused even on its last attempt: nothing is recorded as failed.
      expect(await s.db('deliveries').where({ outbox_id: row!.id })).toHaveLength(0);
    } finally {
      await firstRun.query('select pg_advisory_unlock($1::bigint)', [row!.batch]);
      firstRun.release();
    }
    // Once the fence is free, a run sends what is not confirmed (here: all of it, as if the first run died).
    await deliverBatch(deps, row.batch!, false);
    deps.transport.close();
    expect(smtp.messages.length).toBeGreaterThan(before);
    expect(must(await s.db('outbox').where({ id: row!.id }).first()).done_at).not.toBeNull();
  });

  it('the relay run twice (or by two processes) adds each outbox row to one job once', async () => {
    // Two relays over a database of their own and a queue no worker reads, so the jobs stay countable.
    const prefix = `${s.config.REDIS_PREFIX}-relay-twice`;
    const conn = createRedis(s.config.REDIS_URL);
    const queue = new Queue('notifications', { connection: conn, prefix });
    await waitUntil('redis', async () => conn.status === 'ready', { timeoutMs: 5000 });
    const ids = await t2.db.transaction((trx) =>
      writeOutbox(trx, [
        { event: 'mail.unknown_sender', payload: { to: 'a@x.test', subject: 'a' } },
        { event: 'mail.unknown_sender', payload: { to: 'b@x.test', subject: 'b' } },
        { event: 'mail.unknown_sender', payload: { to: 'c@x.test', subject: 'c' } },
      ]),
    );
    const relays = [1, 2].map(() =>
      startOutboxRelay(
        { db: t2.db, databaseUrl: t2.url, queue, queueRedis: conn, logger: s.logger },
        { sweepMs: 60_000, staleMs: 60_000, batch: 100, rowsPerJob: 2 },
      ),
    );
    await Promise.all(relays.flatMap((r) => [r.drain(), r.drain()]));
    // As if a relay died between adding the jobs and marking the rows.
    await t2.db('outbox').whereIn('id', ids).update({ enqueued_at: null });
    await Promise.all(relays.map((r) => r.drain()));
    // Two jobs (two rows, then one), each named after its first row, whose batches hold every row once.
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed']);
    expect(jobs.map((j) => j.id).sort()).toEqual([`outbox-${ids[0]}`, `outbox-${ids[2]}`].sort());
    const batches = await t2.db('outbox').whereIn('id', ids).orderBy('id').pluck('batch');
    expect(batches).toEqual([ids[0], ids[0], ids[2]]);
    expect(jobs.map((j) => j.data.batch).sort()).toEqual([ids[0], ids[2]].sort());
    expect(await t2.db('outbox').whereNull('enqueued_at').count({ n: '*' })).toEqual([{ n: 0 }]);
    for (const r of relays) await r.stop();
    await queue.obliterate({ force: true });
    await queue.close();
    conn.disconnect();
  });
});
