import { beforeAll, describe, expect, it } from 'vitest';
import { releaseMail } from '../../src/app/agent/quarantine.js';
import { signReplyToken } from '../../src/domain/tokens.js';
import { ingestMessage } from '../../src/ingest/process-message.js';
import { releaseProcessor } from '../../src/ingest/release.js';
import type { Services } from '../../src/runtime/services.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { buildMail } from '../helpers/imap.js';
import { useTestServices } from '../helpers/services.js';

const MX = 'mx.izardesk.test';
const PASS = {
  'Authentication-Results': `${MX}; dkim=pass header.d=example.test; dmarc=pass header.from=example.test`,
};
const FAIL = { 'Authentication-Results': `${MX}; dmarc=fail header.from=example.test; dkim=none` };
const QUOTE =
  '\n\nEl lun, 23 nov 2026, Soporte IzarLink <support@izardesk.local> escribió:\n> ¿Puede reiniciar el router?\n';

const t: TestDb = await useTestDb();
let s: Services;
let agent: TestUser;

beforeAll(async () => {
  s = await useTestServices(t, { MAIL_TRUSTED_AUTHSERV_ID: MX, MAIL_SENDER_LIMIT_PER_HOUR: '1' });
  agent = await makeUser(t.app, 'agent');
});

const ingest = (raw: string) =>
  ingestMessage(
    s,
    {
      raw: Buffer.from(raw),
      mailbox: 'pipe',
      uidvalidity: null,
      uid: null,
      size: raw.length,
      receivedAt: null,
    },
    { mode: 'inbox' },
  );

/** A record as the ingest leaves a held message (Message-ID kept, so a release must not insert another). */
const hold = async (raw: string, from: string, messageId: string, reason: string) =>
  (
    await t
      .db('inbound_mails')
      .insert({
        mailbox: 'INBOX',
        message_id: messageId,
        from_address: from,
        subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '',
        outcome: 'held',
        reason,
        quarantine_state: 'held',
        raw: Buffer.from(raw),
        size: raw.length,
      })
      .returning('id')
  )[0].id as number;

const release = (id: number, config = s.config) =>
  releaseMail(s.app, agent.actor, id, releaseProcessor(config));
const record = (id: number) => t.db('inbound_mails').where({ id }).first();

