import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { approvalToken } from '../../src/app/links.js';
import { customerTicketsStatement, listCustomerTickets } from '../../src/app/queries/customer-tickets.js';
import { assign, close, resolve } from '../../src/app/tickets/lifecycle.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { createStatementPool } from '../../src/db/prepared-query.js';
import { createLogger } from '../../src/infra/logger.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

/** What the pages say and where they lead (issue 13): menus, list, ticket page, related tickets, decisions. */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);

const client = async (email: string) => {
  const c = new WebClient(base);
  await c.login(email);
  return c;
};
/** The header's menu: each link with its text and whether it is the current one. */
const menu = (html: string) =>
  [
    ...(/<nav class="nav"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '').matchAll(
      /<a href="([^"]+)"([^>]*)>([^<]*)</g,
    ),
  ].map((m) => `${m[1]} ${m[3]}${(m[2] ?? '').includes('aria-current') ? ' *' : ''}`);

describe('menus and landing', () => {
  it('lands agents and admins on their queue, with the agent menu in the header and the section marked', async () => {
    const agent = await makeUser(t.app, 'agent');
    const c = await client(agent.email);
    expect((await c.get('/')).location).toBe('/agent');
    const queue = await c.get('/agent');
    expect(menu(queue.text)).toEqual([
      '/agent Cola *',
      '/agent/incidents Averías',
      '/agent/customers Clientes',
      '/agent/quarantine Cuarentena de correo',
      '/agent/canned Respuestas predefinidas',
      '/agent/reports Informes',
    ]);
    expect(queue.text).not.toContain('Nuevo ticket');
    expect(menu((await c.get('/agent/customers')).text)).toContain('/agent/customers Clientes *');
    const admin = await makeUser(t.app, 'admin');
    const a = await client(admin.email);
    expect((await a.get('/')).location).toBe('/agent');
    expect(menu((await a.get('/agent/admin/staff')).text)).toEqual([
      '/agent Cola',
      '/agent/incidents Averías',
      '/agent/customers Clientes',
      '/agent/quarantine Cuarentena de correo',
      '/agent/canned Respuestas predefinidas',
      '/agent/reports Informes',
      '/agent/admin/staff Equipo *',
      '/agent/admin/import Importar CSV',
      '/agent/admin/teams Equipos',
      '/agent/admin/routing Reglas de reparto',
      '/agent/admin/sla SLA',
      '/agent/admin/mailboxes Buzones',
      '/agent/admin/api-tokens API',
    ]);
  });

  it("names a manager's list the same in the menu and the heading; a newcomer's empty list leads to the form", async () => {
    const customer = await makeUser(t.app, 'customer');
    const c = await client(customer.email);
    expect((await c.get('/')).location).toBe('/tickets/new');
    const empty = await c.get('/tickets');
    expect(menu(empty.text)).toEqual(['/tickets/new Nuevo ticket', '/tickets Mis tickets *']);
    expect(empty.text).toContain('Aún no tiene tickets.');
    expect(empty.text).toContain('<a class="button primary" href="/tickets/new">Abrir su primer ticket</a>');
    expect(empty.text).not.toContain('No hay tickets que coincidan');
    // With a filter, an empty list is about the filter.
    const none = await c.get('/tickets?q=nada');
    expect(none.text).toContain('No hay tickets que coincidan.');
    expect(none.text).not.toContain('Aún no tiene tickets');

    const manager = await makeUser(t.app, 'customer', { companyId: customer.companyId ?? 0, manager: true });
    const m = await client(manager.email);
    const list = await m.get('/tickets');
    expect(menu(list.text)).toContain('/tickets Tickets de mi empresa *');
    expect(list.text).toContain('<h1>Tickets de mi empresa</h1>');
  });
});

