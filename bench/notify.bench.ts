import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import mjml2html from 'mjml';
import { writeOutbox } from '../src/app/outbox.js';
import { addFollowup } from '../src/app/tickets/add-followup.js';
import { loadConfig } from '../src/config/config.js';
import { createDb, migrate } from '../src/db/db.js';
import { createLogger } from '../src/infra/logger.js';
import { startOutbound } from '../src/outbound/index.js';
import { sampleData } from '../src/outbound/samples.js';
import { compileTemplates, templatesDir } from '../src/outbound/templates.js';
import { connectServices } from '../src/runtime/services.js';
import { makeTicket, makeUser } from '../tests/helpers/fixtures.js';
import { startCapturingSmtp } from '../tests/helpers/smtp.js';
import { measured, type Round, rawSender } from './lib/raw-sender.js';

/**
 * Notifications per second through the whole product (outbox row → relay → BullMQ → render → pooled SMTP →
 * delivery recorded) beside raw nodemailer sending pre-rendered messages over the same pool to the same
 * local SMTP server (the ceiling); and compiled-template render time beside mjml2html per message.
 */
const MAILS = Number(process.env.BENCH_MAILS ?? 3000);
const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function timeRenders(): Promise<Record<string, number>> {
  const config = loadConfig({ NODE_ENV: 'test' });
  const templates = await compileTemplates(config);
  const data = sampleData(config, 'ticket-resolved', 'es');
  for (let i = 0; i < 200; i++) templates.render('ticket-resolved', data);
  const n = 5000;
  let t0 = performance.now();
  for (let i = 0; i < n; i++) templates.render('ticket-resolved', { ...data, name: `Cliente ${i}` });
  const compiledMs = (performance.now() - t0) / n;
  // The naive way: the same MJML document (layout + template) through mjml2html for every message.
  const dir = templatesDir();
  const doc = readFileSync(`${dir}_layout.mjml`, 'utf8')
    .replace('%%CONTENT%%', readFileSync(`${dir}ticket-resolved.mjml`, 'utf8'))
    .replaceAll('%%BRAND_COLOR%%', config.BRAND_COLOR)
    .replaceAll('%%COMPANY%%', config.COMPANY_NAME)
    .replaceAll('%%SUPPORT_ADDRESS%%', config.SUPPORT_ADDRESS)
    .replace('%%HEADER%%', `<mj-text>${config.COMPANY_NAME}</mj-text>`);
  for (let i = 0; i < 5; i++) await mjml2html(doc);
  const m = 60;
  t0 = performance.now();
  for (let i = 0; i < m; i++) await mjml2html(doc);
  const mjmlMs = (performance.now() - t0) / m;
  return {
    compiledRenderMsPerMessage: Number(compiledMs.toFixed(4)),
    mjml2htmlMsPerMessage: Number(mjmlMs.toFixed(2)),
    compiledSpeedup: Math.round(mjmlMs / compiledMs),
  };
}

const median = (xs: number[]) => {
  const v = [...xs].sort((x, y) => x - y);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2;
};

/** The whole product on a database of its own: each round writes `n` outbox rows and waits until all are sent. */
async function productSender(smtpUrl: string) {
  const name = `izb_${randomBytes(5).toString('hex')}`;
  const admin = createDb(ADMIN_URL, 1);
  await admin.raw(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url.toString(),
    REDIS_PREFIX: `izb-${randomBytes(4).toString('hex')}`,
    SMTP_URL: smtpUrl,
    SMTP_MAX_PER_SECOND: '100000',
    SECRET: 'bench-secret-bench-secret-bench-secret-00',
  });
  const s = await connectServices(config, createLogger('silent'));
  await migrate(s.db);
  const customer = await makeUser(s.app, 'customer');
  const agent = await makeUser(s.app, 'agent');
  const ticketId = await makeTicket(s.app, customer, 'Sin conexión en la sede');
  const { followupId } = await addFollowup(s.app, agent.actor, {
    ticketId,
    body: 'Reiniciamos el puerto de la OLT.',
  });
  const outbound = await startOutbound(s, { concurrency: 32 });
  const done = async () => Number((await s.db('outbox').whereNull('done_at').count({ n: '*' }))[0]?.n) === 0;
  const waitDone = async () => {
    while (!(await done())) await new Promise((r) => setTimeout(r, 50));
  };
  await waitDone();
  // An agent's follow-up mailed to the customer: one mail per outbox row, as in production.
  const row = {
    event: 'ticket.followup' as const,
    ticketId,
    actorId: agent.id,
    payload: { followupId, visibility: 'public' },
  };
  return {
    async round(n: number): Promise<Round> {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await s.db.transaction((trx) =>
        writeOutbox(
          trx,
          Array.from({ length: n }, () => row),
        ),
      );
      await waitDone();
      return measured(n, t0, c0);
    },
    sent: async () =>
      Number(
        (await s.db('deliveries').where({ status: 'sent', event: 'ticket.followup' }).count({ n: '*' }))[0]
          ?.n,
      ),
    async close() {
      await outbound.queue.obliterate({ force: true });
      await outbound.stop();
      await s.close();
      await admin.raw(`drop database if exists ${name} with (force)`);
      await admin.destroy();
    },
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const render = await timeRenders();
  const smtp = await startCapturingSmtp({ keepRaw: false });
  const config = loadConfig({ NODE_ENV: 'test' });
  const { html, text } = (await compileTemplates(config)).render(
    'ticket-followup',
    sampleData(config, 'ticket-followup', 'es'),
  );
  const raw = rawSender(config, smtp.url, html, text);
  const product = await productSender(smtp.url);
  try {
    // Warm-up until the JIT and the pools settle.
    for (let i = 0; i < 2; i++) {
      await raw.round(300);
      await product.round(300);
    }
    // Interleaved rounds: this machine is shared, so both sides see the same background load.
    const rounds = 6;
    const per = Math.ceil(MAILS / rounds);
    const rawRounds: Round[] = [];
    const productRounds: Round[] = [];
    for (let i = 0; i < rounds; i++) {
      rawRounds.push(await raw.round(per));
      productRounds.push(await product.round(per));
    }
    const rawRates = rawRounds.map((r) => r.perSecond);
    const productRates = productRounds.map((r) => r.perSecond);
    const ratios = rawRates.map((r, i) => Number(((productRates[i] as number) / r).toFixed(2)));
    const rawCpu = median(rawRounds.map((r) => r.cpuMsPerMail));
    const productCpu = median(productRounds.map((r) => r.cpuMsPerMail));
    return {
      mails: per * rounds,
      rounds,
      loadAverage: loadavg().map((l) => Number(l.toFixed(1))),
      rawNodemailerPerSecond: median(rawRates),
      notificationsPerSecond: median(productRates),
      rawPerRound: rawRates,
      notificationsPerRound: productRates,
      shareOfRaw: Number(median(ratios).toFixed(2)),
      shareOfRawPerRound: ratios,
      targetShareOfRaw: 0.7,
      rawCpuMsPerMail: Number(rawCpu.toFixed(2)),
      notificationCpuMsPerMail: Number(productCpu.toFixed(2)),
      cpuShareOfRaw: Number((rawCpu / productCpu).toFixed(2)),
      notificationsSentRecorded: await product.sent(),
      ...render,
      targetSpeedup: 50,
    };
  } finally {
    raw.close();
    await product.close();
    await smtp.close();
  }
}
