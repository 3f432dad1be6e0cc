import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { SMTPServer } from 'smtp-server';
import type { AppContext } from '../src/app/context.js';
import { createDb } from '../src/db/db.js';
import { DEFAULT_CATALOG } from '../src/domain/catalog.js';
import { isAppError } from '../src/domain/errors.js';
import { formatReference } from '../src/domain/reference.js';
import { ensureBuilt } from '../tests/helpers/build.js';
import { must } from '../tests/helpers/must.js';
import { summarizeProfiles } from './lib/cpu-profile.js';
import { writeResult } from './lib/result.js';
import { driver, makeSoakUser, SOAK_PASSWORD, type SoakUser } from './soak/driver.js';
import { type Form, fillForm } from './soak/forms.js';
import { appendMail, type Mailbox, startMailbox } from './soak/mailbox.js';
import { metricValue, percentile, slope } from './soak/stats.js';
import { type Timed, WebSession } from './soak/web-client.js';

/**
 * Soak run: `izardesk start` on a fresh database with a capturing SMTP server and (when the ingest's
 * Dovecot helper is present) a private mailbox, under mixed load for SOAK_MINUTES (default 30):
 * customers opening tickets and following up on the web, replies by email, agents answering.
 * Samples memory every 10 s and writes docs/soak-report.md. Exits 1 when any error was seen.
 */
const root = join(import.meta.dirname, '..');
const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const customerCount = Number(process.env.SOAK_CUSTOMERS ?? 20);
const agentCount = Number(process.env.SOAK_AGENTS ?? 3);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 4);
const pauseMs = Number(process.env.SOAK_PAUSE_MS ?? 250);
const split = process.env.SOAK_SPLIT === '1';
const label = process.env.SOAK_LABEL ?? `${split ? 'split' : 'one-process'}-c${concurrency}-${minutes}min`;
const run = randomBytes(3).toString('hex');
const adminUrl = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (msg: string) => process.stdout.write(`soak: ${msg}\n`);

// ---- results ------------------------------------------------------------------------------------------
const timings: Timed[] = [];
const errors: string[] = [];
let conflicts = 0;
let limited = 0;
const record = (t: Timed) => {
  // Two agents on one ticket, or a customer answering a ticket just closed: the product says 409, as it should.
  if (t.conflict) conflicts++;
  // A random customer who posts more than FOLLOWUPS_PER_MINUTE follow-ups in a minute is told to wait.
  else if (t.limited) limited++;
  else timings.push(t);
  if (!t.ok && !t.conflict && !t.limited) errors.push(`${t.op}: ${t.detail ?? 'failed'}`);
};
const modes = new Map<string, Set<string>>(); // operation -> web | driver | email
const used = (op: string, mode: string) => modes.set(op, (modes.get(op) ?? new Set()).add(mode));
async function timed<T>(op: string, fn: () => Promise<T>): Promise<T | null> {
  const started = performance.now();
  try {
    const v = await fn();
    record({ op, ms: performance.now() - started, ok: true });
    return v;
  } catch (err) {
    const conflict = isAppError(err) && err.code === 'conflict';
    record({ op, ms: performance.now() - started, ok: false, conflict, detail: (err as Error).message });
    return null;
  }
}

// ---- infrastructure -----------------------------------------------------------------------------------
const freePort = async (): Promise<number> => {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
};

interface Captured {
  to: string;
  messageId: string;
  replyTo: string;
  subject: string;
}
const captured: Captured[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, done) {
    simpleParser(stream)
      .then((mail) => {
        for (const rcpt of session.envelope.rcptTo) {
          captured.push({
            to: rcpt.address.toLowerCase(),
            messageId: mail.messageId ?? '',
            replyTo: mail.replyTo?.value[0]?.address ?? '',
            subject: mail.subject ?? '',
          });
        }
        done();
      })
      .catch(done);
  },
});

