import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/app/accounts/passwords.js';
import { resetToken } from '../../src/app/links.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);

describe('web foundation and sign-in', () => {
  let customer: TestUser;
  beforeAll(async () => {
    customer = await makeUser(t.app, 'customer');
  });

  it('serves the login page in the browser language with security headers and static assets', async () => {
    const c = new WebClient(base);
    const res = await fetch(`${base}/login`, { headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('<html lang="fr">');
    expect(text).toContain('Connexion');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(text).not.toMatch(/<script>|style="/);
    const css = /href="(\/static\/app\.css\?v=[0-9a-f]+)"/.exec(text)?.[1];
    const asset = await fetch(base + css);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await c.get('/tickets')).location).toBe('/login?next=%2Ftickets');
  });

  it('gives one generic message for a wrong password and for an unknown account', async () => {
    const c = new WebClient(base);
    await c.get('/login');
    const wrong = await c.post('/login', { email: customer.email, password: 'nope-nope-1' });
    const unknown = await c.post('/login', { email: 'nobody@example.test', password: 'nope-nope-1' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('Correo o contraseña incorrectos.');
    expect(unknown.text).toContain('Correo o contraseña incorrectos.');
    expect(wrong.text).toContain(`value="${customer.email}"`);
  });

  it('slows down repeated failures on one account and says when to retry', async () => {
    const victim = await makeUser(t.app, 'customer');
    const c = new WebClient(base);
    await c.get('/login');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await c.post('/login', { email: victim.email, password: `bad-${i}-0000000` })).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const blocked = await c.post('/login', { email: victim.email, password: 'correct-horse-42' });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toMatch(/Vuelva a intentarlo dentro de \d+ min/);
  });

  it('starts a session only at login, and ends it at logout', async () => {
    const c = new WebClient(base);
    const page = await c.get('/login');
    // A visitor without a session gets no session row: the form's token is stateless.
    expect(page.headers.getSetCookie().find((x) => x.startsWith('izd_sid='))).toBeUndefined();
    const csrfCookie = page.headers.getSetCookie().find((x) => x.startsWith('izd_csrf='));
    expect(csrfCookie).toMatch(/HttpOnly/i);
    expect(csrfCookie).toMatch(/SameSite=Lax/i);
    const login = await c.login(customer.email);
    const userCookie = login.headers.getSetCookie().find((x) => x.startsWith('izd_sid='));
    expect(userCookie).toMatch(/HttpOnly/i);
    expect(userCookie).toMatch(/SameSite=Lax/i);
    expect((await c.get('/tickets/new')).status).toBe(200);
    const before = await t
      .db('sessions')
      .where({ user_id: customer.id })
      .count<{ count: number }[]>('* as count');
    await c.post('/logout', {});
    const after = await t
      .db('sessions')
      .where({ user_id: customer.id })
      .count<{ count: number }[]>('* as count');
    expect(Number(after[0]?.count)).toBe(Number(before[0]?.count) - 1);
    expect((await c.get('/tickets/new')).status).toBe(302);
  });

  it('refuses a POST without the CSRF token with 403', async () => {
    const c = new WebClient(base);
    await c.login(customer.email);
    const res = await c.post('/logout', {}, null);
    expect(res.status).toBe(403);
    expect(res.text).toContain('El formulario ha caducado');
    const wrong = await c.post('/logout', { _csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    await c.get('/tickets/new');
    const multipart = await c.postMultipart(
      '/tickets/new',
      { type: 'request', category: 'technical', title: 'No token', description: 'x' },
      undefined,
      null,
    );
    expect(multipart.status).toBe(403);
    expect(await t.db('tickets').where({ title: 'No token' })).toHaveLength(0);
  });

  it('forces a generated password to be changed before anything else', async () => {
    const fresh = await makeUser(t.app, 'customer', { mustChange: true });
    const c = new WebClient(base);
    await c.login(fresh.email);
    // The page first asked for is kept for after the change.
    expect((await c.get('/tickets?status=open')).location).toBe(
      '/password/change?next=%2Ftickets%3Fstatus%3Dopen',
    );
    expect((await c.get('/')).location).toBe('/tickets/new');
    expect((await c.get('/tickets/new')).location).toBe('/password/change?next=%2Ftickets%2Fnew');
    const page = await c.get('/password/change?next=%2Ftickets%3Fstatus%3Dopen');
    expect(page.text).toContain('Al menos 10 caracteres');
    expect(page.text).toContain('name="next" value="/tickets?status=open"');
    const weak = await c.post('/password/change', {
      current: 'correct-horse-42',
      password: 'short',
      confirm: 'short',
      next: '/tickets?status=open',
    });
    expect(weak.status).toBe(422);
    expect(weak.text).toContain('al menos 10 caracteres');
    expect(weak.text).toContain('name="next" value="/tickets?status=open"');
    const badOld = await c.post('/password/change', {
      current: 'wrong-password-1',
      password: 'brand-new-pass-7',
      confirm: 'brand-new-pass-7',
    });
    expect(badOld.text).toContain('La contraseña actual no es correcta.');
    const ok = await c.post('/password/change', {
      current: 'correct-horse-42',
      password: 'brand-new-pass-7',
      confirm: 'brand-new-pass-7',
      next: '/tickets?status=open',
    });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/tickets?status=open');
    expect((await c.get('/tickets')).status).toBe(200);
    const row = must(await t.db('users').where({ id: fresh.id }).first());
    expect(row.must_change_password).toBe(false);
    expect(row!.password_hash).toMatch(/^\$argon2/);
  });

  it('answers a reset request the same way for known and unknown addresses, and the link works once', async () => {
    const c = new WebClient(base);
    await c.get('/password/forgot');
    const known = await c.post('/password/forgot', { email: customer.email.toUpperCase() });
    const unknown = await c.post('/password/forgot', { email: 'ghost@example.test' });
    const strip = (x: string) => x.replace(/value="[^"]+"/g, '');
    expect(strip(known.text)).toBe(strip(unknown.text));
    const rows = await t.db('outbox').where({ event: 'account.password_reset' });
    expect(rows).toHaveLength(1);
    expect(rows[0].payload).toEqual({ userId: customer.id });

    const user = must(await t.db('users').where({ id: customer.id }).first());
    const token = resetToken(s.config.SECRET, user);
    expect((await c.get(`/password/reset/${token}`)).status).toBe(200);
    const done = await c.post(`/password/reset/${token}`, {
      password: 'another-pass-99',
      confirm: 'another-pass-99',
    });
    expect(done.location).toBe('/login');
    expect((await c.get(`/password/reset/${token}`)).status).toBe(404);
    await new WebClient(base).login(customer.email, 'another-pass-99');
    await t
      .db('users')
      .where({ id: customer.id })
      .update({ password_hash: await hashPassword('correct-horse-42') });
  });

  it('renders unknown pages as a friendly 404 page', async () => {
    const res = await new WebClient(base).get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Página no encontrada');
  });
});

describe('anonymous forms', () => {
  it('2,000 anonymous views of /login write no session row; the stateless token still guards the form', async () => {
    const before = Number((await t.db('sessions').count({ n: '*' }))[0]?.n);
    for (let i = 0; i < 20; i++)
      await Promise.all(Array.from({ length: 100 }, () => fetch(`${base}/login`).then((r) => r.text())));
    expect(Number((await t.db('sessions').count({ n: '*' }))[0]?.n)).toBe(before);

    const user = await makeUser(t.app, 'customer');
    const forged = new WebClient(base);
    await forged.get('/login');
    const other = new WebClient(base);
    await other.get('/login');
    // Another visitor's token, or none, is refused; the browser's own is accepted.
    expect(
      (await forged.post('/login', { email: user.email, password: 'correct-horse-42' }, other.csrf)).status,
    ).toBe(403);
    expect(
      (await forged.post('/login', { email: user.email, password: 'correct-horse-42' }, null)).status,
    ).toBe(403);
    expect((await forged.post('/login', { email: user.email, password: 'correct-horse-42' })).status).toBe(
      303,
    );
  });

  it('a message for the next page reaches a visitor without a session (password reset done)', async () => {
    const user = await makeUser(t.app, 'customer');
    const row = must(await t.db('users').where({ id: user.id }).first());
    const c = new WebClient(base);
    const token = resetToken(s.config.SECRET, row);
    await c.get(`/password/reset/${token}`);
    const done = await c.post(`/password/reset/${token}`, {
      password: 'another-pass-98',
      confirm: 'another-pass-98',
    });
    expect(done.location).toBe('/login');
    expect((await c.get('/login')).text).toContain('Contraseña cambiada. Ya puede iniciar sesión.');
    expect((await c.get('/login')).text).not.toContain('Contraseña cambiada. Ya puede iniciar sesión.');
  });
});
