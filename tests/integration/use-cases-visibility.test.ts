import { beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/accounts/create-user.js';
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
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import type { Actor } from '../../src/domain/ticket-status.js';
import { type TestDb, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';

/** A customer never learns anything about another company's tickets: every use case says "not found". */
let t: TestDb;
let owner: TestUser;
let manager: TestUser;
let colleague: TestUser;
let stranger: TestUser;
let strangerManager: TestUser;
let agent: TestUser;

beforeAll(async () => {
  t = await useTestDb();
  owner = await makeUser(t.app, 'customer');
  manager = await makeUser(t.app, 'customer', { companyId: owner.companyId as number, manager: true });
  colleague = await makeUser(t.app, 'customer', { companyId: owner.companyId as number });
  stranger = await makeUser(t.app, 'customer');
  strangerManager = await makeUser(t.app, 'customer', {
    companyId: stranger.companyId as number,
    manager: true,
  });
  agent = await makeUser(t.app, 'agent');
});

type UseCase = (actor: Actor, id: number) => Promise<unknown>;
/** Every use case acting on a ticket, with valid input, and the state each needs. */
const USE_CASES: [string, 'new' | 'resolved' | 'closed', UseCase][] = [
  ['addFollowup', 'new', (a, id) => addFollowup(t.app, a, { ticketId: id, body: 'hola' })],
  ['setPending', 'new', (a, id) => setPending(t.app, a, id, { body: '?' })],
  ['resolve', 'new', (a, id) => resolve(t.app, a, id, { body: 's' })],
  ['approveSolution', 'resolved', (a, id) => approveSolution(t.app, a, id, { body: 'ok' })],
  ['refuseSolution', 'resolved', (a, id) => refuseSolution(t.app, a, id, { body: 'no' })],
  ['close', 'new', (a, id) => close(t.app, a, id)],
  ['reopen', 'closed', (a, id) => reopen(t.app, a, id)],
  ['assign', 'new', (a, id) => assign(t.app, a, id, agent.id)],
];

async function ticketIn(status: 'new' | 'resolved' | 'closed'): Promise<number> {
  const id = await makeTicket(t.app, owner);
  if (status === 'resolved') await resolve(t.app, agent.actor, id, { body: 's' });
  if (status === 'closed') await close(t.app, agent.actor, id);
  return id;
}

const writes = async (id: number) => ({
  ticket: await t.db('tickets').where({ id }).first(),
  events: (await t.db('ticket_events').where({ ticket_id: id })).length,
  outbox: (await t.db('outbox').where({ ticket_id: id })).length,
  followups: (await t.db('followups').where({ ticket_id: id })).length,
});

describe('another company’s ticket', () => {
  it.each(USE_CASES)(
    '%s: not found for its customers and their manager, nothing written',
    async (_n, status, run) => {
      const id = await ticketIn(status);
      const before = await writes(id);
      for (const who of [stranger, strangerManager]) {
        await expect(run(who.actor, id)).rejects.toMatchObject({
          code: 'not_found',
          messageKey: 'errors.ticketNotFound',
        });
      }
      expect(await writes(id)).toEqual(before);
    },
  );

  it.each(USE_CASES)('%s: an existing id and a missing one get the same answer', async (_n, status, run) => {
    const id = await ticketIn(status);
    const a = await run(stranger.actor, id).catch((e: unknown) => e);
    const b = await run(stranger.actor, 99_999_999).catch((e: unknown) => e);
    expect(a).toMatchObject({ code: 'not_found' });
    expect(b).toMatchObject({
      code: (a as { code: string }).code,
      messageKey: (a as { messageKey: string }).messageKey,
    });
  });

  it('openTicket cannot use another company’s service; createUser is refused to customers', async () => {
    await expect(
      openTicket(t.app, stranger.actor, {
        draft: {
          type: 'request',
          category: 'technical',
          serviceId: owner.serviceIds[0] ?? null,
          title: 't',
          description: 'd',
        },
      }),
    ).rejects.toMatchObject({ code: 'invalid', fields: { serviceId: 'validation.serviceInvalid' } });
    await expect(
      createUser(t.app, stranger.actor, {
        email: 'x@y.example',
        name: 'x',
        role: 'customer',
        companyId: owner.companyId,
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('the same company', () => {
  it('the company manager may decide on a colleague’s solution', async () => {
    const id = await ticketIn('resolved');
    await expect(approveSolution(t.app, manager.actor, id)).resolves.toMatchObject({ status: 'closed' });
  });
  it('a colleague may add a follow-up but not decide on the solution', async () => {
    const id = await ticketIn('resolved');
    await expect(addFollowup(t.app, colleague.actor, { ticketId: id, body: 'me too' })).resolves.toBeTruthy();
    await expect(approveSolution(t.app, colleague.actor, id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(refuseSolution(t.app, colleague.actor, id, { body: 'no' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
  it('the requester’s own staff-only actions are forbidden, not hidden', async () => {
    const id = await ticketIn('new');
    await expect(close(t.app, owner.actor, id)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(assign(t.app, owner.actor, id, agent.id)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