const dbName = `izardesk_soak_${run}`;
const admin = createDb(adminUrl, 1);
await admin.raw(`create database ${dbName}`);
const dbUrl = (() => {
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
})();
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
const smtpPort = (smtp.server.address() as { port: number }).port;
const mailbox: Mailbox | null = await startMailbox(root);
const port = await freePort();
const supportAddress = 'support@soak.test';

const env: Record<string, string> = {
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'production',
  LOG_LEVEL: 'info',
  DATABASE_URL: dbUrl,
  REDIS_PREFIX: `soak:${run}`,
  SECRET: randomBytes(24).toString('hex'),
  // /metrics on the public port answers only this bearer.
  OPS_TOKEN: randomBytes(24).toString('hex'),
  HOST: '127.0.0.1',
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  SUPPORT_ADDRESS: supportAddress,
  MAIL_OUTBOX_DIR: join(root, 'var', `soak-${run}`),
  // Behind a reverse proxy, as an install is: each person comes from her own address (X-Forwarded-For), so the
  // per-address limits (uploads in flight, sign-in attempts) see 200 customers, not one address for all.
  TRUSTED_PROXIES: '127.0.0.1',
  ...(mailbox?.env ?? {}),
};
const base = `http://127.0.0.1:${port}`;
const logDir = join(root, 'var');
mkdirSync(logDir, { recursive: true });

let appLog = '';
const logErrors: string[] = [];
// The processes run dist/: compiled again first when a source is newer, so the report's commit is what ran.
ensureBuilt();
// SOAK_SPLIT=1: the web and the workers as separate processes (`serve` + `worker`), as a scaled-out install runs.
if (split)
  execFileSync(process.execPath, ['bin/izardesk.js', 'migrate'], { cwd: root, env, stdio: 'ignore' });
