import type { ParsedMail } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { close, resolve } from '../../src/app/tickets/lifecycle.js';
import { formatReference } from '../../src/domain/reference.js';
import { signReplyToken } from '../../src/domain/tokens.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { buildMail, type MailSpec } from '../helpers/imap.js';
import { MX, recipients, startMailWorld } from '../helpers/mail-world.js';
import { toAddress } from '../helpers/smtp.js';

// Issue 12: the right decision on everyday mail (12.2, 12.3, 12.5, 12.6, 12.8).
const t = await useTestDb();
const w = await startMailWorld(t, { MAIL_TRUSTED_AUTHSERV_ID: MX });
const SECRET = w.s.config.SECRET;
const PASS = {
  'Authentication-Results': `${MX}; dkim=pass header.d=example.test; dmarc=pass header.from=example.test`,
};
let pedro: TestUser;
let other: TestUser; // a customer of another company
let agent: TestUser; // Spanish

beforeAll(async () => {
  pedro = await makeUser(t.app, 'customer');
  other = await makeUser(t.app, 'customer');
  agent = await makeUser(t.app, 'agent');
});

let n = 0;
/** Delivers one authenticated mail and returns its decided record. */
async function mail(spec: Omit<MailSpec, 'messageId'>) {
  const id = `everyday-${++n}@example.test`;
  await w.deliver([buildMail({ ...spec, messageId: `<${id}>`, headers: { ...PASS, ...spec.headers } })]);
  return w.record(id);
}
const ticket = (id: number) => t.db('tickets').where({ id }).first();
const subject = (id: number) => `Re: [${formatReference('IZL', id)}] No connection`;
const html = (m: ParsedMail | undefined) => (typeof m?.html === 'string' ? m.html : '');

async function freshTicket(): Promise<number> {
  const id = await makeTicket(t.app, pedro);
  await w.sent();
  return id;
}

