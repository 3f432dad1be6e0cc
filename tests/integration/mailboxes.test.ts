import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailbox, type MailboxInput, updateMailbox } from '../../src/app/agent/mailboxes.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { findReplyToken } from '../../src/domain/tokens.js';
import { startIngest } from '../../src/ingest/index.js';
import { startOutbound } from '../../src/outbound/index.js';
import type { RunningPart } from '../../src/runtime/part.js';
import type { Services } from '../../src/runtime/services.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { appendRaw, buildMail } from '../helpers/imap.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';
import { type CapturingSmtp, header, mailCollector, startCapturingSmtp, toAddress } from '../helpers/smtp.js';

/**
 * Several support addresses on a real Dovecot: the environment's account (support@, user `support`) and a
 * mailbox added like the admin adds it (facturacion@, user `facturacion`) while the ingest runs.
 */
const SUPPORT = 'support@izardesk.local';
const BILLING = 'facturacion@izarlink.test';

const t: TestDb = await useTestDb();
let dovecot: Dovecot;
let billingBox: Dovecot;
let smtp: CapturingSmtp;
let s: Services;
let ingest: RunningPart;
let outbound: RunningPart;
let customer: TestUser;
let admin: TestUser;
let agent: TestUser;
let teamId: number;
let mailboxId: number;
let sent: () => Promise<ParsedMail[]>;

const record = (messageId: string) =>
  waitUntil(`the outcome of ${messageId}`, () =>
    t.db('inbound_mails').where({ message_id: messageId }).whereNot({ outcome: 'processing' }).first(),
  );
const address = (v: ParsedMail['from'] | ParsedMail['replyTo']) => v?.value[0]?.address ?? '';
const toCustomer = (mails: ParsedMail[]) =>
  must(
    mails.find((m) => toAddress(m) === customer.email),
    'mail',
  );
const healthDetail = async () => (await ingest.health?.())?.detail ?? '';

const billingInput = (over: Partial<MailboxInput> = {}): MailboxInput => ({
  address: BILLING,
  displayName: 'Facturación IzarLink',
  displayNames: { en: 'IzarLink Billing' },
  imap: { host: dovecot.host, port: dovecot.port, secure: false, user: 'facturacion', folders: ['INBOX'] },
  password: 'facturacion-password',
  defaultTeamId: teamId,
  active: true,
  ...over,
});

beforeAll(async () => {
  dovecot = await startDovecot({ extraUsers: ['facturacion'] });
  billingBox = { ...dovecot, user: 'facturacion', password: 'facturacion-password' };
  smtp = await startCapturingSmtp();
  s = await useTestServices(t, {
    ...dovecot.env,
    SMTP_URL: smtp.url,
    SMTP_MAX_PER_SECOND: '500',
    SUPPORT_ADDRESS: SUPPORT,
    IMAP_POLL_SECONDS: '30',
    MAILBOX_REFRESH_SECONDS: '1',
    MAIL_AUTO_ANSWER_LIMIT_PER_HOUR: '100',
  });
  customer = await makeUser(t.app, 'customer');
  admin = await makeUser(t.app, 'admin');
  agent = await makeUser(t.app, 'agent');
  [{ id: teamId }] = await t.db('teams').insert({ name: 'Facturación' }).returning('id');
  outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
  ingest = await startIngest(s);
  await waitUntil('the ingest to idle on INBOX', async () => (await healthDetail()).includes('INBOX: idle'));
  sent = mailCollector(s.db, smtp);
});

afterAll(async () => {
  await ingest?.stop();
  await outbound?.stop();
  await smtp?.close();
  await dovecot?.stop();
});

