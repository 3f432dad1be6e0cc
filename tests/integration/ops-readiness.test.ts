import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/runtime/health.js';
import { createWebApp } from '../../src/web/app.js';
import { useTestDb } from '../helpers/db.js';
import { waitUntil } from '../helpers/poll.js';
import { freePort, type PrivateRedis, startPrivateRedis } from '../helpers/private-redis.js';
import { useTestServices } from '../helpers/services.js';

async function serve(env: Record<string, string>): Promise<string> {
  const t = await useTestDb();
  const s = await useTestServices(t, { OPS_TOKEN, ...env });
  const server = createWebApp(s, { health: {} }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const OPS_TOKEN = 'ops-token-ops-token-01';
/** The details are for operators: the public port shows them to holders of OPS_TOKEN. */
const readyz = async (base: string) => {
  const res = await fetch(`${base}/readyz`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as HealthReport };
};

/** Polls /readyz until `done` holds (Redis reconnects on its own schedule). */
const waitForReadyz = (
  base: string,
  what: string,
  done: (r: Awaited<ReturnType<typeof readyz>>) => boolean,
) =>
  waitUntil(
    `/readyz to say ${what}`,
    async () => {
      const r = await readyz(base);
      return done(r) && r;
    },
    { timeoutMs: 15_000, everyMs: 200 },
  );

describe('/readyz', () => {
  let redis: PrivateRedis;
  let smtp: SMTPServer;
  let base: string;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    afterAll(async () => {
      await redis.stop();
      await new Promise<void>((r) => smtp.close(() => r()));
    });
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    base = await serve({ REDIS_URL: redis.url, SMTP_URL: `smtp://127.0.0.1:${smtpPort}` });
  });

  it('is ready when Postgres, Redis and SMTP answer, with details per component', async () => {
    const { status, body } = await readyz(base);
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.components.postgres).toEqual({ ok: true });
    expect(body.components.redis).toEqual({ ok: true });
    expect(body.components.smtp).toMatchObject({ ok: true, detail: expect.stringMatching(/^reachable/) });
    expect(body.components.imap).toMatchObject({ ok: true, detail: expect.stringMatching(/^off/) });
  });

  it('fails and says why when Redis stops, while /healthz stays up, and recovers when Redis is back', async () => {
    await redis.stop();
    // The reason appears once the first reconnect attempt has failed.
    const down = await waitForReadyz(base, 'Redis is refused', (r) =>
      /ECONNREFUSED/.test(r.body.components.redis.detail ?? ''),
    );
    expect(down.status).toBe(503);
    expect(down.body.ok).toBe(false);
    expect(down.body.components.redis.ok).toBe(false);
    expect(down.body.components.redis.detail).toMatch(/not connected \(\w+\).*ECONNREFUSED/);
    expect(down.body.components.postgres.ok).toBe(true);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    await redis.start();
    const up = await waitForReadyz(base, 'ready', (r) => r.status === 200);
    expect(up.status).toBe(200);
    expect(up.body.components.redis).toEqual({ ok: true });
  });

  it('reports an unreachable SMTP relay', async () => {
    const closed = await freePort();
    const other = await serve({ REDIS_URL: redis.url, SMTP_URL: `smtp://127.0.0.1:${closed}` });
    const { status, body } = await readyz(other);
    expect(status).toBe(503);
    expect(body.components.smtp.ok).toBe(false);
    expect(body.components.smtp.detail).toContain('ECONNREFUSED');
  });
});

interface DovecotHelper {
  startDovecot(): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
}
const dovecotHelper = join(import.meta.dirname, '..', 'helpers', 'dovecot.ts');

describe.skipIf(!existsSync(dovecotHelper))('/readyz with a real IMAP mailbox', () => {
  it('reports each watched folder, a missing one, and a server that is down', async () => {
    const { startDovecot } = (await import(pathToFileURL(dovecotHelper).href)) as DovecotHelper;
    const dovecot = await startDovecot();
    try {
      const good = await serve({ ...dovecot.env, IMAP_PROCESSED_MAILBOX: 'Processed' });
      const ok = await readyz(good);
      expect(ok.status).toBe(200);
      expect(ok.body.components.imap).toMatchObject({
        ok: true,
        components: {
          INBOX: { ok: true, detail: expect.stringMatching(/messages/) },
          Processed: { ok: true },
        },
      });

      const missing = await serve({ ...dovecot.env, IMAP_MAILBOXES: 'INBOX,Nonexistent' });
      const bad = await readyz(missing);
      expect(bad.status).toBe(503);
      expect(bad.body.components.imap?.components?.INBOX?.ok).toBe(true);
      expect(bad.body.components.imap?.components?.Nonexistent?.ok).toBe(false);
    } finally {
      await dovecot.stop();
    }
    const down = await readyz(await serve(dovecot.env));
    expect(down.status).toBe(503);
    expect(down.body.components.imap?.detail).toContain('ECONNREFUSED');
  });
});

if (!existsSync(dovecotHelper)) {
  process.stdout.write(
    'ops-readiness: IMAP readiness skipped: tests/helpers/dovecot.ts (the ingest helper) is absent\n',
  );
}
