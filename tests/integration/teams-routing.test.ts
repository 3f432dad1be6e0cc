import { beforeEach, describe, expect, it } from 'vitest';
import { createRoutingRule, type RuleInput } from '../../src/app/agent/routing-rules.js';
import { createTeam, setTeamMember, updateTeam } from '../../src/app/agent/teams.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);

// Each test's rules alone: those of earlier tests are switched off.
beforeEach(async () => {
  await t.db('routing_rules').update({ active: false });
});

const rule = (over: Partial<RuleInput>): RuleInput => ({
  name: 'Regla',
  active: true,
  types: [],
  categories: [],
  urgencies: [],
  companies: [],
  services: [],
  receivedAt: [],
  teamId: null,
  assign: 'none',
  agentId: null,
  setUrgency: null,
  ...over,
});

const billingDraft = (customer: TestUser, title: string) => ({
  type: 'request',
  category: 'administrative.billing',
  urgency: null,
  serviceId: customer.serviceIds[0] ?? null,
  title,
  description: 'Una duda sobre la factura de noviembre.',
});

/** Opens a ticket through the portal's form, as the customer. */
async function openOnWeb(c: WebClient, customer: TestUser, title: string): Promise<number> {
  await c.get('/tickets/new');
  const d = billingDraft(customer, title);
  const res = await c.post('/tickets/new', {
    type: d.type,
    category: d.category,
    serviceId: String(d.serviceId),
    title: d.title,
    description: d.description,
  });
  expect(res.status).toBe(303);
  return Number(/\/tickets\/(\d+)/.exec(res.location ?? '')?.[1]);
}

describe('routing rules applied when a ticket opens', () => {
  it('a rule by category shares tickets round-robin (A, B, A); the history and the agent page name the rule', async () => {
    const admin = await makeUser(t.app, 'admin');
    const [a, b] = [await makeUser(t.app, 'agent'), await makeUser(t.app, 'agent')].sort(
      (x, y) => x.id - y.id,
    );
    if (!a || !b) throw new Error('two agents');
    const absent = await makeUser(t.app, 'agent');
    await t.db('users').where({ id: absent.id }).update({ active: false });
    const team = await createTeam(t.app, admin.actor, { name: 'Facturación web' });
    for (const u of [a, b, absent])
      await setTeamMember(t.app, admin.actor, team, { userId: u.id, isLead: false });
    await createRoutingRule(
      t.app,
      admin.actor,
      rule({ name: 'Técnico para incidencias', types: ['incident'], teamId: null, setUrgency: 'high' }),
    );
    await createRoutingRule(
      t.app,
      admin.actor,
      rule({
        name: 'Administrativo a Facturación',
        categories: ['administrative'],
        teamId: team,
        assign: 'round_robin',
      }),
    );
    const customer = await makeUser(t.app, 'customer');
    const c = new WebClient(base);
    await c.login(customer.email);
    const ids: number[] = [];
    for (const n of [1, 2, 3]) ids.push(await openOnWeb(c, customer, `Factura ${n}`));

    const tickets = await t
      .db('tickets')
      .whereIn('id', ids)
      .orderBy('id')
      .select('assignee_id', 'team_id', 'status');
    expect(tickets.map((x) => x.assignee_id)).toEqual([a.id, b.id, a.id]);
    expect(tickets.every((x) => x.team_id === team && x.status === 'in_progress')).toBe(true);

    const created = must(await t.db('ticket_events').where({ ticket_id: ids[1], kind: 'created' }).first());
    expect(created.data).toMatchObject({
      routed: { ruleName: 'Administrativo a Facturación', teamName: 'Facturación web', assigneeId: b.id },
    });
    const assigned = must(await t.db('ticket_events').where({ ticket_id: ids[1], kind: 'assigned' }).first());
    expect(assigned).toMatchObject({
      actor_id: null,
      data: { assigneeId: b.id, ruleName: 'Administrativo a Facturación' },
    });
    // The agent's ticket-assigned mail, not the team's "new ticket" one; the customer only the acknowledgement.
    const outbox = await t.db('outbox').where({ ticket_id: ids[1] }).orderBy('id').select('event', 'payload');
    expect(outbox.map((o) => o.event)).toEqual(['ticket.created', 'ticket.assigned']);
    expect(outbox[1]?.payload).toMatchObject({ fromStatus: 'in_progress', toStatus: 'in_progress' });

    const agentWeb = new WebClient(base);
    await agentWeb.login(a.email);
    const page = await agentWeb.get(`/agent/tickets/${ids[1]}`);
    expect(page.text).toContain('repartido por la regla «Administrativo a Facturación»');
    expect(page.text).toContain('Facturación web');
  });

  it('stays fair when tickets open at the same moment', async () => {
    const admin = await makeUser(t.app, 'admin');
    const agents = [
      await makeUser(t.app, 'agent'),
      await makeUser(t.app, 'agent'),
      await makeUser(t.app, 'agent'),
    ];
    const team = await createTeam(t.app, admin.actor, { name: 'Concurrente' });
    for (const u of agents) await setTeamMember(t.app, admin.actor, team, { userId: u.id, isLead: false });
    const customer = await makeUser(t.app, 'customer');
    await createRoutingRule(
      t.app,
      admin.actor,
      rule({ name: 'Todo a Concurrente', teamId: team, assign: 'round_robin' }),
    );
    const opened = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        openTicket(t.app, customer.actor, { draft: billingDraft(customer, `Simultáneo ${i}`) }),
      ),
    );
    const rows = await t
      .db('tickets')
      .whereIn(
        'id',
        opened.map((o) => o.ticketId),
      )
      .select('assignee_id');
    const counts = agents.map((u) => rows.filter((r) => r.assignee_id === u.id).length);
    expect(counts).toEqual([4, 4, 4]);
  });

  it('a deactivated team receives nothing: the ticket keeps no team', async () => {
    const admin = await makeUser(t.app, 'admin');
    const team = await createTeam(t.app, admin.actor, { name: 'Cerrado' });
    await createRoutingRule(t.app, admin.actor, rule({ name: 'A Cerrado', teamId: team }));
    await updateTeam(t.app, admin.actor, team, { name: 'Cerrado', active: false });
    const customer = await makeUser(t.app, 'customer');
    const { ticketId } = await openTicket(t.app, customer.actor, {
      draft: billingDraft(customer, 'Sin equipo'),
    });
    const row = must(await t.db('tickets').where({ id: ticketId }).first());
    expect(row).toMatchObject({ team_id: null, assignee_id: null, status: 'new' });
  });
});

