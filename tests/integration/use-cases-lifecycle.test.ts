import { beforeAll, describe, expect, it } from 'vitest';
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
import { AppError } from '../../src/domain/errors.js';
import { type TestDb, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';

let t: TestDb;
let customer: TestUser;
let agent: TestUser;
let admin: TestUser;
const system = { kind: 'system' } as const;

beforeAll(async () => {
  t = await useTestDb();
  customer = await makeUser(t.app, 'customer');
  agent = await makeUser(t.app, 'agent');
  admin = await makeUser(t.app, 'admin');
});

/** Everything a use case writes about one ticket, to compare before and after. */
async function state(ticketId: number) {
  const ticket = await t.db('tickets').where({ id: ticketId }).first();
  const events = await t.db('ticket_events').where({ ticket_id: ticketId }).orderBy('id');
  // The agents' mail about customer follow-ups is a row of its own (outbound-followup-digest.test.ts).
  const outbox = await t
    .db('outbox')
    .where({ ticket_id: ticketId })
    .whereRaw("payload->'followupIds' is null")
    .orderBy('id');
  const followups = await t.db('followups').where({ ticket_id: ticketId }).orderBy('id');
  return { ticket, events, outbox, followups };
}

/** Runs a use case and returns exactly what it added: one history row and one outbox row, always. */
async function change(ticketId: number, fn: () => Promise<unknown>) {
  const before = await state(ticketId);
  const result = await fn();
  const after = await state(ticketId);
  expect(after.events).toHaveLength(before.events.length + 1);
  expect(after.outbox).toHaveLength(before.outbox.length + 1);
  const event = after.events.at(-1);
  const outbox = after.outbox.at(-1);
  expect(event!.from_status).toBe(before.ticket!.status);
  expect(event!.to_status).toBe(after.ticket!.status);
  expect(outbox!.payload.fromStatus).toBe(before.ticket!.status);
  expect(outbox!.payload.toStatus).toBe(after.ticket!.status);
  expect(outbox!.enqueued_at).toBeNull();
  const newFollowups = after.followups.slice(before.followups.length);
  return { result, ticket: after.ticket, event, outbox, newFollowups };
}

/** Runs a use case that must be refused, and checks it wrote nothing. */
async function refused(ticketId: number, fn: () => Promise<unknown>): Promise<AppError> {
  const before = await state(ticketId);
  const err = await fn().then(
    () => {
      throw new Error('expected the use case to refuse');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect(await state(ticketId)).toEqual(before);
  return err as AppError;
}

describe('setPending', () => {
  it('asks the customer for information: pending, an info_request follow-up, history and outbox', async () => {
    const id = await makeTicket(t.app, customer);
    const c = await change(id, () => setPending(t.app, agent.actor, id, { body: '  ¿La ONT tiene luz?  ' }));
    expect(c.ticket!.status).toBe('pending');
    expect(c.newFollowups).toHaveLength(1);
    expect(c.newFollowups[0]).toMatchObject({
      kind: 'info_request',
      body: '¿La ONT tiene luz?',
      visibility: 'public',
      author_id: agent.id,
    });
    expect(c.event).toMatchObject({
      kind: 'status_changed',
      actor_id: agent.id,
      followup_id: c.newFollowups[0].id,
    });
    expect(c.outbox).toMatchObject({ event: 'ticket.pending', actor_id: agent.id });
    expect(c.outbox!.payload.followupId).toBe(c.newFollowups[0].id);
  });
  it('needs a question, and staff', async () => {
    const id = await makeTicket(t.app, customer);
    expect((await refused(id, () => setPending(t.app, agent.actor, id, { body: '  ' }))).code).toBe(
      'invalid',
    );
    expect((await refused(id, () => setPending(t.app, customer.actor, id, { body: 'q' }))).code).toBe(
      'forbidden',
    );
    expect((await refused(id, () => setPending(t.app, system, id, { body: 'q' }))).code).toBe('forbidden');
  });
});

describe('addFollowup on a pending ticket', () => {
  it('a customer reply puts an assigned ticket back in progress', async () => {
    const id = await makeTicket(t.app, customer);
    await assign(t.app, agent.actor, id);
    await setPending(t.app, agent.actor, id, { body: '¿Reinició el router?' });
    const c = await change(id, () =>
      addFollowup(t.app, customer.actor, { ticketId: id, body: 'Sí, sigue igual.', source: 'email' }),
    );
    expect(c.ticket!.status).toBe('in_progress');
    expect(c.event).toMatchObject({ kind: 'followup', from_status: 'pending', to_status: 'in_progress' });
    expect(c.outbox!.payload).toMatchObject({ visibility: 'public', source: 'email' });
    expect(c.newFollowups[0]).toMatchObject({ source: 'email', kind: 'comment' });
  });
  it('a customer reply puts an unassigned ticket back to new', async () => {
    const id = await makeTicket(t.app, customer);
    await setPending(t.app, agent.actor, id, { body: '¿Reinició el router?' });
    const c = await change(id, () => addFollowup(t.app, customer.actor, { ticketId: id, body: 'Sí.' }));
    expect(c.ticket!.status).toBe('new');
  });
  it('a staff comment or private note keeps it waiting for the customer', async () => {
    const id = await makeTicket(t.app, customer);
    await setPending(t.app, agent.actor, id, { body: '¿Reinició el router?' });
    const a = await change(id, () => addFollowup(t.app, agent.actor, { ticketId: id, body: 'Recordatorio' }));
    expect(a.ticket!.status).toBe('pending');
    const n = await change(id, () =>
      addFollowup(t.app, agent.actor, { ticketId: id, body: 'Nota interna', visibility: 'private' }),
    );
    expect(n.ticket!.status).toBe('pending');
    expect(n.event!.kind).toBe('note');
  });
});

describe('resolve', () => {
  it('records the solution, assigns the resolver when nobody was, and asks for approval', async () => {
    const id = await makeTicket(t.app, customer);
    const c = await change(id, () => resolve(t.app, agent.actor, id, { body: ' Cambiamos la ONT. ' }));
    expect(c.ticket).toMatchObject({
      status: 'resolved',
      solution: 'Cambiamos la ONT.',
      assignee_id: agent.id,
    });
    expect(c.ticket!.resolved_at).toBeInstanceOf(Date);
    expect(c.newFollowups[0]).toMatchObject({ kind: 'solution', body: 'Cambiamos la ONT.' });
    expect(c.event!.kind).toBe('solution');
    expect(c.outbox!.event).toBe('ticket.resolved');
  });
  it('keeps an existing assignee', async () => {
    const id = await makeTicket(t.app, customer);
    await assign(t.app, admin.actor, id, agent.id);
    const c = await change(id, () => resolve(t.app, admin.actor, id, { body: 'Hecho' }));
    expect(c.ticket!.assignee_id).toBe(agent.id);
  });
  it('needs a solution text, staff, and an open ticket', async () => {
    const id = await makeTicket(t.app, customer);
    const e = await refused(id, () => resolve(t.app, agent.actor, id, { body: '' }));
    expect(e).toMatchObject({ code: 'invalid', fields: { solution: 'validation.solutionRequired' } });
    expect((await refused(id, () => resolve(t.app, customer.actor, id, { body: 'x' }))).code).toBe(
      'forbidden',
    );
    await resolve(t.app, agent.actor, id, { body: 'x' });
    expect((await refused(id, () => resolve(t.app, agent.actor, id, { body: 'y' }))).code).toBe('conflict');
  });
});

describe('approveSolution', () => {
  it('closes the ticket, with the optional comment as a follow-up', async () => {
    const id = await makeTicket(t.app, customer);
    await resolve(t.app, agent.actor, id, { body: 'Cambiamos la ONT.' });
    const c = await change(id, () => approveSolution(t.app, customer.actor, id, { body: '¡Gracias!' }));
    expect(c.ticket!.status).toBe('closed');
    expect(c.ticket!.closed_at).toBeInstanceOf(Date);
    expect(c.ticket!.solution).toBe('Cambiamos la ONT.');
    expect(c.newFollowups[0]).toMatchObject({ kind: 'approval', body: '¡Gracias!', author_id: customer.id });
    expect(c.event!.kind).toBe('approved');
    expect(c.outbox!.event).toBe('ticket.approved');
  });
  it('without a comment adds no follow-up', async () => {
    const id = await makeTicket(t.app, customer);
    await resolve(t.app, agent.actor, id, { body: 'x' });
    const c = await change(id, () => approveSolution(t.app, customer.actor, id));
    expect(c.newFollowups).toHaveLength(0);
    expect(c.outbox!.payload.followupId).toBeNull();
  });
  it('only a resolved ticket, never the system', async () => {
    const id = await makeTicket(t.app, customer);
    expect((await refused(id, () => approveSolution(t.app, customer.actor, id))).code).toBe('conflict');
    await resolve(t.app, agent.actor, id, { body: 'x' });
    expect((await refused(id, () => approveSolution(t.app, system, id))).code).toBe('forbidden');
  });
});

describe('refuseSolution', () => {
  it('reopens the work with the reason, and forgets the solution', async () => {
    const id = await makeTicket(t.app, customer);
    await resolve(t.app, agent.actor, id, { body: 'Cambiamos la ONT.' });
    const c = await change(id, () => refuseSolution(t.app, customer.actor, id, { body: 'Sigue sin ir.' }));
    expect(c.ticket).toMatchObject({ status: 'in_progress', solution: null, resolved_at: null });
    expect(c.newFollowups[0]).toMatchObject({ kind: 'refusal', body: 'Sigue sin ir.' });
    expect(c.event!.kind).toBe('refused');
    expect(c.outbox!.event).toBe('ticket.refused');
  });
  it('needs a reason and a resolved ticket', async () => {
    const id = await makeTicket(t.app, customer);
    expect((await refused(id, () => refuseSolution(t.app, customer.actor, id, { body: 'no' }))).code).toBe(
      'conflict',
    );
    await resolve(t.app, agent.actor, id, { body: 'x' });
    const e = await refused(id, () => refuseSolution(t.app, customer.actor, id, { body: ' ' }));
    expect(e).toMatchObject({ code: 'invalid', fields: { comment: 'validation.refusalReasonRequired' } });
  });
});

describe('close', () => {
  it('staff closes an open ticket, with an optional reason in the event', async () => {
    const id = await makeTicket(t.app, customer);
    const c = await change(id, () => close(t.app, agent.actor, id, { reason: 'duplicate' }));
    expect(c.ticket!.status).toBe('closed');
    expect(c.event).toMatchObject({ kind: 'closed', data: { reason: 'duplicate' } });
    expect(c.outbox).toMatchObject({ event: 'ticket.closed', payload: { reason: 'duplicate' } });
  });
  it('the system closes a resolved ticket (automatic closing), with no actor', async () => {
    const id = await makeTicket(t.app, customer);
    await resolve(t.app, agent.actor, id, { body: 'x' });
    const c = await change(id, () => close(t.app, system, id, { reason: 'auto' }));
    expect(c.ticket!.status).toBe('closed');
    expect(c.event!.actor_id).toBeNull();
    expect(c.outbox!.actor_id).toBeNull();
  });
  it('customers may not close; a closed ticket cannot be closed again nor take follow-ups', async () => {
    const id = await makeTicket(t.app, customer);
    expect((await refused(id, () => close(t.app, customer.actor, id))).code).toBe('forbidden');
    await close(t.app, agent.actor, id);
    expect((await refused(id, () => close(t.app, agent.actor, id))).code).toBe('conflict');
    const e = await refused(id, () => addFollowup(t.app, customer.actor, { ticketId: id, body: 'hola' }));
    expect(e).toMatchObject({ code: 'conflict', messageKey: 'errors.ticketClosed' });
  });
});

describe('reopen', () => {
  it('staff reopens a closed ticket: back to work, closing and solution forgotten', async () => {
    const id = await makeTicket(t.app, customer);
    await resolve(t.app, agent.actor, id, { body: 'x' });
    await approveSolution(t.app, customer.actor, id);
    const c = await change(id, () => reopen(t.app, agent.actor, id, { body: 'Vuelve a fallar' }));
    expect(c.ticket).toMatchObject({
      status: 'in_progress',
      closed_at: null,
      resolved_at: null,
      solution: null,
    });
    expect(c.newFollowups[0]).toMatchObject({ kind: 'comment', body: 'Vuelve a fallar' });
    expect(c.event!.kind).toBe('reopened');
    expect(c.outbox!.event).toBe('ticket.reopened');
  });
  it('an unassigned ticket reopens as new; only resolved or closed ones; only staff', async () => {
    const id = await makeTicket(t.app, customer);
    expect((await refused(id, () => reopen(t.app, agent.actor, id))).code).toBe('conflict');
    await close(t.app, agent.actor, id);
    expect((await refused(id, () => reopen(t.app, customer.actor, id))).code).toBe('forbidden');
    const c = await change(id, () => reopen(t.app, agent.actor, id));
    expect(c.ticket!.status).toBe('new');
    expect(c.newFollowups).toHaveLength(0);
  });
});

describe('assign', () => {
  it('assigns the acting agent by default, or the one named', async () => {
    const id = await makeTicket(t.app, customer);
    const c = await change(id, () => assign(t.app, agent.actor, id));
    expect(c.ticket).toMatchObject({ status: 'in_progress', assignee_id: agent.id });
    expect(c.event).toMatchObject({ kind: 'assigned', data: { assigneeId: agent.id } });
    expect(c.outbox).toMatchObject({ event: 'ticket.assigned', payload: { assigneeId: agent.id } });
    const d = await change(id, () => assign(t.app, agent.actor, id, admin.id));
    expect(d.ticket!.assignee_id).toBe(admin.id);
  });
  it('keeps a pending ticket assignable and moves it to work', async () => {
    const id = await makeTicket(t.app, customer);
    await setPending(t.app, agent.actor, id, { body: '?' });
    const c = await change(id, () => assign(t.app, agent.actor, id));
    expect(c.ticket!.status).toBe('in_progress');
  });
  it('refuses customers as assignees, inactive agents, and customers or the system as assigners', async () => {
    const id = await makeTicket(t.app, customer);
    const e = await refused(id, () => assign(t.app, agent.actor, id, customer.id));
    expect(e).toMatchObject({ code: 'invalid', fields: { assigneeId: 'validation.assigneeInvalid' } });
    const gone = await makeUser(t.app, 'agent');
    await t.db('users').where({ id: gone.id }).update({ active: false });
    expect((await refused(id, () => assign(t.app, agent.actor, id, gone.id))).code).toBe('invalid');
    expect((await refused(id, () => assign(t.app, customer.actor, id, agent.id))).code).toBe('forbidden');
    expect((await refused(id, () => assign(t.app, system, id, agent.id))).code).toBe('forbidden');
    expect((await refused(id, () => assign(t.app, system, id))).code).toBe('invalid');
  });
  it('refuses a resolved ticket', async () => {
    const id = await makeTicket(t.app, customer);
    await resolve(t.app, agent.actor, id, { body: 'x' });
    expect((await refused(id, () => assign(t.app, agent.actor, id))).code).toBe('conflict');
  });
  it('says not found for a ticket that does not exist', async () => {
    await expect(assign(t.app, agent.actor, 987654)).rejects.toMatchObject({ code: 'not_found' });
    await expect(close(t.app, agent.actor, 987654)).rejects.toMatchObject({ code: 'not_found' });
  });
});
