import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ParsedMail } from 'mailparser';
import { afterAll } from 'vitest';
import type { InboundMailRow } from '../../src/db/tables.js';
import { startIngest } from '../../src/ingest/index.js';
import type { IngestReport } from '../../src/ingest/outcome.js';
import { startOutbound } from '../../src/outbound/index.js';
import type { RunningPart } from '../../src/runtime/part.js';
import type { Services } from '../../src/runtime/services.js';
import type { TestDb } from './db.js';
import { type Dovecot, startDovecot } from './dovecot.js';
import { appendRaw } from './imap.js';
import { waitUntil } from './poll.js';
import { useTestServices } from './services.js';
import { type CapturingSmtp, mailCollector, startCapturingSmtp, toAddress } from './smtp.js';

export const MX = 'mx.izarlink.test';
export const SUPPORT = 'support@izardesk.local';
const run = promisify(execFile);

/**
 * The whole mail path of a test file: a private Dovecot watched by the ingest, the outbound worker sending to a
 * capturing SMTP server. `restart(env)` swaps the ingest for one with other settings (same database, same
 * mailbox, its UID cursor kept).
 */
export interface MailWorld {
  s: Services;
  dovecot: Dovecot;
  smtp: CapturingSmtp;
  /** Appends raw messages to INBOX (or another folder). */
  deliver(messages: string[], mailbox?: string): Promise<void>;
  /** The inbound record of a Message-ID (without <>), once decided. */
  record(messageId: string): Promise<InboundMailRow>;
  /** Every mail sent since the previous call, once the outbox is empty. */
  sent(): Promise<ParsedMail[]>;
  restart(env: Record<string, string>): Promise<void>;
  /** `izardesk ingest --stdin --dry-run --json` on this database, with these settings. */
  dryRun(raw: string, env?: Record<string, string>): Promise<IngestReport>;
}

export async function startMailWorld(t: TestDb, env: Record<string, string> = {}): Promise<MailWorld> {
  const dovecot = await startDovecot();
  const smtp = await startCapturingSmtp();
  const base = {
    ...dovecot.env,
    SMTP_URL: smtp.url,
    SMTP_MAX_PER_SECOND: '500',
    SUPPORT_ADDRESS: SUPPORT,
    IMAP_SENT_MAILBOX: 'Sent',
    IMAP_POLL_SECONDS: '30',
    MAIL_AUTO_ANSWER_LIMIT_PER_HOUR: '100',
  };
  const s = await useTestServices(t, { ...base, ...env });
  const outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
  const idle = async (part: RunningPart) =>
    waitUntil(
      'the ingest to idle on INBOX',
      async () => (await part.health?.())?.detail?.includes('INBOX: idle'),
      { timeoutMs: 15_000 },
    );
  let ingest = await startIngest(s);
  await idle(ingest);
  afterAll(async () => {
    await ingest.stop();
    await outbound.stop();
    await smtp.close();
    await dovecot.stop();
  });
  const collect = mailCollector(s.db, smtp);
  return {
    s,
    dovecot,
    smtp,
    deliver: (messages, mailbox = 'INBOX') => appendRaw(dovecot, messages, mailbox),
    record: (messageId) =>
      waitUntil(
        `the record of ${messageId}`,
        () =>
          t.db('inbound_mails').where({ message_id: messageId }).whereNot({ outcome: 'processing' }).first(),
        { timeoutMs: 15_000 },
      ),
    sent: collect,
    async restart(more) {
      await ingest.stop();
      const other = await useTestServices(t, { ...base, ...more });
      ingest = await startIngest(other);
      await idle(ingest);
    },
    async dryRun(raw, more = {}) {
      const child = run(process.execPath, ['bin/izardesk.js', 'ingest', '--stdin', '--dry-run', '--json'], {
        env: {
          ...process.env,
          DATABASE_URL: t.url,
          SECRET: s.config.SECRET,
          SUPPORT_ADDRESS: SUPPORT,
          LOG_LEVEL: 'error',
          ...more,
        },
      });
      child.child.stdin?.end(raw);
      return JSON.parse((await child).stdout) as IngestReport;
    },
  };
}

/** The addresses a list of mails went to, sorted. */
export const recipients = (mails: ParsedMail[]) => mails.map(toAddress).sort();
