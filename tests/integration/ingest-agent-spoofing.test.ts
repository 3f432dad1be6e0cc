import { beforeAll, describe, expect, it } from 'vitest';
import { formatReference } from '../../src/domain/reference.js';
import { signReplyToken } from '../../src/domain/tokens.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { buildMail } from '../helpers/imap.js';
import { MX, recipients, startMailWorld } from '../helpers/mail-world.js';

// Issue 12.7 / 11 High 3: a forged From of an agent plus a ticket reference ran #resolve and mailed the customer.
const t = await useTestDb();
const w = await startMailWorld(t);
const SECRET = w.s.config.SECRET;
let customer: TestUser;
let agent: TestUser;

beforeAll(async () => {
  customer = await makeUser(t.app, 'customer');
  agent = await makeUser(t.app, 'agent', { language: 'en' });
});

const results = (from: string, value: string) => ({ 'Authentication-Results': `${from}; ${value}` });
const DMARC_PASS = 'dkim=pass header.d=example.test; dmarc=pass header.from=example.test';
const DMARC_FAIL = 'dkim=fail header.d=example.test; dmarc=fail header.from=example.test';

interface Forgery {
  name: string;
  headers?: Record<string, string>;
  /** Sent to the customer's reply address (a token the attacker, as the customer, really holds). */
  customerToken?: boolean;
}

const FORGERIES_OPEN: Forgery[] = [
  { name: 'no token, no Authentication-Results' },
  { name: 'no token, dmarc=pass written by the sender', headers: results(MX, DMARC_PASS) },
  { name: 'no token, dmarc=fail', headers: results(MX, DMARC_FAIL) },
  {
    name: 'no token, dmarc=pass from a foreign authserv-id',
    headers: results('mx.evil.example', DMARC_PASS),
  },
  { name: "the customer's own token", customerToken: true },
  { name: "the customer's own token, dmarc=fail", customerToken: true, headers: results(MX, DMARC_FAIL) },
];

/** Behind a trusted MX, whose own verdict is the topmost header: a "pass" the sender wrote sits below it. */
const FORGERIES_TRUSTED: Forgery[] = [
  ...FORGERIES_OPEN.filter((f) => !f.name.includes('written by the sender')),
  {
    name: 'dmarc=fail by our MX above a dmarc=pass written by the sender',
    headers: { ...results(MX, DMARC_FAIL), 'authentication-results': `${MX}; ${DMARC_PASS}` },
  },
];

/** Each forgery on its own new ticket: #resolve and #close by a forged agent From. */
async function forge(tag: string, list: Forgery[]) {
  const cases = [];
  for (const [i, f] of list.entries()) {
    const ticketId = await makeTicket(t.app, customer, `Spoof ${tag} ${i}`);
    cases.push({ ...f, ticketId, messageId: `spoof-${tag}-${i}@evil.example` });
  }
  await w.sent(); // the tickets' own acknowledgements
  await w.deliver(
    cases.map((c, i) =>
      buildMail({
        from: `Agent <${agent.email}>`,
        to: c.customerToken
          ? `support+${signReplyToken(SECRET, { ticketId: c.ticketId, userId: customer.id })}@izardesk.local`
          : 'support@izardesk.local',
        subject: `Re: [${formatReference('IZL', c.ticketId)}] Spoof`,
        text: i % 2 ? '#close\n\nCerrado.' : '#resolve\n\nSolucionado, cerramos.',
        messageId: `<${c.messageId}>`,
        headers: c.headers,
      }),
    ),
  );
  return cases;
}

async function expectNothingApplied(cases: Awaited<ReturnType<typeof forge>>) {
  for (const c of cases) {
    const rec = await w.record(c.messageId);
    expect(rec.outcome, c.name).toBe('held');
    expect(rec.quarantine_state, c.name).toBe('held');
    expect(rec.reason, c.name).toMatch(/^agent_not_verified: /);
    const ticket = must(await t.db('tickets').where({ id: c.ticketId }).first());
    expect(ticket.status, c.name).toBe('new');
    expect(await t.db('followups').where({ ticket_id: c.ticketId }), c.name).toHaveLength(0);
  }
  // Nothing to the customer; the real agent is told, in English, that a mail in their name was not applied.
  const mails = await w.sent();
  expect(recipients(mails)).toEqual(cases.map(() => agent.email));
  for (const m of mails) {
    expect(m.text).toContain('we cannot verify that you sent this email');
    expect(m.text).toContain('someone is using your address');
  }
}