describe('the customer ticket list', () => {
  it('shows service and urgency, and orders by last update both ways with keyset pages', async () => {
    const customer = await makeUser(t.app, 'customer');
    await t.db('users').where({ id: customer.id }).update({ page_size: 5 });
    await t.db('services').where({ id: customer.serviceIds[0] }).update({ name: 'Fibra Sede' });
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await makeTicket(t.app, customer, `Ticket ${i}`));
    await openTicket(t.app, customer.actor, {
      draft: {
        type: 'request',
        category: 'administrative.billing',
        serviceId: customer.serviceIds[0] ?? null,
        title: 'Factura',
        description: 'Copia',
      },
    });
    // Distinct update times, in creation order.
    for (const [i, id] of ids.entries())
      await t
        .db('tickets')
        .where({ id })
        .update({ updated_at: new Date(Date.UTC(2026, 0, 1, 0, i)) });
    const c = await client(customer.email);
    const first = await c.get('/tickets');
    expect(first.text).toContain('<th scope="col" class="hide-sm">Servicio</th>');
    expect(first.text).toContain('<th scope="col" class="hide-sm">Urgencia</th>');
    expect(first.text).toContain('<td class="hide-sm">Fibra Sede</td>');
    expect(first.text).toContain('<span class="badge urgency-high">Alta</span>');
    // The request has no urgency: a dash, not an empty cell.
    expect(first.text).toContain('<td class="hide-sm">—</td>');
    expect(first.text).toContain('aria-sort="descending"');
    const titles = (html: string) =>
      [...html.matchAll(/<td><a href="\/tickets\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(titles(first.text)).toEqual(['Factura', 'Ticket 11', 'Ticket 10', 'Ticket 9', 'Ticket 8']);

    const oldest = await c.get('/tickets?sort=updated_asc');
    expect(oldest.text).toContain('aria-sort="ascending"');
    expect(titles(oldest.text)).toEqual(['Ticket 0', 'Ticket 1', 'Ticket 2', 'Ticket 3', 'Ticket 4']);
    const nextHref = /rel="next" href="([^"]+)"/.exec(oldest.text)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(nextHref).toContain('sort=updated_asc');
    const second = await c.get(nextHref);
    expect(titles(second.text)).toEqual(['Ticket 5', 'Ticket 6', 'Ticket 7', 'Ticket 8', 'Ticket 9']);
    const prevHref = /rel="prev" href="([^"]+)"/.exec(second.text)?.[1]?.replace(/&amp;/g, '&') ?? '';
    expect(titles((await c.get(prevHref)).text)).toEqual([
      'Ticket 0',
      'Ticket 1',
      'Ticket 2',
      'Ticket 3',
      'Ticket 4',
    ]);
  });

  it('sorts oldest first from the index, with no sort step (the list is benchmarked on a million tickets)', async () => {
    const customer = await makeUser(t.app, 'customer');
    for (let i = 0; i < 3; i++) await makeTicket(t.app, customer);
    const viewer = { id: customer.id, companyId: customer.companyId, isCompanyManager: false };
    const pool = createStatementPool(t.url, createLogger('silent'), 1);
    const filter = {
      status: null,
      search: '',
      after: null,
      before: null,
      pageSize: 2,
      sort: 'updated_asc' as const,
    };
    const { next } = await listCustomerTickets(pool, 'IZL', viewer, filter);
    await pool.end();
    const pgc = new pg.Client({ connectionString: t.url });
    await pgc.connect();
    try {
      // A table this small would be read whole: make the planner show what it does on a big one.
      await pgc.query('set enable_seqscan = off');
      for (const q of [
        customerTicketsStatement('IZL', viewer, filter),
        customerTicketsStatement('IZL', viewer, { ...filter, after: next }),
        customerTicketsStatement('IZL', viewer, { ...filter, before: next }),
      ]) {
        const r = await pgc.query(`explain (format json) ${q.text}`, q.values);
        const plan = JSON.stringify(r.rows[0]['QUERY PLAN']);
        expect(plan).toContain('"Index Name":"tickets_requester_updated"');
        // No sort step over the customer's tickets (json_agg orders the page's few rows itself).
        expect(plan).not.toContain('"Node Type":"Sort"');
      }
    } finally {
      await pgc.end();
    }
  });
});

