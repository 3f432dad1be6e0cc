import { beforeAll, describe, expect, it } from 'vitest';
import { emailChangeToken } from '../../src/app/links.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);

describe('profile', () => {
  let u: TestUser;
  let c: WebClient;
  beforeAll(async () => {
    u = await makeUser(t.app, 'customer');
    c = new WebClient(base);
    await c.login(u.email);
  });

  it('opens from the name top right and shows field errors beside the fields', async () => {
    const home = await c.get('/tickets/new');
    expect(home.text).toMatch(/class="account-name" href="\/profile">customer [0-9a-f]+</);
    await c.get('/profile');
    const res = await c.post('/profile/main', { name: '', email: 'not-an-email', phone: 'call me' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('El nombre es obligatorio.');
    expect(res.text).toContain('Escriba un correo electrónico válido.');
    expect(res.text).toContain('Escriba un teléfono válido');
    expect(res.text).toContain('value="call me"');
  });

  it('saves the phone at once and confirms a new email through a link before it takes effect', async () => {
    const res = await c.post('/profile/main', {
      name: 'Lucía Martín',
      email: 'lucia.new@example.test',
      phone: '+34 600 11 22 33',
    });
    expect(res.status).toBe(303);
    const row = await t.db('users').where({ id: u.id }).first();
    expect(row).toMatchObject({ name: 'Lucía Martín', phone: '+34 600 11 22 33', email: u.email });
    const out = await t.db('outbox').where({ event: 'account.email_change' });
    expect(out.map((o) => o.payload)).toEqual([{ userId: u.id, newEmail: 'lucia.new@example.test' }]);
    expect((await c.get('/profile')).text).toContain('lucia.new@example.test');

    expect((await c.get('/profile/email/confirm/garbage')).status).toBe(404);
    const account = must(await t.db('users').where({ id: u.id }).first());
    const token = emailChangeToken(s.config.SECRET, account, 'lucia.new@example.test');
    expect((await c.get(`/profile/email/confirm/${token}`)).text).toContain('lucia.new@example.test');
    const ok = await c.post(`/profile/email/confirm/${token}`, {});
    expect(ok.location).toBe('/profile');
    expect(must(await t.db('users').where({ id: u.id }).first()).email).toBe('lucia.new@example.test');
  });

  it('switches the page language from Personalization and validates the choices', async () => {
    await c.get('/profile?tab=personalization');
    const bad = await c.post('/profile/personalization', {
      language: 'de',
      timeZone: 'Mars/Base',
      pageSize: '7',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Elija una zona horaria de la lista.');
    const ok = await c.post('/profile/personalization', {
      language: 'en',
      timeZone: 'America/New_York',
      pageSize: '50',
    });
    expect(ok.status).toBe(303);
    const page = await c.get('/profile?tab=personalization');
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('Changes saved.');
    expect(page.text).toContain('value="America/New_York" selected');
  });

  it('changes the password from the Password tab', async () => {
    await c.get('/profile?tab=password');
    const res = await c.post('/profile/password', {
      current: 'correct-horse-42',
      password: 'a-better-one-77',
      confirm: 'a-better-one-7',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('The two passwords differ.');
    const ok = await c.post('/profile/password', {
      current: 'correct-horse-42',
      password: 'a-better-one-77',
      confirm: 'a-better-one-77',
    });
    expect(ok.status).toBe(303);
    await new WebClient(base).login('lucia.new@example.test', 'a-better-one-77');
  });
});
