import { describe, expect, it } from 'vitest';
import * as slaOutcomes from '../../migrations/20261204_200_sla_outcomes.js';
import type { AppContext } from '../../src/app/context.js';
import { declareIncident } from '../../src/app/incidents/declare.js';
import { ticketReport } from '../../src/app/queries/reports.js';
import { answerSurvey } from '../../src/app/satisfaction/answer-survey.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { close, resolve } from '../../src/app/tickets/lifecycle.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { startOfDay } from '../../src/domain/zoned-time.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

/**
 * Issue 15, reports: tickets opened and closed per day (in the installation's time zone), the backlog by status
 * and team, first-answer and resolution times (median, p90) and SLA compliance per category, urgency and team,
 * satisfaction, the period's major incidents, filters, CSV. The use cases run at the instants the test sets
 * (`clock`); the figures below are worked out by hand from them.
 */
const t = await useTestDb();
const s = await useTestServices(t, { DEFAULT_TIME_ZONE: 'Europe/Madrid' });
const base = await startTestWeb(s);
let clock = new Date();
const app: AppContext = { ...s.app, now: () => clock };

const at = (iso: string) => new Date(iso);
const minutesAfter = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);

/** Opens a ticket at `created` (the row's own timestamp is the database's: set to match). */
async function ticket(
  customer: TestUser,
  created: Date,
  draft: { type: string; category: string; urgency?: string },
  teamId: number | null,
): Promise<number> {
  clock = created;
  const { ticketId } = await openTicket(app, customer.actor, {
    draft: {
      ...draft,
      serviceId: customer.serviceIds[0] ?? null,
      title: 'Informe',
      description: 'Para el informe.',
    },
  });
  await t.db('tickets').where({ id: ticketId }).update({ created_at: created, team_id: teamId });
  return ticketId;
}

