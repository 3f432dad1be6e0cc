import { beforeAll, describe, expect, it } from 'vitest';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const b64 = (v: string) => Buffer.from(v).toString('base64url');

describe('invalid input is a 400 page, not a 500', () => {
  let customer: TestUser;
  let c: WebClient;
  let agent: WebClient;
  beforeAll(async () => {
    customer = await makeUser(t.app, 'customer');
    for (let i = 0; i < 6; i++) await makeTicket(t.app, customer, `Ticket ${i}`);
    await t.db('users').where({ id: customer.id }).update({ page_size: 5 });
    c = new WebClient(base);
    await c.login(customer.email);
    agent = new WebClient(base);
    await agent.login((await makeUser(t.app, 'agent')).email);
  });

  it('portal list: a crafted cursor or a NUL in the search', async () => {
    for (const path of [
      `/tickets?after=${b64('2000|1')}`,
      `/tickets?before=${b64('275760-09-13|1')}`,
      `/tickets?after=${b64('2026-02-30 10:00:00+00|1')}`,
      `/tickets?after=${b64("2026-12-01 10:00:00+00|1' or 1=1")}`,
      '/tickets?q=fibra%00',
      '/tickets?q=a&q=b',
    ]) {
      const res = await c.get(path);
      expect(res.status, path).toBe(400);
      expect(res.text, path).toContain('La petición no es válida.');
    }
    // The list's own cursors still page.
    const first = await c.get('/tickets');
    const next = /rel="next" href="([^"]+)"/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const page2 = await c.get(next as string);
    expect(page2.status).toBe(200);
    expect(page2.text).toContain('Ticket 0');
  });

  it('agent queue: a crafted cursor or a NUL in the search', async () => {
    for (const path of ['/agent?q=fibra%00', `/agent?after=${b64('2000|1')}`, '/agent?after=%00']) {
      const res = await agent.get(path);
      expect(res.status, path).toBe(400);
      expect(res.text, path).toContain('La petición no es válida.');
    }
    expect((await agent.get('/agent?q=fibra')).status).toBe(200);
  });
});

describe('single-line fields', () => {
  it('a title or a name with CR/LF is stored on one line', async () => {
    const u = await makeUser(t.app, 'customer');
    const c = new WebClient(base);
    await c.login(u.email);
    await c.get('/tickets/new');
    const res = await c.postMultipart('/tickets/new', {
      type: 'request',
      category: 'technical',
      serviceId: String(u.serviceIds[0]),
      title: 'Router\r\nBcc: everyone@example.test\t  again',
      description: 'Two lines\r\nare fine here.',
    });
    expect(res.status).toBe(303);
    const ticket = await t.db('tickets').where({ requester_id: u.id }).first('title', 'description');
    expect(ticket).toEqual({
      title: 'Router Bcc: everyone@example.test again',
      description: 'Two lines\r\nare fine here.',
    });
    await c.get('/profile');
    await c.post('/profile/main', { name: ' Ana\r\nMaría\u0000 ', email: u.email, phone: '' });
    expect(must(await t.db('users').where({ id: u.id }).first('name')).name).toBe('Ana María');
  });
});
