import { beforeAll, describe, expect, it } from 'vitest';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { formatReference } from '../../src/domain/reference.js';
import { signReplyToken } from '../../src/domain/tokens.js';
import { registry } from '../../src/metrics/metrics.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { buildMail } from '../helpers/imap.js';
import { MX, recipients, SUPPORT, startMailWorld } from '../helpers/mail-world.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

// Issues 12.1, 11 Medium 10, 14.2: a delay marked the user bounced for good; one relay 5xx silenced a user.
const t = await useTestDb();
const w = await startMailWorld(t, { MAIL_TRUSTED_AUTHSERV_ID: MX });
const PASS = { 'Authentication-Results': `${MX}; dmarc=pass header.from=example.test` };
let agent: TestUser;

beforeAll(async () => {
  agent = await makeUser(t.app, 'agent');
});

let n = 0;
/** A customer with a ticket whose acknowledgement went out; returns the delivery's Message-ID. */
async function customerWithTicket() {
  const customer = await makeUser(t.app, 'customer');
  const ticketId = await makeTicket(t.app, customer);
  await w.sent();
  const d = must(await t.db('deliveries').where({ ticket_id: ticketId, recipient: customer.email }).first());
  return { customer, ticketId, messageId: d.message_id as string };
}

/** A delivery report (RFC 3464) from the recipient's MX about one of our mails. */
function dsn(to: string, ourMessageId: string, action: string, status: string, diagnostic: string) {
  const id = `dsn-${++n}@mx.client.example`;
  const raw = [
    'From: Mail Delivery System <MAILER-DAEMON@mx.client.example>',
    `To: ${SUPPORT}`,
    'Subject: Delivery Status Notification',
    `Message-ID: <${id}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="BB"',
    '',
    '--BB',
    'Content-Type: text/plain',
    '',
    'This is an automatically generated Delivery Status Notification.',
    '--BB',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.client.example',
    '',
    `Final-Recipient: rfc822; ${to}`,
    `Action: ${action}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '--BB',
    'Content-Type: text/rfc822-headers',
    '',
    `From: ${SUPPORT}`,
    `To: ${to}`,
    `Message-ID: <${ourMessageId}>`,
    '--BB--',
    '',
  ].join('\r\n');
  return { id, raw };
}

/** An agent's answer by mail (their own reply token). */
async function agentAnswers(ticketId: number, text: string) {
  const id = `answer-${++n}@example.test`;
  const token = signReplyToken(w.s.config.SECRET, { ticketId, userId: agent.id });
  await w.deliver([
    buildMail({
      from: agent.email,
      to: `support+${token}@izardesk.local`,
      subject: 'Re: x',
      text,
      messageId: `<${id}>`,
    }),
  ]);
  return w.record(id);
}

const user = (id: number) => t.db('users').where({ id }).first();
const metric = async (result: string) =>
  (await registry.getSingleMetric('izardesk_notifications_total')?.get())?.values
    .filter((v) => v.labels.result === result)
    .reduce((a, v) => a + v.value, 0) ?? 0;

