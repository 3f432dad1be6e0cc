import type { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import pg from 'pg';

/**
 * The floor of the ingest, for the bench only: fetch every message of the folder with imapflow (peeking, so the
 * folder is left as it was for the real ingest), parse it with mailparser, and store the raw mail and its text
 * with one multi-row INSERT per 100 messages into a bare table. No decisions, no tickets, no search index, no
 * outbox, no exactly-once bookkeeping: what is left is the work any ingest of these messages has to do.
 */
const BATCH = 100;

export interface FloorFigures {
  messages: number;
  perSecond: number;
  cpuMsPerMessage: number;
}

export async function ingestFloor(imap: ImapFlow, url: string, folder = 'INBOX'): Promise<FloorFigures> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      'create table if not exists floor_mails (id bigserial primary key, raw bytea not null, body text not null)',
    );
    await client.query('truncate floor_mails');
    const cpu = process.cpuUsage();
    const start = performance.now();
    const lock = await imap.getMailboxLock(folder);
    let batch: { raw: Buffer; body: string }[] = [];
    let messages = 0;
    const flush = async () => {
      if (!batch.length) return;
      const values = batch.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
      await client.query(
        `insert into floor_mails (raw, body) values ${values}`,
        batch.flatMap((m) => [m.raw, m.body]),
      );
      batch = [];
    };
    try {
      for await (const m of imap.fetch('1:*', { uid: true, source: true })) {
        if (!m.source) continue;
        const parsed = await simpleParser(m.source, { skipTextToHtml: true, skipImageLinks: true });
        batch.push({ raw: m.source, body: (parsed.text ?? '').replace(/\0/g, '') });
        messages++;
        if (batch.length === BATCH) await flush();
      }
      await flush();
    } finally {
      lock.release();
    }
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    return {
      messages,
      perSecond: Math.round(messages / seconds),
      cpuMsPerMessage: +((used.user + used.system) / 1000 / messages).toFixed(2),
    };
  } finally {
    await client.end();
  }
}
