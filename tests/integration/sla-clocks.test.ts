import { beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { assign, setPending } from '../../src/app/tickets/lifecycle.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { loadConfig } from '../../src/config/config.js';
import { createDb } from '../../src/db/db.js';
import { slaWatch } from '../../src/jobs/sla-watch.js';
import { planMails } from '../../src/outbound/compose.js';
import { loadOutbox } from '../../src/outbound/outbox-load.js';
import { compileTemplates } from '../../src/outbound/templates.js';
import { must, type TestDb, testRedisPrefix, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';

let t: TestDb;
let customer: TestUser;
let agent: TestUser;
let lead: TestUser;
let clock = new Date('2026-12-01T09:00:00Z');
/** The use cases' time, moved by each test: no sleeping. */
let app: AppContext;
const config = loadConfig({ NODE_ENV: 'test', REDIS_PREFIX: testRedisPrefix() });

beforeAll(async () => {
  t = await useTestDb();
  app = { ...t.app, now: () => clock };
  customer = await makeUser(app, 'customer', { language: 'es' });
  agent = await makeUser(app, 'agent', { language: 'en' });
  lead = await makeUser(app, 'agent', { language: 'fr' });
});

const open = (category: string, urgency = 'high') =>
  openTicket(app, customer.actor, {
    draft: {
      type: 'incident',
      category,
      urgency,
      serviceId: customer.serviceIds[0] ?? null,
      title: 'Sin conexión',
      description: 'La línea no funciona.',
    },
  }).then((r) => r.ticketId);

const ticket = async (id: number) => must(await t.db('tickets').where({ id }).first(), 'ticket');
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('due instants set when a ticket is opened', () => {
  it('a total outage runs 24/7: 1 h to first answer, 8 h to resolution, warnings at 80%', async () => {
    clock = new Date('2026-12-01T09:00:00Z');
    const id = await open('total_outage');
    const row = await ticket(id);
    const policy = must(
      await t
        .db('sla_policies')
        .where({ id: row.sla_policy_id ?? 0 })
        .first(),
    );
    expect(policy.name).toBe('Corte total (24/7)');
    expect(iso(row.first_answer_due_at)).toBe('2026-12-01T10:00:00.000Z');
    expect(iso(row.first_answer_warn_at)).toBe('2026-12-01T09:48:00.000Z');
    expect(iso(row.resolution_due_at)).toBe('2026-12-01T17:00:00.000Z');
    expect(iso(row.resolution_warn_at)).toBe('2026-12-01T15:24:00.000Z');
    expect(iso(row.sla_due_at)).toBe('2026-12-01T10:00:00.000Z');
    const created = must(await t.db('ticket_events').where({ ticket_id: id, kind: 'created' }).first());
    expect(created.data.sla).toEqual({
      policyId: policy.id,
      firstAnswerDueAt: '2026-12-01T10:00:00.000Z',
      resolutionDueAt: '2026-12-01T17:00:00.000Z',
    });
    const outbox = must(await t.db('outbox').where({ ticket_id: id, event: 'ticket.created' }).first());
    expect(outbox.payload.firstAnswerDueAt).toBe('2026-12-01T10:00:00.000Z');
  });

  it('an urgent incident counts Madrid business hours, over the weekend and the December holidays', async () => {
    // Fri 4 Dec 17:00 CET: first answer by 18:00 the same day; resolution 8 h: 1 h Friday, Monday 7 and
    // Tuesday 8 are holidays in Madrid, 7 h on Wednesday 9 from 09:00 → 16:00 CET.
    clock = new Date('2026-12-04T16:00:00Z');
    const row = await ticket(await open('slowness'));
    expect(iso(row.first_answer_due_at)).toBe('2026-12-04T17:00:00.000Z');
    expect(iso(row.resolution_due_at)).toBe('2026-12-09T15:00:00.000Z');
  });

  it('the acknowledgement mail tells the customer the due instant of its event, in her time zone', async () => {
    clock = new Date('2026-12-01T09:00:00Z');
    const id = await open('total_outage');
    await t.db('users').where({ id: customer.id }).update({ time_zone: 'Atlantic/Canary' });
    // Later changes of the ticket do not change what that mail says.
    await t
      .db('tickets')
      .where({ id })
      .update({ first_answer_due_at: new Date('2030-01-01T00:00:00Z') });
    const row = must(await t.db('outbox').where({ ticket_id: id, event: 'ticket.created' }).first('id'));
    const mails = await planMails(t.db, config, must((await loadOutbox(t.db, row.id)) ?? undefined));
    const toCustomer = mails.find((m) => m.recipient.userId === customer.id);
    const plan = await must(toCustomer).plan();
    // 10:00Z is 10:00 in the Canary Islands (UTC+0 in winter).
    expect(plan.data.answerBy).toBe('martes, 1 de diciembre de 2026, 10:00');
    const text = (await compileTemplates(config)).render(plan.template, plan.data).text;
    expect(text).toContain('Le responderemos antes del martes, 1 de diciembre de 2026, 10:00.');
    await t.db('users').where({ id: customer.id }).update({ time_zone: 'Europe/Madrid' });
  });
});

describe('pending stops the clock, and leaving it pushes the due instants', () => {
  it('records the pause and the resumption in the history, with the business minutes stopped', async () => {
    // Tue 1 Dec 10:00 CET, urgent incident: first answer by 11:00, resolution by 18:00 CET (17:00Z).
    clock = new Date('2026-12-01T09:00:00Z');
    const id = await open('slowness');
    clock = new Date('2026-12-01T09:30:00Z');
    await setPending(app, agent.actor, id, { body: '¿Qué luces tiene el router?' });
    let row = await ticket(id);
    expect(iso(row.first_answered_at)).toBe('2026-12-01T09:30:00.000Z');
    expect(iso(row.sla_paused_at)).toBe('2026-12-01T09:30:00.000Z');
    expect(row.sla_due_at).toBeNull();
    const paused = must(await t.db('ticket_events').where({ ticket_id: id, to_status: 'pending' }).first());
    expect(paused.data.sla).toEqual({
      firstAnswer: { dueAt: '2026-12-01T10:00:00.000Z', met: true },
      paused: true,
    });
    // She answers Wed 2 Dec 10:00 CET: stopped 10:30–18:00 Tue (450 min) + 09:00–10:00 Wed (60) = 510 min,
    // so the resolution moves from Tue 18:00 to Wed 09:00 + 8 h 30 = 17:30 CET (16:30Z).
    clock = new Date('2026-12-02T09:00:00Z');
    await addFollowup(app, customer.actor, { ticketId: id, body: 'Parpadea la luz PON.' });
    row = await ticket(id);
    expect(row.sla_paused_at).toBeNull();
    expect(row.sla_paused_minutes).toBe(510);
    expect(iso(row.resolution_due_at)).toBe('2026-12-02T16:30:00.000Z');
    expect(iso(row.sla_due_at)).toBe('2026-12-02T16:30:00.000Z');
    // The first answer was given: its due instant is not moved.
    expect(iso(row.first_answer_due_at)).toBe('2026-12-01T10:00:00.000Z');
    const resumed = must(
      await t.db('ticket_events').where({ ticket_id: id, kind: 'followup' }).orderBy('id', 'desc').first(),
    );
    expect(resumed.data.sla).toEqual({
      resumed: {
        pausedSince: '2026-12-01T09:30:00.000Z',
        pausedMinutes: 510,
        resolutionDueAt: '2026-12-02T16:30:00.000Z',
      },
    });
  });
});

describe('warnings and escalations', () => {
  let id: number;
  let teamId: number;

  beforeAll(async () => {
    [{ id: teamId }] = await t.db('teams').insert({ name: 'Técnico' }).returning('id');
    await t.db('team_members').insert([
      { team_id: teamId, user_id: agent.id, is_lead: false },
      { team_id: teamId, user_id: lead.id, is_lead: true },
    ]);
    // The tickets of the tests above are out of the way: the counts below are this ticket's.
    await t.db('tickets').update({ status: 'closed' });
    clock = new Date('2026-12-01T09:00:00Z');
    id = await open('total_outage');
    await t.db('tickets').where({ id }).update({ team_id: teamId });
  });

  const notices = async () =>
    (await t.db('sla_notices').where({ ticket_id: id }).orderBy('kind')).map((n) => [n.kind, n.mailed]);
  const slaOutbox = () =>
    t.db('outbox').where({ ticket_id: id }).where('event', 'like', 'sla.%').orderBy('id');
  const recipients = async (outboxId: number) => {
    const mails = await planMails(t.db, config, must((await loadOutbox(t.db, outboxId)) ?? undefined));
    return mails.map((m) => m.recipient.email).sort();
  };

  it('nothing before the warning instant', async () => {
    expect(await slaWatch(app, new Date('2026-12-01T09:47:00Z'))).toEqual({ notices: 0 });
    expect(await slaOutbox()).toHaveLength(0);
  });

  it('a warning once, with two workers at the same instant and another after a restart', async () => {
    const other = createDb(t.url, 2);
    try {
      const at = new Date('2026-12-01T09:49:00Z');
      const runs = await Promise.all([slaWatch(app, at), slaWatch({ ...app, db: other }, at)]);
      expect(runs.map((r) => r.notices).sort()).toEqual([0, 1]);
      // A fresh process (new connections) a minute later finds it recorded.
      expect(await slaWatch({ ...app, db: other }, new Date('2026-12-01T09:50:00Z'))).toEqual({ notices: 0 });
    } finally {
      await other.destroy();
    }
    expect(await notices()).toEqual([['first_answer_warning', true]]);
    const [warning] = await slaOutbox();
    expect(warning?.event).toBe('sla.warning');
    expect(warning?.payload).toMatchObject({ clock: 'first_answer', dueAt: '2026-12-01T10:00:00.000Z' });
    // Unassigned: the team's members are warned.
    expect(await recipients(must(warning).id)).toEqual([agent.email, lead.email].sort());
    const history = await t.db('ticket_events').where({ ticket_id: id, kind: 'sla_warning' });
    expect(history).toHaveLength(1);
  });

  it('an escalation once at the breach, to the lead and the assignee, in their languages', async () => {
    clock = new Date('2026-12-01T09:55:00Z');
    await assign(app, agent.actor, id, agent.id);
    const at = new Date('2026-12-01T10:00:00Z');
    const runs = await Promise.all([slaWatch(app, at), slaWatch(app, at)]);
    expect(runs.map((r) => r.notices).sort()).toEqual([0, 1]);
    expect(await slaWatch(app, new Date('2026-12-01T10:30:00Z'))).toEqual({ notices: 0 });
    expect(await notices()).toEqual([
      ['first_answer_breach', true],
      ['first_answer_warning', true],
    ]);
    const rows = await slaOutbox();
    expect(rows.map((r) => r.event)).toEqual(['sla.warning', 'sla.breach']);
    const breach = must(rows[1]);
    expect(await recipients(breach.id)).toEqual([agent.email, lead.email].sort());
    const mails = await planMails(t.db, config, must((await loadOutbox(t.db, breach.id)) ?? undefined));
    const templates = await compileTemplates(config);
    const toLead = await must(mails.find((m) => m.recipient.userId === lead.id)).plan();
    expect(toLead.subject).toMatch(/SLA dépassé \(première réponse\)/);
    expect(templates.render(toLead.template, toLead.data).text).toContain('remonté aux responsables');
    const toAgent = await must(mails.find((m) => m.recipient.userId === agent.id)).plan();
    expect(toAgent.subject).toMatch(/SLA breached \(first answer\)/);
  });

  it('a paused clock is not warned about; a breach found late skips its warning mail', async () => {
    clock = new Date('2026-12-01T09:00:00Z');
    const paused = await open('total_outage');
    await setPending(app, agent.actor, paused, { body: '¿Sigue sin línea?' });
    const late = await open('total_outage');
    // The worker was down from 09:00 until 18:00: the resolution (17:00) and first answer (10:00) are both past.
    expect(await slaWatch(app, new Date('2026-12-01T18:00:00Z'))).toMatchObject({
      notices: expect.any(Number),
    });
    expect(await t.db('sla_notices').where({ ticket_id: paused })).toHaveLength(0);
    const lateNotices = await t.db('sla_notices').where({ ticket_id: late }).orderBy('kind');
    expect(lateNotices.map((n) => [n.kind, n.mailed])).toEqual([
      ['first_answer_breach', true],
      ['first_answer_warning', false],
      ['resolution_breach', true],
      ['resolution_warning', false],
    ]);
    expect(await t.db('outbox').where({ ticket_id: late }).where('event', 'like', 'sla.%')).toHaveLength(2);
  });
});
