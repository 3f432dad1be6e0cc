import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, TEST_PASSWORD } from '../helpers/fixtures.js';
import { startTestIdp } from '../helpers/oidc-provider.js';
import { axeViolations } from '../helpers/page-checks.js';
import { useTestServices } from '../helpers/services.js';
import { freePort, startTestWeb, WebClient, type WebResponse } from '../helpers/web.js';

/**
 * Single sign-on of the staff (issue 17) against a real OpenID Connect provider (oidc-provider), driven over
 * HTTP as a browser would: Izardesk's login page, the provider's login and consent forms, the callback.
 */
const t = await useTestDb();
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const callback = `${base}/auth/oidc/callback`;
const idp = await startTestIdp(callback);
const s = await useTestServices(t, {
  PUBLIC_URL: base,
  OIDC_ISSUER: idp.issuer,
  OIDC_CLIENT_ID: idp.clientId,
  OIDC_CLIENT_SECRET: idp.clientSecret,
  OIDC_ROLE_CLAIM: 'groups',
  OIDC_AGENT_VALUES: 'helpdesk-agents, helpdesk-leads',
  OIDC_ADMIN_VALUES: 'helpdesk-admins',
  OIDC_BUTTON_LABEL: 'IzarLink ID',
  STAFF_PASSWORD_LOGIN: 'off',
});
await startTestWeb(s, port);
const plain = await useTestServices(t);
const plainBase = await startTestWeb(plain);

/** Where a redirect goes. */
function where(res: WebResponse): string {
  if (!res.location) throw new Error(`expected a redirect, got ${res.status}: ${res.text.slice(0, 300)}`);
  return res.location;
}

/** A person at the provider, with a fresh address; returns the login name. */
function person(claims: { groups?: string[]; email?: string; email_verified?: boolean; locale?: string }) {
  const login = `p-${randomBytes(4).toString('hex')}`;
  idp.accounts.set(login, {
    email: claims.email ?? `${login}@izarlink.test`,
    email_verified: claims.email_verified ?? true,
    name: `Persona ${login}`,
    locale: claims.locale ?? 'es-ES',
    groups: claims.groups ?? [],
  });
  return login;
}

/**
 * From Izardesk's "Entrar con" button through the provider's login (as `login`) and consent, up to the browser
 * being sent back: returns the callback URL, not yet visited. `tamper` may change the request to the provider.
 */
async function atProvider(c: WebClient, login: string, tamper?: (auth: URL) => void): Promise<string> {
  const start = await c.get('/auth/oidc');
  expect(start.status).toBe(302);
  const auth = new URL(where(start));
  expect(auth.origin).toBe(idp.issuer);
  expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
  tamper?.(auth);
  let url = auth.href;
  for (let step = 0; step < 12; step++) {
    const res = await c.get(url);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(where(res), url).href;
      if (url.startsWith(callback)) return url;
      continue;
    }
    expect(res.status, res.text).toBe(200);
    const action = must(/<form[^>]* action="([^"]+)"/.exec(res.text)?.[1]);
    const prompt = must(/name="prompt" value="([^"]+)"/.exec(res.text)?.[1]);
    const form: Record<string, string> = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
    const posted = await c.post(new URL(action, url).href, form, null);
    url = new URL(where(posted), url).href;
  }
  throw new Error('the provider never sent the browser back');
}

/** Follows Izardesk's redirects from a response to the page they end on. */
async function landing(c: WebClient, res: WebResponse): Promise<{ path: string; res: WebResponse }> {
  let path = '';
  let r = res;
  while (r.status >= 300 && r.status < 400) {
    path = new URL(where(r), base).pathname;
    r = await c.get(path);
  }
  return { path, res: r };
}

const userByEmail = async (email: string) =>
  t.db('users').whereRaw('lower(email) = ?', [email.toLowerCase()]).first();
const sessionsOf = async (userId: number) =>
  Number((await t.db('sessions').where({ user_id: userId }).count({ n: '*' }))[0]?.n);
const signedInSessions = async () =>
  Number((await t.db('sessions').whereNotNull('user_id').count({ n: '*' }))[0]?.n);

