import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { refusedWithoutWriting } from '../helpers/refusal.js';

let t: TestDb;
let customer: TestUser;
let colleague: TestUser;
let agent: TestUser;
const system = { kind: 'system' } as const;

beforeAll(async () => {
  t = await useTestDb();
  customer = await makeUser(t.app, 'customer');
  colleague = await makeUser(t.app, 'customer', { companyId: customer.companyId as number });
  agent = await makeUser(t.app, 'agent');
});

const draft = (serviceId: number | null) => ({
  type: 'incident',
  category: 'packet_loss',
  urgency: 'medium',
  serviceId,
  title: '  Pérdida de paquetes  ',
  description: ' 5 % de pérdida hacia el DNS. ',
});

const TABLES = ['tickets', 'ticket_events', 'outbox', 'followups', 'attachments'];
const refusedHere = (fn: () => Promise<unknown>) => refusedWithoutWriting(t.db, TABLES, fn);

describe('openTicket', () => {
  it('writes the ticket, its "created" history row and its ticket.created outbox row', async () => {
    const { ticketId } = await openTicket(t.app, customer.actor, {
      draft: draft(customer.serviceIds[0] ?? null),
    });
    const ticket = await t.db('tickets').where({ id: ticketId }).first();
    expect(ticket).toMatchObject({
      status: 'new',
      type: 'incident',
      category: 'packet_loss',
      urgency: 'medium',
      priority: 3,
      title: 'Pérdida de paquetes',
      description: '5 % de pérdida hacia el DNS.',
      requester_id: customer.id,
      company_id: customer.companyId,
      service_id: customer.serviceIds[0],
      source: 'web',
      assignee_id: null,
    });
    const events = await t.db('ticket_events').where({ ticket_id: ticketId });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'created', to_status: 'new', actor_id: customer.id });
    const outbox = await t.db('outbox').where({ ticket_id: ticketId });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      event: 'ticket.created',
      actor_id: customer.id,
      payload: { source: 'web' },
    });
  });

  it('stores an attachment with its size and sha256', async () => {
    const data = Buffer.from('%PDF-1.4 speedtest results');
    const { ticketId } = await openTicket(t.app, customer.actor, {
      draft: draft(customer.serviceIds[0] ?? null),
      files: [{ filename: '../../etc/speedtest.pdf', contentType: 'application/pdf', data }],
    });
    const [a] = await t.db('attachments').where({ ticket_id: ticketId });
    expect(a).toMatchObject({
      filename: 'speedtest.pdf',
      content_type: 'application/pdf',
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      uploaded_by: customer.id,
      followup_id: null,
    });
    expect(Buffer.compare(a.data!, data)).toBe(0);
  });

  it('refuses a file over 2 MB and keeps nothing of the ticket', async () => {
    const e = await refusedHere(() =>
      openTicket(t.app, customer.actor, {
        draft: draft(customer.serviceIds[0] ?? null),
        files: [{ filename: 'big.bin', contentType: '', data: Buffer.alloc(2_097_153) }],
      }),
    );
    expect(e.code).toBe('too_large');
    const { ticketId } = await openTicket(t.app, customer.actor, {
      draft: draft(customer.serviceIds[0] ?? null),
      files: [{ filename: 'exact.bin', contentType: '', data: Buffer.alloc(2_097_152) }],
    });
    expect(must(await t.db('attachments').where({ ticket_id: ticketId }).first()).content_type).toBe(
      'application/octet-stream',
    );
  });

  it('opens for the customer themselves, whatever requester they name', async () => {
    const { ticketId } = await openTicket(t.app, customer.actor, {
      draft: draft(customer.serviceIds[0] ?? null),
      requesterId: agent.id,
    });
    expect(must(await t.db('tickets').where({ id: ticketId }).first()).requester_id).toBe(customer.id);
  });

  it('lets staff and the mail robot open for a customer; by mail no service is needed', async () => {
    const byAgent = await openTicket(t.app, agent.actor, {
      draft: draft(customer.serviceIds[0] ?? null),
      requesterId: customer.id,
    });
    const row = await t.db('tickets').where({ id: byAgent.ticketId }).first();
    expect(row).toMatchObject({ requester_id: customer.id, company_id: customer.companyId });
    expect(must(await t.db('ticket_events').where({ ticket_id: byAgent.ticketId }).first()).actor_id).toBe(
      agent.id,
    );
    const byMail = await openTicket(t.app, system, {
      draft: draft(null),
      requesterId: customer.id,
      source: 'email',
    });
    const mailRow = await t.db('tickets').where({ id: byMail.ticketId }).first();
    expect(mailRow).toMatchObject({ source: 'email', service_id: null });
    const out = await t.db('outbox').where({ ticket_id: byMail.ticketId }).first();
    expect(out).toMatchObject({ actor_id: null, payload: { source: 'email' } });
    await expect(openTicket(t.app, agent.actor, { draft: draft(null) })).rejects.toMatchObject({
      code: 'invalid',
      fields: { requesterId: 'validation.requesterRequired' },
    });
  });

  it('refuses an invalid draft with every field error, and writes nothing', async () => {
    const e = await refusedHere(() =>
      openTicket(t.app, customer.actor, {
        draft: { type: 'request', category: 'total_outage', urgency: 'high', title: ' ', description: '' },
      }),
    );
    expect(e.code).toBe('invalid');
    expect(Object.keys(e.fields).sort()).toEqual([
      'category',
      'description',
      'serviceId',
      'title',
      'urgency',
    ]);
  });

  it('refuses another company’s service', async () => {
    const stranger = await makeUser(t.app, 'customer');
    const e = await refusedHere(() =>
      openTicket(t.app, stranger.actor, { draft: draft(customer.serviceIds[0] ?? null) }),
    );
    expect(e.fields).toEqual({ serviceId: 'validation.serviceInvalid' });
  });
});

