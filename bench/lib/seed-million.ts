import { hashPassword } from '../../src/app/accounts/passwords.js';
import { createDb, migrate } from '../../src/db/db.js';
import { must } from '../../tests/helpers/must.js';

/**
 * A database with 1,000,000 tickets for the benchmarks, built once (about a minute, all in SQL with
 * generate_series) and reused by later runs: `izardesk_bench_1m` on the machine's Postgres (BENCH_PG_URL).
 *
 * Shape: 1,000 companies with 2 services each, 10 customers per company, 20 agents. The first customer
 * (BENCH_CUSTOMER) has exactly 2,000 tickets; the other 998,000 are spread over everyone else. Statuses follow
 * a realistic mix (mostly closed) and updates are spread over two years.
 */
export const BENCH_DB = 'izardesk_bench_1m';
export const BENCH_TICKETS = 1_000_000;
export const BENCH_CUSTOMER_TICKETS = 2_000;
export const BENCH_CUSTOMER = 'bench-customer@izarlink.bench';
export const BENCH_AGENT = 'bench-agent@izarlink.bench';
export const BENCH_PASSWORD = 'bench-password-2026';
const SEED_VERSION = 1;

const base = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export function benchDbUrl(): string {
  const u = new URL(base);
  u.pathname = `/${BENCH_DB}`;
  return u.toString();
}

export interface MillionDb {
  url: string;
  customerId: number;
  built: boolean;
  seconds: number;
}

/** Returns the benchmark database, building it first when missing or incomplete. */
export async function ensureMillionDb(log: (line: string) => void = () => {}): Promise<MillionDb> {
  const started = Date.now();
  const admin = createDb(base, 1);
  const url = benchDbUrl();
  try {
    const exists =
      (await admin.raw('select 1 from pg_database where datname = ?', [BENCH_DB])).rows.length > 0;
    if (exists) {
      const db = createDb(url, 1);
      try {
        const meta = await db.raw('select version, customer_id from bench_meta limit 1').catch(() => null);
        const row = meta?.rows[0];
        if (row && row.version === SEED_VERSION) {
          await migrate(db); // newer migrations of the code under test
          return { url, customerId: Number(row.customer_id), built: false, seconds: 0 };
        }
      } finally {
        await db.destroy();
      }
      await admin.raw(`drop database ${BENCH_DB} with (force)`);
    }
    log(`building ${BENCH_DB} with ${BENCH_TICKETS} tickets`);
    await admin.raw(`create database ${BENCH_DB}`);
  } finally {
    await admin.destroy();
  }
  const db = createDb(url, 1);
  try {
    await migrate(db);
    const hash = await hashPassword(BENCH_PASSWORD);
    await db.transaction(async (trx) => {
      await trx.raw(
        `insert into companies (name) select 'Bench company ' || g from generate_series(1, 1000) g`,
      );
      await trx.raw(
        `insert into services (company_id, name, circuit_id)
         select c.id, 'Fibra ' || s, 'FTTH-' || c.id || '-' || s from companies c, generate_series(1, 2) s`,
      );
      await trx.raw(
        `insert into users (company_id, email, name, role, password_hash, must_change_password)
         select c.id, case when c.id = (select min(id) from companies) and n = 1 then ?
                            else 'customer-' || c.id || '-' || n || '@izarlink.bench' end,
                'Customer ' || c.id || '-' || n, 'customer', ?, false
         from companies c, generate_series(1, 10) n order by c.id, n`,
        [BENCH_CUSTOMER, hash],
      );
      await trx.raw(
        `insert into users (email, name, role, password_hash, must_change_password)
         select case when g = 1 then ? else 'agent-' || g || '@izarlink.bench' end, 'Agent ' || g, 'agent', ?, false
         from generate_series(1, 20) g`,
        [BENCH_AGENT, hash],
      );
    });
    const customerId = Number(must(await db('users').where({ email: BENCH_CUSTOMER }).first('id')).id);
    log('inserting tickets');
    // Ticket n belongs to the bench customer for n <= 2000, otherwise to a pseudo-random other customer.
    await db.raw(
      `with cust as (select array_agg(id order by id) ids from users where role = 'customer' and id <> ?),
            ag as (select array_agg(id order by id) ids from users where role = 'agent'),
            src as (
              select g,
                     case when g <= ? then ? else (select ids from cust)[1 + (hashint4(g) & 2147483647) % (select cardinality(ids) from cust)] end as requester,
                     (array['closed','closed','closed','closed','closed','closed','resolved','in_progress','pending','new'])[1 + (hashint4(g * 7) & 2147483647) % 10] as status,
                     now() - make_interval(secs => (hashint4(g * 13) & 2147483647) % 63072000) as updated
              from generate_series(1, ?) g)
       insert into tickets (type, category, urgency, service_id, priority, title, description, status,
                            requester_id, company_id, assignee_id, source, created_at, updated_at)
       select case when g % 3 = 0 then 'request' else 'incident' end,
              case when g % 3 = 0 then 'technical' else 'slowness' end,
              case when g % 3 = 0 then null else 'medium' end,
              null, 3,
              'Ticket ' || g || ' ' || (array['sin conexión','lentitud','factura','cambio de tarifa','cortes intermitentes'])[1 + g % 5],
              'Bench ticket number ' || g,
              status, requester, u.company_id,
              case when status = 'new' then null else (select ids from ag)[1 + g % 20] end,
              'web', updated - interval '2 days', updated
       from src join users u on u.id = src.requester`,
      [customerId, BENCH_CUSTOMER_TICKETS, customerId, BENCH_TICKETS],
    );
    await db.raw('analyze');
    await db.raw('create table bench_meta (version int not null, customer_id bigint not null)');
    await db('bench_meta').insert({ version: SEED_VERSION, customer_id: customerId });
    const seconds = (Date.now() - started) / 1000;
    log(`built in ${seconds.toFixed(1)} s`);
    return { url, customerId, built: true, seconds };
  } finally {
    await db.destroy();
  }
}