describe('the customer ticket page', () => {
  it('says who handles the ticket and when it was last updated, in the user time zone', async () => {
    const customer = await makeUser(t.app, 'customer');
    const agent = await makeUser(t.app, 'agent');
    await t.db('users').where({ id: agent.id }).update({ name: 'Javier Ruiz' });
    const id = await makeTicket(t.app, customer, 'Sin línea');
    const c = await client(customer.email);
    expect((await c.get(`/tickets/${id}`)).text).toContain(
      '<dt>Atendido por</dt><dd>Pendiente de asignar a un técnico</dd>',
    );
    await assign(t.app, agent.actor, id);
    await t
      .db('tickets')
      .where({ id })
      .update({ updated_at: new Date('2026-03-02T12:05:00Z'), created_at: new Date('2026-03-01T09:00:00Z') });
    const page = (await c.get(`/tickets/${id}`)).text;
    expect(page).toContain('<dt>Atendido por</dt><dd>Javier Ruiz · Soporte</dd>');
    // Madrid is UTC+1 in March.
    expect(page).toContain(
      '<dt>Última actualización</dt><dd><time datetime="2026-03-02T12:05:00.000Z">2 mar 2026, 13:05</time>',
    );
    await c.post('/profile/personalization', {
      language: 'en',
      timeZone: 'America/New_York',
      pageSize: '20',
    });
    const ny = (await c.get(`/tickets/${id}`)).text;
    expect(ny).toContain(
      '<dt>Last update</dt><dd><time datetime="2026-03-02T12:05:00.000Z">Mar 2, 2026, 7:05 AM</time>',
    );
    expect(ny).toContain('<dt>Handled by</dt><dd>Javier Ruiz · Support</dd>');
    // The agent area writes dates the same way.
    const a = await client(agent.email);
    expect((await a.get(`/agent/tickets/${id}`)).text).toContain('<dd>1 mar 2026, 10:00</dd>');
  });

  it('shows attachments with an SVG icon, never an emoji that needs a font the browser may lack', async () => {
    const customer = await makeUser(t.app, 'customer');
    const agent = await makeUser(t.app, 'agent');
    const { ticketId } = await openTicket(t.app, customer.actor, {
      draft: {
        type: 'incident',
        category: 'total_outage',
        urgency: 'high',
        serviceId: customer.serviceIds[0] ?? null,
        title: 'Con adjunto',
        description: 'Ver el informe.',
      },
      files: [{ filename: 'informe.txt', contentType: 'text/plain', data: Buffer.from('x') }],
    });
    const emoji = /\p{Extended_Pictographic}\uFE0F?/u;
    const pages = [
      (await (await client(customer.email)).get(`/tickets/${ticketId}`)).text,
      (await (await client(agent.email)).get(`/agent/tickets/${ticketId}`)).text,
    ];
    for (const html of pages) {
      expect(html).toMatch(/<svg class="icon"[^>]*aria-hidden="true"[^>]*><path[^>]*\/><\/svg> informe\.txt/);
      expect(emoji.exec(html)?.[0]).toBeUndefined();
    }
  });
});