describe('admin pages and the queue', () => {
  it('an admin creates a team, adds and leads members, writes and orders rules; an agent may not', async () => {
    const admin = await makeUser(t.app, 'admin');
    const agent = await makeUser(t.app, 'agent');
    const c = new WebClient(base);
    await c.login(admin.email);
    expect((await c.get('/agent/admin/teams')).status).toBe(200);
    expect((await c.post('/agent/admin/teams', { name: '  Soporte   nivel 2 ' })).status).toBe(303);
    const team = must(await t.db('teams').where({ name: 'Soporte nivel 2' }).first());
    const dup = await c.post('/agent/admin/teams', { name: 'soporte NIVEL 2' });
    expect(dup.status).toBe(422);
    expect(dup.text).toContain('Ya hay un equipo con ese nombre.');
    await c.get('/agent/admin/teams');
    expect(
      (await c.post(`/agent/admin/teams/${team.id}/members`, { userId: String(agent.id), lead: '1' })).status,
    ).toBe(303);
    expect(await t.db('team_members').where({ team_id: team.id }).select('user_id', 'is_lead')).toEqual([
      { user_id: agent.id, is_lead: true },
    ]);
    const list = await c.get('/agent/admin/teams');
    expect(list.text).toContain('Responsable del equipo');
    expect(list.text).toContain('Quitar de responsable');

    await c.get('/agent/admin/routing/new');
    const bad = await c.post('/agent/admin/routing', {
      name: 'Sin acción',
      active: '1',
      assign: 'round_robin',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('El reparto rotatorio necesita un equipo.');
    const badMail = await c.post('/agent/admin/routing', {
      name: 'Dirección rota',
      receivedAt: 'no-es-una-direccion',
      teamId: String(team.id),
    });
    expect(badMail.status).toBe(422);
    expect(badMail.text).toContain('Escriba un correo electrónico válido.');
    expect(badMail.text).toContain('value="no-es-una-direccion"');
    const body = new URLSearchParams({
      name: 'Nivel 2 por dirección',
      active: '1',
      teamId: String(team.id),
      assign: 'none',
    });
    body.append('types', 'incident');
    body.append('urgencies', 'high');
    body.set('receivedAt', 'Nivel2@IzarLink.test');
    expect((await c.post('/agent/admin/routing', Object.fromEntries(body))).status).toBe(303);
    expect(
      (await c.post('/agent/admin/routing', { name: 'Segunda', active: '1', setUrgency: 'medium' })).status,
    ).toBe(303);
    const rules = await t
      .db('routing_rules')
      .orderBy('position')
      .select('id', 'name', 'conditions', 'actions');
    const mine = rules.filter((r) => ['Nivel 2 por dirección', 'Segunda'].includes(r.name));
    expect(mine[0]).toMatchObject({
      conditions: { types: ['incident'], urgencies: ['high'], receivedAt: ['nivel2@izarlink.test'] },
      actions: { teamId: team.id },
    });
    const page = await c.get('/agent/admin/routing');
    expect(page.text.indexOf('Nivel 2 por dirección')).toBeLessThan(page.text.indexOf('Segunda'));
    expect((await c.post(`/agent/admin/routing/${mine[1]?.id}/move`, { direction: 'up' })).status).toBe(303);
    const moved = await c.get('/agent/admin/routing');
    expect(moved.text.indexOf('Segunda')).toBeLessThan(moved.text.indexOf('Nivel 2 por dirección'));
    const edit = await c.get(`/agent/admin/routing/${mine[0]?.id}`);
    expect(edit.text).toContain('value="nivel2@izarlink.test"');
    expect(
      (await c.post(`/agent/admin/routing/${mine[0]?.id}`, { name: 'Apagada', teamId: String(team.id) }))
        .status,
    ).toBe(303);
    expect(must(await t.db('routing_rules').where({ id: mine[0]?.id }).first()).active).toBe(false);

    const other = new WebClient(base);
    await other.login(agent.email);
    expect((await other.get('/agent/admin/teams')).status).toBe(403);
    expect((await other.get('/agent/admin/routing')).status).toBe(403);
    expect((await other.post('/agent/admin/teams', { name: 'Intruso' })).status).toBe(403);
  });

  it('the queue shows my teams and tickets of no team by default; a team or all on demand', async () => {
    const admin = await makeUser(t.app, 'admin');
    const agent = await makeUser(t.app, 'agent');
    const tech = await createTeam(t.app, admin.actor, { name: 'Técnico Q' });
    const billing = await createTeam(t.app, admin.actor, { name: 'Facturación Q' });
    await setTeamMember(t.app, admin.actor, tech, { userId: agent.id, isLead: false });
    const customer = await makeUser(t.app, 'customer');
    const open = async (title: string, teamId: number | null) => {
      const { ticketId } = await openTicket(t.app, customer.actor, { draft: billingDraft(customer, title) });
      await t.db('tickets').where({ id: ticketId }).update({ team_id: teamId });
      return ticketId;
    };
    await open('Zqa-tecnico', tech);
    await open('Zqa-facturacion', billing);
    await open('Zqa-sinequipo', null);
    const c = new WebClient(base);
    await c.login(agent.email);
    const shown = async (path: string) => {
      const page = await c.get(path);
      expect(page.status).toBe(200);
      return ['Zqa-tecnico', 'Zqa-facturacion', 'Zqa-sinequipo'].filter((x) => page.text.includes(x));
    };
    expect(await shown('/agent')).toEqual(['Zqa-tecnico', 'Zqa-sinequipo']);
    expect(await shown(`/agent?team=${billing}`)).toEqual(['Zqa-facturacion']);
    expect(await shown('/agent?team=none')).toEqual(['Zqa-sinequipo']);
    expect(await shown('/agent?team=all')).toEqual(['Zqa-tecnico', 'Zqa-facturacion', 'Zqa-sinequipo']);
    // A search looks across every team.
    expect(await shown('/agent?q=Zqa-facturacion')).toEqual(['Zqa-facturacion']);
  });

  it('an agent hands a ticket to another team; the history says from which to which', async () => {
    const admin = await makeUser(t.app, 'admin');
    const agent = await makeUser(t.app, 'agent');
    const tech = await createTeam(t.app, admin.actor, { name: 'Técnico' });
    const billing = await createTeam(t.app, admin.actor, { name: 'Facturación' });
    const customer = await makeUser(t.app, 'customer');
    const { ticketId } = await openTicket(t.app, customer.actor, {
      draft: billingDraft(customer, 'Cambio de equipo'),
    });
    await t.db('tickets').where({ id: ticketId }).update({ team_id: tech });
    const c = new WebClient(base);
    await c.login(agent.email);
    await c.get(`/agent/tickets/${ticketId}`);
    const res = await c.post(`/agent/tickets/${ticketId}/classify`, {
      type: 'request',
      category: 'administrative.billing',
      urgency: '',
      serviceId: String(customer.serviceIds[0]),
      teamId: String(billing),
    });
    expect(res.status).toBe(303);
    expect(must(await t.db('tickets').where({ id: ticketId }).first()).team_id).toBe(billing);
    const page = await c.get(`/agent/tickets/${ticketId}`);
    expect(page.text).toContain('Equipo: Técnico → Facturación');
    const ev = must(await t.db('ticket_events').where({ ticket_id: ticketId, kind: 'updated' }).first());
    expect(ev.data).toMatchObject({
      changes: { team_id: [tech, billing] },
      teamNames: ['Técnico', 'Facturación'],
    });
  });
});
