import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, testRedisPrefix, useTestDb } from '../helpers/db.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { appendRaw, buildMail, mailboxState } from '../helpers/imap.js';
import { waitUntil } from '../helpers/poll.js';

/** Worker processes exactly as production runs them (`izardesk worker`), killed with SIGKILL at random points. */
let dovecot: Dovecot;
// Made at load time: a cleanup hook registered from inside beforeAll would never run.
const t: TestDb = await useTestDb();
let prefix: string;
let outDir: string;
let customers: TestUser[];
const children = new Set<ChildProcess>();

function worker(): ChildProcess {
  const child = spawn(process.execPath, ['bin/izardesk.js', 'worker'], {
    env: {
      ...process.env,
      ...dovecot.env,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
      DATABASE_URL: t.url,
      REDIS_PREFIX: prefix,
      SECRET: 'test-secret-test-secret-test-secret-0123',
      IMAP_POLL_SECONDS: '5',
      MAIL_SENDER_LIMIT_PER_HOUR: '100000',
      MAIL_OUTBOX_DIR: outDir,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

const kill = (c: ChildProcess, signal: NodeJS.Signals) =>
  new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill(signal);
  });

const recorded = async (): Promise<number> =>
  Number((await t.db('inbound_mails').whereLike('message_id', 'w-%').count({ n: 'id' }).first())?.n ?? 0);

const mails = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const c = customers[n % customers.length] as TestUser;
    return buildMail({
      from: c.email,
      subject: `Mail ${n}`,
      text: `Message number ${n}`,
      messageId: `<w-${n}@example.test>`,
    });
  });

/** Every message: one record, one ticket, nothing lost, nothing doubled. */
async function expectExactlyOnce(total: number) {
  const rows: { message_id: string; outcome: string; ticket_id: number }[] = await t
    .db('inbound_mails')
    .whereLike('message_id', 'w-%')
    .select('message_id', 'outcome', 'ticket_id');
  expect(rows).toHaveLength(total);
  expect(rows.filter((r) => r.outcome !== 'new_ticket')).toEqual([]);
  const titles: { title: string; n: number }[] = await t
    .db('tickets')
    .whereLike('title', 'Mail %')
    .groupBy('title')
    .select('title')
    .count('id as n');
  expect(titles).toHaveLength(total);
  expect(titles.filter((x) => Number(x.n) !== 1)).toEqual([]);
  expect(await t.db('inbound_mails').where({ outcome: 'processing' }).first()).toBeUndefined();
}

beforeAll(async () => {
  dovecot = await startDovecot();
  prefix = testRedisPrefix();
  outDir = mkdtempSync(join(tmpdir(), 'izt-outbox-'));
  customers = [];
  for (let i = 0; i < 10; i++) customers.push(await makeUser(t.app, 'customer'));
});

afterAll(async () => {
  await Promise.all([...children].map((c) => kill(c, 'SIGKILL')));
  await dovecot?.stop();
  rmSync(outDir, { recursive: true, force: true });
});

describe('ingest worker processes', () => {
  it('survives SIGKILL at random points while 500 messages are ingested: each has exactly one effect', async () => {
    await appendRaw(dovecot, mails(0, 500));
    let kills = 0;
    for (let round = 0; round < 6; round++) {
      const before = await recorded();
      if (before >= 500) break;
      const w = worker();
      // Kill somewhere in the middle of the work: after a random number of further commits.
      const more = 5 + Math.floor(Math.random() * 60);
      const target = Math.min(500, before + more);
      // No progress within the time: it is killed all the same (the next worker resumes).
      await waitUntil(`${target} messages recorded`, async () => (await recorded()) >= target, {
        timeoutMs: 30_000,
      }).catch(() => {});
      await new Promise((r) => setTimeout(r, Math.random() * 150));
      await kill(w, 'SIGKILL');
      kills++;
    }
    const last = worker();
    await waitUntil('500 messages recorded', async () => (await recorded()) >= 500, { timeoutMs: 120_000 });
    await waitUntil('500 messages marked seen', async () => (await mailboxState(dovecot)).seen === 500, {
      timeoutMs: 20_000,
    });
    await kill(last, 'SIGTERM');
    expect(kills).toBeGreaterThanOrEqual(3);
    await expectExactlyOnce(500);
  }, 300_000);

  it('runs one watcher among two workers, and the other takes over within seconds after kill -9', async () => {
    const a = worker();
    const b = worker();
    await appendRaw(dovecot, mails(500, 100));
    await waitUntil('600 messages recorded', async () => (await recorded()) >= 600, { timeoutMs: 60_000 });
    await expectExactlyOnce(600);

    const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0');
    try {
      const key = (await redis.keys(`${prefix}:ingest:lease:*`))[0] as string;
      const holderPid = Number((await redis.get(key))?.split(':')[1]);
      const holder = [a, b].find((c) => c.pid === holderPid);
      const other = [a, b].find((c) => c.pid !== holderPid) as ChildProcess;
      expect(holder).toBeDefined();
      await kill(holder as ChildProcess, 'SIGKILL');
      const killedAt = Date.now();
      await appendRaw(dovecot, mails(600, 50));
      await waitUntil('650 messages recorded', async () => (await recorded()) >= 650, { timeoutMs: 30_000 });
      const tookOverMs = Date.now() - killedAt;
      expect(tookOverMs).toBeLessThan(15_000);
      expect(Number((await redis.get(key))?.split(':')[1])).toBe(other.pid);
      await expectExactlyOnce(650);
      process.stdout.write(
        `hand-over after kill -9: all new mail ingested ${tookOverMs} ms after the kill\n`,
      );
      await kill(other, 'SIGTERM');
    } finally {
      redis.disconnect();
    }
  }, 180_000);
});
