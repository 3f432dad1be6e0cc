import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

/**
 * Issue 11.8: multipart bodies were read before the session and CSRF checks, under Node's 300 s request
 * timeout; 700 slow anonymous uploads filled 1,024 descriptors and the login page stopped answering.
 */
const t = await useTestDb();
// The default timeouts (30 s, headers 10 s) for the flood, short ones to see a slow upload cut.
const base = await startTestWeb(await useTestServices(t));
const short = await startTestWeb(
  await useTestServices(t, {
    HTTP_REQUEST_TIMEOUT_MS: '2000',
    HTTP_HEADERS_TIMEOUT_MS: '1000',
    UPLOADS_PER_IP: '2',
  }),
);
const portOf = (url: string) => Number(new URL(url).port);
const FLOOD = 400;

const openFds = () => readdirSync('/proc/self/fd').length;

/**
 * The attackers, in a child process (their sockets are not this process's descriptors): `count` sockets, opened
 * in waves, each sending the headers of a 10 MB multipart upload and then trickling its body a byte at a time.
 * Prints, once every socket is closed (or the deadline passes), what each got back.
 */
const ATTACKER = `
import net from 'node:net';
const { PORT, COUNT } = process.env;
const results = [];
let open = 0;
const started = Date.now();
const one = () => new Promise((resolve) => {
  const r = { status: 0, ms: 0, bodyBytesSent: 0, closedByServer: false };
  results.push(r);
  const t0 = Date.now();
  const sock = net.connect(Number(PORT), '127.0.0.1');
  let timer = null;
  sock.on('connect', () => {
    open++;
    sock.write('POST /tickets/new HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: multipart/form-data; boundary=B\\r\\nContent-Length: 10000000\\r\\n\\r\\n');
    const part = '--B\\r\\nContent-Disposition: form-data; name="title"\\r\\n\\r\\n';
    sock.write(part);
    r.bodyBytesSent = part.length;
    timer = setInterval(() => { if (sock.writable) { sock.write('x'); r.bodyBytesSent++; } }, 100);
  });
  sock.on('data', (d) => { if (!r.status) { r.status = Number(/^HTTP\\/1\\.1 (\\d+)/.exec(d.toString())?.[1] ?? -1); r.ms = Date.now() - t0; } });
  sock.on('end', () => { r.closedByServer = true; });
  sock.on('error', () => {});
  sock.on('close', () => { clearInterval(timer); open--; resolve(); });
  setTimeout(() => sock.destroy(), 15000);
});
const all = [];
for (let i = 0; i < Number(COUNT); i++) {
  all.push(one());
  if (i % 25 === 24) await new Promise((r) => setTimeout(r, 20));
}
await Promise.all(all);
console.log(JSON.stringify({ results, totalMs: Date.now() - started }));
`;

interface AttackResult {
  results: { status: number; ms: number; bodyBytesSent: number; closedByServer: boolean }[];
  totalMs: number;
}

function attack(count: number): Promise<AttackResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', ATTACKER], {
      env: { ...process.env, PORT: String(portOf(base)), COUNT: String(count) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`attacker ${code}`)),
    );
  });
}

/** A raw upload of this client (cookie, token in the URL) that sends its first bytes and then trickles. */
function slowUpload(c: WebClient): { status: Promise<number>; sock: net.Socket } {
  const sock = net.connect(portOf(short), '127.0.0.1');
  const status = new Promise<number>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    sock.on('connect', () => {
      sock.write(
        `POST /tickets/new?_csrf=${encodeURIComponent(c.csrf)} HTTP/1.1\r\nHost: x\r\nCookie: ${c.cookieHeader()}\r\n` +
          'Content-Type: multipart/form-data; boundary=B\r\nContent-Length: 1000000\r\n\r\n' +
          '--B\r\nContent-Disposition: form-data; name="title"\r\n\r\n',
      );
      timer = setInterval(() => sock.writable && sock.write('x'), 100);
    });
    sock.on('data', (d) => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(d.toString())?.[1] ?? -1)));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearInterval(timer);
      resolve(0);
    });
  });
  return { status, sock };
}

describe('slow uploads (11.8)', () => {
  let alice: TestUser;
  beforeAll(async () => {
    alice = await makeUser(t.app, 'customer');
  });

  it('refuses a flood of slow anonymous uploads before reading their bodies; descriptors stay bounded and the login page answers', async () => {
    const probe = new WebClient(base);
    await probe.get('/login');
    const baseline = openFds();
    let maxFds = baseline;
    const sampler = setInterval(() => {
      maxFds = Math.max(maxFds, openFds());
    }, 10);
    const loginMs: number[] = [];
    let attacking = true;
    const prober = (async () => {
      while (attacking) {
        const t0 = performance.now();
        const res = await fetch(`${base}/login`);
        await res.text();
        expect(res.status).toBe(200);
        loginMs.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const out = await attack(FLOOD).finally(() => {
      attacking = false;
    });
    await prober;
    clearInterval(sampler);

    const statuses = new Map<number, number>();
    for (const r of out.results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    // Each one answered 401 while its 10 MB body had barely started, and its connection closed by the server.
    expect(Object.fromEntries(statuses)).toEqual({ 401: FLOOD });
    expect(out.results.every((r) => r.closedByServer && r.bodyBytesSent < 200)).toBe(true);
    // Before the fix each slow upload kept its socket (FLOOD more descriptors); now only those being answered.
    expect(maxFds - baseline).toBeLessThan(150);
    expect(loginMs.length).toBeGreaterThan(0);
    expect(Math.max(...loginMs)).toBeLessThan(1500);
    expect(openFds() - baseline).toBeLessThan(20);
  });

  it('refuses an upload whose CSRF token is not in the URL or a header, before reading it', async () => {
    const c = new WebClient(base);
    await c.login(alice.email);
    await c.get('/tickets/new');
    const res = await c.postMultipart(
      '/tickets/new',
      { _csrf: c.csrf, title: 'token in the body' },
      undefined,
      null,
    );
    expect(res.status).toBe(403);
    expect(res.headers.get('connection')).toBe('close');
    expect(await t.db('tickets').where({ title: 'token in the body' })).toHaveLength(0);
  });

  it('caps uploads per address, cuts a slow one at HTTP_REQUEST_TIMEOUT_MS, then takes uploads again', async () => {
    const c = new WebClient(short);
    await c.login(alice.email);
    await c.get('/tickets/new');
    const t0 = performance.now();
    const a = slowUpload(c);
    const b = slowUpload(c);
    // Both are being read (the gate counted them) before the third arrives.
    await new Promise((r) => setTimeout(r, 300));
    const third = await c.postMultipart('/tickets/new', { title: 'third upload' });
    expect(third.status).toBe(429);
    expect(third.text).toContain('Ya hay varios envíos de archivos en curso');
    // Node answers 408 and closes them after the 2 s request timeout (checked every second), not 300 s later.
    expect(await a.status).toBe(408);
    expect(await b.status).toBe(408);
    expect(performance.now() - t0).toBeLessThan(6000);
    a.sock.destroy();
    b.sock.destroy();
    const ok = await c.postMultipart('/tickets/new', {
      type: 'request',
      serviceId: String(alice.serviceIds[0]),
      category: 'technical',
      title: 'after the slow ones',
      description: 'works again',
    });
    expect(ok.status).toBe(303);
  });
});