describe('bounces', { timeout: 90_000 }, () => {
  it('a delay (Action: delayed, 4.x.x) is noted on the delivery and marks nobody: later mail still goes out', async () => {
    const { customer, ticketId, messageId } = await customerWithTicket();
    const d = dsn(customer.email, messageId, 'delayed', '4.4.7', '451 4.4.7 Message delayed');
    await w.deliver([d.raw]);
    const rec = await w.record(d.id);
    expect(rec.outcome).toBe('ignored');
    expect(rec.reason).toContain('delayed 4.4.7');
    expect(rec.reason).toContain('ignored');
    expect(must(await user(customer.id)).bounced_at).toBeNull();
    expect(await t.db('deliveries').where({ message_id: messageId }).first()).toMatchObject({
      status: 'sent',
      error: expect.stringContaining('report: delayed 4.4.7'),
    });
    expect(await w.sent()).toHaveLength(0);
    await agentAnswers(ticketId, 'Seguimos con ello.');
    expect(recipients(await w.sent())).toEqual([customer.email]);
  });

  it('a permanent failure marks the address, shows on the agent timeline, and the answering agent is told', async () => {
    const { customer, ticketId, messageId } = await customerWithTicket();
    const d = dsn(customer.email, messageId, 'failed', '5.1.1', '550 5.1.1 User unknown');
    await w.deliver([d.raw]);
    expect((await w.record(d.id)).reason).toContain(`${customer.email}: bounced`);
    expect(must(await user(customer.id)).bounced_at).not.toBeNull();
    const event = must(await t.db('ticket_events').where({ ticket_id: ticketId, kind: 'bounced' }).first());
    expect(event.data).toMatchObject({ email: customer.email });
    expect(await w.sent()).toHaveLength(0);

    const rec = await agentAnswers(ticketId, 'Hemos cambiado el router.');
    expect(rec.outcome).toBe('followup');
    expect(rec.reason).toContain(`the requester's address ${customer.email} bounces`);
    const mails = await w.sent();
    expect(recipients(mails)).toEqual([agent.email]);
    expect(mails[0]?.text).toContain(`el correo del cliente (${customer.email}) rebota`);
    const skipped = await t
      .db('deliveries')
      .where({ ticket_id: ticketId, recipient: customer.email, status: 'bounced' })
      .whereNot({ message_id: messageId });
    expect(skipped).toHaveLength(1);
    expect(skipped[0].error).toMatch(/^not sent: the address bounced/);

    // A mail from the address proves it works again: the mark goes, and the next answer reaches the customer.
    await w.deliver([
      buildMail({
        from: customer.email,
        subject: `Re: [${formatReference('IZL', ticketId)}] x`,
        text: 'Ya tengo buzón nuevo.',
        messageId: `<back-${ticketId}@example.test>`,
        headers: PASS,
      }),
    ]);
    await w.record(`back-${ticketId}@example.test`);
    expect(must(await user(customer.id)).bounced_at).toBeNull();
    await w.sent();
    await addFollowup(t.app, agent.actor, { ticketId, body: 'Perfecto.' });
    expect(recipients(await w.sent())).toEqual([customer.email]);
  });

  it('a relay 5xx about us (5.7.x) fails the delivery and alerts, without marking the user', async () => {
    const customer = await makeUser(t.app, 'customer');
    w.smtp.reject(customer.email, 550, '5.7.1 Sender address rejected: not authorized');
    const before = await metric('relay_refused');
    const ticketId = await makeTicket(t.app, customer);
    await w.sent();
    const d = await t.db('deliveries').where({ ticket_id: ticketId, recipient: customer.email }).first();
    expect(d).toMatchObject({ status: 'failed', error: expect.stringContaining('5.7.1') });
    expect(must(await user(customer.id)).bounced_at).toBeNull();
    expect(await metric('relay_refused')).toBe(before + 1);

    // The relay fixed, the next mail goes out.
    w.smtp.accept(customer.email);
    await addFollowup(t.app, agent.actor, { ticketId, body: 'Probamos de nuevo.' });
    expect(recipients(await w.sent())).toEqual([customer.email]);
  });

  it('a 5xx naming the recipient (5.1.x) marks the address and the ticket timeline', async () => {
    const customer = await makeUser(t.app, 'customer');
    w.smtp.reject(customer.email, 550, '5.1.1 No such user here');
    const ticketId = await makeTicket(t.app, customer);
    await w.sent();
    expect(must(await user(customer.id)).bounce_reason).toContain('5.1.1');
    expect(await t.db('ticket_events').where({ ticket_id: ticketId, kind: 'bounced' })).toHaveLength(1);

    // In the web: the timeline shows the bounce, and an answer tells the agent the customer will not get it.
    const web = new WebClient(await startTestWeb(w.s));
    await web.login(agent.email);
    const page = await web.get(`/agent/tickets/${ticketId}`);
    expect(page.text).toContain(`El correo a ${customer.email} ha sido rechazado para siempre`);
    const res = await web.postMultipart(`/agent/tickets/${ticketId}/reply`, { body: 'Le llamamos mañana.' });
    expect(res.status).toBe(303);
    const after = await web.get(`/agent/tickets/${ticketId}`);
    expect(after.text).toContain(`el correo del cliente (${customer.email}) rebota`);
    // The first answer of support (web as mail) takes the new ticket in progress, assigned to the agent.
    expect(await t.db('tickets').where({ id: ticketId }).first()).toMatchObject({
      status: 'in_progress',
      assignee_id: agent.id,
    });
    expect(await w.sent()).toHaveLength(0);
  });
});
