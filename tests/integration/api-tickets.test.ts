import { beforeAll, describe, expect, it } from 'vitest';
import { declareIncident } from '../../src/app/incidents/declare.js';
import type { Services } from '../../src/runtime/services.js';
import { ApiClient, itemsOf, makeApiToken, problemFields } from '../helpers/api.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

let t: TestDb;
let s: Services;
let base: string;
let admin: TestUser;
let agent: TestUser;
let customer: TestUser;
let api: ApiClient;

beforeAll(async () => {
  t = await useTestDb();
  s = await useTestServices(t);
  base = await startTestWeb(s);
  admin = await makeUser(t.app, 'admin');
  agent = await makeUser(t.app, 'agent');
  customer = await makeUser(t.app, 'customer');
  api = new ApiClient(base, (await makeApiToken(t.app, admin)).token);
});

const newTicket = (title = 'Sin servicio desde las 9') => ({
  requesterId: customer.id,
  type: 'incident',
  category: 'total_outage',
  urgency: 'high',
  serviceId: customer.serviceIds[0],
  title,
  description: 'La ONT tiene la luz LOS en rojo.',
});

describe('opening tickets through the API', () => {
  it('opens the ticket as the customer’s request, recorded as opened by the token’s creator', async () => {
    const r = await api.post('/tickets', newTicket());
    expect(r.status).toBe(201);
    const id = Number(r.json?.id);
    expect(r.json).toMatchObject({
      reference: `IZL-${String(id).padStart(6, '0')}`,
      status: 'new',
      followupId: null,
    });
    const row = must(await t.db('tickets').where({ id }).first());
    expect(row).toMatchObject({ requester_id: customer.id, company_id: customer.companyId, source: 'web' });
    const created = must(await t.db('ticket_events').where({ ticket_id: id, kind: 'created' }).first());
    expect(created.actor_id).toBe(admin.id);
    // The customer's acknowledgement is on its way, as for a ticket opened on the portal.
    expect(await t.db('outbox').where({ ticket_id: id, event: 'ticket.created' }).count({ n: '*' })).toEqual([
      { n: 1 },
    ]);
  });

  it('lists the fields at fault: the schema’s and the catalog’s, with the web’s message keys', async () => {
    const schema = await api.post('/tickets', { ...newTicket(), requesterId: 'x', extra: 1 });
    expect(schema.status).toBe(422);
    expect(schema.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(schema.json).toMatchObject({ code: 'invalid', status: 422 });
    expect(schema.json?.errors).toEqual(
      expect.arrayContaining([
        { field: 'requesterId', code: 'api:problems.field.invalid_type', detail: expect.any(String) },
        { field: 'extra', code: 'api:problems.field.unknown', detail: 'There is no such field.' },
      ]),
    );
    const rules = await api.post('/tickets', { ...newTicket(''), category: 'nonsense' });
    expect(rules.status).toBe(422);
    const fields = problemFields(rules);
    expect(fields).toEqual(expect.arrayContaining(['title', 'category']));
    expect(await t.db('tickets').where({ title: '' }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});

describe('idempotency keys', () => {
  it('opens one ticket for two POSTs with the same key and body, and refuses the key with another body', async () => {
    const count = async () => Number(must((await t.db('tickets').count({ n: '*' }))[0]).n);
    const before = await count();
    const key = { 'idempotency-key': 'order-4711' };
    const first = await api.post('/tickets', newTicket('Idempotente'), key);
    const again = await api.post('/tickets', newTicket('Idempotente'), key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await count()).toBe(before + 1);

    const other = await api.post('/tickets', newTicket('Otro texto'), key);
    expect(other.status).toBe(422);
    expect(other.json).toMatchObject({
      code: 'invalid',
      detail: 'This idempotency key was already used with another request.',
    });
    expect(await count()).toBe(before + 1);

    // Keys belong to their token: another token's same key is a new request.
    const otherToken = new ApiClient(base, (await makeApiToken(t.app, admin, ['tickets:write'])).token);
    expect((await otherToken.post('/tickets', newTicket('Idempotente'), key)).status).toBe(201);
    expect(await count()).toBe(before + 2);
  });

  it('opens one ticket when the same request is sent twice at once', async () => {
    const before = Number(must((await t.db('tickets').count({ n: '*' }))[0]).n);
    const key = { 'idempotency-key': 'at-once-1' };
    const [a, b] = await Promise.all([
      api.post('/tickets', newTicket('A la vez'), key),
      api.post('/tickets', newTicket('A la vez'), key),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json?.id).toBe(b.json?.id);
    expect(Number(must((await t.db('tickets').count({ n: '*' }))[0]).n)).toBe(before + 1);
  });

  it('stores nothing for a refused request, so that it may be sent again', async () => {
    const key = { 'idempotency-key': 'fix-and-retry' };
    expect((await api.post('/tickets', newTicket(''), key)).status).toBe(422);
    expect((await api.post('/tickets', newTicket('Corregido'), key)).status).toBe(201);
    expect(
      (await api.post('/tickets', newTicket('x'), { 'idempotency-key': ' spaces not allowed ' })).status,
    ).toBe(422);
  });
});

describe('listing tickets', () => {
  it('walks the queue with keyset pages, each ticket once, with the queue’s filters', async () => {
    const other = await makeUser(t.app, 'customer');
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(await makeTicket(t.app, other, `Página ${i}`));
    const seen: number[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const r = await api.get(`/tickets?requesterId=${other.id}&limit=3${after ? `&after=${after}` : ''}`);
      expect(r.status).toBe(200);
      const items = itemsOf<{ id: number; requester: { id: number } }>(r);
      expect(items.length).toBeLessThanOrEqual(3);
      for (const it of items) expect(it.requester.id).toBe(other.id);
      seen.push(...items.map((i) => i.id));
      after = (r.json?.next as string | null) ?? null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect([...seen].sort((a, b) => a - b)).toEqual(ids);

    const closed = await api.get(`/tickets?requesterId=${other.id}&status=closed`);
    expect(closed.json?.items).toEqual([]);
    const searched = await api.get(`/tickets?q=${encodeURIComponent('Página 3')}&requesterId=${other.id}`);
    expect(itemsOf<{ title: string }>(searched).map((i) => i.title)).toContain('Página 3');
  });

  it('refuses a cursor it did not make and a limit out of range', async () => {
    const r = await api.get('/tickets?after=bogus');
    expect(r.status).toBe(422);
    expect(r.json?.errors).toEqual([
      { field: 'after', code: 'api:problems.field.other', detail: 'Not valid.' },
    ]);
    const limit = await api.get('/tickets?limit=1000');
    expect(limit.status).toBe(422);
    expect(problemFields(limit)).toEqual(['limit']);
  });
});

describe('working a ticket through the API', () => {
  it('reads it with its timeline, adds a follow-up and a note, asks, resolves, closes, reopens and assigns', async () => {
    const id = await makeTicket(t.app, customer, 'Ciclo completo');
    const reply = await api.post(`/tickets/${id}/followups`, { body: 'Estamos en ello.' });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ status: 'in_progress', assigneeId: admin.id });
    const note = await api.post(`/tickets/${id}/followups`, {
      body: 'Revisar la OLT.',
      visibility: 'private',
    });
    expect(note.json?.followupId).toEqual(expect.any(Number));

    const read = await api.get(`/tickets/${id}`);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      id,
      title: 'Ciclo completo',
      status: 'in_progress',
      requester: { id: customer.id },
    });
    const timeline = read.json?.timeline as {
      kind: string;
      body?: string;
      visibility?: string;
      authorName?: string;
    }[];
    expect(timeline.filter((e) => e.kind === 'followup').map((e) => [e.body, e.visibility])).toEqual([
      ['Estamos en ello.', 'public'],
      ['Revisar la OLT.', 'private'],
    ]);
    expect(timeline.find((e) => e.body === 'Revisar la OLT.')?.authorName).toMatch(/^admin /);

    expect((await api.post(`/tickets/${id}/pending`, { body: '' })).status).toBe(422);
    expect((await api.post(`/tickets/${id}/pending`, { body: '¿Qué luces ve?' })).json?.status).toBe(
      'pending',
    );
    const solved = await api.post(`/tickets/${id}/resolve`, { solution: 'Cambiamos la ONT.' });
    expect(solved.json).toMatchObject({ status: 'resolved' });
    expect((await api.post(`/tickets/${id}/close`, { comment: 'Gracias.' })).json?.status).toBe('closed');
    const closedAgain = await api.post(`/tickets/${id}/close`, {});
    expect(closedAgain.status).toBe(409);
    expect(closedAgain.json?.code).toBe('conflict');
    expect((await api.post(`/tickets/${id}/reopen`, { comment: 'Ha vuelto a fallar.' })).json?.status).toBe(
      'in_progress',
    );
    const assigned = await api.post(`/tickets/${id}/assign`, { assigneeId: agent.id });
    expect(assigned.json).toMatchObject({ status: 'in_progress', assigneeId: agent.id });
    const nobody = await api.post(`/tickets/${id}/assign`, { assigneeId: customer.id });
    expect(nobody.status).toBe(422);
    expect(nobody.json?.errors).toEqual([
      { field: 'assigneeId', code: 'validation.assigneeInvalid', detail: expect.any(String) },
    ]);

    // Every change after the customer opened it names the token's creator.
    const actors = await t
      .db('ticket_events')
      .where({ ticket_id: id })
      .whereNot({ kind: 'created' })
      .whereNotNull('actor_id')
      .distinct('actor_id');
    expect(actors).toEqual([{ actor_id: admin.id }]);
  });

  it('links a ticket to a major incident and takes it out again', async () => {
    const id = await makeTicket(t.app, customer, 'Parte de la avería');
    const incidentId = await declareIncident(t.app, agent.actor, {
      title: { es: 'Corte en la zona norte' },
      description: { es: 'Obras.' },
      scope: { zones: ['norte'] },
      public: true,
    });
    const linked = await api.post(`/tickets/${id}/incident`, { majorIncidentId: incidentId });
    expect(linked.json).toMatchObject({ majorIncidentId: incidentId });
    expect((await api.get(`/tickets?majorIncidentId=${incidentId}`)).json?.items).toEqual([
      expect.objectContaining({ id }),
    ]);
    expect((await api.post(`/tickets/${id}/incident`, { majorIncidentId: 999_999 })).status).toBe(404);
    expect(
      (await api.post(`/tickets/${id}/incident`, { majorIncidentId: null })).json?.majorIncidentId,
    ).toBeNull();
  });
});

describe('attachments through the API', () => {
  it('uploads a file as a follow-up, downloads it back, and refuses one over the limit', async () => {
    const id = await makeTicket(t.app, customer, 'Con adjunto');
    const data = Buffer.from('%PDF-1.4 informe de cobertura');
    const form = new FormData();
    form.set('body', 'Adjunto el informe.');
    form.set('file', new Blob([new Uint8Array(data)], { type: 'application/pdf' }), 'informe.pdf');
    const up = await api.send('POST', `/tickets/${id}/attachments`, { form });
    expect(up.status).toBe(201);
    const followupId = Number(up.json?.followupId);
    const file = must(await t.db('attachments').where({ followup_id: followupId }).first('id', 'filename'));
    expect(file.filename).toBe('informe.pdf');

    const down = await fetch(`${base}/api/v1/tickets/${id}/attachments/${file.id}`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(down.status).toBe(200);
    expect(down.headers.get('content-disposition')).toContain('filename="informe.pdf"');
    expect(Buffer.from(await down.arrayBuffer())).toEqual(data);

    const missing = new FormData();
    missing.set('body', 'Sin archivo');
    const none = await api.send('POST', `/tickets/${id}/attachments`, { form: missing });
    expect(none.status).toBe(422);
    expect(none.json?.errors).toEqual([
      { field: 'file', code: 'api:problems.fileRequired', detail: expect.any(String) },
    ]);

    const big = new FormData();
    big.set('file', new Blob([new Uint8Array(3 * 1024 * 1024)]), 'grande.bin');
    const tooBig = await api.send('POST', `/tickets/${id}/attachments`, { form: big });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json?.code).toBe('too_large');
    expect(await t.db('attachments').where({ ticket_id: id }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });
});
