import type { AddressInfo } from 'node:net';
import { hashPassword } from '../src/app/accounts/passwords.js';
import { actorOf } from '../src/app/actor.js';
import { openTicket } from '../src/app/tickets/open-ticket.js';
import { loadConfig } from '../src/config/config.js';
import { createDb, migrate } from '../src/db/db.js';
import { createLogger } from '../src/infra/logger.js';
import { connectServices } from '../src/runtime/services.js';
import { createWebServer } from '../src/web/server.js';

/**
 * Issue 11.9: one ticket with 10,000 follow-ups (1 in 1,000 a private note). Times and sizes of the customer
 * and agent ticket pages (newest page and the one before), and the process's memory after, with the server
 * in this process. Builds `izardesk_bench_ticket_pages` afresh (a few seconds). The follow-ups are inserted in
 * SQL with the search trigger off (through the use case, each would rewrite the ticket's search vector).
 */
const FOLLOWUPS = 10_000;
const RUNS = 20;
const DB = 'izardesk_bench_ticket_pages';
const PASSWORD = 'bench-password-2026';

const base = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function freshDb(): Promise<string> {
  const admin = createDb(base, 1);
  await admin.raw(`drop database if exists ${DB} with (force)`);
  await admin.raw(`create database ${DB}`);
  await admin.destroy();
  const u = new URL(base);
  u.pathname = `/${DB}`;
  return u.toString();
}

/** A cookie-keeping client that signs in through the login form. */
async function signIn(origin: string, email: string) {
  let cookie = '';
  const keep = (res: Response) => {
    const fresh = res.headers.getSetCookie().map((c) => c.split(';')[0]);
    if (fresh.length) cookie = fresh.join('; ');
  };
  const page = await fetch(`${origin}/login`);
  keep(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${origin}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password: PASSWORD }),
  });
  if (res.status !== 303) throw new Error(`login of ${email}: ${res.status}`);
  keep(res);
  return async (path: string) => {
    const t0 = performance.now();
    const r = await fetch(origin + path, { headers: { cookie }, redirect: 'manual' });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
    return { ms: performance.now() - t0, bytes: Buffer.byteLength(text), text };
  };
}

async function measure(get: Awaited<ReturnType<typeof signIn>>, path: string) {
  const ms: number[] = [];
  let bytes = 0;
  let text = '';
  for (let i = 0; i < RUNS; i++) {
    const r = await get(path);
    ms.push(r.ms);
    bytes = r.bytes;
    text = r.text;
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round((ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0) * 10) / 10;
  const earlier = /href="([^"]+\?before=\d+)#timeline"/.exec(text)?.[1] ?? null;
  return { p50Ms: at(0.5), p95Ms: at(0.95), bytes, earlier };
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
  });
  const s = await connectServices(config, createLogger('silent'));
  await migrate(s.db);
  const hash = await hashPassword(PASSWORD);
  const [company] = await s.db('companies').insert({ name: 'Bench company' }).returning('id');
  const users = await s
    .db('users')
    .insert(
      (['customer', 'agent'] as const).map((role) => ({
        email: `${role}@pages.bench`,
        name: `Bench ${role}`,
        role,
        company_id: role === 'customer' ? company.id : null,
        password_hash: hash,
        must_change_password: false,
      })),
    )
    .returning('*');
  const [customer, agent] = users;
  const { ticketId } = await openTicket(s.app, actorOf(customer), {
    draft: { type: 'request', category: 'technical', title: 'A long story', description: 'It began.' },
  });
  await s.db.transaction(async (trx) => {
    await trx.raw('alter table followups disable trigger followups_search');
    await trx.raw(
      `with f as (
         insert into followups (ticket_id, author_id, kind, visibility, body, source)
         select ?, case when g % 1000 = 500 then ?::bigint else ?::bigint end,
                case when g % 1000 = 500 then 'note' else 'comment' end,
                case when g % 1000 = 500 then 'private' else 'public' end,
                'Follow-up ' || g || ': ' || repeat('the line drops every evening. ', 8), 'web'
         from generate_series(1, ?) g order by g
         returning id, author_id, kind)
       insert into ticket_events (ticket_id, actor_id, kind, from_status, to_status, followup_id)
       select ?, author_id, case when kind = 'note' then 'note' else 'followup' end, 'new', 'new', id
       from f order by id`,
      [ticketId, agent.id, customer.id, FOLLOWUPS, ticketId],
    );
    await trx.raw('alter table followups enable trigger followups_search');
  });
  await s.db.raw('analyze');

  const server = createWebServer(s, { health: {} }).listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const asCustomer = await signIn(origin, customer.email);
    const asAgent = await signIn(origin, agent.email);
    const customerPage = await measure(asCustomer, `/tickets/${ticketId}`);
    const customerEarlier = await measure(asCustomer, customerPage.earlier ?? '');
    const agentPage = await measure(asAgent, `/agent/tickets/${ticketId}`);
    const agentEarlier = await measure(asAgent, agentPage.earlier ?? '');
    const drop = ({ earlier: _, ...f }: Awaited<ReturnType<typeof measure>>) => f;
    return {
      followups: FOLLOWUPS,
      runsPerPage: RUNS,
      customerPage: drop(customerPage),
      customerEarlierPage: drop(customerEarlier),
      agentPage: drop(agentPage),
      agentEarlierPage: drop(agentEarlier),
      rssMbAfter: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
  } finally {
    server.closeAllConnections();
    server.close();
    await s.close();
  }
}
