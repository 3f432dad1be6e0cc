import { hashPassword } from '../../src/app/accounts/passwords.js';
import { createDb, type Db, migrate } from '../../src/db/db.js';
import { must } from '../../tests/helpers/must.js';

/**
 * A help desk of BENCH_TICKETS tickets (1,000,000 unless set) for the benchmarks, built once, all in SQL with
 * generate_series, and reused by later runs: `izardesk_bench_1m` on the machine's Postgres (BENCH_PG_URL), or
 * `izardesk_bench_<n>` for another size (so a small trial never replaces the big one).
 *
 * Shape, scaled on the number of tickets (at 1,000,000): 20,000 companies with 1–3 connections each (zone,
 * access node, exchange, technology, postcode), 50,000 customers, 50 agents in five teams, a year of tickets.
 * The first customer (BENCH_CUSTOMER) has exactly BENCH_CUSTOMER_TICKETS tickets; the rest are spread over
 * everyone else. Each ticket lives a timeline drawn from log-uniform delays (first answer 3 min–50 h, resolution
 * 20 min–10 days with a few stuck ones, closing by the customer within 3 days or automatically after 7); its
 * status is where that timeline stands today, so old tickets are closed and the open ones are recent. Teams
 * follow the category, SLA dues the policies of the SLA migration (business hours stretched to wall-clock time
 * by their average ratio), the first answer and the solution are staff follow-ups (with some customer replies
 * and private notes), and about a fifth of closed tickets has a satisfaction answer. No ticket history rows.
 */
export const BENCH_TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
if (!Number.isInteger(BENCH_TICKETS) || BENCH_TICKETS < 1000)
  throw new Error(`BENCH_TICKETS: a whole number of at least 1000, not ${process.env.BENCH_TICKETS}`);
export const BENCH_DB = BENCH_TICKETS === 1_000_000 ? 'izardesk_bench_1m' : `izardesk_bench_${BENCH_TICKETS}`;
export const BENCH_CUSTOMER_TICKETS = Math.min(2_000, Math.floor(BENCH_TICKETS / 10));
export const BENCH_CUSTOMER = 'bench-customer@izarlink.bench';
export const BENCH_AGENT = 'bench-agent@izarlink.bench';
export const BENCH_PASSWORD = 'bench-password-2026';
export const HISTORY_DAYS = 365;
/** The teams, and the two the bench agent belongs to ("my teams" in the queue). */
export const BENCH_TEAMS = ['Técnico', 'Redes', 'Facturación', 'Empresas', 'Atención al cliente'];
export const BENCH_AGENT_TEAMS = ['Técnico', 'Empresas'];
const SEED_VERSION = 2;

const base = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export function benchDbUrl(): string {
  const u = new URL(base);
  u.pathname = `/${BENCH_DB}`;
  return u.toString();
}

export interface MillionDb {
  url: string;
  tickets: number;
  customerId: number;
  built: boolean;
  seconds: number;
}

/** Returns the benchmark database, building it first when missing, incomplete or of an older seed. */
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
        const meta = await db
          .raw('select version, customer_id, tickets from bench_meta limit 1')
          .catch(() => null);
        const row = meta?.rows[0];
        if (row && row.version === SEED_VERSION && Number(row.tickets) === BENCH_TICKETS) {
          await migrate(db); // newer migrations of the code under test
          const customerId = Number(row.customer_id);
          return { url, tickets: BENCH_TICKETS, customerId, built: false, seconds: 0 };
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
  // One connection: the session settings and temporary tables below live on it.
  const db = createDb(url, 1);
  try {
    await migrate(db);
    const customerId = await seedHelpdesk(db, log);
    await db.raw('create table bench_meta (version int not null, customer_id bigint not null, tickets int)');
    await db('bench_meta').insert({ version: SEED_VERSION, customer_id: customerId, tickets: BENCH_TICKETS });
    const seconds = (Date.now() - started) / 1000;
    log(`built in ${seconds.toFixed(1)} s`);
    return { url, tickets: BENCH_TICKETS, customerId, built: true, seconds };
  } finally {
    await db.destroy();
  }
}

/** log-uniform minutes between lo and hi from a uniform draw r (SQL). */
const logUniform = (r: string, lo: number, hi: number) => `exp(ln(${lo}) + ${r} * ln(${hi / lo}))`;

