import { describe, expect, it } from 'vitest';
import { ticketReport } from '../../src/app/queries/reports.js';
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
 * and team, first-answer and resolution times (median, p90) per category, urgency and team, filters, CSV.
 * The figures below are worked out by hand from the timestamps the test sets.
 */
const t = await useTestDb();
const s = await useTestServices(t, { DEFAULT_TIME_ZONE: 'Europe/Madrid' });
const base = await startTestWeb(s);

const at = (iso: string) => new Date(iso);
const minutesAfter = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);

async function ticket(
  customer: TestUser,
  created: Date,
  draft: { type: string; category: string; urgency?: string },
  teamId: number | null,
): Promise<number> {
  const { ticketId } = await openTicket(s.app, customer.actor, {
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

/** Moves the ticket's latest follow-up (or the one matching `body`) to `when`. */
const dateFollowup = (ticketId: number, body: string, when: Date) =>
  t.db('followups').where({ ticket_id: ticketId, body }).update({ created_at: when });

describe('reports', async () => {
  const agent = await makeUser(s.app, 'agent');
  const customer = await makeUser(s.app, 'customer');
  const other = await makeUser(s.app, 'customer');
  const [tecnico, facturacion] = await t
    .db('teams')
    .insert([{ name: 'Técnico' }, { name: 'Facturación' }])
    .returning('id')
    .then((rows) => rows.map((r) => r.id));

  // A: 1 Nov 09:00 Madrid, answered after 30 min, resolved after 120 min, closed 2 Nov 10:00 Madrid.
  const aCreated = at('2026-11-01T08:00:00Z');
  const a = await ticket(
    customer,
    aCreated,
    { type: 'incident', category: 'total_outage', urgency: 'high' },
    must(tecnico),
  );
  await addFollowup(s.app, agent.actor, { ticketId: a, body: 'Revisamos la línea.', source: 'web' });
  await dateFollowup(a, 'Revisamos la línea.', minutesAfter(aCreated, 30));
  await resolve(s.app, agent.actor, a, { body: 'Cambiamos el ONT.' });
  await close(s.app, agent.actor, a);
  await t
    .db('tickets')
    .where({ id: a })
    .update({ resolved_at: minutesAfter(aCreated, 120), closed_at: at('2026-11-02T09:00:00Z') });

  // B: 2 Nov 00:30 Madrid (still 1 Nov in UTC): a customer message after 5 min and a private note after 10
  // do not count; the public answer after 90 min does. Not resolved.
  const bCreated = at('2026-11-01T23:30:00Z');
  const b = await ticket(
    customer,
    bCreated,
    { type: 'incident', category: 'slowness', urgency: 'medium' },
    null,
  );
  await addFollowup(s.app, customer.actor, { ticketId: b, body: 'Sigue lento.', source: 'web' });
  await dateFollowup(b, 'Sigue lento.', minutesAfter(bCreated, 5));
  await addFollowup(s.app, agent.actor, {
    ticketId: b,
    body: 'Nota interna.',
    source: 'web',
    visibility: 'private',
  });
  await dateFollowup(b, 'Nota interna.', minutesAfter(bCreated, 10));
  await addFollowup(s.app, agent.actor, { ticketId: b, body: 'Medimos la velocidad.', source: 'web' });
  await dateFollowup(b, 'Medimos la velocidad.', minutesAfter(bCreated, 90));

  // C: 3 Nov 12:00 Madrid, a billing request for Facturación, not answered.
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
  await resolve(s.app, agent.actor, d, { body: 'Información enviada.' });
  await close(s.app, agent.actor, d);
  await t
    .db('tickets')
    .where({ id: d })
    .update({ closed_at: at('2026-11-03T20:00:00Z') });
  // Another customer's ticket in the period, left out by the company filter.
  await ticket(
    other,
    at('2026-11-02T10:00:00Z'),
    { type: 'incident', category: 'slowness', urgency: 'high' },
    null,
  );

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
    });
    const byKey = (rows: typeof r.byCategory) =>
      Object.fromEntries(
        rows.map((x) => [x.key ?? 'none', [x.tickets, x.firstAnswer.median, x.resolution.median]]),
      );
    expect(byKey(r.byCategory)).toEqual({
      total_outage: [1, 30, 120],
      slowness: [1, 90, null],
      'administrative.billing': [1, null, null],
    });
    expect(byKey(r.byUrgency)).toEqual({ high: [1, 30, 120], medium: [1, 90, null] });
    expect(Object.fromEntries(r.byTeam.map((x) => [x.label ?? 'none', x.tickets]))).toEqual({
      Técnico: 1,
      Facturación: 1,
      none: 1,
    });

    const tecnicoOnly = await ticketReport(s.db, { ...period, teamId: must(tecnico) });
    expect(tecnicoOnly.totals.opened).toBe(1);
    expect(tecnicoOnly.byCategory.map((x) => x.key)).toEqual(['total_outage']);
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
      /<th scope="row">Corte total<\/th><td>1<\/td><td>30 min<\/td><td>30 min<\/td><td>2 h 00 min<\/td>/,
    );
    expect(page.text).toMatch(/<th scope="row">Facturación<\/th><td>1<\/td>/);

    const csv = await c.get(`/agent/reports.csv?${q}&dataset=daily`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.text).toBe('Día,Abiertos,Cerrados\r\n2026-11-01,1,0\r\n2026-11-02,1,1\r\n2026-11-03,1,1\r\n');
    const times = await c.get(`/agent/reports.csv?${q}&dataset=category`);
    expect(times.text.split('\r\n').slice(1, 4).sort()).toEqual([
      'Administrativa — Facturación,1,,,0,,,0',
      'Corte total,1,30,30,1,120,120,1',
      'Lentitud,1,90,90,1,,,0',
    ]);

    expect((await c.get('/agent/reports?from=2026-11-05&to=2026-11-01')).status).toBe(400);
    expect((await c.get('/agent/reports?from=2024-01-01&to=2026-11-01')).status).toBe(400);
    expect((await c.get('/agent/reports?from=ayer')).status).toBe(400);
    expect((await c.get(`/agent/reports.csv?${q}&dataset=everything`)).status).toBe(400);

    const cust = new WebClient(base);
    await cust.login(customer.email);
    expect((await cust.get('/agent/reports')).status).toBe(404);
  });
});
