import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { assign } from '../../src/app/tickets/lifecycle.js';
import { startOutbound } from '../../src/outbound/index.js';
import { useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { mailCollector, startCapturingSmtp, toAddress } from '../helpers/smtp.js';

/**
 * Issue 11.9: every customer follow-up mailed the agents at once, so a burst of follow-ups on one ticket was a
 * burst of mails. The agents' mail now waits AGENT_FOLLOWUP_MAIL_DELAY_SECONDS and takes in the follow-ups
 * that arrive meanwhile; the customer's mails are unchanged (one per follow-up).
 */
const WINDOW_S = 5;
const t = await useTestDb();
const smtp = await startCapturingSmtp();
const s = await useTestServices(t, {
  SMTP_URL: smtp.url,
  SMTP_MAX_PER_SECOND: '500',
  AGENT_FOLLOWUP_MAIL_DELAY_SECONDS: String(WINDOW_S),
});
const outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
afterAll(async () => {
  await outbound.stop();
  await smtp.close();
});
const next = mailCollector(s.db, smtp);
const to = (mails: ParsedMail[], email: string) => mails.filter((m) => toAddress(m) === email);

describe('agents hear of a burst of customer follow-ups in one mail', () => {
  let requester: TestUser;
  let manager: TestUser;
  let agent: TestUser;
  let ticketId: number;
  beforeAll(async () => {
    requester = await makeUser(s.app, 'customer');
    manager = await makeUser(s.app, 'customer', {
      companyId: requester.companyId ?? undefined,
      manager: true,
    });
    agent = await makeUser(s.app, 'agent');
    ticketId = await makeTicket(s.app, requester, 'Router reboots');
    await assign(s.app, agent.actor, ticketId, agent.id);
    await next();
  });

  const digestRows = () =>
    s
      .db('outbox')
      .where({ ticket_id: ticketId })
      .whereRaw("payload->'followupIds' is not null")
      .orderBy('id');

  it('5 follow-ups of the customer side: 5 mails to the requester as before, 1 mail to the agent listing them', async () => {
    for (let i = 1; i <= 5; i++)
      await addFollowup(s.app, manager.actor, { ticketId, body: `Burst ${i}: it rebooted again.` });
    // The agents' row waits, with the five follow-ups in it.
    const [waiting, ...others] = await digestRows();
    expect(others).toHaveLength(0);
    expect(waiting.payload.followupIds).toHaveLength(5);
    expect(waiting.enqueued_at).toBeNull();
    expect(waiting.not_before!.getTime()).toBeGreaterThan(Date.now());

    const mails = await next();
    const customerSide = to(mails, requester.email);
    expect(customerSide).toHaveLength(5);
    for (let i = 1; i <= 5; i++)
      expect(customerSide.filter((m) => m.text?.includes(`Burst ${i}:`))).toHaveLength(1);
    const agentSide = to(mails, agent.email);
    expect(agentSide).toHaveLength(1);
    const text = agentSide[0]?.text ?? '';
    const at = [1, 2, 3, 4, 5].map((i) => text.indexOf(`Burst ${i}: it rebooted again.`));
    expect(at.every((p) => p >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(mails).toHaveLength(6);
    const sent = await s
      .db('deliveries')
      .where({ ticket_id: ticketId, recipient: agent.email, event: 'ticket.followup' });
    expect(sent).toHaveLength(1);
  });

  it('a follow-up after that mail went out starts a new one', async () => {
    await addFollowup(s.app, manager.actor, { ticketId, body: 'Burst 6: and again.' });
    const mails = await next();
    const agentSide = to(mails, agent.email);
    expect(agentSide).toHaveLength(1);
    expect(agentSide[0]?.text).toContain('Burst 6: and again.');
    expect(agentSide[0]?.text).not.toContain('Burst 5:');
    expect(to(mails, requester.email)).toHaveLength(1);
    expect(await digestRows()).toHaveLength(2);
  });
});
