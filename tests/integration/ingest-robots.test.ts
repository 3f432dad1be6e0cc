import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReference } from '../../src/domain/reference.js';
import { startIngest } from '../../src/ingest/index.js';
import { parseMail } from '../../src/ingest/parse.js';
import { ingestMessage } from '../../src/ingest/process-message.js';
import { startOutbound } from '../../src/outbound/index.js';
import type { RunningPart } from '../../src/runtime/part.js';
import type { Services } from '../../src/runtime/services.js';
import { izardesk } from '../helpers/cli.js';
import { type TestDb, useTestDb } from '../helpers/db.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { appendRaw, buildMail, corpusDir } from '../helpers/imap.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';
import { type CapturingSmtp, mailCollector, startCapturingSmtp, toAddress } from '../helpers/smtp.js';

const ROBOTS = join(import.meta.dirname, '../fixtures/robots');
const SECRET = 'test-secret-test-secret-test-secret-0123';
const emls = (dir: string): string[] =>
  readdirSync(dir)
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? emls(join(dir, f)) : [join(dir, f)]))
    .filter((p) => p.endsWith('.eml'))
    .sort();

const t: TestDb = await useTestDb();
let dovecot: Dovecot;
let smtp: CapturingSmtp;
let s: Services;
let ingest: RunningPart;
let outbound: RunningPart;
let mails: ReturnType<typeof mailCollector>;

beforeAll(async () => {
  dovecot = await startDovecot();
  smtp = await startCapturingSmtp();
  s = await useTestServices(t, {
    ...dovecot.env,
    SMTP_URL: smtp.url,
    SUPPORT_ADDRESS: 'support@izarlink.example',
    SMTP_MAX_PER_SECOND: '500',
    MAIL_SENDER_LIMIT_PER_HOUR: '1000',
  });
  outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
  ingest = await startIngest(s);
  mails = mailCollector(s.db, smtp);
  await waitUntil(
    'the ingest to idle on INBOX',
    async () => (await ingest.health?.())?.detail?.includes('INBOX: idle'),
    { timeoutMs: 30_000 },
  );
});

afterAll(async () => {
  await ingest?.stop();
  await outbound?.stop();
  await smtp?.close();
  await dovecot?.stop();
});

describe('robots on a real mailbox: ignored, never answered', () => {
  it('ignores every message of tests/fixtures/robots (delivery reports, carriers, out-of-office, no-reply) and sends no mail', async () => {
    // Some of the out-of-office senders are customers: their auto-reply must not become a ticket either.
    for (const email of ['marta.ruiz@gestoria.example', 'sarah@agency.example', 'k.weber@praxis.example'])
      await makeUser(s.app, 'customer', { email });
    const files = emls(ROBOTS);
    expect(files.length).toBeGreaterThanOrEqual(60);
    const ids: string[] = [];
    for (const f of files) {
      const p = await parseMail(readFileSync(f), { maxAttachmentBytes: 1e6 });
      ids.push(p.messageId as string);
    }
    // A person's mail in the same run: the one answer that must go out (the pipeline does send).
    const person = buildMail({
      from: 'Lucía Nueva <lucia@nueva.example>',
      to: 'support@izarlink.example',
      subject: 'Quiero contratar fibra',
      messageId: '<person-1@nueva.example>',
    });
    await appendRaw(dovecot, [...files.map((f) => readFileSync(f)), person]);
    const records = await waitUntil(
      'every robot message and one from a person to be recorded',
      async () => {
        const rows = await t
          .db('inbound_mails')
          .whereIn('message_id', [...ids, 'person-1@nueva.example'])
          .whereNot({ outcome: 'processing' });
        return rows.length === ids.length + 1 && rows;
      },
      { timeoutMs: 90_000 },
    );
    const robots = records.filter((r) => r.message_id !== 'person-1@nueva.example');
    const wrong = robots
      .filter((r) => r.outcome !== 'ignored' || !/^(bounce|auto_reply|automated):/.test(r.reason ?? ''))
      .map((r) => `${r.message_id}: ${r.outcome} ${r.reason}`);
    expect(wrong).toEqual([]);
    expect(robots.every((r) => r.quarantine_state === null && r.ticket_id === null)).toBe(true);
    expect(await t.db('tickets').first()).toBeUndefined();

    const sent = await mails();
    expect(sent.map(toAddress)).toEqual(['lucia@nueva.example']);
    expect(await t.db('outbox').where('event', 'like', 'mail.%').select('event')).toEqual([
      { event: 'mail.unknown_sender' },
    ]);
  }, 150_000);

  it('never answers a no-reply or postmaster sender, even when its mail is not a robot by any other mark', async () => {
    await appendRaw(dovecot, [
      buildMail({
        from: 'Facturación <noreply@proveedor.example>',
        to: 'support@izarlink.example',
        subject: 'Factura 2026-11',
        messageId: '<noreply-1@proveedor.example>',
      }),
    ]);
    const rec = await waitUntil(
      'the no-reply message to be recorded',
      () =>
        t
          .db('inbound_mails')
          .where({ message_id: 'noreply-1@proveedor.example' })
          .whereNot({ outcome: 'processing' })
          .first(),
      { timeoutMs: 30_000 },
    );
    expect(rec.outcome).toBe('ignored');
    expect(rec.reason).toMatch(/^automated: sent from a no-reply address/);
    expect(await mails()).toEqual([]);
  });
});