describe('addFollowup', () => {
  it('writes the follow-up, its history row and its ticket.followup outbox row', async () => {
    const id = await makeTicket(t.app, customer);
    const data = Buffer.from('ping log');
    const r = await addFollowup(t.app, customer.actor, {
      ticketId: id,
      body: '  Adjunto el ping.  ',
      files: [{ filename: 'ping.txt', contentType: 'text/plain', data }],
    });
    expect(r.status).toBe('new');
    const f = await t.db('followups').where({ id: r.followupId }).first();
    expect(f).toMatchObject({
      ticket_id: id,
      author_id: customer.id,
      body: 'Adjunto el ping.',
      visibility: 'public',
      kind: 'comment',
      source: 'web',
    });
    const a = await t.db('attachments').where({ followup_id: r.followupId }).first();
    expect(a).toMatchObject({ ticket_id: id, filename: 'ping.txt', size: data.length });
    const ev = await t.db('ticket_events').where({ ticket_id: id, kind: 'followup' });
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ followup_id: r.followupId, from_status: 'new', to_status: 'new' });
    const out = await t.db('outbox').where({ ticket_id: id, event: 'ticket.followup' }).orderBy('id');
    expect(out).toHaveLength(2);
    expect(out[0].payload).toEqual({
      followupId: r.followupId,
      visibility: 'public',
      fromStatus: 'new',
      toStatus: 'new',
      source: 'web',
      agentsLater: true,
    });
    // The agents' mail, a row of its own that the next follow-ups join (outbound-followup-digest.test.ts).
    expect(out[1].payload).toEqual({
      followupId: r.followupId,
      followupIds: [r.followupId],
      visibility: 'public',
      fromStatus: 'new',
      toStatus: 'new',
      source: 'web',
    });
  });

  it('accepts documents without a comment, refuses an empty follow-up', async () => {
    const id = await makeTicket(t.app, customer);
    const r = await addFollowup(t.app, customer.actor, {
      ticketId: id,
      body: '',
      files: [{ filename: 'foto.jpg', contentType: 'image/jpeg', data: Buffer.from([0xff, 0xd8]) }],
    });
    expect(must(await t.db('followups').where({ id: r.followupId }).first()).body).toBe('');
    const e = await refusedHere(() => addFollowup(t.app, customer.actor, { ticketId: id, body: ' \n ' }));
    expect(e.fields).toEqual({ body: 'validation.followupEmpty' });
  });

  it('refuses a document over 2 MB and keeps nothing of the follow-up', async () => {
    const id = await makeTicket(t.app, customer);
    const e = await refusedHere(() =>
      addFollowup(t.app, customer.actor, {
        ticketId: id,
        body: 'aquí va',
        files: [{ filename: 'big.pdf', contentType: 'application/pdf', data: Buffer.alloc(2_097_153) }],
      }),
    );
    expect(e.code).toBe('too_large');
  });

  it('private notes are for staff (and the system) only', async () => {
    const id = await makeTicket(t.app, customer);
    const r = await addFollowup(t.app, agent.actor, {
      ticketId: id,
      body: 'Revisar OLT',
      visibility: 'private',
    });
    expect(must(await t.db('followups').where({ id: r.followupId }).first()).visibility).toBe('private');
    const out = must(await t.db('outbox').where({ ticket_id: id, event: 'ticket.followup' }).first());
    expect(out.payload.visibility).toBe('private');
    await addFollowup(t.app, system, { ticketId: id, body: 'Nota automática', visibility: 'private' });
    const e = await refusedHere(() =>
      addFollowup(t.app, customer.actor, { ticketId: id, body: 'secreto', visibility: 'private' }),
    );
    expect(e.code).toBe('forbidden');
  });

  it('a colleague of the same company may add a follow-up (replies by mail from a co-worker)', async () => {
    const id = await makeTicket(t.app, customer);
    const r = await addFollowup(t.app, colleague.actor, {
      ticketId: id,
      body: 'Yo también lo veo',
      source: 'email',
    });
    expect(must(await t.db('followups').where({ id: r.followupId }).first()).author_id).toBe(colleague.id);
  });

  it('a closed ticket takes no follow-up', async () => {
    const id = await makeTicket(t.app, customer);
    await t.db('tickets').where({ id }).update({ status: 'closed' });
    const e = await refusedHere(() => addFollowup(t.app, customer.actor, { ticketId: id, body: 'hola' }));
    expect(e).toMatchObject({ code: 'conflict', messageKey: 'errors.ticketClosed' });
  });
});
