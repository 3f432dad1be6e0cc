import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/accounts/create-user.js';
import { OUTBOX_CHANNEL } from '../../src/app/outbox.js';
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

/**
 * Proof that a use case commits its change, history row and outbox row together or not at all: test-only
 * triggers make the history or the outbox insert fail for a marked ticket, after the ticket was already
 * updated in the same transaction. Nothing of the change may remain.
 */
let t: TestDb;
let customer: TestUser;
let agent: TestUser;
let listener: pg.Client;
const notifications: string[] = [];

beforeAll(async () => {
  t = await useTestDb();
  customer = await makeUser(t.app, 'customer');
  agent = await makeUser(t.app, 'agent');
  await t.db.raw(`
    create table test_fail (ticket_id bigint, tbl text);
    create function test_fail_ticket() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from test_fail f where f.tbl = tg_table_name and f.ticket_id = new.ticket_id)
         or exists (select 1 from tickets k where k.id = new.ticket_id and k.title = 'FAIL ' || tg_table_name) then
        raise exception 'test: % insert refused for ticket %', tg_table_name, new.ticket_id;
      end if;
      return new;
    end $$;
    create trigger test_fail after insert on ticket_events for each row execute function test_fail_ticket();
    create trigger test_fail after insert on outbox for each row execute function test_fail_ticket();
    create function test_fail_invite() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from users u where u.id = (new.payload->>'userId')::bigint and u.email like 'fail-%') then
        raise exception 'test: invitation refused';
      end if;
      return new;
    end $$;
    create trigger test_fail_invite after insert on outbox for each row execute function test_fail_invite();
  `);
  listener = new pg.Client({ connectionString: t.url });
  await listener.connect();
  listener.on('notification', (n) => notifications.push(n.payload ?? ''));
  await listener.query(`listen ${OUTBOX_CHANNEL}`);
});
afterAll(() => listener?.end());

const snapshot = async (ticketId: number) => ({
  ticket: await t.db('tickets').where({ id: ticketId }).first(),
  events: await t.db('ticket_events').where({ ticket_id: ticketId }).orderBy('id'),
  outbox: await t.db('outbox').where({ ticket_id: ticketId }).orderBy('id'),
  followups: await t.db('followups').where({ ticket_id: ticketId }).orderBy('id'),
  attachments: await t.db('attachments').where({ ticket_id: ticketId }).select('id'),
});

/** Lets Postgres deliver any pending NOTIFY before we look. */
const settle = async () => {
  await listener.query('select 1');
  await new Promise((r) => setTimeout(r, 50));
};

type Step = (id: number) => Promise<unknown>;
const file = { filename: 'log.txt', contentType: 'text/plain', data: Buffer.from('log') };
/** Each use case, from the state that precedes it. */
const CASES: [string, Step[], (id: number, actor: Actor) => Promise<unknown>][] = [
  ['addFollowup', [], (id) => addFollowup(t.app, customer.actor, { ticketId: id, body: 'x', files: [file] })],
  [
    'addFollowup (reply on pending)',
    [(id) => assign(t.app, agent.actor, id), (id) => setPending(t.app, agent.actor, id, { body: '?' })],
    (id) => addFollowup(t.app, customer.actor, { ticketId: id, body: 'respuesta' }),
  ],
  ['setPending', [], (id) => setPending(t.app, agent.actor, id, { body: '¿Luz en la ONT?', files: [file] })],
  ['resolve', [], (id) => resolve(t.app, agent.actor, id, { body: 'Cambiada la ONT' })],
  [
    'approveSolution',
    [(id) => resolve(t.app, agent.actor, id, { body: 's' })],
    (id) => approveSolution(t.app, customer.actor, id, { body: 'gracias' }),
  ],
  [
    'refuseSolution',
    [(id) => resolve(t.app, agent.actor, id, { body: 's' })],
    (id) => refuseSolution(t.app, customer.actor, id, { body: 'no funciona' }),
  ],
  ['close', [], (id) => close(t.app, agent.actor, id, { reason: 'x' })],
  [
    'reopen',
    [(id) => close(t.app, agent.actor, id)],
    (id) => reopen(t.app, agent.actor, id, { body: 'otra vez' }),
  ],
  ['assign', [], (id) => assign(t.app, agent.actor, id)],
];

describe.each(['ticket_events', 'outbox'])('when the %s insert fails', (table) => {
  it.each(CASES)(
    '%s leaves no change, no history, no outbox row, no follow-up, no notification',
    async (_n, steps, run) => {
      const id = await makeTicket(t.app, customer);
      for (const step of steps) await step(id);
      await settle();
      const before = await snapshot(id);
      await t.db('test_fail').insert({ ticket_id: id, tbl: table });
      notifications.length = 0;
      await expect(run(id, agent.actor)).rejects.toThrow(`test: ${table} insert refused for ticket ${id}`);
      await settle();
      expect(await snapshot(id)).toEqual(before);
      expect(notifications).toEqual([]);
      // The same call succeeds once the failure is lifted: the refusal above was the trigger's alone.
      await t.db('test_fail').where({ ticket_id: id }).del();
      await run(id, agent.actor);
      await settle();
      const after = await snapshot(id);
      expect(after.events).toHaveLength(before.events.length + 1);
      // One row, plus for a customer's follow-up the agents' row (outbound-followup-digest.test.ts).
      const added = after.outbox.slice(before.outbox.length);
      expect(added.filter((r: { payload: Record<string, unknown> }) => !r.payload.followupIds)).toHaveLength(
        1,
      );
      expect(notifications).toEqual(added.map((r: { id: number }) => String(r.id)));
    },
  );

  it('openTicket leaves no ticket, attachment, history or outbox row', async () => {
    const count = async (tbl: string) => Number((await t.db(tbl).count({ n: '*' }))[0]?.n);
    const before = await Promise.all(['tickets', 'attachments', 'ticket_events', 'outbox'].map(count));
    await expect(
      openTicket(t.app, customer.actor, {
        draft: {
          type: 'incident',
          category: 'slowness',
          urgency: 'high',
          serviceId: customer.serviceIds[0] ?? null,
          title: `FAIL ${table}`,
          description: 'd',
        },
        files: [file],
      }),
    ).rejects.toThrow(`test: ${table} insert refused`);
    expect(await Promise.all(['tickets', 'attachments', 'ticket_events', 'outbox'].map(count))).toEqual(
      before,
    );
  });
});

describe('createUser with an invitation', () => {
  it('leaves no user and no company when the outbox insert fails', async () => {
    await expect(
      createUser(
        t.app,
        { kind: 'system' },
        {
          email: 'fail-invite@example.test',
          name: 'F',
          role: 'customer',
          companyName: 'Rollback S.L.',
          invite: true,
        },
      ),
    ).rejects.toThrow('test: invitation refused');
    expect(await t.db('users').where({ email: 'fail-invite@example.test' }).first()).toBeUndefined();
    expect(await t.db('companies').where({ name: 'Rollback S.L.' }).first()).toBeUndefined();
  });
});

describe('concurrent decisions', () => {
  it('approve, refuse and approve again at the same time: exactly one wins, the other is a conflict', async () => {
    const id = await makeTicket(t.app, customer);
    await resolve(t.app, agent.actor, id, { body: 's' });
    const results = await Promise.allSettled([
      approveSolution(t.app, customer.actor, id),
      refuseSolution(t.app, customer.actor, id, { body: 'no' }),
      approveSolution(t.app, agent.actor, id),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict' });
    const events = await t.db('ticket_events').where({ ticket_id: id }).orderBy('id');
    expect(events).toHaveLength(3); // created, solution, and the one decision
  });
});
