import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngest } from '../../src/ingest/index.js';
import type { RunningPart } from '../../src/runtime/part.js';
import type { TestDb } from '../helpers/db.js';
import { useTestDb } from '../helpers/db.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { makeUser } from '../helpers/fixtures.js';
import { appendRaw, buildMail, mailboxState } from '../helpers/imap.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';

let dovecot: Dovecot;
// Made at load time: a cleanup hook registered from inside beforeAll would never run.
const t: TestDb = await useTestDb();
let ingest: RunningPart | undefined;

beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await ingest?.stop();
  await dovecot?.stop();
});

describe('IMAP_PROCESSED_MAILBOX', () => {
  it('moves each message to the Processed folder after its effect is committed, and reports the mailbox in health', async () => {
    const customer = await makeUser(t.app, 'customer');
    // Mail waiting before the watcher starts is caught up on at start.
    await appendRaw(
      dovecot,
      [1, 2].map((i) => buildMail({ from: customer.email, subject: `Antes ${i}` })),
    );
    const s = await useTestServices(t, { ...dovecot.env, IMAP_PROCESSED_MAILBOX: 'Processed' });
    ingest = await startIngest(s);
    await appendRaw(dovecot, [buildMail({ from: customer.email, subject: 'Después' })]);
    await waitUntil(
      '3 messages in Processed',
      async () => (await mailboxState(dovecot, 'Processed')).all >= 3,
      {
        timeoutMs: 60_000,
      },
    );
    expect((await mailboxState(dovecot, 'Processed')).all).toBe(3);
    expect((await mailboxState(dovecot, 'INBOX')).all).toBe(0);
    expect((await t.db('tickets').where({ requester_id: customer.id })).length).toBe(3);
    const health = await ingest.health?.();
    expect(health?.ok).toBe(true);
    expect(health?.detail).toMatch(/INBOX: (idle|syncing), 3 processed/);
  });
});
