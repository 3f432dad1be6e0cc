import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { OUTBOX_CHANNEL } from '../src/app/outbox.js';
import { loadConfig } from '../src/config/config.js';
import { createDb, migrate } from '../src/db/db.js';
import { createLogger } from '../src/infra/logger.js';
import { startIngest } from '../src/ingest/index.js';
import { connectServices } from '../src/runtime/services.js';
import { startDovecot } from '../tests/helpers/dovecot.js';
import { buildMail, imapClient } from '../tests/helpers/imap.js';
import { profiled } from './lib/cpu-profile.js';
import { ingestFloor } from './lib/ingest-floor.js';

const ROOT = join(import.meta.dirname, '..');

/**
 * Ingest figures on a private Dovecot and a fresh database:
 * - messages/s from IMAP to committed ticket for 2,000 messages, beside the floor of the same work in the same
 *   run (lib/ingest-floor.ts: imapflow fetch, mailparser, multi-row INSERTs into a bare table; target >= 0.5 of
 *   its rate), with the CPU ms per message of both, and mailparser's parse-only rate as context;
 * - APPEND → committed latency under IDLE (p50, p99), the commit seen through the outbox NOTIFY;
 * - peak RSS above idle while a 25 MB message is ingested.
 */
const N = 2000;
const LATENCY_SAMPLES = 100;
const PG = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function corpus(customers: string[]): string[] {
  return Array.from({ length: N }, (_, i) => {
    const from = customers[i % customers.length] as string;
    const text = `Hola,\n\nDesde esta mañana la conexión ${i} va muy lenta y se corta cada pocos minutos.\n${'Detalles de la incidencia y pruebas realizadas. '.repeat(20)}\n\nGracias,\nCliente ${i}`;
    if (i % 10 === 0)
      return buildMail({
        from,
        subject: `Factura ${i}`,
        text,
        attachments: [{ name: `factura-${i}.pdf`, size: 30_000, type: 'application/pdf' }],
      });
    if (i % 5 === 1) {
      const b = `alt${i}`;
      return [
        `From: ${from}`,
        'To: support@izardesk.local',
        `Subject: Incidencia ${i}`,
        `Message-ID: <bench-${i}@example.test>`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/alternative; boundary="${b}"`,
        '',
        `--${b}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
        `--${b}`,
        'Content-Type: text/html; charset=utf-8',
        '',
        `<html><body><p>${text.replace(/\n/g, '<br>')}</p><table><tr><td>Línea</td><td>FTTH-${i}</td></tr></table></body></html>`,
        `--${b}--`,
        '',
      ].join('\r\n');
    }
    return buildMail({ from, subject: `Sin servicio ${i}`, text });
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};

export async function run(): Promise<Record<string, unknown>> {
  const name = `izb_${randomBytes(4).toString('hex')}`;
  const admin = createDb(PG, 1);
  await admin.raw(`create database ${name}`);
  const url = new URL(PG);
  url.pathname = `/${name}`;
  const dovecot = await startDovecot();
  const listener = new pg.Client({ connectionString: url.toString() });
  try {
    const setup = createDb(url.toString(), 2);
    await migrate(setup);
    const company = (await setup('companies').insert({ name: 'Bench' }).returning('id'))[0].id as number;
    const customers = Array.from({ length: 50 }, (_, i) => `cliente${i}@bench.example`);
    await setup('users').insert(
      customers.map((email, i) => ({ email, name: `Cliente ${i}`, role: 'customer', company_id: company })),
    );
    await setup.destroy();

    const messages = corpus(customers);
    // Ceiling: mailparser alone over the same messages.
    const buffers = messages.map((m) => Buffer.from(m));
    const parseRate = async () => {
      const start = performance.now();
      for (const b of buffers) await simpleParser(b, { skipTextToHtml: true, skipImageLinks: true });
      return N / ((performance.now() - start) / 1000);
    };
    // A first pass warms mailparser up (JIT), so a cold first measurement does not lower the ceiling.
    await parseRate();
    const loadBefore = loadavg()[0] as number;
    const parseBefore = await parseRate();

    const imap = await imapClient(dovecot);
    for (const m of messages) await imap.append('INBOX', m);
    // The floor first: it only peeks, so the real ingest then finds the same 2,000 unread messages.
    const floor = await ingestFloor(imap, url.toString());
    if (floor.messages !== N) throw new Error(`floor fetched ${floor.messages} of ${N} messages`);

    const config = loadConfig({
      NODE_ENV: 'production',
      LOG_LEVEL: 'error',
      SECRET: 'bench-secret-bench-secret-bench-secret-01',
      DATABASE_URL: url.toString(),
      REDIS_PREFIX: `izb:${randomBytes(4).toString('hex')}`,
      MAIL_SENDER_LIMIT_PER_HOUR: '1000000',
      IMAP_POLL_SECONDS: '60',
      ...dovecot.env,
    });
    const s = await connectServices(config, createLogger('error'));
    const count = async () => Number((await s.db('inbound_mails').count({ n: 'id' }).first())?.n ?? 0);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const drain = async () => {
      const started = await startIngest(s);
      while ((await count()) < N) await new Promise((r) => setTimeout(r, 50));
      return started;
    };
    // BENCH_CPU_PROF=1: where the main thread's time goes while the 2,000 messages are ingested.
    const run =
      process.env.BENCH_CPU_PROF === '1'
        ? await profiled(join(ROOT, 'out', `ingest-prof-${name}`), ROOT, drain)
        : { value: await drain(), profile: null };
    const ingest = run.value;
    const ingestPerSecond = N / ((performance.now() - t0) / 1000);
    const ingestCpu = process.cpuUsage(cpu0);
    // The machine is shared: the ceiling is measured before and after the ingest and averaged.
    const parseAfter = await parseRate();
    const parseOnlyPerSecond = (parseBefore + parseAfter) / 2;

    // Latency under IDLE: one message at a time, APPEND start → the commit's NOTIFY.
    await listener.connect();
    await listener.query(`listen ${OUTBOX_CHANNEL}`);
    let notified: (() => void) | null = null;
    listener.on('notification', () => notified?.());
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const committed = new Promise<void>((r) => {
        notified = r;
      });
      const start = performance.now();
      await imap.append(
        'INBOX',
        buildMail({ from: customers[i % customers.length] as string, subject: `Latencia ${i}` }),
      );
      await committed;
      latencies.push(performance.now() - start);
    }

    // Peak memory while one 25 MB message is ingested (its 25 MB attachment is over the limit: counted, not kept).
    const big = buildMail({
      from: customers[0] as string,
      subject: 'Grande',
      attachments: [{ name: 'grande.bin', size: 18 * 1024 * 1024 }],
    });
    await new Promise((r) => setTimeout(r, 1000));
    const idleRss = process.memoryUsage().rss;
    let peakRss = idleRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 5);
    const before = await count();
    await imap.append('INBOX', big);
    while ((await count()) < before + 1) await new Promise((r) => setTimeout(r, 20));
    clearInterval(sampler);
    const bigRecord = await s.db('inbound_mails').orderBy('id', 'desc').first('outcome', 'size');

    await imap.logout();
    await ingest.stop();
    await s.close();
    return {
      messages: N,
      parseOnlyPerSecond: Math.round(parseOnlyPerSecond),
      parseOnlyBeforeAfter: [Math.round(parseBefore), Math.round(parseAfter)],
      loadAverage1mAtStart: +loadBefore.toFixed(1),
      ingestPerSecond: Math.round(ingestPerSecond),
      // Node CPU of this process (main thread and parse workers); Postgres's own CPU is not counted in either.
      ingestCpuMsPerMessage: +((ingestCpu.user + ingestCpu.system) / 1000 / N).toFixed(2),
      floor,
      ingestVsFloorRatio: +(ingestPerSecond / floor.perSecond).toFixed(3),
      targetRatioToFloor: 0.5,
      metRatioToFloor: ingestPerSecond / floor.perSecond >= 0.5,
      // Context: the earlier target against parsing alone, found out of reach on 2 cores.
      ingestVsParseRatio: +(ingestPerSecond / parseOnlyPerSecond).toFixed(3),
      latencySamples: LATENCY_SAMPLES,
      latencyP50Ms: Math.round(pct(latencies, 50)),
      latencyP99Ms: Math.round(pct(latencies, 99)),
      targetLatencyMs: { p50: 1000, p99: 2000 },
      bigMessageBytes: bigRecord?.size ?? big.length,
      bigMessageOutcome: bigRecord?.outcome,
      idleRssMb: +(idleRss / 1048576).toFixed(1),
      peakRssAboveIdleMb: +((peakRss - idleRss) / 1048576).toFixed(1),
      targetPeakAboveIdleMb: 100,
      ...(run.profile ? { cpuProfile: run.profile } : {}),
    };
  } finally {
    await listener.end().catch(() => {});
    await dovecot.stop();
    await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.destroy();
  }
}
