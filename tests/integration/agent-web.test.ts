import { beforeAll, describe, expect, it } from 'vitest';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import type { Services } from '../../src/runtime/services.js';
import { ADMIN_SECTIONS } from '../../src/web/agent/admin-hub.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

let t: TestDb;
let s: Services;
let base: string;
let admin: TestUser;
let agent: TestUser;
let customer: TestUser;
let ticketId: number;
let heldId: number;

beforeAll(async () => {
  t = await useTestDb();
  s = await useTestServices(t);
  base = await startTestWeb(s);
  admin = await makeUser(t.app, 'admin');
  agent = await makeUser(t.app, 'agent');
  customer = await makeUser(t.app, 'customer');
  ticketId = await makeTicket(t.app, customer, 'Sin conexión desde el lunes');
  await addFollowup(t.app, customer.actor, { ticketId, body: 'La fibra óptica parpadea <b>en rojo</b>.' });
  heldId = (
    await t
      .db('inbound_mails')
      .insert({
        mailbox: 'INBOX',
        from_address: 'x@y.test',
        subject: 'Hola',
        outcome: 'held',
        reason: 'not_authenticated: dkim fail',
        quarantine_state: 'held',
        raw: Buffer.from('Subject: Hola\r\n\r\nhi'),
      })
      .returning('id')
  )[0].id;
});

const paths = () => {
  const c = customer.companyId as number;
  const sv = customer.serviceIds[0] as number;
  return {
    get: [
      '/agent',
      '/agent?q=conexion',
      `/agent/tickets/${ticketId}`,
      `/agent/tickets/${ticketId}/attachments/00000000-0000-0000-0000-000000000000`,
      '/agent/customers',
      '/agent/customers/new',
      `/agent/customers/${c}`,
      `/agent/services/${sv}`,
      `/agent/users/${customer.id}`,
      '/agent/quarantine',
      `/agent/quarantine/${heldId}`,
      '/agent/admin',
      '/agent/admin/staff',
      '/agent/admin/import',
      '/agent/admin/import/0123456789abcdef01234567',
    ],
    post: [
      ...['reply', 'note', 'ask', 'assign', 'classify', 'solve', 'close', 'reopen', 'merge'].map(
        (a) => `/agent/tickets/${ticketId}/${a}`,
      ),
      '/agent/customers',
      `/agent/customers/${c}`,
      `/agent/customers/${c}/services`,
      `/agent/customers/${c}/users`,
      `/agent/services/${sv}`,
      `/agent/users/${customer.id}`,
      `/agent/users/${customer.id}/active`,
      `/agent/users/${customer.id}/invite`,
      `/agent/quarantine/${heldId}/release`,
      `/agent/quarantine/${heldId}/customer`,
      `/agent/quarantine/${heldId}/discard`,
      '/agent/admin/staff',
      '/agent/admin/import',
    ],
  };
};

const snapshot = async () => ({
  outbox: Number((await t.db('outbox').count({ n: '*' }))[0]?.n),
  followups: Number((await t.db('followups').count({ n: '*' }))[0]?.n),
  ticket: await t.db('tickets').where({ id: ticketId }).first('status', 'assignee_id', 'category'),
  companies: Number((await t.db('companies').count({ n: '*' }))[0]?.n),
  customer: await t.db('users').where({ id: customer.id }).first('active', 'name'),
  held: must(await t.db('inbound_mails').where({ id: heldId }).first('quarantine_state')).quarantine_state,
});

describe('agent area permissions', () => {
  it('gives a customer 404 on every agent page and action, and changes nothing', async () => {
    const before = await snapshot();
    const web = new WebClient(base);
    await web.login(customer.email);
    await web.get('/tickets');
    for (const p of paths().get) expect([p, (await web.get(p)).status]).toEqual([p, 404]);
    for (const p of paths().post)
      expect([
        p,
        (await web.post(p, { body: 'hack', name: 'X', email: 'x@x.test', active: '0', kind: 'customers' }))
          .status,
      ]).toEqual([p, 404]);
    expect(await snapshot()).toEqual(before);
  });

  it('sends visitors to the login page and refuses their posts', async () => {
    const web = new WebClient(base);
    const res = await web.get('/agent');
    expect(res.status).toBe(302);
    expect(res.location).toContain('/login?next=%2Fagent');
    expect((await web.post(`/agent/tickets/${ticketId}/close`, {}, null)).status).toBe(403);
  });

  it('gives an agent 403 on admin pages but the rest of the area', async () => {
    const web = new WebClient(base);
    await web.login(agent.email);
    for (const p of paths().get) {
      const st = (await web.get(p)).status;
      if (p.startsWith('/agent/admin')) expect([p, st]).toEqual([p, 403]);
      else if (p.includes('/attachments/')) expect(st).toBe(404);
      else expect([p, st]).toEqual([p, 200]);
    }
    expect(
      (await web.post('/agent/admin/staff', { name: 'X', email: 'x@x.test', role: 'admin' })).status,
    ).toBe(403);
    expect((await web.get(`/agent/users/${admin.id}`)).status).toBe(403);
  });

  it('gives admins one Administración link in the header and a hub that reaches every admin page', async () => {
    const web = new WebClient(base);
    await web.login(admin.email);
    const hub = await web.get('/agent/admin');
    expect(hub.status).toBe(200);
    const header = /<header[\s\S]*?<\/header>/.exec(hub.text)?.[0] ?? '';
    expect(header).toContain('href="/agent/admin"');
    expect(header).not.toContain('href="/agent/admin/');
    for (const a of ADMIN_SECTIONS) {
      expect(hub.text).toContain(`href="${a.href}"`);
      expect((await web.get(a.href)).status).toBe(200);
    }
    const agentWeb = new WebClient(base);
    await agentWeb.login(agent.email);
    expect((await agentWeb.get('/agent')).text).not.toContain('href="/agent/admin"');
  });

  it('refuses a post without the CSRF token', async () => {
    const web = new WebClient(base);
    await web.login(agent.email);
    await web.get('/agent');
    expect((await web.post(`/agent/tickets/${ticketId}/close`, {}, 'wrong')).status).toBe(403);
    expect(must(await t.db('tickets').where({ id: ticketId }).first()).status).not.toBe('closed');
  });
});

