import { describe, expect, it } from 'vitest';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);

const checkbox = (page: string) => /<input type="checkbox" name="notifySelf"[^>]*>/.exec(page)?.[0] ?? '';

describe('Personalización: "Recibir copia de mis propias acciones"', () => {
  it('is on for a customer by default, and she can turn it off and on again', async () => {
    const lucia = await makeUser(s.app, 'customer', { language: 'es' });
    const c = new WebClient(base);
    await c.login(lucia.email);
    const page = await c.get('/profile?tab=personalization');
    expect(page.text).toContain('Recibir copia de mis propias acciones');
    expect(checkbox(page.text)).toContain(' checked');
    const fields = { language: 'es', timeZone: 'Europe/Madrid', pageSize: '20' };
    expect((await c.post('/profile/personalization', fields)).status).toBe(303);
    expect(must(await s.db('users').where({ id: lucia.id }).first('notify_self')).notify_self).toBe(false);
    expect(checkbox((await c.get('/profile?tab=personalization')).text)).not.toContain(' checked');
    await c.post('/profile/personalization', { ...fields, notifySelf: '1' });
    expect(must(await s.db('users').where({ id: lucia.id }).first('notify_self')).notify_self).toBe(true);
  });

  it('is off for an agent by default', async () => {
    const ana = await makeUser(s.app, 'agent', { language: 'en' });
    const c = new WebClient(base);
    await c.login(ana.email);
    const page = await c.get('/profile?tab=personalization');
    expect(page.text).toContain('Receive a copy of my own actions');
    expect(checkbox(page.text)).not.toContain(' checked');
  });
});
