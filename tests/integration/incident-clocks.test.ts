import { beforeAll, describe, expect, it } from 'vitest';
import { updateServiceNetwork } from '../../src/app/agent/companies.js';
import { updateTicketClassification } from '../../src/app/agent/update-ticket.js';
import type { AppContext } from '../../src/app/context.js';
import { declareIncident, postIncidentUpdate } from '../../src/app/incidents/declare.js';
import { linkTicketToIncident, unlinkTicketFromIncident } from '../../src/app/incidents/link-tickets.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { refuseSolution, resolve } from '../../src/app/tickets/lifecycle.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { slaWatch } from '../../src/jobs/sla-watch.js';
import { planMails } from '../../src/outbound/compose.js';
import { loadOutbox } from '../../src/outbound/outbox-load.js';
import { compileTemplates } from '../../src/outbound/templates.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

/**
 * Issues 15 and 16 together: the SLA clocks of a reclassified ticket, and of tickets linked to a major incident
 * (stopped while linked, by hand or when opened, running again when unlinked or refused), the acknowledgement
 * of a link made by hand, and the outage's news on the customer's ticket page. The use cases run at `clock`.
 */
const t = await useTestDb();
const s = await useTestServices(t, { DEFAULT_TIME_ZONE: 'Europe/Madrid' });
const base = await startTestWeb(s);
let clock = new Date('2026-12-01T09:00:00Z');
const app: AppContext = { ...s.app, now: () => clock };
const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;
const ZONE = 'Z-Clocks';
const TITLE = { es: 'Corte de fibra en Getafe', en: 'Fibre cut in Getafe' };

let admin: TestUser;
let agent: TestUser;
let incidentId: number;

beforeAll(async () => {
  admin = await makeUser(app, 'admin');
  agent = await makeUser(app, 'agent', { language: 'es' });
  incidentId = await declareIncident(app, agent.actor, {
    title: TITLE,
    description: { es: 'Unas obras cortaron el cable.', en: 'Road works cut the cable.' },
    scope: { zones: [ZONE.toLowerCase()] },
    public: true,
    startedAt: at('2026-12-01T08:00:00Z'),
    estimatedEndAt: at('2026-12-01T15:00:00Z'),
  });
});

const ticket = async (id: number) => must(await t.db('tickets').where({ id }).first(), 'ticket');
const open = (u: TestUser, category: string, urgency = 'high') =>
  openTicket(app, u.actor, {
    draft: {
      type: 'incident',
      category,
      urgency,
      serviceId: must(u.serviceIds[0]),
      title: 'Sin conexión',
      description: 'No funciona.',
    },
  }).then((r) => r.ticketId);
const lastEvent = async (id: number, kind: string) =>
  must(await t.db('ticket_events').where({ ticket_id: id, kind }).orderBy('id', 'desc').first(), kind);
const policyId = async (name: string) => must(await t.db('sla_policies').where({ name }).first()).id;

describe('an agent reclassifies a ticket', () => {
  it('chooses the policy again, keeps the time run, and forgets a warning whose instant moved ahead', async () => {
    const customer = await makeUser(app, 'customer');
    clock = at('2026-12-01T09:00:00Z');
    const id = await open(customer, 'total_outage');
    expect((await ticket(id)).sla_policy_id).toBe(await policyId('Corte total (24/7)'));
    // 24/7, 1 h to answer: warned at 09:48.
    await slaWatch(app, at('2026-12-01T09:50:00Z'));
    expect(await t.db('sla_notices').where({ ticket_id: id })).toHaveLength(1);

    // 55 min run; "Incidencia" allows 4 business hours to answer and 27 to solve, from 10:55 Madrid.
    clock = at('2026-12-01T09:55:00Z');
    await updateTicketClassification(app, agent.actor, id, {
      type: 'incident',
      category: 'slowness',
      urgency: 'medium',
      serviceId: must(customer.serviceIds[0]),
    });
    const row = await ticket(id);
    expect(row.sla_policy_id).toBe(await policyId('Incidencia'));
    expect(iso(row.first_answer_due_at)).toBe('2026-12-01T13:00:00.000Z');
    expect(iso(row.sla_due_at)).toBe('2026-12-01T13:00:00.000Z');
    // 1565 min: 425 Tue, 540 Wed, 540 Thu, 60 Fri → Fri 10:00 Madrid.
    expect(iso(row.resolution_due_at)).toBe('2026-12-04T09:00:00.000Z');
    expect((await lastEvent(id, 'updated')).data.sla).toEqual({
      reclassified: {
        fromPolicyId: await policyId('Corte total (24/7)'),
        toPolicyId: await policyId('Incidencia'),
        spentMinutes: 55,
        firstAnswerDueAt: '2026-12-01T13:00:00.000Z',
        resolutionDueAt: '2026-12-04T09:00:00.000Z',
      },
    });
    expect(await t.db('sla_notices').where({ ticket_id: id })).toHaveLength(0);
    // The new warning: 80% of 4 h = 192 min, 55 already run: 137 min from 10:55 Madrid → 13:12.
    await slaWatch(app, at('2026-12-01T12:11:00Z'));
    expect(await t.db('sla_notices').where({ ticket_id: id })).toHaveLength(0);
    await slaWatch(app, at('2026-12-01T12:12:00Z'));
    expect((await t.db('sla_notices').where({ ticket_id: id })).map((n) => n.kind)).toEqual([
      'first_answer_warning',
    ]);

    // A change that keeps the policy leaves the clocks alone.
    clock = at('2026-12-01T12:30:00Z');
    await updateTicketClassification(app, agent.actor, id, {
      type: 'incident',
      category: 'packet_loss',
      urgency: 'medium',
      serviceId: must(customer.serviceIds[0]),
    });
    expect((await lastEvent(id, 'updated')).data.sla).toBeUndefined();
    expect(iso((await ticket(id)).first_answer_due_at)).toBe('2026-12-01T13:00:00.000Z');
  });
});

