import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/accounts/create-user.js';
import { verifyPassword } from '../../src/app/accounts/passwords.js';
import {
  matchesPassword,
  readApprovalToken,
  readEmailChangeToken,
  readResetToken,
} from '../../src/app/links.js';
import { type OutboxRow, writeOutbox } from '../../src/app/outbox.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import {
  approveSolution,
  assign,
  close,
  refuseSolution,
  reopen,
  resolve,
  setPending,
} from '../../src/app/tickets/lifecycle.js';
import { formatReference } from '../../src/domain/reference.js';
import { findReplyToken } from '../../src/domain/tokens.js';
import { translator } from '../../src/i18n/i18n.js';
import { planMails } from '../../src/outbound/compose.js';
import { startOutbound } from '../../src/outbound/index.js';
import { loadOutbox } from '../../src/outbound/outbox-load.js';
import { type Audience, resolveRecipients } from '../../src/outbound/recipients.js';
import { stringsFor } from '../../src/outbound/strings.js';
import type { Services } from '../../src/runtime/services.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { type CapturingSmtp, header, mailCollector, startCapturingSmtp, toAddress } from '../helpers/smtp.js';

const PUBLIC_URL = 'https://help.izarlink.test';
const SUPPORT = 'soporte@izarlink.test';

let s: Services;
let smtp: CapturingSmtp;
let next: () => Promise<ParsedMail[]>;
let customer: TestUser;
let ana: TestUser; // agent, English
let bruno: TestUser; // agent, Spanish
let ticketId: number;

const only = (mails: ParsedMail[], email: string) => mails.filter((m) => toAddress(m) === email);
const one = (mails: ParsedMail[], email: string): ParsedMail => {
  const found = only(mails, email);
  expect(found, `one mail to ${email}`).toHaveLength(1);
  return found[0] as ParsedMail;
};
const html = (m: ParsedMail) => (typeof m.html === 'string' ? m.html : '');
const write = (rows: OutboxRow[]) => s.db.transaction((trx) => writeOutbox(trx, rows));

/** The threading and robot headers every ticket mail carries, and its reply token naming ticket and recipient. */
function expectTicketHeaders(m: ParsedMail, id: number, userId: number) {
  expect(m.subject).toMatch(
    new RegExp(`^\\[${formatReference('IZL', id)}\\] [^:]+ ?: Fibra caída en la sede$`),
  );
  expect(m.messageId).toMatch(/^<[0-9a-f]+\.t\d+\.u\d+\.[a-z2-7]{20}@izarlink\.test>$/);
  expect(findReplyToken(s.config.SECRET, m.messageId ?? '')).toEqual({ ticketId: id, userId });
  const replyTo = m.replyTo?.value[0]?.address ?? '';
  expect(replyTo).toMatch(/^soporte\+t\d+\.u\d+\.[a-z2-7]{20}@izarlink\.test$/);
  expect(findReplyToken(s.config.SECRET, replyTo)).toEqual({ ticketId: id, userId });
  expect(m.inReplyTo).toBe(`<ticket-${id}@izarlink.test>`);
  expect(m.references).toEqual(`<ticket-${id}@izarlink.test>`);
  expect(m.replyTo?.value[0]?.name).toBe(m.from?.value[0]?.name);
  expect(header(m, 'auto-submitted')).toBe('auto-generated');
  expect(header(m, 'x-auto-response-suppress')).toBe('All');
  expect(header(m, 'x-loop')).toBe(SUPPORT);
  expect(m.headers.has('list-unsubscribe')).toBe(false);
  expect(m.from?.value[0]?.address).toBe(SUPPORT);
  expect(html(m)).toContain('<html');
  expect(m.text?.length).toBeGreaterThan(40);
}

const t = await useTestDb();
smtp = await startCapturingSmtp();
s = await useTestServices(t, {
  SMTP_URL: smtp.url,
  PUBLIC_URL,
  SUPPORT_ADDRESS: SUPPORT,
  SMTP_MAX_PER_SECOND: '500',
});
const outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
afterAll(async () => {
  await outbound.stop();
  await smtp.close();
});
next = mailCollector(s.db, smtp);

