import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { hashPassword } from '../src/app/accounts/passwords.js';
import { actorOf } from '../src/app/actor.js';
import { declareIncident } from '../src/app/incidents/declare.js';
import { resolveIncident } from '../src/app/incidents/resolve-incident.js';
import { loadConfig } from '../src/config/config.js';
import { createDb, type Db, migrate } from '../src/db/db.js';
import { createLogger } from '../src/infra/logger.js';
import { queueIncidentResolve } from '../src/jobs/incident-resolve.js';
import { sampleData } from '../src/outbound/samples.js';
import { compileTemplates } from '../src/outbound/templates.js';
import { connectServices } from '../src/runtime/services.js';
import { startDovecot } from '../tests/helpers/dovecot.js';
import { appendRaw, buildMail, imapClient } from '../tests/helpers/imap.js';
import { must } from '../tests/helpers/must.js';
import { startCapturingSmtp } from '../tests/helpers/smtp.js';
import { type Round, rawSender } from './lib/raw-sender.js';
import { getPage, signIn, startServer } from './lib/web.js';
import { percentile } from './soak/stats.js';

/**
 * A network outage (issue 16) against `izardesk start` in its own process, on a fresh database, a private
 * Dovecot and a local SMTP sink. A major incident is declared over a zone; OUTAGE_CUSTOMERS (5,000) customers of
 * that zone each write one mail ("no tengo internet", in their language), APPENDed evenly within OUTAGE_WINDOW_S
 * (60) seconds; once every acknowledgement is out, the incident is resolved once. Meanwhile a customer of the zone
 * reloads her ticket list every OUTAGE_PROBE_EVERY_MS (50) ms. Targets, each with its `ok`:
 * - mail → linked ticket (APPEND start → the inbound record committed, seen by a 50 ms poll) p99 < 2 s, and
 *   every mail a new ticket linked to the incident;
 * - the acknowledgements at >= 70% of the raw send rate, measured from the first ticket to the last
 *   acknowledgement; they cannot go out before their tickets exist, so when the customers write more slowly than
 *   that, the rate the tickets were opened at is the ceiling instead;
 * - the solution mails, from the resolve to the last one sent, at >= 70% of the raw send rate;
 * - the portal list p99 < 100 ms during both (its figures over the whole run, raw rounds included, as context).
 * The raw send rate: raw nodemailer (lib/raw-sender.ts) in a process of its own, as the product's sender is,
 * to the same sink, measured before, between and after (the median).
 */
const CUSTOMERS = Number(process.env.OUTAGE_CUSTOMERS ?? 5000);
const WINDOW_S = Number(process.env.OUTAGE_WINDOW_S ?? 60);
const PROBE_EVERY_MS = Number(process.env.OUTAGE_PROBE_EVERY_MS ?? 50);
const IMAP_CONNECTIONS = 4;
const ZONE = 'VLL-Norte';
const DOMAIN = 'zone.outage.bench';
const PROBE = 'probe@outage.bench';
const PASSWORD = 'bench-password-16';
const PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TARGETS = { mailToTicketP99Ms: 2000, shareOfRaw: 0.7, portalListP99Ms: 100 };

// The raw sender's process: one round of `n` mails per message from the parent.
const rawChildSmtp = process.env.OUTAGE_RAW_CHILD;
if (rawChildSmtp) {
  const config = loadConfig({ NODE_ENV: 'test' });
  const { html, text } = (await compileTemplates(config)).render(
    'ticket-resolved',
    sampleData(config, 'ticket-resolved', 'es'),
  );
  const raw = rawSender(config, rawChildSmtp, html, text);
  await raw.round(300); // warm: JIT and pool
  process.on('message', (m: { n?: number }) => {
    if (m.n) void raw.round(m.n).then((r) => process.send?.(r));
  });
  process.once('SIGTERM', () => {
    raw.close();
    process.exit(0);
  });
  process.send?.({ ready: true });
}

