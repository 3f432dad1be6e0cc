import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { hashPassword } from '../src/app/accounts/passwords.js';
import { actorOf } from '../src/app/actor.js';
import { createApiToken } from '../src/app/api/tokens.js';
import { openTicket } from '../src/app/tickets/open-ticket.js';
import { loadConfig } from '../src/config/config.js';
import { createDb, migrate } from '../src/db/db.js';
import { createLogger } from '../src/infra/logger.js';
import { connectServices } from '../src/runtime/services.js';
import { createWebServer } from '../src/web/server.js';

/**
 * The REST API against the web routes doing the same work, in the same run and the same process: opening a
 * ticket (POST /api/v1/tickets with a bearer token; the portal's new-ticket form as the customer) and listing
 * the queue (GET /api/v1/tickets; the agent queue page). p50, p99 and requests per second of each. Builds
 * `izardesk_bench_api` afresh with BENCH_API_TICKETS tickets (300 by default: a small run).
 */
const TICKETS = Number(process.env.BENCH_API_TICKETS ?? 300);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = 10;
const DB = 'izardesk_bench_api';
const PASSWORD = 'bench-password-2026';

const pgBase = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function freshDb(): Promise<string> {
  const admin = createDb(pgBase, 1);
  await admin.raw(`drop database if exists ${DB} with (force)`);
  await admin.raw(`create database ${DB}`);
  await admin.destroy();
  const u = new URL(pgBase);
  u.pathname = `/${DB}`;
  return u.toString();
}

/** Signs in through the login form: the session cookie and its CSRF token. */
async function signIn(origin: string, email: string): Promise<{ cookie: string; csrf: string }> {
  const cookies = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  const page = await fetch(`${origin}/login`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${origin}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookies(page), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password: PASSWORD }),
  });
  if (res.status !== 303) throw new Error(`login of ${email}: ${res.status}`);
  const cookie = cookies(res);
  const form = await (await fetch(`${origin}/tickets/new`, { headers: { cookie } })).text();
  const token = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? /_csrf=([^"&]+)/.exec(form)?.[1] ?? '';
  return { cookie, csrf: decodeURIComponent(token) };
}

interface Figures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  unexpected: number;
}

async function load(o: autocannon.Options, expected: number): Promise<Figures> {
  const r = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...o });
  const good = r.statusCodeStats?.[`${expected}`]?.count ?? 0;
  return {
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    unexpected: r.requests.total - good + r.errors,
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const url = await freshDb();
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    SECRET: 'bench-secret-bench-secret-bench-secret-00',
    REDIS_PREFIX: `izbench:${process.pid}`,
    PORT: '0',
    API_RATE_PER_MINUTE: '100000000',
    UPLOADS_PER_IP: '1000',
    AGENT_FOLLOWUP_MAIL_DELAY_SECONDS: '0',
  });
  const s = await connectServices(config, createLogger('silent'));
  await migrate(s.db);
  const hash = await hashPassword(PASSWORD);
  const [company] = await s.db('companies').insert({ name: 'Bench company' }).returning('id');
  const [service] = await s
    .db('services')
    .insert({ company_id: company.id, name: 'Fibra bench' })
    .returning('id');
  const [customer, admin] = await s
    .db('users')
    .insert(
      (['customer', 'admin'] as const).map((role) => ({
        email: `${role}@api.bench`,
        name: `Bench ${role}`,
        role,
        company_id: role === 'customer' ? company.id : null,
        password_hash: hash,
        must_change_password: false,
      })),
    )
    .returning('*');
  const draft = (i: number) => ({
    type: 'incident',
    category: 'total_outage',
    urgency: 'medium',
    serviceId: service.id as number,
    title: `Bench ticket ${i}`,
    description: 'The line drops every evening.',
  });
  for (let i = 0; i < TICKETS; i++) await openTicket(s.app, actorOf(customer), { draft: draft(i) });
  const { token } = await createApiToken(s.app, actorOf(admin), {
    name: 'bench',
    scopes: ['read', 'tickets:write'],
  });
  await s.db.raw('analyze');

  const server = createWebServer(s, { health: {} }).listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const asCustomer = await signIn(origin, customer.email);
    const asAdmin = await signIn(origin, admin.email);
    const bearer = { authorization: `Bearer ${token}` };
    const apiBody = JSON.stringify({ requesterId: customer.id, ...draft(-1) });
    const boundary = 'izardeskbench';
    const fields = { ...draft(-1), serviceId: String(service.id) };
    const webBody = `${Object.entries(fields)
      .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
      .join('')}--${boundary}--\r\n`;
    const scenarios = {
      createApi: () =>
        load(
          {
            url: `${origin}/api/v1/tickets`,
            method: 'POST',
            headers: { ...bearer, 'content-type': 'application/json' },
            body: apiBody,
          },
          201,
        ),
      createWeb: () =>
        load(
          {
            url: `${origin}/tickets/new?_csrf=${encodeURIComponent(asCustomer.csrf)}`,
            method: 'POST',
            headers: {
              cookie: asCustomer.cookie,
              'content-type': `multipart/form-data; boundary=${boundary}`,
            },
            body: webBody,
          },
          303,
        ),
      listApi: () => load({ url: `${origin}/api/v1/tickets?limit=25`, headers: bearer }, 200),
      listWeb: () => load({ url: `${origin}/agent`, headers: { cookie: asAdmin.cookie } }, 200),
    };
    // Warm-up (JIT, pools) of each, then the measured runs.
    for (const f of Object.values(scenarios)) await f();
    const figures: Record<string, Figures> = {};
    for (const [name, f] of Object.entries(scenarios)) figures[name] = await f();
    const ratio = (a: Figures | undefined, b: Figures | undefined) =>
      a && b ? +(a.requestsPerSecond / b.requestsPerSecond).toFixed(2) : null;
    return {
      ticketsSeeded: TICKETS,
      connections: CONNECTIONS,
      durationSeconds: DURATION_S,
      ...figures,
      apiToWebThroughput: {
        create: ratio(figures.createApi, figures.createWeb),
        list: ratio(figures.listApi, figures.listWeb),
      },
    };
  } finally {
    server.closeAllConnections();
    server.close();
    await s.close();
  }
}