beforeAll(async () => {
  customer = await makeUser(s.app, 'customer', { language: 'fr' });
  ana = await makeUser(s.app, 'agent', { language: 'en' });
  bruno = await makeUser(s.app, 'agent', { language: 'es' });
});

describe('ticket notifications', () => {
  it('a new ticket: acknowledgement to the requester in French, new-ticket mail to every agent', async () => {
    ticketId = await makeTicket(s.app, customer, 'Fibra caída en la sede');
    const mails = await next();
    expect(mails).toHaveLength(3);
    const ack = one(mails, customer.email);
    expectTicketHeaders(ack, ticketId, customer.id);
    expect(ack.text).toContain('Bonjour');
    expect(ack.text).toContain(formatReference('IZL', ticketId));
    expect(html(ack)).toContain(`href="${PUBLIC_URL}/tickets/${ticketId}"`);
    expect(ack.subject).toBe(
      `[${formatReference('IZL', ticketId)}] Incident enregistré : Fibra caída en la sede`,
    );
    expect(ack.from?.value[0]?.name).toBe('Support IzarLink');
    expect(header(ack, 'content-language')).toBe('fr');
    const toAna = one(mails, ana.email);
    expectTicketHeaders(toAna, ticketId, ana.id);
    expect(toAna.text).toContain('reported incident');
    expect(toAna.from?.value[0]?.name).toBe('IzarLink Support');
    expect(toAna.text).toContain('The line is down since this morning.');
    expect(html(toAna)).toContain(`href="${PUBLIC_URL}/agent/tickets/${ticketId}"`);
    const toBruno = one(mails, bruno.email);
    expect(toBruno.text).toContain('ha comunicado la incidencia');
    expect(toBruno.subject).toMatch(/\] Nueva incidencia: Fibra/);
    expect(toBruno.from?.value[0]?.name).toBe('Soporte IzarLink');
    const rows = await s.db('deliveries').where({ ticket_id: ticketId }).select();
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(rows.map((r) => `<${r.message_id}>`).sort()).toEqual(mails.map((m) => m.messageId).sort());
  });

  it('assignment: the agent gets it, the requester sees the status change, From names the acting agent', async () => {
    await assign(s.app, bruno.actor, ticketId, ana.id);
    const mails = await next();
    expect(mails.map(toAddress).sort()).toEqual([ana.email, customer.email].sort());
    const toAna = one(mails, ana.email);
    expectTicketHeaders(toAna, ticketId, ana.id);
    expect(toAna.text).toContain('has been assigned to you');
    expect(toAna.from?.value[0]?.name).toContain(`(IzarLink Support)`);
    const status = one(mails, customer.email);
    expect(status.text).toMatch(/« Nouveau » à « En cours »/);
  });

  it("an agent's public follow-up goes to the customer, not back to its author", async () => {
    await addFollowup(s.app, ana.actor, { ticketId, body: 'We are checking the OLT port.' });
    const mails = await next();
    expect(mails.map(toAddress)).toEqual([customer.email]);
    const m = mails[0] as ParsedMail;
    expectTicketHeaders(m, ticketId, customer.id);
    expect(m.text).toContain('We are checking the OLT port.');
    expect(m.from?.value[0]?.name).toContain(`agent`);
  });

  it('a private note reaches the assignee and never the customer', async () => {
    await addFollowup(s.app, bruno.actor, {
      ticketId,
      body: 'Customer owes two invoices.',
      visibility: 'private',
    });
    const mails = await next();
    expect(mails.map(toAddress)).toEqual([ana.email]);
    expect(mails[0]?.text).toContain('internal note');
  });

  it("the customer's follow-up goes to the assignee, and its copy to her", async () => {
    await addFollowup(s.app, customer.actor, { ticketId, body: 'Still down <b>now</b>.' });
    const mails = await next();
    expect(mails.map(toAddress).sort()).toEqual([ana.email, customer.email].sort());
    expect(one(mails, customer.email).text).toContain('Nous avons ajouté votre message');
    const m = one(mails, ana.email);
    expect(m.text).toContain('Still down <b>now</b>.');
    expect(html(m)).toContain('Still down &lt;b&gt;now&lt;/b&gt;.');
  });

  it('a follow-up the agent already sent from the shared mailbox is not mailed again to the customer', async () => {
    const [id] = await write([
      {
        event: 'ticket.followup',
        ticketId,
        actorId: ana.id,
        payload: { followupId: null, visibility: 'public', source: 'email', alreadySent: true },
      },
    ]);
    const mails = await next();
    expect(mails).toHaveLength(0);
    expect(must(await s.db('outbox').where({ id }).first()).done_at).not.toBeNull();
  });

  it('information asked: the customer gets the question', async () => {
    await setPending(s.app, ana.actor, ticketId, { body: 'Which LEDs are on?' });
    const m = one(await next(), customer.email);
    expect(m.text).toContain('Which LEDs are on?');
    expect(m.text).toContain('a besoin de précisions');
  });

  it('solution: the customer gets Approve and Refuse links with a signed approval token', async () => {
    await resolve(s.app, ana.actor, ticketId, { body: 'Port reset, line synchronised.' });
    const m = one(await next(), customer.email);
    expectTicketHeaders(m, ticketId, customer.id);
    expect(m.text).toContain('Port reset, line synchronised.');
    const links = [...html(m).matchAll(/href="([^"]+\/approve\/[^"]+)"/g)].map((x) => x[1] as string);
    expect(links).toHaveLength(2);
    const token = new URL(links[0] as string).pathname.split('/').pop() as string;
    expect(readApprovalToken(s.config.SECRET, token)).toMatchObject({ ticketId, userId: customer.id });
    expect(links[1]).toContain('choice=refuse');
    expect(m.text).toContain('Approuver la solution');
  });

  it('refused: the agent learns why, the customer that the ticket is reopened', async () => {
    await refuseSolution(s.app, customer.actor, ticketId, { body: 'Still slow at night.' });
    const mails = await next();
    expect(mails.map(toAddress).sort()).toEqual([ana.email, customer.email].sort());
    expect(one(mails, ana.email).text).toContain('Still slow at night.');
    expect(one(mails, customer.email).subject).toMatch(/\] Rouvert : /);
  });

  it('approved: the agent learns the ticket is closed', async () => {
    await resolve(s.app, ana.actor, ticketId, { body: 'Replaced the ONT.' });
    expect((await next()).map(toAddress)).toEqual([customer.email]);
    await approveSolution(s.app, customer.actor, ticketId, { body: 'Merci !' });
    const mails = await next();
    expect(mails.map(toAddress).sort()).toEqual([ana.email, customer.email].sort());
    expect(one(mails, ana.email).text).toContain('approved the solution');
    expect(one(mails, ana.email).text).toContain('Merci !');
    expect(one(mails, customer.email).subject).toMatch(/\] Clos : /);
  });

  it('reopened and closed: the customer is told', async () => {
    await reopen(s.app, ana.actor, ticketId);
    const reopened = one(await next(), customer.email);
    expect(reopened.text).toContain('a rouvert le ticket');
    await close(s.app, ana.actor, ticketId);
    const closed = one(await next(), customer.email);
    expect(closed.text).toContain('est clos');
    expectTicketHeaders(closed, ticketId, customer.id);
  });

  it('every mail of the ticket threads to the same root and its reply token leads back to the ticket', async () => {
    const rows = await s.db('deliveries').where({ ticket_id: ticketId, status: 'sent' }).select();
    expect(rows.length).toBeGreaterThanOrEqual(14);
    for (const r of rows) {
      expect(findReplyToken(s.config.SECRET, r.message_id)).toEqual({ ticketId, userId: r.user_id });
    }
  });

  it('a bounced user is skipped and the skip recorded', async () => {
    await s
      .db('users')
      .where({ id: customer.id })
      .update({ bounced_at: new Date(), bounce_reason: '550 gone' });
    const id = await makeTicket(s.app, customer, 'Fibra caída en la sede');
    const mails = await next();
    expect(only(mails, customer.email)).toHaveLength(0);
    const d = must(await s.db('deliveries').where({ ticket_id: id, recipient: customer.email }).first());
    expect(d.status).toBe('bounced');
    await s.db('users').where({ id: customer.id }).update({ bounced_at: null, bounce_reason: null });
  });
});

