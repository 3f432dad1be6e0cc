import { beforeAll, describe, expect, it } from 'vitest';
import { declareIncident } from '../../src/app/incidents/declare.js';
import type { Services } from '../../src/runtime/services.js';
import { routerPath } from '../../src/web/api/operation.js';
import { operationsRouter } from '../../src/web/api/routes.js';
import { ApiClient, makeApiToken } from '../helpers/api.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

let t: TestDb;
let s: Services;
let base: string;
let admin: TestUser;
let customer: TestUser;
let api: ApiClient;
let doc: {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security?: unknown }>>;
};

beforeAll(async () => {
  t = await useTestDb();
  s = await useTestServices(t);
  base = await startTestWeb(s);
  admin = await makeUser(t.app, 'admin');
  customer = await makeUser(t.app, 'customer');
  api = new ApiClient(base, (await makeApiToken(t.app, admin)).token);
  const r = await fetch(`${base}/api/v1/openapi.json`);
  expect(r.status).toBe(200);
  doc = (await r.json()) as typeof doc;
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and describes every route the API serves, and nothing it does not', () => {
    expect(doc.openapi).toBe('3.1.0');
    const described = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} /api/v1${routerPath(path)}`),
    );
    const served = operationsRouter().stack.flatMap((layer) =>
      layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${String(layer.path)}`),
    );
    expect(served.length).toBeGreaterThan(20);
    expect([...described].sort()).toEqual([...served].sort());
  });

  it('answers every described operation when called as described', async () => {
    const ticketId = await makeTicket(t.app, customer, 'Para recorrer la API');
    const other = await makeTicket(t.app, customer, 'Otro ticket');
    const incidentId = await declareIncident(t.app, admin.actor, {
      title: { es: 'Corte' },
      description: { es: 'Corte.' },
      scope: { zones: ['centro'] },
      public: false,
    });
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(Buffer.from('hola'))], { type: 'text/plain' }), 'hola.txt');
    const up = await api.send('POST', `/tickets/${other}/attachments`, { form });
    expect(up.status).toBe(201);
    const attachment = must(await t.db('attachments').where({ ticket_id: other }).first('id')).id;
    const company = customer.companyId as number;
    const service = customer.serviceIds[0] as number;

    /** How to call each operation: the test fails for an operation that has no entry here. */
    const calls: Record<string, () => Promise<{ status: number }>> = {
      listTickets: () => api.get('/tickets?status=all&limit=2'),
      createTicket: () =>
        api.post('/tickets', {
          requesterId: customer.id,
          type: 'incident',
          category: 'total_outage',
          urgency: 'high',
          serviceId: service,
          title: 'Desde el documento',
          description: 'Recorrido.',
        }),
      getTicket: () => api.get(`/tickets/${ticketId}`),
      addFollowup: () => api.post(`/tickets/${ticketId}/followups`, { body: 'Hola' }),
      setPending: () => api.post(`/tickets/${ticketId}/pending`, { body: '¿Desde cuándo?' }),
      resolveTicket: () => api.post(`/tickets/${ticketId}/resolve`, { solution: 'Reiniciado.' }),
      closeTicket: () => api.post(`/tickets/${ticketId}/close`, {}),
      reopenTicket: () => api.post(`/tickets/${ticketId}/reopen`, {}),
      assignTicket: () => api.post(`/tickets/${ticketId}/assign`, {}),
      linkTicketToIncident: () => api.post(`/tickets/${ticketId}/incident`, { majorIncidentId: incidentId }),
      uploadAttachment: () => {
        const f = new FormData();
        f.set('file', new Blob([new Uint8Array(Buffer.from('x'))]), 'x.txt');
        return api.send('POST', `/tickets/${ticketId}/attachments`, { form: f });
      },
      downloadAttachment: () => api.get(`/tickets/${other}/attachments/${attachment}`),
      listCompanies: () => api.get('/companies'),
      createCompany: () => api.post('/companies', { name: 'Del documento' }),
      getCompany: () => api.get(`/companies/${company}`),
      updateCompany: () => api.patch(`/companies/${company}`, { active: true }),
      listCustomers: () => api.get(`/customers?companyId=${company}`),
      createCustomer: () =>
        api.post('/customers', { email: 'doc@example.test', name: 'Doc', companyId: company }),
      getCustomer: () => api.get(`/customers/${customer.id}`),
      updateCustomer: () => api.patch(`/customers/${customer.id}`, { language: 'fr' }),
      createService: () => api.post(`/companies/${company}/services`, { name: 'Radio', zone: 'Centro' }),
      getService: () => api.get(`/services/${service}`),
      updateService: () => api.patch(`/services/${service}`, { postcode: '28001' }),
    };
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
    const missing = operations.map((o) => o.operationId).filter((id) => !calls[id]);
    expect(missing).toEqual([]);
    // In document order: the ticket walks its life cycle as the operations come.
    const answers: [string, number][] = [];
    for (const o of operations) answers.push([o.operationId, (await must(calls[o.operationId])()).status]);
    expect(answers.filter(([, status]) => status >= 300)).toEqual([]);
  });

  it('is read by a reference page served from here alone, without scripts', async () => {
    const r = await fetch(`${base}/api/v1/docs`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await r.text();
    expect(page).not.toMatch(/<script/i);
    // Every address the page loads or links to is on this server (the problem types' too).
    const urls = [...page.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(urls.filter((u) => /^(https?:)?\/\//.test(u))).toEqual([]);
    for (const op of Object.values(doc.paths).flatMap((i) => Object.values(i)))
      expect(page).toContain(`id="${op.operationId}"`);
    for (const code of [
      'invalid',
      'unauthorized',
      'forbidden',
      'not_found',
      'conflict',
      'rate_limited',
      'too_large',
    ])
      expect(page).toContain(`id="problem-${code}"`);
  });
});