describe('agent actions by mail need proof of the agent', { timeout: 120_000 }, () => {
  it('without MAIL_TRUSTED_AUTHSERV_ID: no forged agent From acts, whatever its headers or token', async () => {
    await expectNothingApplied(await forge('open', FORGERIES_OPEN));
  });

  it("without MAIL_TRUSTED_AUTHSERV_ID: the agent's own reply token is the proof (#resolve runs, the customer gets the solution)", async () => {
    const ticketId = await makeTicket(t.app, customer, 'Token');
    await w.sent();
    const token = signReplyToken(SECRET, { ticketId, userId: agent.id });
    await w.deliver([
      buildMail({
        from: agent.email,
        to: `support+${token}@izardesk.local`,
        subject: 'Re: algo',
        text: '#resolve\n\nCambiamos la ONT.',
        messageId: '<own-token@example.test>',
      }),
    ]);
    const rec = await w.record('own-token@example.test');
    expect(rec.outcome).toBe('followup');
    expect(rec.reason).toMatch(/^agent_command: /);
    expect(await t.db('tickets').where({ id: ticketId }).first()).toMatchObject({
      status: 'resolved',
      solution: 'Cambiamos la ONT.',
      assignee_id: agent.id,
    });
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([customer.email]);
    expect(mails[0]?.text).toContain('Cambiamos la ONT.');
  });

  it('without MAIL_TRUSTED_AUTHSERV_ID: customer follow-ups matched by the subject reference keep working', async () => {
    const ticketId = await makeTicket(t.app, customer, 'Subject');
    await w.sent();
    await w.deliver([
      buildMail({
        from: customer.email,
        subject: `Re: [${formatReference('IZL', ticketId)}] Subject`,
        text: 'Sigue cortado.',
        messageId: '<customer-subject@example.test>',
      }),
    ]);
    const rec = await w.record('customer-subject@example.test');
    expect(rec).toMatchObject({ outcome: 'followup', ticket_id: ticketId });
    expect(rec.reason).toMatch(/^matched_by_subject: /);
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([agent.email]);
  });

  it('with MAIL_TRUSTED_AUTHSERV_ID: forgeries stay held; DMARC pass seen by our MX is the proof', async () => {
    await w.restart({ MAIL_TRUSTED_AUTHSERV_ID: MX });
    await expectNothingApplied(await forge('trusted', FORGERIES_TRUSTED));

    const ticketId = await makeTicket(t.app, customer, 'Genuine');
    await w.sent();
    await w.deliver([
      buildMail({
        from: agent.email,
        subject: `Re: [${formatReference('IZL', ticketId)}] Genuine`,
        text: '#resolve\n\nReiniciamos el puerto.',
        messageId: '<genuine@example.test>',
        headers: results(MX, DMARC_PASS),
      }),
    ]);
    expect((await w.record('genuine@example.test')).outcome).toBe('followup');
    expect(must(await t.db('tickets').where({ id: ticketId }).first()).status).toBe('resolved');
    expect(recipients(await w.sent())).toEqual([customer.email]);
  });

  it('izardesk ingest --dry-run --json explains the hold', async () => {
    const ticketId = await makeTicket(t.app, customer, 'Dry');
    const report = await w.dryRun(
      buildMail({
        from: agent.email,
        subject: `Re: [${formatReference('IZL', ticketId)}] Dry`,
        text: '#resolve\n\nListo.',
        messageId: '<dry-spoof@example.test>',
      }),
    );
    expect(report).toMatchObject({
      action: 'held',
      reason: { code: 'agent_not_verified' },
      sender: { role: 'agent' },
      dryRun: true,
    });
    expect(report.reason.text).toContain('no reply token of this agent');
    expect(must(await t.db('tickets').where({ id: ticketId }).first()).status).toBe('new');
  });
});