describe('several mailboxes', () => {
  it('the environment’s mailbox works as before: no mailbox on the ticket, answered from SUPPORT_ADDRESS', async () => {
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        to: SUPPORT,
        subject: 'Sin línea',
        messageId: '<env-1@example.test>',
      }),
    ]);
    const rec = await record('env-1@example.test');
    expect(rec).toMatchObject({ outcome: 'new_ticket', mailbox: 'INBOX' });
    const ticket = must(
      await t
        .db('tickets')
        .where({ id: Number(rec.ticket_id) })
        .first(),
    );
    expect(ticket).toMatchObject({ mailbox_id: null, team_id: null });
    const ack = toCustomer(await sent());
    expect(address(ack.from)).toBe(SUPPORT);
    expect(address(ack.replyTo)).toMatch(/^support\+t\d+\.u\d+\.[a-z2-7]+@izardesk\.local$/);
  });

  it('a mailbox added in the admin is watched without a restart; its mail lands in its team and is answered from it', async () => {
    mailboxId = await createMailbox(s.app, admin.actor, billingInput(), {
      secret: s.config.SECRET,
      envAddress: SUPPORT,
    });
    // The password is sealed at rest.
    const row = must(await t.db('mailboxes').where({ id: mailboxId }).first());
    expect(row.imap_password).not.toContain('facturacion-password');
    await waitUntil('the new mailbox to be watched', async () =>
      (await healthDetail()).includes(`mailbox-${mailboxId}:INBOX: idle`),
    );

    await appendRaw(billingBox, [
      buildMail({
        from: customer.email,
        to: BILLING,
        subject: 'Factura duplicada',
        text: 'Me han cobrado dos veces la factura de noviembre.',
        messageId: '<billing-1@example.test>',
      }),
    ]);
    const rec = await record('billing-1@example.test');
    expect(rec).toMatchObject({ outcome: 'new_ticket', mailbox: `mailbox-${mailboxId}:INBOX` });
    const ticketId = Number(rec.ticket_id);
    expect(await t.db('tickets').where({ id: ticketId }).first('mailbox_id', 'team_id')).toEqual({
      mailbox_id: mailboxId,
      team_id: teamId,
    });
    const created = must(await t.db('ticket_events').where({ ticket_id: ticketId, kind: 'created' }).first());
    expect(created.data).toMatchObject({ receivedAt: BILLING });

    const ack = toCustomer(await sent());
    expect(ack.from?.value[0]).toEqual({ address: BILLING, name: 'Facturación IzarLink' });
    const replyTo = address(ack.replyTo);
    expect(replyTo).toMatch(/^facturacion\+t\d+\.u\d+\.[a-z2-7]+@izarlink\.test$/);
    expect(findReplyToken(s.config.SECRET, replyTo)).toEqual({ ticketId, userId: customer.id });
    expect(ack.text).toContain(BILLING);
    // Bounces go back to the mailbox's own address.
    const envelope = must(
      smtp.messages.find((m) => m.to.includes(customer.email) && m.raw.includes('Factura')),
    );
    expect(envelope.from).toBe(BILLING);

    // The customer's reply, to facturacion+TOKEN@, comes back into the billing account as a follow-up.
    await appendRaw(billingBox, [
      buildMail({
        from: customer.email,
        to: replyTo,
        subject: `Re: ${ack.subject}`,
        text: 'Adjunto el extracto del banco.',
        messageId: '<billing-2@example.test>',
        headers: { 'In-Reply-To': header(ack, 'message-id') },
      }),
    ]);
    const reply = await record('billing-2@example.test');
    expect(reply).toMatchObject({ outcome: 'followup', ticket_id: ticketId });
    // The agents' mail about it comes from the same mailbox too.
    const about = await sent();
    expect(about.length).toBeGreaterThan(0);
    for (const m of about) expect(address(m.from)).toBe(BILLING);
  });

  it('a mail for the mailbox arriving in another account (an alias) is still the mailbox’s', async () => {
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        to: `Facturación <${BILLING}>`,
        subject: 'Cambio de cuenta bancaria',
        messageId: '<alias-1@example.test>',
      }),
    ]);
    const rec = await record('alias-1@example.test');
    expect(rec).toMatchObject({ outcome: 'new_ticket', mailbox: 'INBOX' });
    expect(
      await t
        .db('tickets')
        .where({ id: Number(rec.ticket_id) })
        .first('mailbox_id', 'team_id'),
    ).toEqual({
      mailbox_id: mailboxId,
      team_id: teamId,
    });
    expect(address(toCustomer(await sent()).from)).toBe(BILLING);
  });

  it('mail from one of our own addresses is a loop, not a ticket', async () => {
    await appendRaw(dovecot, [
      buildMail({ from: BILLING, to: SUPPORT, subject: 'Eco', messageId: '<loop-1@example.test>' }),
    ]);
    expect(await record('loop-1@example.test')).toMatchObject({ outcome: 'ignored', ticket_id: null });
  });

  it('a deactivated mailbox is no longer watched, and its tickets are answered from SUPPORT_ADDRESS again', async () => {
    await updateMailbox(s.app, admin.actor, mailboxId, billingInput({ active: false }), {
      secret: s.config.SECRET,
      envAddress: SUPPORT,
    });
    await waitUntil('the mailbox watcher to stop', async () => {
      const d = await healthDetail();
      return d.includes('INBOX: idle') && !d.includes(`mailbox-${mailboxId}:`);
    });
    const ticket = must(await t.db('tickets').where({ mailbox_id: mailboxId }).orderBy('id').first('id'));
    await addFollowup(s.app, agent.actor, { ticketId: ticket.id, body: 'Ya está corregido.' });
    const answer = toCustomer(await sent());
    expect(address(answer.from)).toBe(SUPPORT);
    expect(address(answer.replyTo)).toMatch(/^support\+/);
  });
});