describe('replies to a solution (12.2)', { timeout: 60_000 }, () => {
  it('thanks are a comment: the ticket stays resolved, the customer gets the two buttons, nobody is told of a refusal', async () => {
    const id = await freshTicket();
    await resolve(t.app, agent.actor, id, { body: 'Reiniciamos el router.' });
    const solution = (await w.sent()).find((m) => toAddress(m) === pedro.email);
    expect(solution?.text).toContain('empiece su respuesta con «No funciona» o #rechazar');

    const rec = await mail({
      from: pedro.email,
      subject: subject(id),
      text: '¡Muchas gracias! Ahora sí funciona perfectamente.',
    });
    expect(rec).toMatchObject({ outcome: 'followup', ticket_id: id });
    expect(rec.reason).toMatch(/^solution_comment: .*stays resolved/);
    expect(must(await ticket(id)).status).toBe('resolved');
    const f = await t.db('followups').where({ id: rec.followup_id! }).first();
    expect(f).toMatchObject({ author_id: pedro.id, kind: 'comment' });

    const mails = await w.sent();
    expect(recipients(mails)).toEqual([agent.email, pedro.email].sort());
    const toPedro = mails.find((m) => toAddress(m) === pedro.email);
    expect(toPedro?.subject).toMatch(/^\[IZL-\d{6}\] ¿Resuelto\? Apruebe o rechace la solución: /);
    expect(toPedro?.text).toContain('El ticket sigue resuelto');
    expect(html(toPedro)).toMatch(/\/approve\/[^"]+"/);
    expect(html(toPedro)).toContain('?choice=refuse');
    const toAgent = mails.find((m) => toAddress(m) === agent.email);
    expect(toAgent?.text).toContain('Ahora sí funciona perfectamente.');
    expect(toAgent?.text).not.toContain('rechazado');
  });

  it('an explicit word at the top refuses: the ticket goes back to work and the agent is told', async () => {
    const id = await freshTicket();
    await resolve(t.app, agent.actor, id, { body: 'Reiniciamos el router.' });
    await w.sent();
    const rec = await mail({
      from: pedro.email,
      subject: subject(id),
      text: '¡No funciona! Sigue igual que ayer.',
    });
    expect(rec.outcome).toBe('reopen');
    expect(rec.reason).toMatch(/^refused_solution: /);
    expect(must(await ticket(id)).status).toBe('in_progress');
    // The agent hears of the refusal; the customer gets the confirmation that her ticket was reopened.
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([agent.email, pedro.email].sort());
    expect(mails.find((m) => toAddress(m) === agent.email)?.text).toContain('ha rechazado la solución');
    expect(mails.find((m) => toAddress(m) === pedro.email)?.subject).toMatch(/^\[IZL-\d{6}\] Reabierto: /);
  });
});

describe("someone else's reply token (12.6)", { timeout: 60_000 }, () => {
  it("a person of another company writing to Pedro's support+TOKEN@ is held, not recorded as Pedro", async () => {
    const id = await freshTicket();
    const token = signReplyToken(SECRET, { ticketId: id, userId: pedro.id });
    const spec = {
      from: other.email,
      to: `support+${token}@izardesk.local`,
      subject: 'Re: x',
      text: 'Soy otro.',
    };
    const rec = await mail(spec);
    expect(rec).toMatchObject({ outcome: 'held', quarantine_state: 'held', ticket_id: null });
    expect(rec.reason).toMatch(/^token_other_sender: reply token used by another address/);
    expect(await t.db('followups').where({ ticket_id: id })).toHaveLength(0);
    expect(await w.sent()).toHaveLength(0);
    const report = await w.dryRun(buildMail({ ...spec, headers: PASS }), { MAIL_TRUSTED_AUTHSERV_ID: MX });
    expect(report).toMatchObject({ action: 'held', reason: { code: 'token_other_sender' } });
  });
});

describe('agent commands as one intent (12.3)', { timeout: 60_000 }, () => {
  for (const order of [
    ['#pendiente', '#asignarme'],
    ['#asignarme', '#pendiente'],
  ])
    it(`${order.join(' then ')}: pending, assigned, one mail to the customer`, async () => {
      const id = await freshTicket();
      const rec = await mail({
        from: agent.email,
        subject: subject(id),
        text: `${order.join('\n')}\n\n¿Puede reiniciar el router y decirnos qué luces ve?`,
      });
      expect(rec.outcome).toBe('followup');
      expect(rec.reason).toMatch(/^agent_command: /);
      expect(await ticket(id)).toMatchObject({ status: 'pending', assignee_id: agent.id });
      const mails = await w.sent();
      expect(recipients(mails)).toEqual([pedro.email]);
      expect(mails[0]?.text).toContain('¿Puede reiniciar el router');
      expect(mails[0]?.text).not.toContain('En curso');
    });

  it('two status commands apply nothing; the agent is told why', async () => {
    const id = await freshTicket();
    const rec = await mail({
      from: agent.email,
      subject: subject(id),
      text: '#resolver\n#pendiente\n\nHecho.',
    });
    expect(rec).toMatchObject({ outcome: 'held', quarantine_state: 'held' });
    expect(rec.reason).toMatch(/^conflicting_commands: /);
    expect(await ticket(id)).toMatchObject({ status: 'new', assignee_id: null });
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([agent.email]);
    expect(mails[0]?.text).toContain('el correo pide a la vez #resolver + #pendiente');
  });
});

describe('a failed agent command is answered (12.5)', { timeout: 60_000 }, () => {
  it('#resolve on a closed ticket: nothing applied, the agent gets the reason in their language', async () => {
    const id = await freshTicket();
    await close(t.app, agent.actor, id);
    await w.sent();
    const english = await makeUser(t.app, 'agent', { language: 'en' });
    const rec = await mail({ from: english.email, subject: subject(id), text: '#resolve\n\nFixed.' });
    expect(rec).toMatchObject({ outcome: 'held', quarantine_state: 'held' });
    expect(rec.reason).toMatch(/^effect_refused: #resolve: errors.transitionInvalid/);
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([english.email]);
    expect(mails[0]?.text).toContain(
      `#resolve was not applied to ticket ${formatReference('IZL', id)}: That action is not possible`,
    );
  });

  it('an agent mail that names no ticket: held, and the agent is told how to name one', async () => {
    const rec = await mail({ from: agent.email, subject: 'Revisad la OLT 3', text: '#resolver\n\nListo.' });
    expect(rec.outcome).toBe('held');
    expect(rec.reason).toMatch(/^agent_without_ticket: /);
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([agent.email]);
    expect(mails[0]?.text).toContain('el correo no indica ningún ticket');
  });
});

describe('agent answers move the ticket (12.8)', { timeout: 60_000 }, () => {
  it("the first answer from the agent's address takes a new ticket in progress and assigns it", async () => {
    const id = await freshTicket();
    const rec = await mail({ from: agent.email, subject: subject(id), text: 'Lo estamos mirando.' });
    expect(rec.reason).toMatch(/^agent_reply: /);
    expect(await ticket(id)).toMatchObject({ status: 'in_progress', assignee_id: agent.id });
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([pedro.email]);
    expect(mails[0]?.text).toContain('Lo estamos mirando.');
  });

  it("an answer from the shared mailbox's Sent folder takes it in progress too, and mails nobody", async () => {
    const id = await freshTicket();
    const first = must(await t.db('deliveries').where({ ticket_id: id, recipient: pedro.email }).first());
    await w.deliver(
      [
        buildMail({
          from: `Soporte <${w.s.config.SUPPORT_ADDRESS}>`,
          to: pedro.email,
          subject: subject(id),
          text: 'Ya está resuelto por nuestra parte.',
          messageId: '<sent-everyday@izardesk.local>',
          headers: { 'In-Reply-To': `<${first.message_id}>` },
        }),
      ],
      'Sent',
    );
    const rec = await w.record('sent-everyday@izardesk.local');
    expect(rec).toMatchObject({ outcome: 'followup', ticket_id: id });
    expect(must(await ticket(id)).status).toBe('in_progress');
    expect(await w.sent()).toHaveLength(0);
  });
});