describe('reports', async () => {
  const agent = await makeUser(s.app, 'agent');
  const customer = await makeUser(s.app, 'customer');
  const other = await makeUser(s.app, 'customer');
  const [tecnico, facturacion] = await t
    .db('teams')
    .insert([{ name: 'Técnico' }, { name: 'Facturación' }])
    .returning('id')
    .then((rows) => rows.map((r) => r.id));

  // A: 1 Nov 09:00 Madrid, total outage (24/7: 1 h to answer, 8 h to solve), answered after 30 min, resolved
  // after 120 min, closed 2 Nov 10:00 Madrid: both clocks met. The customer rates it 4 on 2 Nov.
  const aCreated = at('2026-11-01T08:00:00Z');
  const a = await ticket(
    customer,
    aCreated,
    { type: 'incident', category: 'total_outage', urgency: 'high' },
    must(tecnico),
  );
  clock = minutesAfter(aCreated, 30);
  await addFollowup(app, agent.actor, { ticketId: a, body: 'Revisamos la línea.', source: 'web' });
  clock = minutesAfter(aCreated, 120);
  await resolve(app, agent.actor, a, { body: 'Cambiamos el ONT.' });
  clock = at('2026-11-02T09:00:00Z');
  await close(app, agent.actor, a);
  await answerSurvey(app, customer.actor, a, { score: 4 });
  await t
    .db('satisfaction')
    .where({ ticket_id: a })
    .update({ answered_at: at('2026-11-02T10:00:00Z') });

  // B: 2 Nov 00:30 Madrid (still 1 Nov in UTC): a customer message after 5 min and a private note after 10
  // do not count; the public answer after 90 min does (in time: business hours had not started). Not
  // resolved, and its resolution (27 business hours) ran out long before today: breached.
  const bCreated = at('2026-11-01T23:30:00Z');
  const b = await ticket(
    customer,
    bCreated,
    { type: 'incident', category: 'slowness', urgency: 'medium' },
    null,
  );
  clock = minutesAfter(bCreated, 5);
  await addFollowup(app, customer.actor, { ticketId: b, body: 'Sigue lento.', source: 'web' });
  clock = minutesAfter(bCreated, 10);
  await addFollowup(app, agent.actor, {
    ticketId: b,
    body: 'Nota interna.',
    source: 'web',
    visibility: 'private',
  });
  clock = minutesAfter(bCreated, 90);
  await addFollowup(app, agent.actor, { ticketId: b, body: 'Medimos la velocidad.', source: 'web' });

  // C: 3 Nov 12:00 Madrid, a billing request for Facturación, never answered: both clocks breached by now.
  await ticket(
    customer,
    at('2026-11-03T11:00:00Z'),
    { type: 'request', category: 'administrative.billing' },
    must(facturacion),
  );
  // D: opened before the period, closed on 3 Nov: closed in the period, not opened in it.
  const d = await ticket(
    customer,
    at('2026-10-20T10:00:00Z'),
    { type: 'request', category: 'administrative.information' },
    null,
  );
  clock = at('2026-10-21T10:00:00Z');
  await resolve(app, agent.actor, d, { body: 'Información enviada.' });
  clock = at('2026-11-03T20:00:00Z');
  await close(app, agent.actor, d);
  // Another customer's ticket in the period, left out by the company filter.
  await ticket(
    other,
    at('2026-11-02T10:00:00Z'),
    { type: 'incident', category: 'slowness', urgency: 'high' },
    null,
  );

  // A major incident declared in the period, and one before it.
  for (const [title, startedAt] of [
    ['Corte de fibra en Getafe', at('2026-11-02T07:00:00Z')],
    ['Nodo caído en octubre', at('2026-10-02T07:00:00Z')],
  ] as const)
    await declareIncident(app, agent.actor, {
      title: { es: title },
      description: { es: 'Obras.' },
      scope: { zones: ['ninguna'] },
      public: true,
      startedAt,
    });

  const period = {
    from: startOfDay('2026-11-01', 'Europe/Madrid'),
    to: startOfDay('2026-11-04', 'Europe/Madrid'),
    timeZone: 'Europe/Madrid',
    companyId: must(customer.companyId ?? undefined),
  };

  it('counts per day in the time zone, the backlog by status and team, and times per group', async () => {
    const r = await ticketReport(s.db, period);
    expect(r.daily).toEqual([
      { day: '2026-11-01', opened: 1, closed: 0 },
      { day: '2026-11-02', opened: 1, closed: 1 },
      { day: '2026-11-03', opened: 1, closed: 1 },
    ]);
    expect(r.backlog).toEqual([
      { status: 'in_progress', teamId: null, teamName: null, count: 1 },
      { status: 'new', teamId: facturacion, teamName: 'Facturación', count: 1 },
    ]);
    expect(r.totals).toEqual({
      opened: 3,
      closed: 2,
      // A 30 and B 90: the median of two is their mean; p90 interpolates 30 + 0.9 × 60.
      firstAnswer: { median: 60, p90: 84, count: 2 },
      resolution: { median: 120, p90: 120, count: 1 },
      // First answers: A and B in time, C never; resolutions: A in time, B and C overdue.
      sla: {
        firstAnswer: { met: 2, breached: 1, percent: 66.7 },
        resolution: { met: 1, breached: 2, percent: 33.3 },
      },
      satisfaction: { count: 1, average: 4 },
    });
    expect(r.satisfaction).toEqual([{ teamId: tecnico, teamName: 'Técnico', count: 1, average: 4 }]);
    const byKey = (rows: typeof r.byCategory) =>
      Object.fromEntries(
        rows.map((x) => [
          x.key ?? 'none',
          [
            x.tickets,
            x.firstAnswer.median,
            x.resolution.median,
            x.sla.firstAnswer.percent,
            x.sla.resolution.percent,
          ],
        ]),
      );
    expect(byKey(r.byCategory)).toEqual({
      total_outage: [1, 30, 120, 100, 100],
      slowness: [1, 90, null, 100, 0],
      'administrative.billing': [1, null, null, 0, 0],
    });
    expect(byKey(r.byUrgency)).toEqual({ high: [1, 30, 120, 100, 100], medium: [1, 90, null, 100, 0] });
    expect(Object.fromEntries(r.byTeam.map((x) => [x.label ?? 'none', x.tickets]))).toEqual({
      Técnico: 1,
      Facturación: 1,
      none: 1,
    });

    const tecnicoOnly = await ticketReport(s.db, { ...period, teamId: must(tecnico) });
    expect(tecnicoOnly.totals.opened).toBe(1);
    expect(tecnicoOnly.byCategory.map((x) => x.key)).toEqual(['total_outage']);
    const facturacionOnly = await ticketReport(s.db, { ...period, teamId: must(facturacion) });
    expect(facturacionOnly.totals.satisfaction).toEqual({ count: 0, average: null });
    expect(facturacionOnly.satisfaction).toEqual([]);
  });

  it('reads the first answer from the ticket, backfilled for tickets older than the SLA clocks', async () => {
    // An old ticket: no first_answered_at, as before the clocks existed; the migration fills it from its
    // first public follow-up written by staff (not the customer's, not a private note).
    // The other customer's: the figures of the tests around stay as they are.
    const old = await ticket(
      other,
      at('2026-11-03T15:00:00Z'),
      { type: 'request', category: 'administrative.information' },
      null,
    );
    const fu = (body: string, author: number, visibility: 'public' | 'private', m: number) => ({
      ticket_id: old,
      author_id: author,
      body,
      visibility,
      created_at: minutesAfter(at('2026-11-03T15:00:00Z'), m),
    });
    await t
      .db('followups')
      .insert([
        fu('¿Hay novedades?', other.id, 'public', 5),
        fu('Nota.', agent.id, 'private', 10),
        fu('Se lo miramos.', agent.id, 'public', 45),
      ]);
    await slaOutcomes.down(t.db);
    await slaOutcomes.up(t.db);
    expect(must(await t.db('tickets').where({ id: old }).first()).first_answered_at).toEqual(
      minutesAfter(at('2026-11-03T15:00:00Z'), 45),
    );
    const r = await ticketReport(s.db, { ...period, companyId: must(other.companyId ?? undefined) });
    expect(r.byCategory.find((x) => x.key === 'administrative.information')?.firstAnswer).toEqual({
      median: 45,
      p90: 45,
      count: 1,
    });
  });

  it('shows the page to staff with the chart and its tables, gives CSV, refuses customers and bad periods', async () => {
    const c = new WebClient(base);
    await c.login(agent.email);
    const q = `from=2026-11-01&to=2026-11-03&company=${customer.companyId}`;
    const page = await c.get(`/agent/reports?${q}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Informes</h1>');
    expect(page.text).toContain('<svg viewBox="0 0 800 220" role="img"');
    expect(page.text).toContain('3 abiertos y 2 cerrados entre el 2026-11-01 y el 2026-11-03.');
    expect(page.text).toMatch(
      /<th scope="row">Corte total<\/th><td>1<\/td><td>30 min<\/td><td>30 min<\/td><td>2 h 00 min<\/td><td>2 h 00 min<\/td><td>100\s%/,
    );
    expect(page.text).toMatch(/<th scope="row">Facturación<\/th><td>1<\/td>/);
    // Tiles: SLA compliance and satisfaction; the period's incident, not the one before it.
    expect(page.text).toMatch(/SLA de primera respuesta<span class="n">66,7\s%<\/span>/);
    expect(page.text).toMatch(/SLA de resolución<span class="n">33,3\s%<\/span>/);
    expect(page.text).toContain('Satisfacción media<span class="n">4 / 5</span>1 respuesta');
    expect(page.text).toContain('Corte de fibra en Getafe');
    expect(page.text).not.toContain('Nodo caído en octubre');

    const csv = await c.get(`/agent/reports.csv?${q}&dataset=daily`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.text).toBe('Día,Abiertos,Cerrados\r\n2026-11-01,1,0\r\n2026-11-02,1,1\r\n2026-11-03,1,1\r\n');
    const times = await c.get(`/agent/reports.csv?${q}&dataset=category`);
    expect(times.text.split('\r\n')[0]).toContain(
      'SLA de primera respuesta cumplidos,SLA de primera respuesta incumplidos,SLA de primera respuesta (%)',
    );
    expect(times.text.split('\r\n').slice(1, 4).sort()).toEqual([
      'Administrativa — Facturación,1,,,0,,,0,0,1,0,0,1,0',
      'Corte total,1,30,30,1,120,120,1,1,0,100,1,0,100',
      'Lentitud,1,90,90,1,,,0,1,0,100,0,1,0',
    ]);
    const survey = await c.get(`/agent/reports.csv?${q}&dataset=satisfaction`);
    expect(survey.text).toBe('Equipo,Respuestas,Satisfacción media\r\nTécnico,1,4\r\nTotal,1,4\r\n');
    const incidents = await c.get(`/agent/reports.csv?${q}&dataset=incidents`);
    const [head, row, end] = incidents.text.split('\r\n');
    expect(head).toContain('Clientes afectados,Tickets vinculados');
    expect(row).toMatch(/^Corte de fibra en Getafe,Abierta,2026-11-02T07:00:00\.000Z,0,0,,\d+$/);
    expect(end).toBe('');

    expect((await c.get('/agent/reports?from=2026-11-05&to=2026-11-01')).status).toBe(400);
    expect((await c.get('/agent/reports?from=2024-01-01&to=2026-11-01')).status).toBe(400);
    expect((await c.get('/agent/reports?from=ayer')).status).toBe(400);
    expect((await c.get(`/agent/reports.csv?${q}&dataset=everything`)).status).toBe(400);

    const cust = new WebClient(base);
    await cust.login(customer.email);
    expect((await cust.get('/agent/reports')).status).toBe(404);
  });
});