describe('a ticket linked to a major incident by hand', () => {
  let customer: TestUser;
  let id: number;

  it('stops its clock, and the customer gets the outage acknowledgement in her language', async () => {
    customer = await makeUser(app, 'customer', { language: 'en' });
    // Urgent incident at 10:00 Madrid: first answer by 11:00 (10:00Z).
    clock = at('2026-12-01T09:00:00Z');
    id = await open(customer, 'slowness');
    expect((await ticket(id)).major_incident_id).toBeNull();
    clock = at('2026-12-01T09:20:00Z');
    await linkTicketToIncident(app, agent.actor, id, incidentId);
    const row = await ticket(id);
    expect(row).toMatchObject({ major_incident_id: incidentId, sla_due_at: null });
    expect(iso(row.sla_paused_at)).toBe('2026-12-01T09:20:00.000Z');
    expect((await lastEvent(id, 'incident_linked')).data).toEqual({
      majorIncidentId: incidentId,
      acknowledged: true,
      sla: { paused: true },
    });
    const rows = await t.db('outbox').where({ ticket_id: id, event: 'ticket.outage_linked' });
    expect(rows).toHaveLength(1);
    const mails = await planMails(
      t.db,
      s.config,
      must((await loadOutbox(t.db, must(rows[0]).id)) ?? undefined),
    );
    expect(mails.map((m) => m.recipient.email)).toEqual([customer.email]);
    const plan = await must(mails[0]).plan();
    expect(plan.template).toBe('ticket-created-outage');
    expect(plan.subject).toContain('Known outage in your area');
    const text = (await compileTemplates(s.config)).render(plan.template, plan.data).text;
    expect(text).toContain('Fibre cut in Getafe');
    expect(text).toContain('Road works cut the cable.');
    expect(text).toContain('Estimated restoration:');
  });

  it('runs again when unlinked, pushed by the time it waited, and no mail is sent', async () => {
    const [before] = await t.db('outbox').where({ ticket_id: id }).max<{ id: number }[]>('id as id');
    clock = at('2026-12-01T10:20:00Z');
    await unlinkTicketFromIncident(app, agent.actor, id);
    const row = await ticket(id);
    expect(row).toMatchObject({ major_incident_id: null, sla_paused_at: null });
    expect(iso(row.first_answer_due_at)).toBe('2026-12-01T11:00:00.000Z');
    expect(iso(row.sla_due_at)).toBe('2026-12-01T11:00:00.000Z');
    expect((await lastEvent(id, 'incident_unlinked')).data).toMatchObject({
      sla: {
        resumed: {
          pausedSince: '2026-12-01T09:20:00.000Z',
          pausedMinutes: 60,
          firstAnswerDueAt: '2026-12-01T11:00:00.000Z',
        },
      },
    });
    expect(await t.db('outbox').where({ ticket_id: id }).where('id', '>', must(before).id)).toHaveLength(0);
  });

  it('linked again: stopped again, not acknowledged twice; an answer while stopped is in time', async () => {
    clock = at('2026-12-01T10:30:00Z');
    await linkTicketToIncident(app, agent.actor, id, incidentId);
    expect(iso((await ticket(id)).sla_paused_at)).toBe('2026-12-01T10:30:00.000Z');
    expect((await lastEvent(id, 'incident_linked')).data).toEqual({
      majorIncidentId: incidentId,
      sla: { paused: true },
    });
    expect(await t.db('outbox').where({ ticket_id: id, event: 'ticket.outage_linked' })).toHaveLength(1);
    // Stopped with 30 min left: no warning, no breach, and an answer at 12:00 counts as in time.
    await slaWatch(app, at('2026-12-01T12:00:00Z'));
    expect(await t.db('sla_notices').where({ ticket_id: id })).toHaveLength(0);
    clock = at('2026-12-01T12:00:00Z');
    await addFollowup(app, agent.actor, { ticketId: id, body: 'Es la avería de la zona.' });
    const row = await ticket(id);
    expect(row).toMatchObject({ first_answer_met: true, sla_due_at: null });
    expect(iso(row.first_answered_at)).toBe('2026-12-01T12:00:00.000Z');
    expect((await lastEvent(id, 'followup')).data.sla).toEqual({
      firstAnswer: { dueAt: '2026-12-01T11:00:00.000Z', met: true },
    });
  });
});