describe('single sign-on of the staff (OpenID Connect)', () => {
  it('shows the staff button on the login page', async () => {
    const page = await new WebClient(base).get('/login');
    expect(page.text).toContain('Entrar con IzarLink ID');
    expect(page.text).toContain('href="/auth/oidc"');
  });

  it('keeps the login page and the refusal pages accessible (axe)', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/login`);
      expect(await axeViolations(page)).toEqual([]);
      const res = await page.goto(`${base}/auth/oidc/callback?code=x&state=y`);
      expect(res?.status()).toBe(400);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('creates an agent on first sign-in and lands them on the agent queue', async () => {
    const login = person({ groups: ['staff', 'helpdesk-agents'] });
    const info = vi.spyOn(s.logger, 'info');
    const c = new WebClient(base);
    await c.get('/login');
    const back = await c.get(await atProvider(c, login));
    const { path, res } = await landing(c, back);
    expect(path).toBe('/agent');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Cola de tickets');
    const user = must(await userByEmail(`${login}@izarlink.test`));
    expect(user).toMatchObject({
      role: 'agent',
      oidc_issuer: idp.issuer,
      oidc_subject: login,
      password_hash: null,
      must_change_password: false,
      language: 'es',
      name: `Persona ${login}`,
    });
    expect(user.last_login_at).not.toBeNull();
    expect(info).toHaveBeenCalledWith(
      expect.objectContaining({ userId: user.id, role: 'agent', via: 'created', subject: login }),
      'staff signed in with single sign-on',
    );

    // The next sign-in finds the same account by its identity, even with another address at the provider.
    idp.accounts.set(login, { ...idp.accounts.get(login), email: `renamed-${login}@izarlink.test` });
    const again = new WebClient(base);
    expect((await landing(again, await again.get(await atProvider(again, login)))).path).toBe('/agent');
    expect(await t.db('users').where({ oidc_subject: login })).toHaveLength(1);
  });

  it('maps the admin value to the admin role, and follows the claim at each sign-in', async () => {
    const login = person({ groups: ['helpdesk-admins'] });
    const c = new WebClient(base);
    await landing(c, await c.get(await atProvider(c, login)));
    const email = `${login}@izarlink.test`;
    expect(must(await userByEmail(email)).role).toBe('admin');
    expect((await c.get('/agent/admin/teams')).status).toBe(200);

    idp.accounts.set(login, { ...idp.accounts.get(login), groups: ['helpdesk-leads'] });
    const later = new WebClient(base);
    await landing(later, await later.get(await atProvider(later, login)));
    expect(must(await userByEmail(email)).role).toBe('agent');
    expect((await later.get('/agent/admin/teams')).status).toBe(403);
  });

  it('links an existing staff account by its verified address, and never signs a customer in', async () => {
    const agent = await makeUser(t.app, 'agent');
    const login = person({ email: agent.email.toUpperCase(), groups: ['helpdesk-admins'] });
    const c = new WebClient(base);
    expect((await landing(c, await c.get(await atProvider(c, login)))).path).toBe('/agent');
    expect(must(await userByEmail(agent.email))).toMatchObject({
      id: agent.id,
      role: 'admin',
      oidc_subject: login,
    });

    const unverified = await makeUser(t.app, 'agent');
    const claimed = person({ email: unverified.email, email_verified: false, groups: ['helpdesk-agents'] });
    const u = new WebClient(base);
    const refusedLink = await u.get(await atProvider(u, claimed));
    expect(refusedLink.status).toBe(403);
    expect(refusedLink.text).toContain('no se puede vincular con IzarLink ID');
    expect(must(await userByEmail(unverified.email)).oidc_subject).toBeNull();

    const customer = await makeUser(t.app, 'customer', { language: 'fr' });
    const posing = person({ email: customer.email, groups: ['helpdesk-admins'] });
    const p = new WebClient(base);
    const refused = await p.get(await atProvider(p, posing));
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('<html lang="fr">');
    expect(refused.text).toContain('compte client');
    expect(must(await userByEmail(customer.email))).toMatchObject({ role: 'customer', oidc_subject: null });
    expect(await sessionsOf(customer.id)).toBe(0);
  });

  it('refuses a person without a staff value, in their language, and creates nothing', async () => {
    const login = person({ groups: ['sales'], locale: 'en-GB' });
    const warn = vi.spyOn(s.logger, 'warn');
    const c = new WebClient(base);
    const before = await signedInSessions();
    const res = await c.get(await atProvider(c, login));
    expect(res.status).toBe(403);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Your IzarLink ID account does not give access to the support area.');
    expect(await userByEmail(`${login}@izarlink.test`)).toBeUndefined();
    expect(await signedInSessions()).toBe(before);
    expect((await c.get('/agent')).location).toBe('/login?next=%2Fagent');
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'no_staff_role', subject: login, issuer: idp.issuer }),
      'single sign-on refused',
    );
  });

  it('rejects a tampered state, or a code bound to another PKCE challenge, with a 400 page', async () => {
    const login = person({ groups: ['helpdesk-agents'] });
    const before = await signedInSessions();
    const c = new WebClient(base);
    const url = new URL(await atProvider(c, login));
    url.searchParams.set('state', `${url.searchParams.get('state')}x`);
    const res = await c.get(url.href);
    expect(res.status).toBe(400);
    expect(res.text).toContain('No hemos podido comprobar la respuesta de IzarLink ID');

    const p = new WebClient(base);
    const other = await atProvider(p, login, (auth) =>
      auth.searchParams.set('code_challenge', 'A'.repeat(43)),
    );
    expect((await p.get(other)).status).toBe(400);
    expect(await signedInSessions()).toBe(before);
    expect(await userByEmail(`${login}@izarlink.test`)).toBeUndefined();
  });

  it('rejects an ID token whose nonce is not the one sent, and a replayed callback', async () => {
    const login = person({ groups: ['helpdesk-agents'] });
    const c = new WebClient(base);
    const forged = await atProvider(c, login, (auth) => auth.searchParams.set('nonce', 'not-the-nonce'));
    const before = await signedInSessions();
    expect((await c.get(forged)).status).toBe(400);
    expect(await signedInSessions()).toBe(before);
    expect(await userByEmail(`${login}@izarlink.test`)).toBeUndefined();

    const ok = new WebClient(base);
    const url = await atProvider(ok, login);
    expect((await landing(ok, await ok.get(url))).path).toBe('/agent');
    const signedIn = await signedInSessions();
    // The same answer again: from the same browser (its flow is used up), and from another one.
    expect((await ok.get(url)).status).toBe(400);
    expect((await new WebClient(base).get(url)).status).toBe(400);
    expect(await signedInSessions()).toBe(signedIn);
  });

  it('with STAFF_PASSWORD_LOGIN=off refuses an agent password in their language; customers still sign in', async () => {
    const agent = await makeUser(t.app, 'agent', { language: 'fr' });
    const c = new WebClient(base);
    await c.get('/login');
    const refused = await c.post('/login', { email: agent.email, password: TEST_PASSWORD });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('<html lang="fr">');
    expect(refused.text).toContain('L’équipe support se connecte avec IzarLink ID');
    expect(await sessionsOf(agent.id)).toBe(0);
    // A wrong password says nothing about the account.
    const wrong = await c.post('/login', { email: agent.email, password: 'wrong-password-1' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Correo o contraseña incorrectos.');

    const customer = await makeUser(t.app, 'customer');
    const res = await new WebClient(base).login(customer.email);
    expect(res.location).toBe('/');
  });
});

describe('without single sign-on settings', () => {
  it('changes nothing: no button, no route, staff passwords work', async () => {
    const c = new WebClient(plainBase);
    const page = await c.get('/login');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('/auth/oidc');
    expect(page.text).not.toContain('Entrar con IzarLink ID');
    expect((await c.get('/auth/oidc')).status).toBe(404);
    expect((await c.get('/auth/oidc/callback?code=x&state=y')).status).toBe(404);
    const agent = await makeUser(t.app, 'agent');
    expect((await c.login(agent.email)).status).toBe(303);
  });
});
