import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngest } from '../../src/ingest/index.js';
import type { RunningPart } from '../../src/runtime/part.js';
import type { TestDb } from '../helpers/db.js';
import { useTestDb } from '../helpers/db.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { makeUser } from '../helpers/fixtures.js';
import { appendRaw, buildMail, imapClient } from '../helpers/imap.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';

// Dovecot's own list less IDLE (and the extensions the watcher does not use): a server without IDLE.
const WITHOUT_IDLE =
  'imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE SORT UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED ESEARCH LIST-STATUS BINARY MOVE LITERAL+ SPECIAL-USE';

let dovecot: Dovecot;
// Made at load time: a cleanup hook registered from inside beforeAll would never run.
const t: TestDb = await useTestDb();
let ingest: RunningPart | undefined;

beforeAll(async () => {
  dovecot = await startDovecot({ extraConfig: WITHOUT_IDLE });
});
afterAll(async () => {
  await ingest?.stop();
  await dovecot?.stop();
});

describe('a mailbox server without IDLE', () => {
  it('is polled every IMAP_POLL_SECONDS: new mail still becomes a ticket within seconds', async () => {
    const probe = await imapClient(dovecot);
    const capabilities = [...probe.capabilities.keys()];
    await probe.logout();
    expect(capabilities).toContain('UIDPLUS');
    expect(capabilities).not.toContain('IDLE');

    const customer = await makeUser(t.app, 'customer');
    const s = await useTestServices(t, { ...dovecot.env, IMAP_POLL_SECONDS: '1' });
    ingest = await startIngest(s);
    const waitFor = async (n: number) => {
      await waitUntil(
        `${n} tickets`,
        async () => (await t.db('tickets').where({ requester_id: customer.id })).length >= n,
        { timeoutMs: 15_000 },
      );
      return (await t.db('tickets').where({ requester_id: customer.id })).length;
    };
    // Each message is appended while the watcher waits, so only a poll can notice it.
    for (const [i, subject] of ['Sin IDLE uno', 'Sin IDLE dos'].entries()) {
      await new Promise((r) => setTimeout(r, 1500));
      const appended = Date.now();
      await appendRaw(dovecot, [buildMail({ from: customer.email, subject })]);
      expect(await waitFor(i + 1)).toBe(i + 1);
      // One poll interval plus the work: far less than imapflow's 2-minute default NOOP interval.
      expect(Date.now() - appended).toBeLessThan(10_000);
    }
    const titles = (await t.db('tickets').where({ requester_id: customer.id }).orderBy('id')).map(
      (r) => r.title,
    );
    expect(titles).toEqual(['Sin IDLE uno', 'Sin IDLE dos']);
  });
});