describe('related tickets', () => {
  it('opens a related ticket from a closed one, pre-filled, and shows the link on both tickets', async () => {
    const customer = await makeUser(t.app, 'customer');
    const agent = await makeUser(t.app, 'agent');
    const old = await makeTicket(t.app, customer, 'Cortes nocturnos');
    const c = await client(customer.email);
    // Only a closed ticket offers it.
    expect((await c.get(`/tickets/${old}`)).text).not.toContain('Abrir un ticket relacionado');
    await resolve(t.app, agent.actor, old, { body: 'Cambiamos el router.' });
    await close(t.app, agent.actor, old);
    const closedPage = (await c.get(`/tickets/${old}`)).text;
    expect(closedPage).toContain(
      `<a class="button primary" href="/tickets/new?related=${old}">Abrir un ticket relacionado</a>`,
    );

    const form = (await c.get(`/tickets/new?related=${old}`)).text;
    const ref = `IZL-${String(old).padStart(6, '0')}`;
    expect(form).toContain(`Este ticket quedará relacionado con ${ref} («Cortes nocturnos»).`);
    expect(form).toContain(`<input type="hidden" name="relatedTicketId" value="${old}">`);
    expect(form).toMatch(/name="title"[^>]*value="Cortes nocturnos"/);
    expect(form).toMatch(/<option value="total_outage"[^>]*selected/);

    const posted = await c.postMultipart('/tickets/new', {
      type: 'incident',
      serviceId: String(customer.serviceIds[0]),
      category: 'total_outage',
      urgency: 'high',
      title: 'Vuelven los cortes',
      description: 'Otra vez sin línea de noche.',
      relatedTicketId: String(old),
    });
    expect(posted.status).toBe(303);
    const id = Number(posted.location?.split('/').pop());
    expect(await t.db('ticket_links').where({ ticket_id: id }).select('other_ticket_id', 'kind')).toEqual([
      { other_ticket_id: old, kind: 'related' },
    ]);
    const created = must(await t.db('ticket_events').where({ ticket_id: id, kind: 'created' }).first());
    expect(created.data.relatedTicketId).toBe(old);
    const linked = must(await t.db('ticket_events').where({ ticket_id: old, kind: 'linked' }).first());
    expect(linked.data).toEqual({ kind: 'related_from', ticketId: id });

    const newRef = `IZL-${String(id).padStart(6, '0')}`;
    expect((await c.get(`/tickets/${id}`)).text).toContain(
      `<a href="/tickets/${old}">Relacionado con el ticket ${ref}</a> · Cortes nocturnos`,
    );
    expect((await c.get(`/tickets/${old}`)).text).toContain(
      `<a href="/tickets/${id}">El ticket ${newRef} se abrió a partir de este</a> · Vuelven los cortes`,
    );
    const a = await client(agent.email);
    expect((await a.get(`/agent/tickets/${old}`)).text).toContain(
      `<a href="/agent/tickets/${id}">El ticket ${newRef} se abrió a partir de este</a> · Vuelven los cortes`,
    );
    expect((await a.get(`/agent/tickets/${id}`)).text).toContain(
      `<a href="/agent/tickets/${old}">Relacionado con el ticket ${ref}</a> · Cortes nocturnos`,
    );
  });

  it("refuses to link someone else's ticket, and writes nothing", async () => {
    const customer = await makeUser(t.app, 'customer');
    const stranger = await makeUser(t.app, 'customer');
    const theirs = await makeTicket(t.app, stranger, 'Ajeno');
    const c = await client(customer.email);
    // The form does not reveal it either.
    expect((await c.get(`/tickets/new?related=${theirs}`)).text).not.toContain('Ajeno');
    const before = await t.db('tickets').count<{ count: number }[]>('* as count').first();
    const outboxBefore = await t.db('outbox').count<{ count: number }[]>('* as count').first();
    const res = await c.postMultipart('/tickets/new', {
      type: 'incident',
      serviceId: String(customer.serviceIds[0]),
      category: 'total_outage',
      urgency: 'high',
      title: 'Intento',
      description: 'Enlazar un ticket ajeno.',
      relatedTicketId: String(theirs),
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Ese ticket no existe o no es suyo.');
    expect((await t.db('tickets').count<{ count: number }[]>('* as count').first())?.count).toBe(
      before?.count,
    );
    // No mail either: nothing was opened.
    expect((await t.db('outbox').count<{ count: number }[]>('* as count').first())?.count).toBe(
      outboxBefore?.count,
    );
  });
});

describe('approving and refusing from the mail link', () => {
  it('shows two distinct pages; refusing asks for the reason first', async () => {
    const customer = await makeUser(t.app, 'customer');
    const agent = await makeUser(t.app, 'agent');
    const id = await makeTicket(t.app, customer, 'Lento');
    await resolve(t.app, agent.actor, id, { body: 'Ampliamos el ancho de banda.' });
    const { resolved_at } = must(await t.db('tickets').where({ id }).first('resolved_at'));
    const token = approvalToken(s.config.SECRET, id, customer.id, resolved_at!);
    const anon = new WebClient(base);
    const approve = (await anon.get(`/approve/${token}`)).text;
    expect(approve).toContain('class="card decision approve-page"');
    expect(approve).toContain('<title>Aprobar la solución · IZL-');
    expect(approve).toContain(
      `href="/approve/${token}?choice=refuse">¿No resuelve su problema? Rechazar la solución</a>`,
    );
    expect(approve).not.toContain('Motivo del rechazo');
    // Solution first, then the optional comment.
    expect(approve.indexOf('Ampliamos el ancho')).toBeLessThan(approve.indexOf('Comentario (opcional)'));

    const refuse = (await anon.get(`/approve/${token}?choice=refuse`)).text;
    expect(refuse).toContain('class="card decision refuse-page"');
    expect(refuse).toContain('<title>Rechazar la solución · IZL-');
    expect(refuse).toContain('<input type="hidden" name="decision" value="refuse">');
    // The reason comes before the solution, which is there for reference.
    expect(refuse.indexOf('Motivo del rechazo')).toBeLessThan(refuse.indexOf('Ampliamos el ancho'));
    expect(refuse).not.toContain('value="approve"');

    // Without a reason: the refuse page again, with the error, and the ticket unchanged.
    const empty = await anon.post(`/approve/${token}`, { decision: 'refuse', comment: '' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('refuse-page');
    expect(empty.text).toContain('Explique por qué rechaza la solución.');
    expect(must(await t.db('tickets').where({ id }).first()).status).toBe('resolved');
    // A post that names no decision does not approve.
    expect((await anon.post(`/approve/${token}`, { comment: '' })).status).toBe(422);
    expect(must(await t.db('tickets').where({ id }).first()).status).toBe('resolved');
    const done = await anon.post(`/approve/${token}`, { decision: 'refuse', comment: 'Sigue lento.' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Solución rechazada');
    expect(must(await t.db('tickets').where({ id }).first()).status).toBe('in_progress');
  });

  it('sets the status badge in the body font, not the monospace of the reference', async () => {
    const css = await (
      await fetch(
        `${base}${/href="(\/static\/app\.css[^"]*)"/.exec((await new WebClient(base).get('/login')).text)?.[1]}`,
      )
    ).text();
    expect(css).toMatch(/\.badge \{[^}]*font-family: var\(--font\)/);
  });
});

describe('the password form', () => {
  it('reports every problem at once', async () => {
    const customer = await makeUser(t.app, 'customer');
    const c = await client(customer.email);
    await c.get('/profile?tab=password');
    const res = await c.post('/profile/password', {
      current: 'wrong-one-1',
      password: 'short',
      confirm: 'other',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('La contraseña actual no es correcta.');
    expect(res.text).toContain('La contraseña debe tener al menos 10 caracteres.');
    expect(res.text).toContain('Las dos contraseñas no coinciden.');
  });
});