describe('izardesk ingest --file --dry-run --json explains a robot decision', () => {
  it('names the reason code and the rule that matched', async () => {
    // A copy under a new Message-ID: the originals were ingested above, and a dry run of those says "duplicate".
    const dir = mkdtempSync(join(tmpdir(), 'robots-'));
    const explain = async (name: string) => {
      const file = join(dir, name);
      const raw = readFileSync(join(ROBOTS, name), 'latin1').replace(
        /^Message-ID:[^\r\n]*/im,
        `Message-ID: <dry-${name}@test>`,
      );
      writeFileSync(file, raw, 'latin1');
      const r = await izardesk(['ingest', '--file', file, '--dry-run', '--json'], {
        DATABASE_URL: t.url,
        SECRET,
      });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    expect(await explain('docomo-ja-iso2022.eml')).toMatchObject({
      action: 'ignored',
      // The rule that matched, and what the report said about our mail (nothing per recipient here).
      reason: {
        code: 'bounce',
        text: 'sent by mailer-daemon@docomo.example: no per-recipient report about our mail',
      },
      dryRun: true,
    });
    expect((await explain('ooo-fr-reponse-automatique.eml')).reason).toEqual({
      code: 'auto_reply',
      text: 'subject of an automatic reply (fr: "réponse automatique")',
    });
    expect((await explain('carrier-ja-shiftjis-subject-only.eml')).reason).toEqual({
      code: 'bounce',
      text: 'subject of a delivery report (ja: "配信不能"): no per-recipient report about our mail',
    });
  }, 120_000);
});

const CORPUS = corpusDir();
if (!CORPUS)
  process.stdout.write('ingest-robots: ../shared/corpus not found; the customer-reply run is SKIPPED\n');

describe.skipIf(!CORPUS)('customer replies (../shared/corpus/talon-replies) are still follow-ups', () => {
  it('makes every reply a follow-up on its ticket', async () => {
    const files = emls(join(CORPUS as string, 'talon-replies'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    const wrong: string[] = [];
    let uid = 0;
    const customers = new Map<string, TestUser>();
    for (const f of files) {
      const raw = readFileSync(f);
      const from = (await parseMail(raw, { maxAttachmentBytes: 1e6 })).from?.address as string;
      const customer = customers.get(from) ?? (await makeUser(s.app, 'customer', { email: from }));
      customers.set(from, customer);
      const ticketId = await makeTicket(s.app, customer);
      // The reply names its ticket in the subject, as a reply to our notification does.
      const text = raw.toString('latin1');
      const tagged = text.replace(
        /^Subject:[^\r\n]*/im,
        `Subject: Re: [${formatReference('IZL', ticketId)}] reply`,
      );
      const r = await ingestMessage(
        s,
        {
          raw: Buffer.from(
            /^Subject:/im.test(text)
              ? tagged
              : `Subject: Re: [${formatReference('IZL', ticketId)}] reply\r\n${text}`,
            'latin1',
          ),
          mailbox: 'talon',
          uidvalidity: 1,
          uid: ++uid,
          size: raw.length,
          receivedAt: null,
        },
        { mode: 'inbox' },
      );
      if (r.action !== 'followup' || r.ticket !== formatReference('IZL', ticketId))
        wrong.push(`${f}: ${r.action} ${r.reason.code} ${r.reason.text}`);
    }
    expect(wrong).toEqual([]);
  }, 120_000);
});
