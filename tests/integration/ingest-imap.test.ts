import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, resolve } from '../../src/app/tickets/lifecycle.js';
import { formatReference } from '../../src/domain/reference.js';
import { signReplyToken } from '../../src/domain/tokens.js';
import { startIngest } from '../../src/ingest/index.js';
import type { RunningPart } from '../../src/runtime/part.js';
import type { Services } from '../../src/runtime/services.js';
import type { TestDb } from '../helpers/db.js';
import { must, useTestDb } from '../helpers/db.js';
import { type Dovecot, startDovecot } from '../helpers/dovecot.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { appendRaw, buildMail, imapClient, mailboxState } from '../helpers/imap.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';

const MX = 'mx.izarlink.test';
const PASS = {
  'Authentication-Results': `${MX}; dkim=pass header.d=example.test; dmarc=pass header.from=example.test`,
};
const SECRET = 'test-secret-test-secret-test-secret-0123';

let dovecot: Dovecot;
// Made at load time: a cleanup hook registered from inside beforeAll would never run.
const t: TestDb = await useTestDb();
let s: Services;
let ingest: RunningPart;
let customer: TestUser;
let colleague: TestUser;
let stranger: TestUser;
let agent: TestUser;

const record = (messageId: string) =>
  waitUntil(`the outcome of ${messageId}`, () =>
    t.db('inbound_mails').where({ message_id: messageId }).whereNot({ outcome: 'processing' }).first(),
  );
const outbox = (event: string) => t.db('outbox').where({ event }).orderBy('id');

beforeAll(async () => {
  dovecot = await startDovecot();
  s = await useTestServices(t, {
    ...dovecot.env,
    IMAP_SENT_MAILBOX: 'Sent',
    IMAP_POLL_SECONDS: '30',
    MAIL_TRUSTED_AUTHSERV_ID: MX,
    MAIL_SENDER_LIMIT_PER_HOUR: '20',
  });
  customer = await makeUser(t.app, 'customer');
  colleague = await makeUser(t.app, 'customer', { companyId: customer.companyId as number });
  stranger = await makeUser(t.app, 'customer');
  agent = await makeUser(t.app, 'agent');
  ingest = await startIngest(s);
  await waitUntil('the watcher to idle on INBOX', async () =>
    (await ingest.health?.())?.detail?.includes('INBOX: idle'),
  );
});

afterAll(async () => {
  await ingest?.stop();
  await dovecot?.stop();
});