describe('a ticket linked when it is opened', () => {
  let customer: TestUser;
  let id: number;
  let opened: Date;

  it('starts with its clocks stopped, and the acknowledgement promises no due time', async () => {
    customer = await makeUser(app, 'customer', { language: 'es' });
    await updateServiceNetwork(app, admin.actor, must(customer.serviceIds[0]), { zone: ZONE });
    // Now, so that the first answer's due instant is ahead and the page would promise it, were it running.
    opened = new Date(Math.floor(Date.now() / 1000) * 1000);
    clock = opened;
    id = await open(customer, 'total_outage');
    const row = await ticket(id);
    expect(row).toMatchObject({ major_incident_id: incidentId, sla_due_at: null });
    expect(row.sla_paused_at).toEqual(opened);
    expect((await lastEvent(id, 'created')).data.sla).toMatchObject({ paused: true });
    const created = must(await t.db('outbox').where({ ticket_id: id, event: 'ticket.created' }).first());
    expect(created.payload.firstAnswerDueAt).toBeUndefined();
    expect(created.payload.outage).toBeDefined();
  });

  it('the customer sees the outage, its estimate and its latest public news instead of a due time', async () => {
    await postIncidentUpdate(app, agent.actor, incidentId, {
      body: { es: 'Los técnicos ya empalman la fibra.', en: 'Technicians are splicing the fibre.' },
      public: true,
      estimatedEndAt: at('2026-12-01T16:00:00Z'),
    });
    await postIncidentUpdate(app, agent.actor, incidentId, { body: { es: 'Nota interna.' }, public: false });
    const c = new WebClient(base);
    await c.login(customer.email);
    const page = await c.get(`/tickets/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(
      'Su ticket se debe a una avería conocida en su zona: Corte de fibra en Getafe.',
    );
    expect(page.text).toContain('Estimación de restablecimiento:');
    expect(page.text).toContain('Los técnicos ya empalman la fibra.');
    expect(page.text).not.toContain('Nota interna.');
    expect(page.text).not.toContain('Le responderemos antes');
  });

  it('resolved with the incident, in time; a refusal takes it out and its clock runs again', async () => {
    // 24/7 policy: 1 h to answer, 8 h to solve. Resolved 5 h after opening, while stopped since the opening.
    clock = new Date(opened.getTime() + 5 * 3600_000);
    await resolve(app, agent.actor, id, { body: 'Fibra empalmada.' });
    expect(await ticket(id)).toMatchObject({ first_answer_met: true, resolution_met: true });
    clock = new Date(opened.getTime() + 6 * 3600_000);
    await refuseSolution(app, customer.actor, id, { body: 'Sigo sin línea.' });
    const row = await ticket(id);
    expect(row).toMatchObject({
      status: 'in_progress',
      major_incident_id: null,
      sla_paused_at: null,
      resolution_met: null,
    });
    // Stopped 6 h: the resolution moves from opening + 8 h to opening + 14 h.
    expect(row.resolution_due_at).toEqual(new Date(opened.getTime() + 14 * 3600_000));
    expect(row.sla_due_at).toEqual(row.resolution_due_at);
    expect((await lastEvent(id, 'refused')).data).toMatchObject({ sla: { resumed: { pausedMinutes: 360 } } });
  });
});
