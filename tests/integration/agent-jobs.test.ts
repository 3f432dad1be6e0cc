import { Queue } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import { discardMail, releaseMail } from '../../src/app/agent/quarantine.js';
import { heldMails } from '../../src/app/queries/agent-quarantine.js';
import { approveSolution, resolve } from '../../src/app/tickets/lifecycle.js';
import { releaseProcessor } from '../../src/ingest/release.js';
import { autoCloseResolved } from '../../src/jobs/auto-close.js';
import { startJobs } from '../../src/jobs/scheduler.js';
import { JOBS_QUEUE } from '../../src/metrics/queues.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';

let t: TestDb;
let agent: TestUser;
let customer: TestUser;
beforeAll(async () => {
  t = await useTestDb();
  agent = await makeUser(t.app, 'agent');
  customer = await makeUser(t.app, 'customer', { email: 'held.sender@example.test' });
});

describe('automatic closing', () => {
  it('closes resolved tickets older than N days as the system, with history and a notification', async () => {
    const old = await makeTicket(t.app, customer, 'old');
    const recent = await makeTicket(t.app, customer, 'recent');
    const approved = await makeTicket(t.app, customer, 'approved');
    for (const id of [old, recent, approved]) await resolve(t.app, agent.actor, id, { body: 'Done.' });
    await approveSolution(t.app, customer.actor, approved);
    await t
      .db('tickets')
      .where({ id: old })
      .update({ resolved_at: new Date(Date.now() - 8 * 86_400_000) });
    expect(await autoCloseResolved(t.app, 0)).toEqual({ closed: 0, skipped: 0 });
    expect(await autoCloseResolved(t.app, 7)).toEqual({ closed: 1, skipped: 0 });
    expect(must(await t.db('tickets').where({ id: old }).first()).status).toBe('closed');
    expect(must(await t.db('tickets').where({ id: recent }).first()).status).toBe('resolved');
    const ev = must(await t.db('ticket_events').where({ ticket_id: old, kind: 'closed' }).first());
    expect(ev.actor_id).toBeNull();
    expect(ev!.data).toEqual({ reason: 'auto_close' });
    expect(await t.db('outbox').where({ ticket_id: old, event: 'ticket.closed' })).toHaveLength(1);
  });

  it('registers one job scheduler the workers share', async () => {
    const s = await useTestServices(t, { AUTO_CLOSE_DAYS: '3', RAW_MAIL_RETENTION_DAYS: '90' });
    const part = await startJobs(s);
    const queue = new Queue(JOBS_QUEUE, {
      connection: { url: s.config.REDIS_URL, maxRetriesPerRequest: null },
      prefix: s.config.REDIS_PREFIX,
    });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((j) => j.key).sort()).toEqual([
        'auto-close',
        'incident-sweep',
        'quarantine-digest',
        'raw-mail-retention',
        'sla-watch',
      ]);
      const second = await startJobs(s);
      expect(await queue.getJobSchedulersCount()).toBe(5);
      await second.stop();
    } finally {
      await part.stop();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

const RAW = (from: string, subject: string, tag: string) =>
  Buffer.from(
    `From: Held Sender <${from}>\r\nTo: support@izardesk.local\r\nSubject: ${subject}\r\nMessage-ID: <held-${tag}-${from}@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLa línea se corta cada noche.\r\n`,
  );

const hold = async (from: string, subject = 'Re: Cortes intermitentes', tag = 'new') =>
  (
    await t
      .db('inbound_mails')
      .insert({
        mailbox: 'INBOX',
        from_address: from,
        subject,
        outcome: 'held',
        reason: 'spoof_suspected',
        quarantine_state: 'held',
        raw: RAW(from, subject, tag),
        size: RAW(from, subject, tag).length,
      })
      .returning('id')
  )[0].id as number;

describe('mail quarantine', () => {
  it('lists held mail; release opens a ticket once; discard keeps the record', async () => {
    const releaseAsTicket = releaseProcessor((await useTestServices(t)).config);
    const a = await hold('held.sender@example.test');
    const b = await hold('nobody@example.test');
    const list = await heldMails(t.db, { page: 1, pageSize: 20 });
    expect(list.rows.map((r) => r.id).sort()).toEqual([a, b].sort());

    await expect(releaseMail(t.app, customer.actor, a, releaseAsTicket)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const { ticketId } = await releaseMail(t.app, agent.actor, a, releaseAsTicket);
    const ticket = must(await t.db('tickets').where({ id: ticketId! }).first());
    expect(ticket.requester_id).toBe(customer.id);
    expect(ticket!.title).toBe('Cortes intermitentes');
    expect(ticket!.description).toContain('La línea se corta');
    expect(must(await t.db('inbound_mails').where({ id: a }).first()).quarantine_state).toBe('released');
    await expect(releaseMail(t.app, agent.actor, a, releaseAsTicket)).rejects.toMatchObject({
      code: 'conflict',
    });

    // A reply naming the customer's open ticket becomes a follow-up on it.
    const c = await hold(
      'held.sender@example.test',
      `Re: [IZL-${String(ticketId).padStart(6, '0')}] Cortes`,
      'reply',
    );
    const out = await releaseMail(t.app, agent.actor, c, releaseAsTicket);
    expect(out.ticketId).toBe(ticketId);
    const fu = await t.db('followups').where({ ticket_id: ticketId!, inbound_mail_id: c }).first();
    expect(fu).toMatchObject({ author_id: customer.id, source: 'email', visibility: 'public' });

    // Unknown sender: the release fails clearly and the mail stays held.
    await expect(releaseMail(t.app, agent.actor, b, releaseAsTicket)).rejects.toMatchObject({
      messageKey: 'agent:quarantine.unknownSender',
    });
    expect(must(await t.db('inbound_mails').where({ id: b }).first()).quarantine_state).toBe('held');
    await discardMail(t.app, agent.actor, b);
    const row = must(await t.db('inbound_mails').where({ id: b }).first());
    expect(row.quarantine_state).toBe('discarded');
    expect(row!.raw).not.toBeNull();
    expect((await heldMails(t.db, { page: 1, pageSize: 20 })).rows).toEqual([]);
  });
});
