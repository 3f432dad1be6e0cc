import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, testRedisPrefix, useTestDb } from '../helpers/db.js';

const root = join(import.meta.dirname, '..', '..');

interface Served {
  child: ChildProcess;
  base: string;
  port: number;
  exited: Promise<{ code: number | null; at: number }>;
  output: () => string;
}

const running: ChildProcess[] = [];
afterAll(() => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** `izardesk <command>` as an operator runs it, on a free port; resolves once `listening` is logged. */
async function serve(
  t: TestDb,
  env: Record<string, string>,
  command = 'serve',
  listening = 'web server listening',
): Promise<Served> {
  const child = spawn(process.execPath, ['bin/izardesk.js', command], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: t.url,
      REDIS_PREFIX: testRedisPrefix(),
      SECRET: 'test-secret-test-secret-test-secret-0123',
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.includes(`"msg":"${listening}"`) && /"port":(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(({ code }) =>
      reject(new Error(`${command} exited (${code}) before listening:\n${out}`)),
    );
  });
  return { child, port, base: `http://127.0.0.1:${port}`, exited, output: () => out };
}

interface Answer {
  status: number;
  connection: string | undefined;
  endedAt: number;
}

/** A GET on a given keep-alive agent, resolved when the whole body has arrived. */
const get = (agent: Agent, url: string) =>
  new Promise<Answer>((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, endedAt: Date.now() }),
      );
    })
      .on('error', reject)
      .end();
  });

const refused = (url: string) =>
  fetch(url).then(
    () => false,
    (err: Error & { cause?: { code?: string } }) => err.cause?.code === 'ECONNREFUSED',
  );

// Each case starts a real process; on a busy machine that alone takes seconds.
describe('graceful shutdown of `izardesk serve`', { timeout: 120_000 }, () => {
  let t: TestDb;
  let silentImap: Server;
  const imapSockets = new Set<Socket>();
  let imapEnv: Record<string, string>;

  beforeAll(async () => {
    t = await useTestDb();
    // An IMAP server that accepts connections and never greets: the readiness probe waits ~3 s for it,
    // which gives a real request that is still in flight when the signal arrives.
    silentImap = createServer((sock) => {
      imapSockets.add(sock);
      sock.on('close', () => imapSockets.delete(sock));
    });
    await new Promise<void>((r) => silentImap.listen(0, '127.0.0.1', r));
    afterAll(() => {
      for (const s of imapSockets) s.destroy();
      return new Promise<void>((r) => silentImap.close(() => r()));
    });
    const { port } = silentImap.address() as { port: number };
    imapEnv = { IMAP_HOST: '127.0.0.1', IMAP_PORT: String(port), IMAP_SECURE: 'false', IMAP_USER: 'probe' };
  });

  it('on SIGTERM lets the request in flight finish, closes idle keep-alive connections, exits 0', async () => {
    const app = await serve(t, { ...imapEnv, SHUTDOWN_TIMEOUT_MS: '10000' });
    const idle = new Agent({ keepAlive: true });
    const busy = new Agent({ keepAlive: true });
    // A page that touches no mailbox: /healthz would probe (and cache) the silent IMAP server.
    expect((await get(idle, `${app.base}/login`)).connection).toBe('keep-alive');
    let idleClosedAt = 0;
    const idleSocket = Object.values(idle.freeSockets).flat()[0];
    expect(idleSocket).toBeDefined();
    idleSocket?.once('close', () => {
      idleClosedAt = Date.now();
    });

    const inFlight = get(busy, `${app.base}/readyz`);
    await new Promise((r) => setTimeout(r, 500));
    const signalledAt = Date.now();
    app.child.kill('SIGTERM');

    const answer = await inFlight;
    const exit = await app.exited;
    // The slow request was answered (not cut), and told the client to close the connection.
    expect(answer.status).toBe(503);
    expect(answer.connection).toBe('close');
    // The idle keep-alive connection was closed at once, not after its 5 s keep-alive timeout.
    expect(idleClosedAt).toBeGreaterThan(0);
    expect(idleClosedAt).toBeLessThan(answer.endedAt);
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(10_000);
    expect(app.output()).toContain('"msg":"stopped"');
    expect(await refused(`${app.base}/healthz`)).toBe(true);
    idle.destroy();
    busy.destroy();
  });

  it('exits 1 when the work in flight outlasts SHUTDOWN_TIMEOUT_MS', async () => {
    const app = await serve(t, { ...imapEnv, SHUTDOWN_TIMEOUT_MS: '500' });
    const agent = new Agent({ keepAlive: true });
    const inFlight = get(agent, `${app.base}/readyz`).catch(() => null);
    await new Promise((r) => setTimeout(r, 300));
    app.child.kill('SIGTERM');
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(app.output()).toContain('shutdown timed out');
    expect(await inFlight).toBeNull();
    agent.destroy();
  });

  it('exits at once on a second signal', async () => {
    const app = await serve(t, { ...imapEnv, SHUTDOWN_TIMEOUT_MS: '10000' });
    const agent = new Agent({ keepAlive: true });
    const inFlight = get(agent, `${app.base}/readyz`).catch(() => null);
    await new Promise((r) => setTimeout(r, 300));
    app.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    app.child.kill('SIGINT');
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(app.output()).toContain('second signal');
    expect(await inFlight).toBeNull();
    agent.destroy();
  });

  it('serves /metrics and /readyz of a worker on METRICS_PORT, and stops it on SIGTERM', async () => {
    const app = await serve(t, { METRICS_PORT: '0' }, 'worker', 'metrics listener ready');
    const metrics = await fetch(`${app.base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('# TYPE izardesk_queue_jobs gauge');
    const ready = await fetch(`${app.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(Object.keys(((await ready.json()) as { components: object }).components)).toEqual(
      expect.arrayContaining(['postgres', 'redis', 'smtp', 'imap', 'process']),
    );
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
    expect(await refused(`${app.base}/healthz`)).toBe(true);
  });
});