async function seedHelpdesk(db: Db, log: (line: string) => void): Promise<number> {
  const n = BENCH_TICKETS;
  const companies = Math.max(200, Math.round(n / 50));
  const agents = Math.max(10, Math.round(n / 20_000));
  const hash = await hashPassword(BENCH_PASSWORD);
  await db.raw('select setseed(0.1516)');
  await db.raw("set session_replication_role = 'replica'"); // bulk load: no per-row triggers
  await db.raw(
    `insert into companies (name, code)
     select 'Empresa ' || g || ' ' || (array['S.L.','S.A.','SARL','Ltd','Coop.'])[1 + g % 5], 'C' || g
     from generate_series(1, ?) g`,
    [companies],
  );
  await db.raw(`insert into services (company_id, name, circuit_id, address, access_node, zone, exchange,
                                      technology, postcode)
    select c.id, (array['Fibra 1 Gbps','Fibra 600 Mbps','Radioenlace respaldo'])[k], 'FTTH-' || c.id || '-' || k,
           'Calle ' || c.id || ', ' || k, 'OLT-' || z || '-' || c.id % 4, 'Zona-' || z, 'Central-' || z % 12,
           case when k = 3 then 'radio' when c.id % 10 = 0 then 'vdsl' else 'ftth' end, (28000 + z * 10)::text
    from companies c
    cross join lateral generate_series(1, 1 + (c.id % 3)::int) k
    cross join lateral (select 1 + (hashint4(c.id::int) & 2147483647) % 40 as z) zz`);
  const first = Number(must(await db('companies').min({ id: 'id' }).first()).id);
  await db.raw(
    `insert into users (company_id, email, name, role, password_hash, must_change_password, language)
     select c.id, case when c.id = ? and k = 1 then ? else 'customer-' || c.id || '-' || k || '@izarlink.bench' end,
            (array['Lucía','Jean','Mary','Íñigo','Zoé','Pedro','Amélie','John'])[1 + (c.id + k) % 8] || ' ' ||
            (array['Martín','Dupont','Smith','Zubizarreta','Lefèvre','García','Moreau','Brown'])[1 + (c.id * k) % 8],
            'customer', case when c.id = ? and k = 1 then ? end, false,
            (array['es','es','es','es','es','es','es','en','fr','en'])[1 + (c.id * 7 + k) % 10]
     from companies c cross join lateral generate_series(1, 1 + (c.id % 4)::int) k order by c.id, k`,
    [first, BENCH_CUSTOMER, first, hash],
  );
  await db.raw(
    `insert into users (email, name, role, password_hash, must_change_password, page_size)
     select case when g = 1 then ? else 'agent-' || g || '@izarlink.bench' end, 'Agente ' || g, 'agent', ?, false, 25
     from generate_series(1, ?) g`,
    [BENCH_AGENT, hash, agents],
  );
  const customerId = Number(must(await db('users').where({ email: BENCH_CUSTOMER }).first('id')).id);

  // Teams: agent k in team 1 + (k - 1) % 5, every third agent in a second one, the bench agent in its two.
  await db.raw('insert into teams (name) select unnest(?::text[]) on conflict (name) do nothing', [
    BENCH_TEAMS,
  ]);
  await db.raw(
    `with a as (select id, row_number() over (order by id) as k from users where role = 'agent'),
          t as (select id, array_position(?::text[], name) as n, name from teams where name = any(?::text[]))
     insert into team_members (team_id, user_id, is_lead)
     select t.id, a.id, false from a join t
       on t.n = 1 + (a.k - 1) % 5 or (a.k % 3 = 0 and t.n = 1 + a.k % 5) or (a.k = 1 and t.name = any(?::text[]))`,
    [BENCH_TEAMS, BENCH_TEAMS, BENCH_AGENT_TEAMS],
  );
  await db.raw(`update team_members m set is_lead = true
    where (team_id, user_id) in (select team_id, min(user_id) from team_members group by team_id)`);

  log('drawing the tickets');
  await db.raw(
    `create temp table pick_customers as
     select array_agg(id order by id) as ids from users where role = 'customer' and id <> ?`,
    [customerId],
  );
  await db.raw(`create temp table pick_services as
    select company_id, array_agg(id order by id) as ids from services group by company_id`);
  await db.raw(`create temp table pick_agents as
    select team_id, array_agg(user_id order by user_id) as ids from team_members group by team_id
    union all select null, array_agg(id order by id) from users where role = 'agent'`);
  await db.raw(
    `create temp table life as
     select g, case when g <= ? then ? else pc.ids[1 + floor(random() * cardinality(pc.ids))::int] end as requester_id,
            now() - random() * make_interval(days => ?) as created_at,
            random() as r1, random() as r2, random() as r3, random() as r4, random() as r5,
            random() as r6, random() as r7, random() as r8, random() as r9, random() as r10
     from generate_series(1, ?) g cross join pick_customers pc`,
    [BENCH_CUSTOMER_TICKETS, customerId, HISTORY_DAYS, n],
  );
  // The timeline and the routing of each ticket.
  await db.raw(`create temp table tl as
    select l.g, l.requester_id, u.company_id, l.created_at, l.r9,
           case when l.r1 < 0.25 then null else ps.ids[1 + l.g % cardinality(ps.ids)] end as service_id,
           x.type, x.category,
           case when x.type = 'incident' then case when l.r4 < 0.3 then 'high' else 'medium' end end as urgency,
           l.created_at + ${logUniform('l.r5', 3, 3000)} * interval '1 minute' as answered_at,
           l.created_at + (${logUniform('l.r5', 3, 3000)} + ${logUniform('l.r6', 20, 15000)}
                           * case when l.r7 < 0.02 then 6 else 1 end) * interval '1 minute' as resolved_at,
           case when l.r8 < 0.6 then ${logUniform('l.r8 / 0.6', 10, 4320)} else 10080 end as close_minutes,
           case when u.company_id % 9 = 0 and l.r10 < 0.7 then 'Empresas'
                when x.category in ('total_outage', 'slowness', 'packet_loss')
                  then case when l.r10 < 0.45 then 'Redes' when l.r10 < 0.94 then 'Técnico' end
                when x.category in ('performance', 'technical')
                  then case when l.r10 < 0.85 then 'Técnico' when l.r10 < 0.94 then 'Empresas' end
                when x.category = 'administrative.billing' then case when l.r10 < 0.9 then 'Facturación' end
                else case when l.r10 < 0.6 then 'Atención al cliente' when l.r10 < 0.9 then 'Facturación' end
           end as team
    from life l
    join users u on u.id = l.requester_id
    left join pick_services ps on ps.company_id = u.company_id
    cross join lateral (select case when l.r2 < 0.65 then 'incident' else 'request' end as type,
      case when l.r2 < 0.65
           then (array['total_outage','slowness','slowness','packet_loss','performance'])[1 + floor(l.r3 * 5)::int]
           else (array['technical','administrative.billing','administrative.billing','administrative.information',
                       'administrative.modification'])[1 + floor(l.r3 * 5)::int] end as category) x`);
  await db.raw('drop table life');

  const indexes: { indexdef: string; indexname: string }[] = (
    await db.raw(`select i.indexname, i.indexdef from pg_indexes i
      where i.tablename in ('tickets', 'followups') and i.schemaname = current_schema()
        and not exists (select 1 from pg_constraint c
                        where c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`)
  ).rows;
  for (const i of indexes) await db.raw(`drop index ${i.indexname}`);

  log('inserting tickets');
  // Business-hours policies: 45 open hours a week stretch a business minute to 168/45 wall-clock minutes.
  await db.raw(`insert into tickets (id, type, category, urgency, service_id, priority, title, description, status,
      requester_id, company_id, assignee_id, team_id, source, solution, created_at, updated_at, resolved_at,
      closed_at, sla_policy_id, first_answer_due_at, first_answer_warn_at, first_answered_at, resolution_due_at,
      resolution_warn_at, sla_due_at, sla_paused_at, search)
    select s.g, s.type, s.category, s.urgency, s.service_id,
           case s.urgency when 'high' then 2 when 'medium' then 3 else 4 end,
           s.title, s.description, s.status, s.requester_id, s.company_id,
           case when s.status <> 'new' then pa.ids[1 + s.g % cardinality(pa.ids)] end,
           tm.id, case when s.g % 20 < 9 then 'email' else 'web' end,
           case when s.resolved then 'Reiniciado el puerto de la OLT: el servicio está restablecido.' end,
           s.created_at,
           case s.status when 'closed' then s.closed_at when 'resolved' then s.resolved_at
                when 'new' then s.created_at else s.answered_at end,
           case when s.resolved then s.resolved_at end,
           case when s.status = 'closed' then s.closed_at end,
           p.id, s.created_at + s.fa_wall, s.created_at + s.fa_wall * p.warn_percent / 100,
           case when s.status <> 'new' then s.answered_at end,
           s.created_at + s.res_wall, s.created_at + s.res_wall * p.warn_percent / 100,
           case when s.status = 'new' then s.created_at + s.fa_wall
                when s.status = 'in_progress' then s.created_at + s.res_wall end,
           case s.status when 'pending' then least(now(), s.answered_at + interval '30 minutes')
                when 'resolved' then s.resolved_at when 'closed' then s.closed_at end,
           izd_tsv(concat_ws(' ', s.title, s.description, u.name, c.name))
    from (
      select tl.*, st.status, st.status in ('resolved', 'closed') as resolved,
             tl.resolved_at + tl.close_minutes * interval '1 minute' as closed_at,
             (array['Sin conexión en la oficina','Internet muy lento','Cortes intermitentes','Factura duplicada',
                    'Cambio de tarifa'])[1 + tl.g % 5] || ' ' || tl.g as title,
             'Ticket de prueba número ' || tl.g as description,
             pol.fa_minutes * pol.ratio * interval '1 minute' as fa_wall,
             pol.res_minutes * pol.ratio * interval '1 minute' as res_wall, pol.policy
      from tl
      cross join lateral (select case
          when tl.resolved_at + tl.close_minutes * interval '1 minute' <= now() then 'closed'
          when tl.resolved_at <= now() then 'resolved'
          when tl.answered_at <= now() then case when tl.r9 < 0.3 then 'pending' else 'in_progress' end
          else 'new' end as status) st
      left join lateral (select p.id as policy, p.first_answer_minutes as fa_minutes,
                                 p.resolution_minutes as res_minutes,
                                 (case when cal.always_open then 1 else 168.0 / 45 end)::float8 as ratio
        from sla_policies p join sla_calendars cal on cal.id = p.calendar_id
        where p.name = case when tl.type = 'request' then 'Solicitud'
                            when tl.category = 'total_outage' then 'Corte total (24/7)'
                            when tl.urgency = 'high' then 'Incidencia urgente' else 'Incidencia' end) pol on true
    ) s
    left join sla_policies p on p.id = s.policy
    join users u on u.id = s.requester_id
    join companies c on c.id = s.company_id
    left join teams tm on tm.name = s.team
    join pick_agents pa on pa.team_id is not distinct from tm.id`);
  const inserted = Number(must(await db('tickets').count({ n: '*' }).first()).n);
  if (inserted !== n) throw new Error(`seed: ${inserted} tickets inserted of ${n}`);
  if (await db('tickets').whereNull('sla_policy_id').first('id'))
    throw new Error(
      'seed: tickets without an SLA policy (were the policies of migration 20261203_170 renamed?)',
    );
  await db.raw("select setval(pg_get_serial_sequence('tickets', 'id'), (select max(id) from tickets))");
  await db.raw('drop table tl');

  log('inserting follow-ups and satisfaction answers');
  await db.raw(`insert into followups (ticket_id, author_id, kind, visibility, body, source, created_at)
    select id, assignee_id, 'comment', 'public',
           'Hola, estamos revisando su línea; le contamos en cuanto sepamos algo.', 'web', first_answered_at
    from tickets where first_answered_at is not null
    union all
    select id, requester_id, 'comment', 'public', 'Gracias, sigue igual desde esta mañana.', 'email',
           first_answered_at + (coalesce(resolved_at, now()) - first_answered_at) / 2
    from tickets where first_answered_at is not null and id % 10 < 3
    union all
    select id, assignee_id, 'comment', 'private', 'Revisado el puerto en la OLT: sin alarmas.', 'web',
           least(now(), first_answered_at + interval '5 minutes')
    from tickets where first_answered_at is not null and id % 10 = 7
    union all
    select id, assignee_id, 'solution', 'public', solution, 'web', resolved_at
    from tickets where resolved_at is not null`);
  await db.raw(`insert into satisfaction (ticket_id, user_id, score, comment, answered_at, updated_at)
    select id, requester_id,
           case when r < 0.08 then 1 when r < 0.14 then 2 when r < 0.26 then 3 when r < 0.52 then 4 else 5 end,
           case when r2 < 0.3 then (array['Muy rápidos, gracias','Tardaron en contestar','Perfecto',
                                          'Sigue fallando a veces'])[1 + floor(r2 * 13)::int] end,
           at, at
    from (select id, requester_id, random() as r, random() as r2,
                 closed_at + random() * interval '2 days' as at
          from tickets where status = 'closed' and random() < 0.22) x
    where at <= now()`);

  log('indexing');
  await db.raw("set session_replication_role = 'origin'");
  await db.raw("set maintenance_work_mem = '512MB'");
  for (const i of indexes) await db.raw(i.indexdef);
  for (const t of ['tickets', 'followups', 'satisfaction', 'users', 'companies', 'services', 'team_members'])
    await db.raw(`vacuum analyze ${t}`);
  return customerId;
}