describe('mailbox watcher on a real Dovecot', () => {
  it('turns a new mail into a ticket within seconds (IDLE) and flags it \\Seen after the commit', async () => {
    const started = Date.now();
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        subject: 'Sin conexión en la oficina',
        text: 'No hay internet desde las 9.',
        messageId: '<new1@example.test>',
        headers: PASS,
      }),
    ]);
    const rec = await record('new1@example.test');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(rec.outcome).toBe('new_ticket');
    const ticket = must(await t.db('tickets').where({ id: rec.ticket_id! }).first());
    expect(ticket).toMatchObject({
      title: 'Sin conexión en la oficina',
      requester_id: customer.id,
      source: 'email',
    });
    await waitUntil('every message to be marked seen', async () => {
      const state = await mailboxState(dovecot);
      return state.seen === state.all;
    });
  });

  it('adds follow-ups by subject tag, by In-Reply-To and by reply token; a token never lends its name', async () => {
    const ticketId = await makeTicket(t.app, customer);
    const ref = formatReference('IZL', ticketId);
    await t.db('deliveries').insert({
      ticket_id: ticketId,
      user_id: customer.id,
      recipient: customer.email,
      event: 'ticket.created',
      message_id: 'notif1.x@izardesk.local',
      status: 'sent',
    });
    const token = signReplyToken(SECRET, { ticketId, userId: customer.id });
    await appendRaw(dovecot, [
      buildMail({
        from: colleague.email,
        subject: `Re: [${ref}] No connection`,
        text: 'Por subject',
        messageId: '<fu-subject@example.test>',
        headers: PASS,
      }),
      buildMail({
        from: customer.email,
        subject: 'Re: algo',
        text: 'Por hilo\n\nEl lun, 23 nov 2026, Soporte escribió:\n> cita',
        messageId: '<fu-thread@example.test>',
        headers: { ...PASS, 'In-Reply-To': '<notif1.x@izardesk.local>' },
      }),
      buildMail({
        from: colleague.email,
        to: `support+${token}@izardesk.local`,
        subject: 'Re: sin tag',
        text: 'Por token',
        messageId: '<fu-token@example.test>',
        headers: PASS,
      }),
      buildMail({
        from: 'juan.personal@gmail.example',
        to: `support+${token}@izardesk.local`,
        subject: 'Re: sin tag',
        text: 'Por token ajeno',
        messageId: '<fu-token-other@example.test>',
      }),
    ]);
    for (const [id, body] of [
      ['fu-subject@example.test', 'Por subject'],
      ['fu-thread@example.test', 'Por hilo'],
      ['fu-token@example.test', 'Por token'],
    ] as const) {
      const rec = await record(id);
      expect(rec.outcome, `${id}: ${rec.reason}`).toBe('followup');
      expect(rec.ticket_id).toBe(ticketId);
      const f = must(await t.db('followups').where({ id: rec.followup_id! }).first());
      expect(f.body).toBe(body);
      expect(f!.source).toBe('email');
    }
    // Forwarded by the customer's colleague: recorded as the colleague's, not the customer's.
    const byToken = await record('fu-token@example.test');
    expect(must(await t.db('followups').where({ id: byToken.followup_id! }).first()).author_id).toBe(
      colleague.id,
    );
    // An address with no account holding the customer's token is held, never posted under the customer's name.
    const other = await record('fu-token-other@example.test');
    expect(other).toMatchObject({ outcome: 'held', quarantine_state: 'held', ticket_id: null });
    expect(other.reason).toMatch(/^token_other_sender: reply token used by another address/);
  });

  it("treats another company's customer naming a ticket in the subject as a new conversation", async () => {
    const ticketId = await makeTicket(t.app, customer);
    await appendRaw(dovecot, [
      buildMail({
        from: stranger.email,
        subject: `Re: [${formatReference('IZL', ticketId)}] x`,
        text: 'Let me see it',
        messageId: '<guess@example.test>',
        headers: PASS,
      }),
    ]);
    const rec = await record('guess@example.test');
    expect(rec.outcome).toBe('new_ticket');
    expect(rec.ticket_id).not.toBe(ticketId);
    expect((await t.db('followups').where({ ticket_id: ticketId })).length).toBe(0);
  });

  it('reopens a resolved ticket when the customer replies', async () => {
    const ticketId = await makeTicket(t.app, customer);
    await resolve(t.app, agent.actor, ticketId, { body: 'Reiniciamos el router.' });
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        subject: `Re: [${formatReference('IZL', ticketId)}] x`,
        text: 'Sigue sin funcionar.',
        messageId: '<reopen@example.test>',
        headers: PASS,
      }),
    ]);
    const rec = await record('reopen@example.test');
    expect(rec.outcome).toBe('reopen');
    expect(must(await t.db('tickets').where({ id: ticketId }).first()).status).not.toBe('resolved');
  });

  it('opens a new ticket naming the old one when the customer replies to a closed ticket', async () => {
    const ticketId = await makeTicket(t.app, customer);
    await close(t.app, agent.actor, ticketId);
    const ref = formatReference('IZL', ticketId);
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        subject: `Re: [${ref}] x`,
        text: 'Ha vuelto a pasar.',
        messageId: '<closed@example.test>',
        headers: PASS,
      }),
    ]);
    const rec = await record('closed@example.test');
    expect(rec.outcome).toBe('new_ticket');
    expect(rec.ticket_id).not.toBe(ticketId);
    const fresh = must(await t.db('tickets').where({ id: rec.ticket_id! }).first());
    expect(fresh.description).toContain(ref);
    expect(fresh!.description).toContain('Ha vuelto a pasar.');
  });

  it('records an agent reply as a public agent follow-up, and runs #commands', async () => {
    const ticketId = await makeTicket(t.app, customer);
    const ref = formatReference('IZL', ticketId);
    const agentAuth = { 'Authentication-Results': `${MX}; dmarc=pass header.from=example.test` };
    await appendRaw(dovecot, [
      buildMail({
        from: agent.email,
        subject: `Re: [${ref}] x`,
        text: 'Estamos revisando la línea.',
        messageId: '<agent1@example.test>',
        headers: agentAuth,
      }),
      buildMail({
        from: agent.email,
        subject: `Re: [${ref}] x`,
        text: '#resolve\n\nCambiamos la ONT.',
        messageId: '<agent2@example.test>',
        headers: agentAuth,
      }),
    ]);
    const r1 = await record('agent1@example.test');
    expect(r1.outcome).toBe('followup');
    const f = await t.db('followups').where({ id: r1.followup_id! }).first();
    expect(f).toMatchObject({
      author_id: agent.id,
      visibility: 'public',
      body: 'Estamos revisando la línea.',
    });
    const ev = must(
      await t
        .db('outbox')
        .where({ event: 'ticket.followup', ticket_id: ticketId })
        .orderBy('id', 'desc')
        .first(),
    );
    expect(ev.payload.visibility).toBe('public');
    await record('agent2@example.test');
    const ticket = must(await t.db('tickets').where({ id: ticketId }).first());
    expect(ticket.status).toBe('resolved');
    expect(ticket.solution).toBe('Cambiamos la ONT.');
  });

  it('ignores auto-replies and bounces without answering, and marks the bounced delivery', async () => {
    const ticketId = await makeTicket(t.app, customer);
    await t.db('deliveries').insert({
      ticket_id: ticketId,
      user_id: customer.id,
      recipient: customer.email,
      event: 'ticket.created',
      message_id: 'bounced.1@izardesk.local',
      status: 'sent',
    });
    const before = (await t.db('outbox').where('event', 'like', 'mail.%')).length;
    const bounce = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.test>',
      'To: support@izardesk.local',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce1@mx.example.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="BB"',
      '',
      '--BB',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--BB',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.test',
      '',
      `Final-Recipient: rfc822; ${customer.email}`,
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
      '--BB',
      'Content-Type: text/rfc822-headers',
      '',
      'From: support@izardesk.local',
      `To: ${customer.email}`,
      'Message-ID: <bounced.1@izardesk.local>',
      'Subject: [IZL-000001] x',
      '--BB--',
      '',
    ].join('\r\n');
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        subject: 'Fuera de la oficina',
        messageId: '<ooo@example.test>',
        headers: { ...PASS, 'Auto-Submitted': 'auto-replied' },
      }),
      buildMail({
        from: 'someone@unknown.example',
        subject: 'Out of office',
        messageId: '<ooo2@example.test>',
        headers: { 'X-Autoreply': 'yes' },
      }),
      buildMail({
        from: 'list@unknown.example',
        subject: 'Newsletter',
        messageId: '<list@example.test>',
        headers: { 'List-Id': '<news.unknown.example>', Precedence: 'list' },
      }),
      bounce,
    ]);
    for (const id of [
      'ooo@example.test',
      'ooo2@example.test',
      'list@example.test',
      'bounce1@mx.example.test',
    ])
      expect((await record(id)).outcome).toBe('ignored');
    expect((await t.db('outbox').where('event', 'like', 'mail.%')).length).toBe(before);
    expect(
      must(await t.db('deliveries').where({ message_id: 'bounced.1@izardesk.local' }).first()).status,
    ).toBe('bounced');
    expect(must(await t.db('users').where({ id: customer.id }).first()).bounced_at).not.toBeNull();
  });

  it('answers an unknown sender once and keeps the mail for an agent', async () => {
    await appendRaw(dovecot, [
      buildMail({
        from: 'Nuevo <nuevo@desconocido.example>',
        subject: 'Quiero contratar',
        messageId: '<unk1@example.test>',
      }),
      buildMail({ from: 'nuevo@desconocido.example', subject: 'Otra vez', messageId: '<unk2@example.test>' }),
    ]);
    expect((await record('unk1@example.test')).outcome).toBe('rejected');
    const r2 = await record('unk2@example.test');
    expect(r2.quarantine_state).toBe('held');
    const answers = (await outbox('mail.unknown_sender')).filter(
      (o) => o.payload.to === 'nuevo@desconocido.example',
    );
    expect(answers).toHaveLength(1);
    expect(answers[0].payload).toMatchObject({ name: 'Nuevo', inReplyTo: 'unk1@example.test' });
  });

  it('holds a spoofed From (failing DMARC, or results from a foreign authserv-id) and tells the sender nothing', async () => {
    const ticketId = await makeTicket(t.app, customer);
    const ref = formatReference('IZL', ticketId);
    const mailsBefore = (await t.db('outbox').where('event', 'like', 'mail.%')).length;
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        subject: `Re: [${ref}] x`,
        text: 'spoof 1',
        messageId: '<spoof1@evil.example>',
        headers: { 'Authentication-Results': `${MX}; dmarc=fail header.from=example.test; dkim=none` },
      }),
      buildMail({
        from: customer.email,
        subject: `Re: [${ref}] x`,
        text: 'spoof 2',
        messageId: '<spoof2@evil.example>',
        headers: {
          'Authentication-Results':
            'mx.evil.example; dkim=pass header.d=example.test; dmarc=pass header.from=example.test',
        },
      }),
    ]);
    for (const id of ['spoof1@evil.example', 'spoof2@evil.example']) {
      const rec = await record(id);
      expect(rec.outcome).toBe('held');
      expect(rec.quarantine_state).toBe('held');
      expect(rec.reason).toMatch(/^not_authenticated/);
      expect(rec.ticket_id).toBeNull();
    }
    expect((await t.db('followups').where({ ticket_id: ticketId })).length).toBe(0);
    expect((await t.db('outbox').where('event', 'like', 'mail.%')).length).toBe(mailsBefore);
  });

  it('refuses an attachment of 2 MB + 1 byte with an answer, and keeps the rest', async () => {
    const limit = 2 * 1024 * 1024;
    await appendRaw(dovecot, [
      buildMail({
        from: customer.email,
        subject: 'Factura y captura',
        messageId: '<big@example.test>',
        headers: PASS,
        attachments: [
          { name: 'captura.png', size: 1000, type: 'image/png' },
          { name: 'factura.pdf', size: limit + 1, type: 'application/pdf' },
        ],
      }),
    ]);
    const rec = await record('big@example.test');
    expect(rec.outcome).toBe('new_ticket');
    const files = await t.db('attachments').where({ ticket_id: rec.ticket_id! }).select('filename', 'size');
    expect(files).toEqual([{ filename: 'captura.png', size: 1000 }]);
    const answer = (await outbox('mail.attachment_too_big')).at(-1);
    expect(answer!.payload).toMatchObject({
      to: customer.email,
      files: [{ name: 'factura.pdf', size: limit + 1 }],
      limit,
      ticketId: rec.ticket_id,
    });
  });

  it('quarantines an unreadable message while the messages after it are processed', async () => {
    const b = 'XX';
    const parts = Array.from(
      { length: 1100 },
      (_, i) => `--${b}\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`,
    ).join('');
    const broken = `From: ${customer.email}\r\nTo: support@izardesk.local\r\nSubject: roto\r\nMessage-ID: <broken@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="${b}"\r\n\r\n${parts}--${b}--\r\n`;
    await appendRaw(dovecot, [
      broken,
      buildMail({
        from: customer.email,
        subject: 'Después del roto',
        messageId: '<after-broken@example.test>',
        headers: PASS,
      }),
    ]);
    const rec = await record('broken@example.test');
    expect(rec).toMatchObject({ outcome: 'rejected', quarantine_state: 'held' });
    expect(rec.reason).toMatch(/^unreadable/);
    expect(rec.raw!.length).toBeGreaterThan(1000);
    expect((await record('after-broken@example.test')).outcome).toBe('new_ticket');
    expect((await outbox('mail.rejected')).some((o) => o.payload.inReplyTo === 'broken@example.test')).toBe(
      true,
    );
  });

  it('retries a batch message by message when one message breaks its group commit; the others commit', async () => {
    // A fault, not a rule of the use case: the database refuses this one ticket (as it once refused a NUL).
    await t.db.raw(`
      create function refuse_broken() returns trigger language plpgsql as $$
      begin
        if new.title = 'Con fallo' then raise exception 'refused by the database'; end if;
        return new;
      end $$`);
    await t.db.raw(
      'create trigger refuse_broken before insert on tickets for each row execute function refuse_broken()',
    );
    const breaking = buildMail({
      from: colleague.email,
      subject: 'Con fallo',
      messageId: '<nul@example.test>',
      headers: PASS,
    });
    const good = (n: number, from: TestUser) =>
      buildMail({
        from: from.email,
        subject: `Lote ${n}`,
        messageId: `<batch${n}@example.test>`,
        headers: PASS,
      });
    // Staged in another folder and moved in one command, so that the watcher sees them in one batch.
    const c = await imapClient(dovecot);
    try {
      await c.mailboxCreate('Staging');
      for (const m of [good(1, customer), breaking, good(2, stranger)]) await c.append('Staging', m);
      await c.mailboxOpen('Staging');
      await c.messageMove('1:*', 'INBOX');
    } finally {
      await c.logout();
    }
    try {
      const broken = await record('nul@example.test');
      expect(broken).toMatchObject({ outcome: 'held', quarantine_state: 'held' });
      expect(broken.reason).toMatch(/^internal_error: .*refused by the database/);
      expect((await record('batch1@example.test')).outcome).toBe('new_ticket');
      expect((await record('batch2@example.test')).outcome).toBe('new_ticket');
      expect(await t.db('tickets').whereIn('title', ['Lote 1', 'Lote 2', 'Con fallo'])).toHaveLength(2);
    } finally {
      await t.db.raw('drop trigger refuse_broken on tickets');
    }
  });

  it('records a message whose subject holds a NUL (Postgres refuses it in text) as a ticket, NUL removed', async () => {
    const subject = `=?utf-8?B?${Buffer.from('Asunto\u0000nulo').toString('base64')}?=`;
    await appendRaw(dovecot, [
      buildMail({ from: customer.email, subject, messageId: '<nul-subject@example.test>', headers: PASS }),
      buildMail({
        from: stranger.email,
        subject: 'Tras el NUL',
        messageId: '<after-nul@example.test>',
        headers: PASS,
      }),
    ]);
    expect((await record('after-nul@example.test')).outcome).toBe('new_ticket');
    const rec = await record('nul-subject@example.test');
    expect(rec).toMatchObject({ subject: 'Asuntonulo', outcome: 'new_ticket', quarantine_state: null });
    expect(must(await t.db('tickets').where({ id: rec.ticket_id! }).first('title')).title).toBe('Asuntonulo');
  });

  it('makes one effect of the same Message-ID delivered twice', async () => {
    const mail = buildMail({
      from: customer.email,
      subject: 'Duplicado',
      messageId: '<dup@example.test>',
      headers: PASS,
    });
    await appendRaw(dovecot, [mail, mail]);
    await record('dup@example.test');
    await waitUntil(
      'the duplicate to be recorded as ignored',
      async () =>
        (await t.db('inbound_mails').where({ outcome: 'ignored' }).where('reason', 'like', 'duplicate%'))
          .length >= 1,
    );
    expect((await t.db('tickets').where({ title: 'Duplicado' })).length).toBe(1);
  });

  it('stops a mail storm from one sender at the hourly limit of new tickets', async () => {
    const storm = await makeUser(t.app, 'customer');
    await appendRaw(
      dovecot,
      Array.from({ length: 25 }, (_, i) =>
        buildMail({
          from: storm.email,
          subject: `Storm ${i}`,
          messageId: `<storm${i}@example.test>`,
          headers: PASS,
        }),
      ),
    );
    await record('storm24@example.test');
    const tickets = await t.db('tickets').where({ requester_id: storm.id });
    expect(tickets).toHaveLength(20);
    const held = await t
      .db('inbound_mails')
      .whereRaw('lower(from_address) = ?', [storm.email])
      .where({ outcome: 'held' });
    expect(held).toHaveLength(5);
    expect(held.every((h) => h.reason!.startsWith('rate_limited'))).toBe(true);
  });

  it('records what agents sent from the shared mailbox as a follow-up already delivered', async () => {
    const rec = await record('new1@example.test');
    const sent = buildMail({
      from: 'IzarLink Support <support@izardesk.local>',
      to: customer.email,
      subject: 'Re: Sin conexión en la oficina',
      text: 'Hola, ya está resuelto por nuestra parte.\n\nOn Tue, Nov 24, 2026 at 10:00 AM Juan wrote:\n> No hay internet',
      messageId: '<sent1@izardesk.local>',
      headers: { 'In-Reply-To': '<new1@example.test>' },
    });
    await appendRaw(dovecot, [sent], 'Sent', ['\\Seen']);
    const r = await record('sent1@izardesk.local');
    expect(r.outcome).toBe('followup');
    expect(r.ticket_id).toBe(rec.ticket_id);
    const f = must(await t.db('followups').where({ id: r.followup_id! }).first());
    expect(f.body).toBe('Hola, ya está resuelto por nuestra parte.');
    const ev = must(
      await t
        .db('outbox')
        .where({ event: 'ticket.followup', ticket_id: rec.ticket_id })
        .orderBy('id', 'desc')
        .first(),
    );
    expect(ev.payload.alreadySent).toBe(true);
  });
});
