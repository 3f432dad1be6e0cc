import { afterAll, describe, expect, it } from 'vitest';
import { ingestMessage } from '../../src/ingest/process-message.js';
import { closeParsePool, readMail } from '../../src/ingest/read-mail.js';
import { large } from '../fixtures/hostile/messages.js';
import { type TestDb, useTestDb } from '../helpers/db.js';
import { makeUser } from '../helpers/fixtures.js';
import { buildMail } from '../helpers/imap.js';
import { useTestServices } from '../helpers/services.js';

const t: TestDb = await useTestDb();
// A limit no 25 MB parse can meet: the worker is stopped mid-parse.
const s = await useTestServices(t, { MAIL_PARSE_TIMEOUT_MS: '100' });
afterAll(() => closeParsePool());

const pipe = (raw: Buffer) => ({
  raw,
  mailbox: 'pipe',
  uidvalidity: null,
  uid: null,
  size: raw.length,
  receivedAt: new Date(),
});

describe('the parse time limit', { timeout: 120_000 }, () => {
  it('stops a parse over MAIL_PARSE_TIMEOUT_MS and quarantines the message with that reason; the next parses', async () => {
    const customer = await makeUser(t.app, 'customer');
    const started = Date.now();
    const r = await ingestMessage(s, pipe(large(customer.email, 'too-slow')), { mode: 'inbox' });
    expect(r).toMatchObject({ action: 'rejected', reason: { code: 'unreadable' } });
    expect(r.reason.text).toBe('unreadable: parsing took longer than 100 ms');
    expect(Date.now() - started).toBeLessThan(60_000);
    const rec = await t.db('inbound_mails').where({ message_id: 'too-slow@hostile.example' }).first();
    expect(rec).toMatchObject({ outcome: 'rejected', quarantine_state: 'held' });
    // The sender is told once that the message could not be read.
    const told = await t.db('outbox').where({ event: 'mail.rejected' });
    expect(told.map((o) => o.payload.to)).toEqual([customer.email]);
    // A replacement worker takes the next message (given time enough).
    const next = await readMail(Buffer.from(buildMail({ from: customer.email, subject: 'Siguiente' })), {
      maxAttachmentBytes: 1e6,
      timeoutMs: 60_000,
    });
    expect(next).toMatchObject({ error: null, parsed: { subject: 'Siguiente' } });
  });
});
