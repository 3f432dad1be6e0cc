import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngest } from '../../src/ingest/index.js';
import type { RunningPart } from '../../src/runtime/part.js';
import { htmlNul, nulFileName, qpNul, utf16Body } from '../fixtures/hostile/messages.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { appendRaw, buildMail, mailboxState } from '../helpers/imap.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';

const run = promisify(execFile);
const SECRET = 'test-secret-test-secret-test-secret-0123';

// Made at load time: a cleanup hook registered from inside beforeAll would never run.
const t: TestDb = await useTestDb();
let dovecot: Dovecot;
let ingest: RunningPart;
let customer: TestUser;

const record = (messageId: string) =>
  waitUntil(`the record of ${messageId}`, () =>
    t.db('inbound_mails').where({ message_id: messageId }).whereNot({ outcome: 'processing' }).first(),
  );
const healthy = async () => {
  const h = await ingest.health?.();
  return Boolean(h?.ok && !h.detail?.includes('backoff'));
};

beforeAll(async () => {
  dovecot = await startDovecot();
  const s = await useTestServices(t, {
    ...dovecot.env,
    IMAP_POLL_SECONDS: '30',
    IMAP_UNPROCESSABLE_MAILBOX: 'Unprocessable',
    MAIL_SENDER_LIMIT_PER_HOUR: '1000',
  });
  customer = await makeUser(t.app, 'customer');
  ingest = await startIngest(s);
  await waitUntil('the ingest to idle on INBOX', async () =>
    (await ingest.health?.())?.detail?.includes('INBOX: idle'),
  );
});

afterAll(async () => {
  await ingest?.stop();
  await dovecot?.stop();
});

describe('poisoned mail on a real Dovecot', { timeout: 120_000 }, () => {
  it('a NUL in a file name, a QP =00, a UTF-16 body or NUL in HTML makes a normal ticket; the mailbox flows on', async () => {
    const cases = [
      {
        raw: nulFileName(customer.email, 'p-file'),
        id: 'p-file',
        text: 'Adjunto la factura.',
        file: 'ab.txt',
      },
      { raw: qpNul(customer.email, 'p-qp'), id: 'p-qp', text: 'No hay conexión desde las 9.', file: null },
      { raw: utf16Body(customer.email, 'p-utf16'), id: 'p-utf16', text: 'El router no enciende', file: null },
      {
        raw: htmlNul(customer.email, 'p-html'),
        id: 'p-html',
        text: 'La fibra está cortada.',
        file: '\ufffda',
      },
    ];
    for (const [i, c] of cases.entries()) {
      const after = `after-${i}@example.test`;
      await appendRaw(dovecot, [
        c.raw,
        buildMail({ from: customer.email, subject: `Later ${i}`, messageId: `<${after}>` }),
      ]);
      const rec = await record(`${c.id}@hostile.example`);
      expect(rec.outcome, `${c.id}: ${rec.reason}`).toBe('new_ticket');
      const ticket = must(await t.db('tickets').where({ id: rec.ticket_id! }).first('title', 'description'));
      expect(ticket.description).toContain(c.text);
      expect(`${ticket!.title}${ticket!.description}`).not.toContain('\u0000');
      if (c.file)
        expect(
          (await t.db('attachments').where({ ticket_id: rec.ticket_id! })).map((a) => a.filename),
        ).toEqual([c.file]);
      // A later ordinary mail still becomes a ticket.
      expect((await record(after)).outcome).toBe('new_ticket');
      expect(await healthy()).toBe(true);
    }
    const qp = must(
      await t.db('inbound_mails').where({ message_id: 'p-qp@hostile.example' }).first('subject'),
    );
    expect(qp.subject).toBe('Sinconexión');
    await waitUntil('every message of INBOX to be seen', async () => {
      const st = await mailboxState(dovecot);
      return st.all === st.seen;
    });
  });

  it('a message that cannot be recorded at all is moved aside, and the next mail still becomes a ticket', async () => {
    // Stands for any failure the content could still cause: every write of this message's record fails.
    await t.db.raw(`
      create function refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.subject = 'unrecordable' then raise exception 'poisoned record'; end if;
        return new;
      end $$`);
    await t.db.raw(
      'create trigger refuse_poison before insert on inbound_mails for each row execute function refuse_poison()',
    );
    try {
      await appendRaw(dovecot, [
        buildMail({ from: customer.email, subject: 'unrecordable', messageId: '<poison@example.test>' }),
        buildMail({
          from: customer.email,
          subject: 'After the poison',
          messageId: '<after-poison@example.test>',
        }),
      ]);
      expect((await record('after-poison@example.test')).outcome).toBe('new_ticket');
      await waitUntil(
        'the message in the Unprocessable folder',
        async () => (await mailboxState(dovecot, 'Unprocessable')).all === 1,
      );
      expect(
        await t.db('inbound_mails').where({ message_id: 'poison@example.test' }).first(),
      ).toBeUndefined();
      expect(await healthy()).toBe(true);
      // It is not fetched again: the watched folder holds only processed mail.
      const inbox = await mailboxState(dovecot);
      expect(inbox.all).toBe(inbox.seen);
    } finally {
      await t.db.raw('drop trigger refuse_poison on inbound_mails');
    }
  });

  it('a message whose effect fails is held in the quarantine with the reason as text and its source', async () => {
    await t.db.raw(`
      create function refuse_ticket() returns trigger language plpgsql as $$
      begin
        if new.title = 'breaks the effect' then raise exception 'effect failed'; end if;
        return new;
      end $$`);
    await t.db.raw(
      'create trigger refuse_ticket before insert on tickets for each row execute function refuse_ticket()',
    );
    try {
      const raw = buildMail({
        from: customer.email,
        subject: 'breaks the effect',
        messageId: '<held@example.test>',
      });
      await appendRaw(dovecot, [raw]);
      const rec = await record('held@example.test');
      expect(rec).toMatchObject({ outcome: 'held', quarantine_state: 'held', ticket_id: null });
      expect(rec.reason).toMatch(/^internal_error: .*effect failed/);
      expect(rec.details).toEqual({ code: 'internal_error' });
      expect(rec.raw!.toString()).toBe(raw);
      // Nothing was answered for a message the ingest could not handle.
      expect(await t.db('outbox').where({ event: 'mail.rejected' }).first()).toBeUndefined();
      expect(await healthy()).toBe(true);
    } finally {
      await t.db.raw('drop trigger refuse_ticket on tickets');
    }
  });

  it('pipe mode ingests the NUL file name message and exits 0', async () => {
    const child = run(process.execPath, ['bin/izardesk.js', 'ingest', '--stdin', '--json'], {
      env: { ...process.env, DATABASE_URL: t.url, SECRET, LOG_LEVEL: 'error' },
    });
    child.child.stdin?.end(nulFileName(customer.email, 'pipe-nul'));
    const out = JSON.parse((await child).stdout);
    expect(out).toMatchObject({
      action: 'new_ticket',
      attachments: [{ name: 'ab.txt', accepted: true }],
      sender: { address: customer.email },
    });
    const rec = must(await t.db('inbound_mails').where({ message_id: 'pipe-nul@hostile.example' }).first());
    expect(rec.details.attachments).toEqual([{ name: 'ab.txt', size: 4, accepted: true }]);
  });
});