// SOAK_CPU_PROF=1: each process writes a CPU profile on exit; the report sums it (a few % of overhead).
const profDir = process.env.SOAK_CPU_PROF === '1' ? join(root, 'out', 'soak-prof', run) : null;
const nodeArgs = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
const child: ChildProcess = spawn(
  process.execPath,
  [...nodeArgs, 'bin/izardesk.js', split ? 'serve' : 'start'],
  {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
const workerChild: ChildProcess | null = split
  ? spawn(process.execPath, [...nodeArgs, 'bin/izardesk.js', 'worker'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  : null;
let exited: { code: number | null; at: number } | null = null;
child.once('exit', (code) => {
  exited = { code, at: Date.now() };
});
let workerExited: number | null = null;
workerChild?.once('exit', (code) => {
  workerExited = code ?? -1;
});
const onLog = (d: Buffer) => {
  const text = d.toString();
  appLog += text;
  for (const line of text.split('\n')) {
    // pino levels: 50 error, 60 fatal. Anything else on stderr is a crash or a warning of the runtime.
    if (/"level":(50|60)/.test(line)) logErrors.push(line.slice(0, 400));
  }
};
for (const c of [child, workerChild]) {
  c?.stdout?.on('data', onLog);
  c?.stderr?.on('data', (d: Buffer) => {
    onLog(d);
    const t = d.toString().trim();
    if (t && !t.startsWith('{')) logErrors.push(`stderr: ${t.slice(0, 400)}`);
  });
}
const started = Date.now();
while (!/web server listening/.test(appLog)) {
  if (exited) throw new Error(`izardesk start exited (${(exited as { code: number }).code}):\n${appLog}`);
  if (Date.now() - started > 60_000) throw new Error(`izardesk start did not listen:\n${appLog}`);
  await new Promise((r) => setTimeout(r, 100));
}
log(`izardesk start listening on ${base} (database ${dbName}${mailbox ? ', private Dovecot' : ''})`);

// ---- people ------------------------------------------------------------------------------------------
const db = createDb(dbUrl, 4);
const app: AppContext = { db, catalog: DEFAULT_CATALOG, ticketPrefix: 'IZL' };
const customers: SoakUser[] = [];
const agents: SoakUser[] = [];
for (let i = 1; i <= customerCount; i++) customers.push(await makeSoakUser(app, 'customer', i, run));
for (let i = 1; i <= agentCount; i++) agents.push(await makeSoakUser(app, 'agent', i, run));
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;

const sessions = new Map<number, WebSession>();
async function sessionOf(u: SoakUser): Promise<WebSession | null> {
  if (!portal) return null;
  let s = sessions.get(u.id);
  if (s) return s;
  s = new WebSession(base, record, `10.0.${u.id >> 8}.${u.id & 255}`);
  const page = await s.forms('web GET /login', '/login');
  const form = page.forms.find((f) => f.method === 'post' && f.fields.some((x) => x.type === 'password'));
  if (!form) throw new Error('login form not found');
  const res = await s.post(
    'web POST /login',
    form,
    fillForm(
      form,
      (_n, o) => o[0],
      (name, type) => (type === 'password' ? SOAK_PASSWORD : /mail|user|login/i.test(name) ? u.email : null),
    ),
  );
  if (res.status !== 303 && res.status !== 302) throw new Error(`login answered ${res.status}`);
  sessions.set(u.id, s);
  return s;
}

/** Which pages this build has: the portal (customers) and the agent pages. */
const probe = await fetch(`${base}/login`);
const portal = probe.status === 200 && /type="?password/i.test(await probe.text());
let agentPages = false;
if (portal && agents[0]) {
  const s = await sessionOf(agents[0]);
  const t = await driver.open(app, customers[0] as SoakUser, 'Probe ticket');
  const res = await s?.request('web GET /agent/tickets/:id', `/agent/tickets/${t}`);
  agentPages = res?.status === 200;
}
log(`portal pages: ${portal ? 'yes' : 'no'}; agent pages: ${agentPages ? 'yes' : 'no'}`);

// ---- operations --------------------------------------------------------------------------------------
/**
 * The form whose action path matches, on the page or on one of the page's own tabs (links to the same path
 * with a query, e.g. `?tab=followup`), as a person would click to it.
 */
async function findForm(s: WebSession, op: string, path: string, action: RegExp): Promise<Form | undefined> {
  const page = await s.forms(op, path);
  const match = (forms: Form[]) =>
    forms.find((f) => f.method === 'post' && action.test(new URL(f.action).pathname));
  const found = match(page.forms);
  if (found) return found;
  const tabs = [...page.html.matchAll(/href="([^"#]*)/g)]
    .map((m) => (m[1] ?? '').replace(/&amp;/g, '&'))
    .filter((href) => href.startsWith(`${path}?`));
  for (const href of [...new Set(tabs)].slice(0, 3)) {
    const tab = match((await s.forms(op, href)).forms);
    if (tab) return tab;
  }
  return undefined;
}

const incidentCategories = DEFAULT_CATALOG.types.incident?.categories ?? [];
const choose = (name: string, options: string[]) => {
  if (/type/i.test(name)) return options.includes('incident') ? 'incident' : options[0];
  if (/categor/i.test(name))
    return options.find((o) => incidentCategories.some((c) => o === c || o.endsWith(`:${c}`))) ?? options[0];
  if (/urgen/i.test(name)) return options.includes('medium') ? 'medium' : options[0];
  return options[0];
};
const words = (n: number) => `${'La conexión se corta por la tarde y vuelve sola. '.repeat(n)}`.trim();

async function openTicket(u: SoakUser): Promise<void> {
  const title = `Lentitud ${randomBytes(3).toString('hex')}`;
  const s = await sessionOf(u);
  if (!s) {
    used('open ticket', 'driver');
    await timed('driver open ticket', () => driver.open(app, u, title));
    return;
  }
  used('open ticket', 'web');
  const page = await s.forms('web GET /tickets/new', '/tickets/new');
  const form = page.forms.find(
    (f) => f.method === 'post' && /\/tickets\/new$/.test(new URL(f.action).pathname),
  );
  if (!form) return void record({ op: 'web POST /tickets/new', ms: 0, ok: false, detail: 'form not found' });
  await s.post(
    'web POST /tickets/new',
    form,
    fillForm(form, choose, (name) =>
      /title|subject/i.test(name) ? title : /desc|body|comment|text/i.test(name) ? words(3) : null,
    ),
  );
}

const openTicketsOf = async (requesterId: number | null, statuses: string[]) =>
  (
    await db('tickets')
      .whereIn('status', statuses)
      .modify((q) => {
        if (requesterId) q.where({ requester_id: requesterId });
      })
      .orderByRaw('random()')
      .limit(1)
      .select('id', 'title', 'status')
  )[0] as { id: number; title: string; status: string } | undefined;

/** A form that should be on the page is not: expected only if someone moved the ticket meanwhile. */
async function formMissing(op: string, ticketId: number, statusBefore: string): Promise<void> {
  const now = must(await db('tickets').where({ id: ticketId }).first('status')).status as string;
  record({ op, ms: 0, ok: false, conflict: now !== statusBefore, detail: `form not found (status ${now})` });
}

async function browse(u: SoakUser): Promise<void> {
  const s = await sessionOf(u);
  if (!s) return;
  used('browse', 'web');
  await s.request('web GET /tickets', '/tickets');
  const t = await openTicketsOf(u.id, ['new', 'in_progress', 'pending', 'resolved', 'closed']);
  if (t) await s.request('web GET /tickets/:id', `/tickets/${t.id}`);
}

async function webFollowup(u: SoakUser): Promise<void> {
  const t = await openTicketsOf(u.id, ['new', 'in_progress', 'pending']);
  if (!t) return;
  const s = await sessionOf(u);
  if (!s) {
    used('customer follow-up', 'driver');
    await timed('driver follow-up', () => driver.followup(app, u, t.id, words(2)));
    return;
  }
  used('customer follow-up', 'web');
  const form = await findForm(s, 'web GET /tickets/:id', `/tickets/${t.id}`, /\/followups$/);
  if (!form) return formMissing('web POST followup', t.id, t.status);
  await s.post(
    'web POST /tickets/:id/followups',
    form,
    fillForm(form, choose, () => words(2)),
  );
}

let appended = 0;
async function emailReply(u: SoakUser): Promise<void> {
  if (!mailbox) return;
  const t = await openTicketsOf(u.id, ['new', 'in_progress', 'pending']);
  if (!t) return;
  const ref = formatReference(app.ticketPrefix, t.id);
  const notice = [...captured].reverse().find((c) => c.to === u.email && c.subject.includes(ref));
  used('email reply', notice ? 'email (reply to a notification)' : 'email (reference in subject)');
  const raw = await new MailComposer({
    from: u.email,
    to: notice?.replyTo || supportAddress,
    subject: `Re: ${notice?.subject ?? `[${ref}] ${t.title}`}`,
    text: `${words(1)}\n\nEl ${new Date().toUTCString()} escribió soporte:\n> mensaje anterior`,
    ...(notice?.messageId ? { inReplyTo: notice.messageId, references: [notice.messageId] } : {}),
  })
    .compile()
    .build();
  const ok = await timed('imap APPEND reply', () => appendMail(mailbox, raw));
  if (ok !== null) appended++;
}

/** What the agent pages may call each action (the use case names first). */
const AGENT_ACTION_NAMES = {
  assign: ['assign'],
  set_pending: ['set_pending', 'set-pending', 'pending', 'ask'],
  resolve: ['resolve', 'solve'],
} as const;

async function agentAnswer(agent: SoakUser): Promise<void> {
  const t = await openTicketsOf(null, ['new', 'in_progress']);
  if (!t) return;
  const status = t.status;
  const action = status === 'new' ? 'assign' : Math.random() < 0.5 ? 'set_pending' : 'resolve';
  const body = action === 'resolve' ? 'Hemos cambiado el perfil de la línea.' : '¿Puede reiniciar la ONT?';
  const s = agentPages ? await sessionOf(agent) : null;
  if (!s) {
    used('agent answer', 'driver');
    const fn =
      action === 'assign'
        ? () => driver.assign(app, agent, t.id)
        : action === 'set_pending'
          ? () => driver.ask(app, agent, t.id, body)
          : () => driver.resolve(app, agent, t.id, body);
    await timed(`driver ${action}`, fn);
    return;
  }
  used('agent answer', 'web');
  const form = await findForm(
    s,
    'web GET /agent/tickets/:id',
    `/agent/tickets/${t.id}`,
    new RegExp(`/(${AGENT_ACTION_NAMES[action].join('|')})$`),
  );
  if (!form) return formMissing(`web POST agent ${action}`, t.id, status);
  const name = new URL(form.action).pathname.split('/').pop();
  await s.post(
    `web POST /agent/tickets/:id/${name}`,
    form,
    fillForm(form, choose, () => body),
  );
}

async function approve(u: SoakUser): Promise<void> {
  const t = await openTicketsOf(u.id, ['resolved']);
  if (!t) return;
  const s = await sessionOf(u);
  if (!s) {
    used('approve solution', 'driver');
    await timed('driver approve', () => driver.approve(app, u, t.id));
    return;
  }
  used('approve solution', 'web');
  const form = await findForm(s, 'web GET /tickets/:id', `/tickets/${t.id}`, /\/approve$/);
  if (!form) return;
  await s.post(
    'web POST /tickets/:id/approve',
    form,
    fillForm(form, choose, () => 'Gracias'),
  );
}

const mix: [number, () => Promise<void>][] = [
  [2, () => openTicket(pick(customers))],
  [4, () => browse(pick(customers))],
  [2, () => webFollowup(pick(customers))],
  [2, () => emailReply(pick(customers))],
  [3, () => agentAnswer(pick(agents))],
  [1, () => approve(pick(customers))],
];
const totalWeight = mix.reduce((a, [w]) => a + w, 0);
const nextOp = () => {
  let r = Math.random() * totalWeight;
  for (const [w, fn] of mix) {
    r -= w;
    if (r < 0) return fn;
  }
  return mix[0]?.[1] as () => Promise<void>;
};

// ---- memory sampling ---------------------------------------------------------------------------------
const samples: { t: number; rss: number; heap: number; loopP99: number }[] = [];
async function sample(): Promise<string> {
  const text = await (
    await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${env.OPS_TOKEN}` } })
  ).text();
  samples.push({
    t: (Date.now() - loadStart) / 1000,
    rss: metricValue(text, 'process_resident_memory_bytes'),
    heap: metricValue(text, 'nodejs_heap_size_used_bytes'),
    // prom-client's monitorEventLoopDelay histogram of the web process, since it started.
    loopP99: metricValue(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
  });
  return text;
}

// ---- run ---------------------------------------------------------------------------------------------
const loadStart = Date.now();
const deadline = loadStart + minutes * 60_000;
log(`load for ${minutes} min: ${customerCount} customers, ${agentCount} agents, ${concurrency} at a time`);
await sample();
const sampler = setInterval(() => {
  sample().catch((err: Error) => errors.push(`metrics sample: ${err.message}`));
}, 10_000);
const workers = Array.from({ length: concurrency }, async () => {
  while (Date.now() < deadline && !exited) {
    try {
      await nextOp()();
    } catch (err) {
      errors.push(`load: ${(err as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, pauseMs * (0.5 + Math.random())));
  }
});
await Promise.all(workers);
clearInterval(sampler);
const lastMetrics = await sample();
log('load done; waiting for the outbox and the mailbox to drain');

// Everything committed must reach its effect: outbox rows handed on, appended mail ingested.
// Waits up to 60 s, or 15 s without progress (a part that is not built makes none).
const drainDeadline = Date.now() + 60_000;
let pendingOutbox = 0;
let ingested = 0;
let progressAt = Date.now();
for (let last = ''; ; ) {
  pendingOutbox = (await db('outbox').whereNull('enqueued_at').count<{ n: number }[]>('* as n'))[0]?.n ?? 0;
  ingested = (await db('inbound_mails').count<{ n: number }[]>('* as n'))[0]?.n ?? 0;
  if (pendingOutbox === 0 && ingested >= appended) break;
  const state = `${pendingOutbox}/${ingested}`;
  if (state !== last) progressAt = Date.now();
  last = state;
  if (Date.now() > drainDeadline || Date.now() - progressAt > 15_000) break;
  await new Promise((r) => setTimeout(r, 1000));
}
const finalMetrics = await (
  await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${env.OPS_TOKEN}` } })
).text();
const ticketCount = (await db('tickets').count<{ n: number }[]>('* as n'))[0]?.n ?? 0;
const followupCount = (await db('followups').count<{ n: number }[]>('* as n'))[0]?.n ?? 0;
const outboxCount = (await db('outbox').count<{ n: number }[]>('* as n'))[0]?.n ?? 0;
const emailFollowups =
  (await db('followups').where({ source: 'email' }).count<{ n: number }[]>('* as n'))[0]?.n ?? 0;

// Graceful stop of the whole process, as systemd or Docker would do it.
const termAt = Date.now();
child.kill('SIGTERM');
workerChild?.kill('SIGTERM');
while ((!exited || (workerChild && workerExited === null)) && Date.now() - termAt < 30_000)
  await new Promise((r) => setTimeout(r, 50));
if (workerChild && workerExited === null) workerChild.kill('SIGKILL');
else if (workerExited) errors.push(`izardesk worker exited ${workerExited} on SIGTERM`);
const shutdown = exited as { code: number | null; at: number } | null;
if (!shutdown) child.kill('SIGKILL');
else if (shutdown.code !== 0) errors.push(`izardesk start exited ${shutdown.code} on SIGTERM`);

await db.destroy();
if (!process.env.SOAK_KEEP_DB) await admin.raw(`drop database if exists ${dbName} with (force)`);
await admin.destroy();
await mailbox?.stop();
await new Promise<void>((r) => smtp.close(() => r()));

// ---- report ------------------------------------------------------------------------------------------
const profile = profDir && existsSync(profDir) ? summarizeProfiles(profDir, root) : null;
const byOp = new Map<string, number[]>();
for (const t of timings) if (t.ok) byOp.set(t.op, [...(byOp.get(t.op) ?? []), t.ms]);
const latencyRows = [...byOp]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([op, ms]) => {
    const s = [...ms].sort((a, b) => a - b);
    const f = (p: number) => percentile(s, p).toFixed(1);
    return { op, n: s.length, p50: f(50), p95: f(95), p99: f(99), max: (s[s.length - 1] ?? 0).toFixed(1) };
  });
const warm = samples.filter((s) => s.t >= Math.min(60, (minutes * 60) / 5));
const mb = (b: number) => b / 1024 / 1024;
const rssSlope = slope(warm.map((s) => ({ x: s.t / 3600, y: mb(s.rss) })));
const heapSlope = slope(warm.map((s) => ({ x: s.t / 3600, y: mb(s.heap) })));
const allErrors = [...errors, ...logErrors];
const notes: string[] = [];
if (!portal)
  notes.push('The portal pages are not in this build: customers went through the HTTP-free driver.');
if (!agentPages)
  notes.push('The agent pages are not in this build: agents went through the HTTP-free driver.');
if (!mailbox)
  notes.push('No private Dovecot helper (tests/helpers/dovecot.ts) in this build: no email replies.');
else if (appended > 0 && ingested === 0)
  notes.push(`${appended} replies were APPENDed to IMAP but none was ingested: the ingest is not active.`);
else if (ingested < appended)
  allErrors.push(`only ${ingested} of ${appended} appended replies were ingested`);
else if (emailFollowups !== appended)
  notes.push(
    `${appended} replies appended, ${emailFollowups} follow-ups from email: the difference went elsewhere ` +
      '(a reply to a ticket closed meanwhile, a held message); check the inbound_mails outcomes.',
  );
if (pendingOutbox > 0) notes.push(`${pendingOutbox} outbox events were still not relayed after the load.`);
if (minutes < 10) notes.push('A run this short shows start-up and warm-up, not a memory trend: run 30 min.');
if (captured.length === 0)
  notes.push('No notification reached the capturing SMTP server: the sender is not active.');

let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
} catch {
  // not a checkout
}
const loopP99Ms = Math.max(0, ...warm.map((x) => x.loopP99));
// Issue 18's targets at five times the load: every page and action < 150 ms, the login (argon2) < 300 ms.
const routeRows = latencyRows.filter((r) => r.op.startsWith('web '));
const slowRoutes = routeRows
  .filter((r) => Number(r.p99) >= (r.op === 'web POST /login' ? 300 : 150))
  .map((r) => `${r.op} ${r.p99} ms`);
const figures = {
  label,
  processes: split ? 'serve + worker' : 'start (one process)',
  concurrency,
  loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)),
  minutes,
  customers: customerCount,
  agents: agentCount,
  operations: timings.length,
  conflicts,
  limited,
  errors: allErrors.length,
  rssSlopeMbPerHour: Number(rssSlope.toFixed(2)),
  heapSlopeMbPerHour: Number(heapSlope.toFixed(2)),
  rssMbFirst: Number(mb(samples[0]?.rss ?? 0).toFixed(1)),
  rssMbLast: Number(mb(samples[samples.length - 1]?.rss ?? 0).toFixed(1)),
  p99Ms: Object.fromEntries(latencyRows.map((r) => [r.op, Number(r.p99)])),
  tickets: ticketCount,
  followups: followupCount,
  outboxEvents: outboxCount,
  mailsCaptured: captured.length,
  repliesAppended: appended,
  inboundMailsIngested: ingested,
  emailFollowups,
  shutdownMs: shutdown ? shutdown.at - termAt : null,
  shutdownExitCode: shutdown?.code ?? null,
  eventLoopDelayP99Ms: Number(loopP99Ms.toFixed(1)),
  perRoute: latencyRows,
  ...(profile ? { cpuProfile: profile } : {}),
  targets: {
    errorsZero: allErrors.length === 0,
    pagesAndActionsP99Under150ms: slowRoutes.filter((r) => !r.startsWith('web POST /login ')).length === 0,
    loginP99Under300ms: !slowRoutes.some((r) => r.startsWith('web POST /login ')),
    eventLoopDelayP99Under50ms: loopP99Ms < 50,
    rssSlopeUnder10MbPerHour: rssSlope < 10,
    missed: slowRoutes,
  },
};
// One file for every configuration run (one process, split, each load): each run replaces its own entry.
const previous = (() => {
  try {
    const f = JSON.parse(readFileSync(join(root, 'bench', 'results', 'soak.json'), 'utf8')) as {
      figures?: { runs?: Record<string, unknown> };
    };
    return f.figures?.runs ?? {};
  } catch {
    return {};
  }
})();
writeResult('soak', {
  runs: { ...previous, [label]: { ...figures, commit, date: new Date().toISOString() } },
});

const memoryRows = samples
  .filter((_, i) => i % Math.max(1, Math.round(samples.length / 30)) === 0 || i === samples.length - 1)
  .map((s) => `| ${(s.t / 60).toFixed(1)} | ${mb(s.rss).toFixed(1)} | ${mb(s.heap).toFixed(1)} |`);
const report = `# Soak report

Generated by \`npm run soak\` (bench/soak.ts) on ${new Date().toISOString()}, commit ${commit}.
Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? ''}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}.
Repeat: \`SOAK_MINUTES=${minutes} SOAK_CUSTOMERS=${customerCount} SOAK_AGENTS=${agentCount} SOAK_CONCURRENCY=${concurrency} npm run soak\`

One \`izardesk start\` process (web + workers) on a fresh database, a capturing SMTP server${mailbox ? ' and a private Dovecot' : ''};
${concurrency} concurrent clients for ${minutes} min, picking at random: customers opening tickets, browsing
their list and tickets, adding follow-ups, replying by email (APPEND to the watched INBOX), approving solutions,
and agents assigning, asking for information or resolving.

## Verdict

- **Errors: ${allErrors.length}** ${allErrors.length === 0 ? '(target 0: met)' : '(target 0: NOT met, see below)'}
- **Memory trend after warm-up:** RSS ${rssSlope.toFixed(1)} MB/h, heap ${heapSlope.toFixed(1)} MB/h over ${warm.length} samples
  (RSS ${figures.rssMbFirst} → ${figures.rssMbLast} MB)
- **Shutdown on SIGTERM:** ${shutdown ? `exit ${shutdown.code} after ${shutdown.at - termAt} ms` : 'did not exit in 30 s (killed)'}
- **Event-loop delay p99 (web process):** ${loopP99Ms.toFixed(1)} ms (target < 50 ms)
- **Pages and actions over target (p99 < 150 ms, login < 300 ms):** ${slowRoutes.length ? slowRoutes.join('; ') : 'none'}
- **Processes:** ${figures.processes}, ${concurrency} concurrent clients; load average at the end ${figures.loadAverageAtEnd.join(' / ')}

## Volume

| What | Count |
|---|---|
| Operations timed | ${timings.length} |
| Expected conflicts (409: someone else moved the ticket first) | ${conflicts} |
| Expected refusals (429 with Retry-After: more follow-ups in a minute than FOLLOWUPS_PER_MINUTE) | ${limited} |
| Tickets | ${ticketCount} |
| Follow-ups | ${followupCount} |
| Outbox events (pending after drain) | ${outboxCount} (${pendingOutbox}) |
| Notification mails captured by SMTP | ${captured.length} |
| Email replies appended / inbound mails recorded / follow-ups from email | ${appended} / ${ingested} / ${emailFollowups} |
| Notifications sent (metric) | ${metricValue(finalMetrics, 'izardesk_notifications_total', 'result="sent"')} |
| Mails ingested (metric) | ${metricValue(finalMetrics, 'izardesk_mails_ingested_total')} |

How each operation was driven: ${[...modes].map(([op, m]) => `${op}: ${[...m].join(', ')}`).join('; ') || 'none'}.
${notes.map((n) => `\n- ${n}`).join('')}

## Latency (ms, client side, whole response)

| Operation | n | p50 | p95 | p99 | max |
|---|---|---|---|---|---|
${latencyRows.map((r) => `| ${r.op} | ${r.n} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} |`).join('\n')}

Server-side HTTP histogram at the end of the load: ${metricValue(lastMetrics, 'izardesk_http_request_duration_seconds_count')} requests timed.

${
  profile
    ? `## Where the time goes (CPU profile of the Izardesk processes, self time)

| Package or file | ms | share |
|---|---|---|
${profile.byPlace.map((h) => `| ${h.where} | ${h.selfMs} | ${(h.share * 100).toFixed(1)} % |`).join('\n')}

| Function | ms | share |
|---|---|---|
${profile.byFunction.map((h) => `| ${h.where.replace(/\|/g, '\\|')} | ${h.selfMs} | ${(h.share * 100).toFixed(1)} % |`).join('\n')}

`
    : ''
}## Memory (izardesk start, sampled every 10 s from /metrics)

| Minute | RSS MB | Heap used MB |
|---|---|---|
${memoryRows.join('\n')}

## Errors

${
  allErrors.length
    ? allErrors
        .slice(0, 30)
        .map((e) => `- ${e.replace(/\|/g, '\\|')}`)
        .join('\n')
    : 'None.'
}
${allErrors.length > 30 ? `\n… and ${allErrors.length - 30} more.` : ''}
`;
const reportFile = join(root, 'docs', 'soak-report.md');
mkdirSync(join(root, 'docs'), { recursive: true });
writeFileSync(reportFile, report);
try {
  // The repository's formatter also lays out Markdown tables; keep the committed report clean for it.
  execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', reportFile], {
    stdio: 'ignore',
  });
} catch {
  log('biome could not format the report (left as written)');
}
log(`errors ${allErrors.length}; RSS slope ${rssSlope.toFixed(1)} MB/h; report in ${reportFile}`);
if (existsSync(env.MAIL_OUTBOX_DIR as string)) log(`mail files in ${env.MAIL_OUTBOX_DIR}`);
process.exit(allErrors.length ? 1 : 0);
