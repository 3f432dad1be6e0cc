import { beforeAll, describe, expect, it } from 'vitest';
import { revokeApiToken } from '../../src/app/api/tokens.js';
import type { Services } from '../../src/runtime/services.js';
import { ApiClient, makeApiToken } from '../helpers/api.js';
import { must, type TestDb, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

let t: TestDb;
let s: Services;
let base: string;
let admin: TestUser;
let customer: TestUser;
let ticketId: number;

beforeAll(async () => {
  t = await useTestDb();
  s = await useTestServices(t);
  base = await startTestWeb(s);
  admin = await makeUser(t.app, 'admin');
  customer = await makeUser(t.app, 'customer');
  ticketId = await makeTicket(t.app, customer);
});

const expectProblem = (
  r: { status: number; headers: Headers; json: Record<string, unknown> | null },
  status: number,
  code: string,
) => {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({
    status,
    code,
    type: expect.stringContaining(`/api/v1/docs#problem-${code}`),
  });
  expect(typeof r.json?.title).toBe('string');
  expect(typeof r.json?.detail).toBe('string');
};

describe('API authentication', () => {
  it('answers 401 problem+json without a token, with a malformed or unknown one, and with a revoked one', async () => {
    const none = await new ApiClient(base, null).get('/tickets');
    expectProblem(none, 401, 'unauthorized');
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="izardesk"');
    expect(none.json?.detail).toBe('The “Authorization: Bearer <token>” header is missing.');
    expectProblem(await new ApiClient(base, 'not-a-token').get('/tickets'), 401, 'unauthorized');
    expectProblem(await new ApiClient(base, `izd_${'A'.repeat(43)}`).get('/tickets'), 401, 'unauthorized');

    const { id, token } = await makeApiToken(t.app, admin, ['read']);
    const api = new ApiClient(base, token);
    expect((await api.get('/tickets')).status).toBe(200);
    await revokeApiToken(t.app, admin.actor, id);
    expectProblem(await api.get('/tickets'), 401, 'unauthorized');
  });

  it('refuses a token whose creator was deactivated, and gives details in the language asked for', async () => {
    const other = await makeUser(t.app, 'admin');
    const { token } = await makeApiToken(t.app, other, ['read']);
    const api = new ApiClient(base, token);
    expect((await api.get('/tickets')).status).toBe(200);
    await t.db('users').where({ id: other.id }).update({ active: false });
    const r = await api.get('/tickets', { 'accept-language': 'es' });
    expectProblem(r, 401, 'unauthorized');
    expect(r.json?.detail).toBe('El token no es válido o ha sido revocado.');
  });

  it('never reads a session cookie nor asks for a CSRF token', async () => {
    const web = new WebClient(base);
    await web.login(admin.email);
    const r = await fetch(`${base}/api/v1/tickets`, { headers: { cookie: web.cookieHeader() } });
    expect(r.status).toBe(401);
    const { token } = await makeApiToken(t.app, admin, ['tickets:write']);
    // No CSRF token: the bearer token is the proof.
    const note = await new ApiClient(base, token).post(`/tickets/${ticketId}/followups`, {
      body: 'Nota desde la API',
      visibility: 'private',
    });
    expect(note.status).toBe(200);
  });

  it('records the last use at most once a minute', async () => {
    const { id, token } = await makeApiToken(t.app, admin, ['read']);
    const api = new ApiClient(base, token);
    await api.get('/tickets');
    const first = must(await t.db('api_tokens').where({ id }).first('last_used_at')).last_used_at;
    expect(first).toBeInstanceOf(Date);
    await api.get('/tickets');
    expect(must(await t.db('api_tokens').where({ id }).first('last_used_at')).last_used_at).toEqual(first);
    // A minute later, the next request writes it again.
    await t
      .db('api_tokens')
      .where({ id })
      .update({ last_used_at: new Date(Date.now() - 61_000) });
    await api.get('/tickets');
    const later = must(await t.db('api_tokens').where({ id }).first('last_used_at')).last_used_at;
    expect(later?.getTime()).toBeGreaterThan(Date.now() - 10_000);
  });
});

describe('API scopes', () => {
  it('answers 403 when the token lacks the scope, and changes nothing', async () => {
    const { token } = await makeApiToken(t.app, admin, ['read']);
    const api = new ApiClient(base, token);
    const before = await t.db('followups').count({ n: '*' });
    const r = await api.post(`/tickets/${ticketId}/followups`, { body: 'No debería' });
    expectProblem(r, 403, 'forbidden');
    expect(r.json?.detail).toBe('This token lacks the “tickets:write” scope.');
    expectProblem(await api.post('/companies', { name: 'X' }), 403, 'forbidden');
    expectProblem(await api.get('/companies'), 403, 'forbidden');
    expect(await t.db('followups').count({ n: '*' })).toEqual(before);

    const writer = new ApiClient(base, (await makeApiToken(t.app, admin, ['tickets:write'])).token);
    expectProblem(await writer.get(`/tickets/${ticketId}`), 403, 'forbidden');
  });

  it('acts as the token’s creator: an agent’s token may not set where a service runs', async () => {
    // Tokens are made by admins; one whose creator became an agent has the agent's rights, no more.
    const former = await makeUser(t.app, 'admin');
    const { token } = await makeApiToken(t.app, former, ['admin']);
    await t.db('users').where({ id: former.id }).update({ role: 'agent' });
    const api = new ApiClient(base, token);
    const r = await api.post(`/companies/${customer.companyId}/services`, { name: 'Radio', zone: 'Norte' });
    expectProblem(r, 403, 'forbidden');
    expect((await api.post(`/companies/${customer.companyId}/services`, { name: 'Radio' })).status).toBe(201);
  });
});

describe('API problems', () => {
  it('answers unknown paths 404, wrong methods 405 and unreadable bodies 400, all as problems', async () => {
    const api = new ApiClient(base, (await makeApiToken(t.app, admin)).token);
    expectProblem(await api.get('/nothing-here'), 404, 'not_found');
    const wrong = await api.send('DELETE', '/tickets');
    expectProblem(wrong, 405, 'invalid');
    expect(wrong.headers.get('allow')).toContain('POST');
    const empty = await api.send('POST', '/tickets', { headers: { 'content-type': 'application/json' } });
    expectProblem(empty, 422, 'invalid');
    const broken = await fetch(`${base}/api/v1/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      body: '{"title": ',
    });
    expect(broken.status).toBe(400);
    expect(broken.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await broken.json()).toMatchObject({ code: 'invalid', status: 400 });
    expectProblem(await api.get('/tickets/abc'), 404, 'not_found');
    expectProblem(await api.get('/tickets/999999'), 404, 'not_found');
  });
});

describe('API rate limit', () => {
  it('answers 429 with Retry-After once a token used up its minute, counting each token apart', async () => {
    const limited = await useTestServices(t, { API_RATE_PER_MINUTE: '3' });
    const limitedBase = await startTestWeb(limited);
    const api = new ApiClient(limitedBase, (await makeApiToken(t.app, admin, ['read'])).token);
    for (let i = 0; i < 3; i++) {
      const ok = await api.get('/tickets');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('3');
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const over = await api.get('/tickets');
    expectProblem(over, 429, 'rate_limited');
    const wait = Number(over.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    const other = new ApiClient(limitedBase, (await makeApiToken(t.app, admin, ['read'])).token);
    expect((await other.get('/tickets')).status).toBe(200);
  });
});

describe('the API tokens admin page', () => {
  it('creates a token shown once, lists it without its value, and revokes it', async () => {
    const web = new WebClient(base);
    await web.login(admin.email);
    const page = await web.get('/agent/admin/api-tokens');
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/agent/admin" aria-current="page"');
    expect((await web.get('/agent/admin')).text).toContain('href="/agent/admin/api-tokens"');

    const refused = await web.post('/agent/admin/api-tokens', { name: 'Sin permisos' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Elija al menos un permiso.');

    const body = new URLSearchParams({ name: 'Monitorización', _csrf: web.csrf });
    body.append('scopes', 'read');
    body.append('scopes', 'tickets:write');
    const created = await fetch(`${base}/agent/admin/api-tokens`, {
      method: 'POST',
      body,
      headers: { cookie: web.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(created.status).toBe(200);
    const html = await created.text();
    const token = /id="new-token" type="text" readonly value="(izd_[\w-]{43})"/.exec(html)?.[1] ?? '';
    expect(token).not.toBe('');
    const row = must(await t.db('api_tokens').where({ name: 'Monitorización' }).first());
    expect(row.scopes).toEqual(['read', 'tickets:write']);
    expect(row.created_by).toBe(admin.id);
    expect(row.token_hash).not.toContain(token);

    const api = new ApiClient(base, token);
    expect((await api.get('/tickets')).status).toBe(200);
    const list = await web.get('/agent/admin/api-tokens');
    expect(list.text).toContain('Monitorización');
    expect(list.text).not.toContain(token);
    expect(list.text).toContain(`${token.slice(0, 10)}…`);

    const revoked = await web.post(`/agent/admin/api-tokens/${row.id}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect((await api.get('/tickets')).status).toBe(401);
  });

  it('is for admins only', async () => {
    const agent = await makeUser(t.app, 'agent');
    const web = new WebClient(base);
    await web.login(agent.email);
    expect((await web.get('/agent/admin/api-tokens')).status).toBe(403);
    expect((await web.post('/agent/admin/api-tokens', { name: 'x', scopes: 'read' })).status).toBe(403);
  });
});