describe('agent pages', () => {
  it('shows the queue with counters and finds by a body word without accents; escapes what users typed', async () => {
    const web = new WebClient(base);
    await web.login(agent.email);
    const res = await web.get('/agent?q=optica');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Sin conexión desde el lunes');
    expect(res.text).toMatch(/class="counters"/);
    expect((await web.get('/agent?q=zzzznothing')).text).not.toContain('Sin conexión desde el lunes');
    const byPerson = await web.get(`/agent?requester=${customer.id}&status=all`);
    expect(byPerson.text).toContain('class="chip"');
    expect(byPerson.text).toContain('Sin conexión desde el lunes');
    expect((await web.get(`/agent?requester=${agent.id}&status=all`)).text).not.toContain(
      'Sin conexión desde el lunes',
    );
    const page = await web.get(`/agent/tickets/${ticketId}`);
    expect(page.text).toContain('&lt;b&gt;en rojo&lt;/b&gt;');
    expect(page.text).not.toContain('<b>en rojo</b>');
  });

  it('runs the ticket actions through the use cases, keeping typed text on errors', async () => {
    const web = new WebClient(base);
    await web.login(agent.email);
    await web.get(`/agent/tickets/${ticketId}`);
    expect((await web.post(`/agent/tickets/${ticketId}/assign`, {})).status).toBe(303);
    expect(must(await t.db('tickets').where({ id: ticketId }).first()).assignee_id).toBe(agent.id);
    const note = await web.postMultipart(
      `/agent/tickets/${ticketId}/note`,
      { body: 'Cliente con impagos: no prometer fechas' },
      { field: 'attachment', name: 'traza.txt', type: 'text/plain', data: Buffer.from('ping 8.8.8.8') },
    );
    expect(note.status).toBe(303);
    const page = await web.get(`/agent/tickets/${ticketId}`);
    expect(page.text).toMatch(/class="private[^"]*"[^>]*>[\s\S]*Cliente con impagos/);
    expect(page.text).toContain('traza.txt');
    const empty = await web.postMultipart(`/agent/tickets/${ticketId}/solve`, { body: '   ' });
    expect(empty.status).toBe(422);
    const bad = await web.post(`/agent/tickets/${ticketId}/classify`, {
      type: 'request',
      category: 'slowness',
      urgency: '',
      serviceId: '',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('<option value="request" selected>');
    const ok = await web.post(`/agent/tickets/${ticketId}/classify`, {
      type: 'incident',
      category: 'packet_loss',
      urgency: 'medium',
      serviceId: String(customer.serviceIds[0]),
    });
    expect(ok.status).toBe(303);
    const row = must(await t.db('tickets').where({ id: ticketId }).first());
    expect([row.category, row!.urgency, row!.priority]).toEqual(['packet_loss', 'medium', 3]);
    // The customer's own page never shows the private note.
    const cust = new WebClient(base);
    await cust.login(customer.email);
    const theirs = await cust.get(`/tickets/${ticketId}`);
    expect(theirs.status).toBe(200);
    expect(theirs.text).not.toContain('Cliente con impagos');
    expect(theirs.text).not.toContain('traza.txt');
  });

  it('imports a CSV through the upload, progress and report pages', async () => {
    const web = new WebClient(base);
    await web.login(admin.email);
    await web.get('/agent/admin/import');
    const up = await web.postMultipart(
      '/agent/admin/import',
      { kind: 'customers' },
      {
        field: 'file',
        name: 'clientes.csv',
        type: 'text/csv',
        data: Buffer.from('name;code\nÓptica Norte;ON-1\n;X\n'),
      },
    );
    expect(up.status).toBe(303);
    const report = await waitUntil('the import report to stop refreshing', async () => {
      const page = await web.get(up.location as string);
      return !page.headers.get('refresh') && page;
    });
    expect(report.text).toContain('id="import-summary"');
    expect(report.text).toMatch(/1 de 2 líneas importadas; 1 rechazadas/);
    expect(report.text).toContain('El nombre es obligatorio.');
    expect(await t.db('companies').where({ code: 'ON-1' }).first()).toBeTruthy();
    const noFile = await web.postMultipart('/agent/admin/import', { kind: 'users' });
    expect(noFile.status).toBe(422);
  });

  it('discards held mail from the quarantine page', async () => {
    const web = new WebClient(base);
    await web.login(agent.email);
    const list = await web.get('/agent/quarantine');
    expect(list.text).toContain('Posible suplantación');
    expect((await web.post(`/agent/quarantine/${heldId}/discard`, {})).status).toBe(303);
    expect(must(await t.db('inbound_mails').where({ id: heldId }).first()).quarantine_state).toBe(
      'discarded',
    );
    expect((await web.post(`/agent/quarantine/${heldId}/discard`, {})).status).toBe(409);
  });
});