describe('releasing held mail through the ingest', () => {
  it('a spoof-suspect reply with a reply token in the In-Reply-To of a notification becomes a follow-up with only the new text', async () => {
    const customer = await makeUser(t.app, 'customer');
    const ticketId = await makeTicket(t.app, customer, 'Sin servicio');
    const token = signReplyToken(s.config.SECRET, { ticketId, userId: customer.id });
    const notification = `<n1.${token}@izardesk.local>`;
    const raw = buildMail({
      from: customer.email,
      subject: 'Re: Su consulta',
      messageId: '<spoof-token@example.test>',
      headers: { ...FAIL, 'In-Reply-To': notification, References: notification },
      text: `Sigue sin funcionar desde las 9.${QUOTE}`,
    });
    const id = await hold(raw, customer.email, 'spoof-token@example.test', 'not_authenticated: dmarc fail');

    expect(await release(id)).toEqual({ ticketId });
    const rec = await record(id);
    expect(rec).toMatchObject({ outcome: 'followup', quarantine_state: 'released', ticket_id: ticketId });
    expect(rec!.reason).toMatch(/^matched_by_token/);
    expect(rec!.details).toMatchObject({ heldAs: 'not_authenticated: dmarc fail', decidedBy: agent.id });
    const fu = await t.db('followups').where({ id: rec!.followup_id! }).first();
    expect(fu).toMatchObject({
      ticket_id: ticketId,
      author_id: customer.id,
      body: 'Sigue sin funcionar desde las 9.',
    });
    expect(await t.db('inbound_mails').where({ message_id: 'spoof-token@example.test' })).toHaveLength(1);
  });

  it('a reply held by the ingest for failing DMARC, released, follows the thread of the first mail', async () => {
    const customer = await makeUser(t.app, 'customer');
    const first = await ingest(
      buildMail({
        from: customer.email,
        subject: 'Sin servicio',
        messageId: '<first@example.test>',
        headers: PASS,
      }),
    );
    expect(first.action).toBe('new_ticket');
    const held = await ingest(
      buildMail({
        from: customer.email,
        subject: 'Re: Sin servicio',
        messageId: '<second@example.test>',
        headers: { ...FAIL, 'In-Reply-To': '<first@example.test>', References: '<first@example.test>' },
        text: `Ya he reiniciado el router.${QUOTE}`,
      }),
    );
    expect(held).toMatchObject({ action: 'held', reason: { code: 'not_authenticated' } });
    const id = held.inboundMailId as number;

    const { ticketId } = await release(id);
    const firstRec = await record(first.inboundMailId as number);
    expect(ticketId).toBe(firstRec!.ticket_id);
    const rec = await record(id);
    expect(rec!.reason).toMatch(/^matched_by_thread/);
    expect(must(await t.db('followups').where({ id: rec!.followup_id! }).first()).body).toBe(
      'Ya he reiniciado el router.',
    );
  });

  it('a sender who may not write on the named ticket gets their own ticket; a file over the limit is refused', async () => {
    const owner = await makeUser(t.app, 'customer');
    const other = await makeUser(t.app, 'customer');
    const ticketId = await makeTicket(t.app, owner, 'Ticket ajeno');
    const before = await t.db('followups').where({ ticket_id: ticketId }).count<{ n: number }[]>('id as n');
    const held = await ingest(
      buildMail({
        from: other.email,
        subject: `Re: [IZL-${String(ticketId).padStart(6, '0')}] Ticket ajeno`,
        headers: FAIL,
        text: 'Tampoco tengo línea.',
        attachments: [
          { name: 'foto.jpg', size: 1000, type: 'image/jpeg' },
          { name: 'big.bin', size: 2 * 1024 * 1024 + 1 },
        ],
      }),
    );
    expect(held).toMatchObject({ action: 'held', reason: { code: 'not_authenticated' } });

    const out = await release(held.inboundMailId as number);
    expect(out.ticketId).not.toBe(ticketId);
    const mine = await t.db('tickets').where({ id: out.ticketId! }).first();
    expect(mine).toMatchObject({ requester_id: other.id, description: 'Tampoco tengo línea.' });
    expect(await t.db('followups').where({ ticket_id: ticketId }).count<{ n: number }[]>('id as n')).toEqual(
      before,
    );
    expect(must(await record(held.inboundMailId as number)).reason).toMatch(/^not_a_party/);
    const files = await t.db('attachments').where({ ticket_id: out.ticketId! }).pluck('filename');
    expect(files).toEqual(['foto.jpg']);
    const told = await t
      .db('outbox')
      .where({ event: 'mail.attachment_too_big' })
      .whereRaw("payload->>'to' = ?", [other.email]);
    expect(told).toHaveLength(1);
    expect(told[0].payload.files).toEqual([{ name: 'big.bin', size: 2 * 1024 * 1024 + 1 }]);
  });

  it('overrides the per-sender rate limit once; a second release is refused', async () => {
    const customer = await makeUser(t.app, 'customer');
    expect((await ingest(buildMail({ from: customer.email, subject: 'Uno', headers: PASS }))).action).toBe(
      'new_ticket',
    );
    const held = await ingest(buildMail({ from: customer.email, subject: 'Dos', headers: PASS }));
    expect(held).toMatchObject({ action: 'held', reason: { code: 'rate_limited' } });
    const id = held.inboundMailId as number;

    const { ticketId } = await release(id);
    expect(must(await t.db('tickets').where({ id: ticketId! }).first()).title).toBe('Dos');
    const tickets = await t
      .db('tickets')
      .where({ requester_id: customer.id })
      .count<{ n: number }[]>('id as n');
    await expect(release(id)).rejects.toMatchObject({
      code: 'conflict',
      messageKey: 'agent:quarantine.notHeld',
    });
    expect(
      await t.db('tickets').where({ requester_id: customer.id }).count<{ n: number }[]>('id as n'),
    ).toEqual(tickets);
    expect(must(await record(id)).quarantine_state).toBe('released');
  });

  it('a robot message stays out: the release is refused, the mail stays held, no ticket, no answer', async () => {
    const customer = await makeUser(t.app, 'customer');
    const raw = buildMail({
      from: customer.email,
      subject: 'Fuera de la oficina',
      messageId: '<robot@example.test>',
      headers: { ...FAIL, 'Auto-Submitted': 'auto-replied' },
    });
    const id = await hold(raw, customer.email, 'robot@example.test', 'not_authenticated: dmarc fail');
    const outbox = await t.db('outbox').count<{ n: number }[]>('id as n');

    await expect(release(id)).rejects.toMatchObject({ messageKey: 'agent:quarantine.robot' });
    expect(await record(id)).toMatchObject({ quarantine_state: 'held', ticket_id: null });
    expect(await t.db('tickets').where({ requester_id: customer.id })).toEqual([]);
    expect(await t.db('outbox').count<{ n: number }[]>('id as n')).toEqual(outbox);
  });

  it('an unknown sender: refused under the reply policy (still held), an account and a ticket under create_account', async () => {
    const held = await ingest(
      buildMail({ from: 'Nueva Persona <nueva@example.test>', subject: 'Alta', headers: PASS }),
    );
    expect(held).toMatchObject({ action: 'rejected', reason: { code: 'unknown_sender' } });
    const id = held.inboundMailId as number;
    const answers = () =>
      t.db('outbox').where({ event: 'mail.unknown_sender' }).count<{ n: number }[]>('id as n');
    const answered = await answers();

    await expect(release(id)).rejects.toMatchObject({ messageKey: 'agent:quarantine.unknownSender' });
    expect(must(await record(id)).quarantine_state).toBe('held');

    const { ticketId } = await release(id, { ...s.config, MAIL_UNKNOWN_SENDER: 'create_account' });
    const user = must(await t.db('users').where({ email: 'nueva@example.test' }).first());
    expect(user).toMatchObject({ role: 'customer', name: 'Nueva Persona' });
    expect(must(await t.db('tickets').where({ id: ticketId! }).first()).requester_id).toBe(user.id);
    expect(await record(id)).toMatchObject({ outcome: 'new_ticket', quarantine_state: 'released' });
    expect(await answers()).toEqual(answered);
  });
});