const LANGS = ['es', 'es', 'es', 'es', 'es', 'es', 'es', 'en', 'fr', 'en'] as const;
const SUBJECT = { es: 'No tengo internet', en: 'Internet is down', fr: "Plus d'internet depuis ce matin" };
const TEXT = {
  es: 'Hola, desde hace un rato no tenemos conexión en la oficina. ¿Sabéis algo?',
  en: 'Hello, our office connection dropped a while ago. Is there a known problem?',
  fr: 'Bonjour, plus de connexion au bureau depuis un moment. Un problème connu ?',
};

const ms = (x: number) => Math.round(x);
const share = (x: number) => +x.toFixed(3);
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

async function until<T>(what: string, check: () => Promise<T | false>, timeoutMs: number, everyMs = 250) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== false) return v;
    if (Date.now() > end) throw new Error(`outage bench: timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const latencies = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50Ms: ms(percentile(s, 50)), p99Ms: ms(percentile(s, 99)), maxMs: ms(s.at(-1) ?? 0) };
};

/** The customers of the zone (one company and one connection each), some elsewhere, an agent, the prober. */
async function seed(db: Db): Promise<{ agentId: number }> {
  const others = Math.max(100, Math.round(CUSTOMERS / 5));
  await db.raw(
    `insert into companies (name, code)
     select 'Cliente zona ' || g, 'Z' || g from generate_series(1, ?) g
     union all select 'Cliente ' || g, 'O' || g from generate_series(1, ?) g
     union all select 'Oficina del probador', 'PROBE'`,
    [CUSTOMERS, others],
  );
  await db.raw(
    `insert into services (company_id, name, circuit_id, access_node, zone, technology, postcode)
     select id, 'Fibra 600 Mbps', 'FTTH-' || code,
            case when code like 'O%' then 'OLT-SUR-' || id % 4 else 'OLT-NORTE-' || id % 4 end,
            case when code like 'O%' then 'VLL-Sur' else ? end, 'ftth', '47010'
     from companies`,
    [ZONE],
  );
  await db.raw(
    `insert into users (company_id, email, name, role, must_change_password, language)
     select id, case when code like 'Z%' then 'cliente-' || substr(code, 2) || '@${DOMAIN}'
                     else 'cliente-' || lower(code) || '@outage.bench' end,
            'Cliente ' || code, 'customer', false,
            (array[${LANGS.map((l) => `'${l}'`).join(',')}])[1 + id % ${LANGS.length}]
     from companies where code <> 'PROBE'`,
  );
  const hash = await hashPassword(PASSWORD);
  const probeCompany = must(await db('companies').where({ code: 'PROBE' }).first('id')).id;
  const [probe] = await db('users')
    .insert({
      company_id: probeCompany,
      email: PROBE,
      name: 'Probadora',
      role: 'customer',
      password_hash: hash,
      must_change_password: false,
    })
    .returning('id');
  // Her history: two pages of older tickets.
  await db.raw(
    `insert into tickets (type, category, urgency, priority, title, description, status, requester_id,
                          company_id, source, created_at, updated_at, resolved_at, closed_at)
     select 'incident', 'slowness', 'medium', 3, 'Lentitud ' || g, 'Ticket anterior ' || g, 'closed', ?, ?, 'web',
            now() - g * interval '5 days', now() - g * interval '5 days' + interval '2 days',
            now() - g * interval '5 days' + interval '1 day', now() - g * interval '5 days' + interval '2 days'
     from generate_series(1, 40) g`,
    [probe.id, probeCompany],
  );
  const [agent] = await db('users')
    .insert({ email: 'agente@outage.bench', name: 'Agente', role: 'agent', must_change_password: false })
    .returning('id');
  await db.raw('analyze');
  return { agentId: agent.id };
}

/** One round of the raw sender's process. */
function rawRound(child: ChildProcess, n: number): Promise<Round> {
  return new Promise((resolve) => {
    const on = (m: Partial<Round>) => {
      if (m.perSecond === undefined) return;
      child.off('message', on);
      resolve(m as Round);
    };
    child.on('message', on);
    child.send({ n });
  });
}

export async function run(): Promise<Record<string, unknown>> {
  const name = `izb_outage_${randomBytes(4).toString('hex')}`;
  const admin = createDb(PG, 1);
  await admin.raw(`create database ${name}`);
  const url = new URL(PG);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const dovecot = await startDovecot();
  const smtp = await startCapturingSmtp({ keepRaw: false });
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const setup = createDb(dbUrl, 1);
    await migrate(setup);
    const { agentId } = await seed(setup);
    await setup.destroy();

    const env = {
      DATABASE_URL: dbUrl,
      REDIS_PREFIX: `izb-outage-${randomBytes(4).toString('hex')}`,
      SECRET: 'bench-secret-bench-secret-bench-secret-16',
      SMTP_URL: smtp.url,
      // The relay's own limit is a setting of each installation; here the sending itself is measured.
      SMTP_MAX_PER_SECOND: '100000',
      IMAP_POLL_SECONDS: '60',
      ...dovecot.env,
    };
    const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'error', ...env });
    const s = await connectServices(config, createLogger('error'));
    cleanups.push(() => s.close());
    const db = s.db;

    const raw = fork(import.meta.filename, [], {
      env: { ...process.env, OUTAGE_RAW_CHILD: smtp.url },
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    cleanups.push(async () => {
      if (raw.exitCode !== null) return;
      const gone = new Promise((r) => raw.once('exit', r));
      raw.kill('SIGTERM');
      await gone;
    });
    await new Promise<void>((resolve, reject) => {
      raw.once('message', () => resolve());
      raw.once('exit', (code) => reject(new Error(`raw sender exited with ${code}`)));
    });
    const rawRounds: Round[] = [await rawRound(raw, CUSTOMERS)];

    const server = await startServer('start', env);
    cleanups.unshift(() => server.stop());
    // The ingest is watching once a first mail (an ordinary question, not an outage) is recorded.
    await appendRaw(dovecot, [
      buildMail({ from: PROBE, subject: 'Consulta de factura', messageId: '<warm@outage.bench>' }),
    ]);
    await until(
      'the warm-up mail',
      async () =>
        Boolean(await db('inbound_mails').where({ message_id: 'warm@outage.bench' }).first('id')) || false,
      120_000,
    );
    const cookie = await signIn(server.base, PROBE, PASSWORD);
    const list = await getPage(server.base, '/tickets', cookie);
    const rowsShown = (list.match(/class="ref"/g) ?? []).length;
    if (rowsShown < 20) throw new Error(`portal list shows ${rowsShown} rows`);

    // The portal, reloaded by a customer of the zone all along.
    const probes: { at: number; ms: number }[] = [];
    let probeErrors = 0;
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const t0 = performance.now();
        const res = await fetch(`${server.base}/tickets`, { headers: { cookie } }).catch(() => null);
        await res?.text().catch(() => '');
        const took = performance.now() - t0;
        if (res?.status === 200) probes.push({ at: Date.now(), ms: took });
        else probeErrors++;
        await sleep(Math.max(0, PROBE_EVERY_MS - took));
      }
    })();

    const agent = actorOf(
      must(await db('users').where({ id: agentId }).first('id', 'role', 'company_id', 'is_company_manager')),
    );
    const incidentId = await declareIncident(s.app, agent, {
      title: { es: 'Corte de fibra en Valladolid norte', en: 'Fibre cut in north Valladolid' },
      description: { es: 'Unas obras han cortado el cable troncal.', en: 'Road works cut the trunk cable.' },
      scope: { zones: [ZONE] },
      public: true,
      estimatedEndAt: new Date(Date.now() + 3 * 3600_000),
    });

    // Each customer's mail, and when it was committed (a poll of the inbound records every 50 ms).
    const customers: { email: string; language: string }[] = await db('users')
      .where('email', 'like', `%@${DOMAIN}`)
      .orderBy('id')
      .select('email', 'language');
    const mails = customers.map((c, i) => {
      const lang = (c.language in SUBJECT ? c.language : 'es') as keyof typeof SUBJECT;
      return {
        id: `outage-${i}@bench.example`,
        raw: buildMail({
          from: c.email,
          subject: SUBJECT[lang],
          text: TEXT[lang],
          messageId: `<outage-${i}@bench.example>`,
        }),
      };
    });
    const committed = new Map<string, number>();
    let watching = true;
    let watchError: unknown = null;
    const watcher = (async () => {
      let floor = 0;
      while (watching) {
        const rows: { id: number; message_id: string | null; outcome: string }[] = await db('inbound_mails')
          .where('id', '>', floor)
          .orderBy('id')
          .select('id', 'message_id', 'outcome');
        const now = Date.now();
        let contiguous = true;
        for (const r of rows) {
          const done = r.outcome !== 'processing';
          if (done && r.message_id && !committed.has(r.message_id)) committed.set(r.message_id, now);
          if (contiguous && done) floor = r.id;
          else contiguous = false;
        }
        await sleep(50);
      }
    })().catch((err: unknown) => {
      watchError = err;
    });

    const appended = new Map<string, number>();
    const spacing = (WINDOW_S * 1000) / mails.length;
    const t0 = Date.now();
    let behindMs = 0;
    await Promise.all(
      Array.from({ length: IMAP_CONNECTIONS }, async (_, k) => {
        const imap = await imapClient(dovecot);
        try {
          for (let i = k; i < mails.length; i += IMAP_CONNECTIONS) {
            const m = mails[i] as (typeof mails)[number];
            const due = t0 + i * spacing;
            if (due > Date.now()) await sleep(due - Date.now());
            behindMs = Math.max(behindMs, Date.now() - due);
            appended.set(m.id, Date.now());
            await imap.append('INBOX', m.raw);
          }
        } finally {
          await imap.logout();
        }
      }),
    );
    const appendSeconds = (Date.now() - t0) / 1000;
    const phaseTimeout = WINDOW_S * 1000 + 15 * 60_000;
    await until(
      'every mail committed',
      async () => {
        if (watchError) throw watchError;
        return mails.every((m) => committed.has(m.id));
      },
      phaseTimeout,
    );
    watching = false;
    await watcher;
    const outcomes: { outcome: string; n: number }[] = await db('inbound_mails')
      .where('message_id', 'like', '%@bench.example')
      .groupBy('outcome')
      .select('outcome', db.raw('count(*)::int as n'));
    const newTickets = outcomes.find((o) => o.outcome === 'new_ticket')?.n ?? 0;
    const sent = (event: string) =>
      db('deliveries')
        .where({ event, status: 'sent' })
        .where('recipient', 'like', `%@${DOMAIN}`)
        .count<{ n: number }[]>({ n: '*' })
        .then((r) => Number(r[0]?.n ?? 0));
    await until(
      'every acknowledgement sent',
      async () => (await sent('ticket.created')) >= newTickets || false,
      phaseTimeout,
    );
    const ingestEnd = Date.now();

    const ingestLatency = latencies(
      mails.map((m) => (committed.get(m.id) ?? Number.NaN) - (appended.get(m.id) ?? 0)),
    );
    const seen = mails.map((m) => committed.get(m.id) ?? 0);
    const firstTicket = Math.min(...seen);
    const lastTicket = Math.max(...seen);
    const linked = Number(
      (await db('tickets').where({ major_incident_id: incidentId }).count<{ n: number }[]>({ n: '*' }))[0]?.n,
    );
    const acks = (
      await db.raw(
        `select extract(epoch from max(d.sent_at)) * 1000 as last,
                percentile_cont(0.5) within group (order by extract(epoch from d.sent_at - t.created_at)) * 1000 as p50,
                percentile_cont(0.99) within group (order by extract(epoch from d.sent_at - t.created_at)) * 1000 as p99
         from deliveries d join tickets t on t.id = d.ticket_id
         where d.event = 'ticket.created' and d.status = 'sent' and t.major_incident_id = ?`,
        [incidentId],
      )
    ).rows[0] as { last: number; p50: number; p99: number };
    const openedPerSecond = newTickets / Math.max(0.001, (lastTicket - firstTicket) / 1000);
    const acksPerSecond = newTickets / Math.max(0.001, (Number(acks.last) - firstTicket) / 1000);
    rawRounds.push(await rawRound(raw, CUSTOMERS));

    // One resolve: the job resolves every linked ticket, each with its solution mail.
    const resolveStart = Date.now();
    await resolveIncident(s.app, agent, incidentId, {
      es: 'Fibra empalmada: el servicio está restablecido.',
      en: 'The fibre is spliced: service is restored.',
      fr: 'La fibre est ressoudée : le service est rétabli.',
    });
    await queueIncidentResolve(s, incidentId);
    await until(
      'every solution mail sent',
      async () => (await sent('ticket.resolved')) >= linked || false,
      phaseTimeout,
    );
    const resolveEnd = Date.now();
    probing = false;
    await prober;
    const solutions = (
      await db.raw(
        `select extract(epoch from max(d.sent_at)) * 1000 as last,
                (select extract(epoch from max(resolved_at)) * 1000 from tickets where major_incident_id = ?) as resolved
         from deliveries d where d.event = 'ticket.resolved' and d.status = 'sent' and d.recipient like ?`,
        [incidentId, `%@${DOMAIN}`],
      )
    ).rows[0] as { last: number; resolved: number };
    const solutionsPerSecond = linked / Math.max(0.001, (Number(solutions.last) - resolveStart) / 1000);
    rawRounds.push(await rawRound(raw, CUSTOMERS));

    const rawRates = rawRounds.map((r) => r.perSecond);
    const rawPerSecond = [...rawRates].sort((a, b) => a - b)[1] as number;
    const during = (from: number, to: number) =>
      latencies(probes.filter((p) => p.at >= from && p.at <= to).map((p) => p.ms));
    const portal = {
      requests: probes.length,
      errors: probeErrors,
      duringIngest: during(t0, ingestEnd),
      duringResolve: during(resolveStart, resolveEnd),
      ...latencies(probes.map((p) => p.ms)),
    };
    const ackCeiling = Math.min(rawPerSecond, openedPerSecond);
    return {
      customers: CUSTOMERS,
      windowSeconds: WINDOW_S,
      probeEveryMs: PROBE_EVERY_MS,
      loadAverage: loadavg().map((l) => +l.toFixed(2)),
      targets: TARGETS,
      ok: {
        mailToLinkedTicket: ingestLatency.p99Ms < TARGETS.mailToTicketP99Ms,
        everyMailLinked: newTickets === CUSTOMERS && linked === CUSTOMERS,
        acknowledgements: acksPerSecond >= TARGETS.shareOfRaw * ackCeiling,
        solutions: solutionsPerSecond >= TARGETS.shareOfRaw * rawPerSecond,
        portalList:
          Math.max(portal.duringIngest.p99Ms, portal.duringResolve.p99Ms) < TARGETS.portalListP99Ms &&
          probeErrors === 0,
      },
      ingest: {
        appendSeconds: +appendSeconds.toFixed(1),
        appendBehindScheduleMaxMs: ms(behindMs),
        mailToLinkedTicket: ingestLatency,
        outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome, o.n])),
        ticketsLinked: linked,
        ticketsOpenedPerSecond: Math.round(openedPerSecond),
      },
      acknowledgements: {
        perSecond: Math.round(acksPerSecond),
        shareOfRaw: share(acksPerSecond / rawPerSecond),
        shareOfCeiling: share(acksPerSecond / ackCeiling),
        ticketToAcknowledgementMs: { p50Ms: ms(Number(acks.p50)), p99Ms: ms(Number(acks.p99)) },
      },
      solutions: {
        perSecond: Math.round(solutionsPerSecond),
        shareOfRaw: share(solutionsPerSecond / rawPerSecond),
        ticketsResolvedPerSecond: Math.round(
          linked / Math.max(0.001, (Number(solutions.resolved) - resolveStart) / 1000),
        ),
        seconds: +((Number(solutions.last) - resolveStart) / 1000).toFixed(1),
      },
      rawSend: {
        perSecond: rawPerSecond,
        perRound: rawRates,
        cpuMsPerMail: rawRounds.map((r) => r.cpuMsPerMail),
      },
      portalList: portal,
      mailsCaptured: smtp.messages.length,
    };
  } finally {
    for (const c of cleanups) await c().catch(() => {});
    await smtp.close();
    await dovecot.stop();
    await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.destroy();
  }
}