describe('account mails', () => {
  it('invitation: a fresh temporary password is set at send time and mailed with the login link', async () => {
    const { userId } = await createUser(
      s.app,
      { kind: 'system' },
      {
        email: 'nuevo@cliente.test',
        name: 'Nuevo Cliente',
        role: 'customer',
        companyName: 'ACME',
        language: 'en',
        invite: true,
      },
    );
    const m = one(await next(), 'nuevo@cliente.test');
    expect(m.subject).toBe('Your access to IzarLink support');
    const password = /Temporary password: (\S+)/.exec(m.text ?? '')?.[1] ?? '';
    expect(password).toHaveLength(14);
    const u = must(await s.db('users').where({ id: userId }).first());
    expect(await verifyPassword(u.password_hash!, password)).toBe(true);
    expect(u!.must_change_password).toBe(true);
    expect(html(m)).toContain(`href="${PUBLIC_URL}/login"`);
    expect(header(m, 'auto-submitted')).toBe('auto-generated');
    expect(m.replyTo?.value[0]?.address).toBe(SUPPORT);
  });

  it('password reset: a signed link bound to the current password', async () => {
    await write([{ event: 'account.password_reset', actorId: null, payload: { userId: bruno.id } }]);
    const m = one(await next(), bruno.email);
    expect(m.text).toContain('Elegir una contraseña nueva');
    const token = /\/password\/reset\/([^\s\]"]+)/.exec(m.text ?? '')?.[1] ?? '';
    const read = readResetToken(s.config.SECRET, token);
    expect(read?.userId).toBe(bruno.id);
    const u = must(await s.db('users').where({ id: bruno.id }).first());
    expect(matchesPassword(read?.fp ?? '', u.password_hash)).toBe(true);
  });

  it('email change: the confirmation goes to the NEW address', async () => {
    await write([
      {
        event: 'account.email_change',
        actorId: ana.id,
        payload: { userId: ana.id, newEmail: 'ana.new@izarlink.test' },
      },
    ]);
    const mails = await next();
    expect(mails.map(toAddress)).toEqual(['ana.new@izarlink.test']);
    const token = /\/profile\/email\/confirm\/([^\s\]"]+)/.exec(mails[0]?.text ?? '')?.[1] ?? '';
    expect(readEmailChangeToken(s.config.SECRET, token)).toMatchObject({
      userId: ana.id,
      newEmail: 'ana.new@izarlink.test',
    });
  });
});

describe('answers to inbound mail', () => {
  it('unknown sender, attachment too big and rejected mail each answer the sender in the thread', async () => {
    await write([
      {
        event: 'mail.unknown_sender',
        payload: {
          to: 'x@stranger.test',
          name: 'Xavier',
          subject: 'Re: Internet',
          inReplyTo: '<a1@stranger.test>',
          language: 'en',
        },
      },
      {
        event: 'mail.attachment_too_big',
        ticketId,
        payload: {
          to: customer.email,
          name: 'Client',
          subject: 'Photos',
          inReplyTo: '<a2@client.test>',
          files: [{ name: 'router.jpg', size: 5 * 1024 * 1024 }],
          limit: 2 * 1024 * 1024,
          ticketId,
          userId: customer.id,
        },
      },
      {
        event: 'mail.rejected',
        payload: { to: 'y@stranger.test', subject: 'Broken', inReplyTo: '<a3@x.test>', reason: 'too_large' },
      },
    ]);
    const mails = await next();
    const unknown = one(mails, 'x@stranger.test');
    expect(unknown.subject).toBe('Re: Internet');
    expect(unknown.inReplyTo).toBe('<a1@stranger.test>');
    expect(unknown.text).toContain('is not the address of a registered customer');
    expect(header(unknown, 'auto-submitted')).toBe('auto-generated');
    const big = one(mails, customer.email);
    expect(big.text).toContain('router.jpg (5 MB)');
    expect(big.text).toContain('2 MB');
    expect(big.inReplyTo).toBe('<a2@client.test>');
    expect(findReplyToken(s.config.SECRET, big.messageId ?? '')).toEqual({ ticketId, userId: customer.id });
    const rejected = one(mails, 'y@stranger.test');
    expect(rejected.text).toContain('supera el tamaño máximo');
  });
});

describe('the rules table', () => {
  const people = {
    requester: { userId: 1, email: 'c@x.test', name: 'C', language: 'es', role: 'customer', bouncedAt: null },
    assignee: { userId: 2, email: 'a@x.test', name: 'A', language: 'en', role: 'agent', bouncedAt: null },
  };
  const audiences = (actorId: number, notifySelf: boolean, payload: Record<string, unknown>) => ({
    facts: { payload, actorIsStaff: actorId === 2 },
    actorId,
    resolve: (to: Audience) =>
      (to === 'requester'
        ? [people.requester]
        : to === 'assignee' || to === 'agents'
          ? [people.assignee]
          : []
      ).map((p) => ({ ...p, notifySelf })),
  });

  it("a user's own action comes back to them only when their preference asks for it", () => {
    const followup = { visibility: 'public' };
    expect(resolveRecipients('ticket.followup', audiences(2, false, followup)).map((r) => r.email)).toEqual([
      'c@x.test',
    ]);
    expect(resolveRecipients('ticket.followup', audiences(2, true, followup)).map((r) => r.email)).toEqual([
      'c@x.test',
      'a@x.test',
    ]);
  });

  it('a private note never reaches a customer, even one named by a rule', () => {
    const rs = resolveRecipients('ticket.followup', audiences(1, true, { visibility: 'private' }));
    expect(rs.map((r) => r.role)).toEqual(['agent']);
  });

  it('with AGENTS_ADDRESS, new tickets without an assignee go to the shared mailbox instead of every agent', async () => {
    const id = await makeTicket(s.app, customer, 'Fibra caída en la sede');
    await next();
    const row = must(await s.db('outbox').where({ ticket_id: id, event: 'ticket.created' }).first('id'));
    const loaded = await loadOutbox(s.db, row.id);
    if (!loaded) throw new Error('outbox row not found');
    const planned = await planMails(s.db, { ...s.config, AGENTS_ADDRESS: 'equipo@izarlink.test' }, loaded);
    expect(planned.map((p) => [p.recipient.email, p.recipient.template])).toEqual([
      [customer.email, 'ticket-created'],
      ['equipo@izarlink.test', 'ticket-new'],
    ]);
  });

  it('strings read without i18next say exactly what i18next says', () => {
    for (const lang of ['es', 'en', 'fr']) {
      const fast = stringsFor(lang);
      const slow = translator(lang);
      for (const key of [
        'mail:resolved.intro',
        'mail:invited.subject',
        'status.pending',
        'category.slowness',
      ]) {
        const values = { name: 'Ana', ref: 'IZL-000001', company: 'IzarLink' };
        expect(fast(key, values)).toBe(String(slow(key, values)));
      }
      for (const count of [0, 1, 2, 7]) {
        expect(fast('mail:resolved.autoClose', { count })).toBe(
          String(slow('mail:resolved.autoClose', { count })),
        );
      }
    }
  });
});
