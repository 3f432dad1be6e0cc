import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/db.js';
import { createStatementPool } from '../../src/db/prepared-query.js';
import type { Services } from '../../src/runtime/services.js';
import { createWebApp } from '../../src/web/app.js';
import { useTestDb } from '../helpers/db.js';
import { makeUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);

/** A second web process of the same installation whose Postgres has gone away (nothing listens there). */
const deadUrl = 'postgres://postgres@127.0.0.1:1/izardesk';
const deadDb = createDb(deadUrl, 1);
const down: Services = {
  ...s,
  db: deadDb,
  pg: createStatementPool(deadUrl, s.logger),
  app: { ...s.app, db: deadDb },
};
const server = createWebApp(down, { health: {} }).listen(0, '127.0.0.1');
await new Promise<void>((resolve) => server.once('listening', resolve));
const downBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await Promise.all([deadDb.destroy(), down.pg.end()]);
});

describe('Postgres down', () => {
  it('a customer sending a new ticket gets the error page in her language, with what she typed', async () => {
    const u = await makeUser(t.app, 'customer', { language: 'fr' });
    const c = new WebClient(base);
    c.headers = { 'accept-language': 'fr' };
    await c.login(u.email);
    await c.get('/tickets/new');
    const typed = 'La fibre est coupée depuis ce matin.\nLe voyant LOS clignote en rouge.';
    const res = await c.on(downBase).post('/tickets/new', {
      type: 'request',
      category: 'technical',
      serviceId: String(u.serviceIds[0]),
      title: 'Plus de connexion',
      description: typed,
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('<html lang="fr">');
    expect(res.text).not.toContain('{"error":"internal"}');
    // What she typed is on the page, in a form that sends it again as it was.
    expect(res.text).toContain('La fibre est coupée depuis ce matin.');
    expect(res.text).toContain('action="/tickets/new"');
    expect(res.text).toContain('name="description" value="La fibre est coupée depuis ce matin.');
    expect(res.text).toContain('Envoyer à nouveau');
    expect(res.text).not.toContain('correct-horse');

    // Once Postgres is back, sending it again works.
    const again = await c.post('/tickets/new', {
      type: 'request',
      category: 'technical',
      title: 'Plus de connexion',
      description: typed,
      serviceId: String(u.serviceIds[0]),
    });
    expect(again.status).toBe(303);
  });

  it('a page view gets the error page in the browser language (the account cannot be read)', async () => {
    const u = await makeUser(t.app, 'customer');
    const c = new WebClient(base);
    await c.login(u.email);
    const browser = c.on(downBase);
    browser.headers = { 'accept-language': 'en-GB,en;q=0.9' };
    const res = await browser.get('/tickets');
    expect(res.status).toBe(500);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('An error occurred. Please try again in a few minutes.');
  });
});
