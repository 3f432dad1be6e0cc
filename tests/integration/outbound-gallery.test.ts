import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOutbox } from '../../src/app/outbox.js';
import { LANGUAGES } from '../../src/config/config.js';
import { startOutbound } from '../../src/outbound/index.js';
import { TEMPLATE_NAMES } from '../../src/outbound/templates.js';
import { createWebApp } from '../../src/web/app.js';
import { mailGalleryEnabled } from '../../src/web/mail-gallery-routes.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { useTestDb } from '../helpers/db.js';
import { makeUser, type TestUser } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

const t = await useTestDb();
const dir = mkdtempSync(join(tmpdir(), 'izd-gallery-'));
const s = await useTestServices(t, { MAIL_OUTBOX_DIR: dir, PUBLIC_URL: 'http://localhost:3000' });
const base = await startTestWeb(s);
const outbound = await startOutbound(s, { sweepMs: 200 });
afterAll(() => outbound.stop());
const browser = await useBrowser();

let admin: TestUser;
let otherAdmin: TestUser;
let agent: TestUser;
/** Invited: the invitation sets a new password, mailed to them. */
let invitee: TestUser;
/** File name and parsed mail of each mail written, by recipient. */
const files = new Map<string, { file: string; text: string; html: string }>();

const signedIn = async (u: TestUser) => {
  const c = new WebClient(base);
  await c.login(u.email);
  return c;
};

beforeAll(async () => {
  admin = await makeUser(s.app, 'admin', { language: 'es' });
  otherAdmin = await makeUser(s.app, 'admin', { language: 'en' });
  agent = await makeUser(s.app, 'agent', { language: 'es' });
  invitee = await makeUser(s.app, 'customer', { language: 'es' });
  await s.db.transaction((trx) =>
    writeOutbox(trx, [
      { event: 'account.password_reset', actorId: null, payload: { userId: otherAdmin.id } },
      { event: 'account.invited', actorId: otherAdmin.id, payload: { userId: invitee.id } },
    ]),
  );
  await waitUntil(
    'the outbox to be processed',
    async () => Number((await s.db('outbox').whereNull('done_at').count({ n: '*' }))[0]?.n) === 0,
  );
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
    const m = await simpleParser(readFileSync(join(dir, file)));
    const to = (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '';
    files.set(to, { file, text: m.text ?? '', html: typeof m.html === 'string' ? m.html : '' });
  }
});

describe('the mail gallery (/dev/mails)', () => {
  it('is for admins only: an agent cannot read an admin’s password-reset link there', async () => {
    const c = await signedIn(agent);
    expect((await c.get('/dev/mails')).status).toBe(404);
    const reset = files.get(otherAdmin.email);
    if (!reset) throw new Error('no reset mail written');
    expect((await c.get(`/dev/mails/${reset.file}`)).status).toBe(404);
    expect((await c.get(`/dev/mails/${reset.file}/html`)).status).toBe(404);
    expect((await new WebClient(base).get('/dev/mails')).status).toBe(302);
  });

  it('hides reset links, reply tokens and passwords from an admin who is not the recipient; never cached', async () => {
    const c = await signedIn(admin);
    const list = await c.get('/dev/mails');
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
    const reset = files.get(otherAdmin.email);
    const invite = files.get(invitee.email);
    if (!reset || !invite) throw new Error('mails not written');
    const token = /\/password\/reset\/([^\s\]"]+)/.exec(reset.text)?.[1] ?? '';
    expect(token.length).toBeGreaterThan(20);
    const password = /Contraseña temporal: (\S+)/.exec(invite.text)?.[1] ?? '';
    expect(password).toHaveLength(14);
    for (const path of [`/dev/mails/${reset.file}`, `/dev/mails/${reset.file}/html`]) {
      const r = await c.get(path);
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.text).not.toContain(token);
      expect(r.text).toContain('/password/reset/…');
    }
    expect((await c.get(`/dev/mails/${reset.file}`)).text).toContain('están ocultos');
    for (const path of [`/dev/mails/${invite.file}`, `/dev/mails/${invite.file}/html`]) {
      const r = await c.get(path);
      expect(r.text).not.toContain(password);
      expect(r.text).toContain('••••••••');
    }
  });

  it('shows the recipient her own mail whole, with labels and dates in her language', async () => {
    const c = await signedIn(otherAdmin);
    const reset = files.get(otherAdmin.email);
    if (!reset) throw new Error('no reset mail written');
    const token = /\/password\/reset\/([^\s\]"]+)/.exec(reset.text)?.[1] ?? '';
    const page = await c.get(`/dev/mails/${reset.file}`);
    expect(page.text).toContain(token);
    expect(page.text).toContain('Reply to');
    expect(page.text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    expect((await c.get(`/dev/mails/${reset.file}/html`)).text).toContain(token);
    expect((await c.get('/dev/mails/..%2F..%2Fetc%2Fpasswd')).status).toBe(404);
    expect((await c.get('/dev/mails/000000001-0000000000.eml')).status).toBe(404);
  });

  it('shows every template in es, en and fr, styled like the product and inert', async () => {
    const c = await signedIn(admin);
    const list = await c.get('/dev/mails');
    for (const name of TEMPLATE_NAMES) {
      for (const lang of LANGUAGES) expect(list.text).toContain(`/dev/mails/templates/${name}/${lang}"`);
    }
    expect(list.text).toContain('/static/');
    const page = await c.get('/dev/mails/templates/ticket-resolved/fr');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Solution proposée');
    const mail = await c.get('/dev/mails/templates/ticket-resolved/fr/html');
    expect(mail.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    expect(mail.text).toContain('Approuver la solution');
    expect((await c.get('/dev/mails/templates/ticket-resolved/de')).status).toBe(404);
  });

  it('is off in production unless MAIL_GALLERY turns it on, and off with an SMTP relay', async () => {
    expect(mailGalleryEnabled({ ...s.config, NODE_ENV: 'production' })).toBe(false);
    expect(mailGalleryEnabled({ ...s.config, NODE_ENV: 'production', MAIL_GALLERY: true })).toBe(true);
    expect(mailGalleryEnabled({ ...s.config, SMTP_URL: 'smtp://relay.test:25' })).toBe(false);
    const server = createWebApp(
      { ...s, config: { ...s.config, NODE_ENV: 'production' } },
      { health: {} },
    ).listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', r));
    try {
      const address = server.address() as { port: number };
      const c = new WebClient(`http://127.0.0.1:${address.port}`);
      await c.login(admin.email);
      expect((await c.get('/dev/mails')).status).toBe(404);
    } finally {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    }
  });
});

describe('the queue dashboard (/admin/queues)', () => {
  it('speaks the admin’s language, loads no remote font and offers no button that can only fail', async () => {
    const c = await signedIn(admin);
    const page = await c.get('/admin/queues');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.text).toContain('<html lang="es"');
    expect(page.text).toContain('"lng":"es-ES"');
    expect(page.text).toContain('<title>Colas de correo</title>');
    const api = JSON.parse((await c.get('/admin/queues/api/queues')).text) as {
      queues: { name: string; readOnlyMode: boolean }[];
    };
    expect(api.queues.map((q) => [q.name, q.readOnlyMode])).toEqual([['notifications', true]]);
    expect((await (await signedIn(agent)).get('/admin/queues')).status).toBe(404);
  });
});

describe('as an admin sees them in Chromium', () => {
  it('the gallery, a template and the dashboard: product layout, Spanish, nothing from other sites', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 800 }, locale: 'es-ES' });
    const remote: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('about:'))
        remote.push(r.url());
    });
    await page.goto(`${base}/login`);
    await page.getByLabel('Correo electrónico').fill(admin.email);
    await page.getByLabel('Contraseña').fill('correct-horse-42');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Entrar' }).click()]);
    await page.goto(`${base}/dev/mails`);
    await expect(page.getByRole('heading', { name: 'Plantillas' }).isVisible()).resolves.toBe(true);
    await screenshot(page, 'mails/gallery-list.es');
    await page.goto(`${base}/dev/mails/templates/ticket-pending/es`);
    await page
      .frameLocator('iframe')
      .getByText('Le pedimos')
      .first()
      .waitFor({ state: 'attached' })
      .catch(() => {});
    await screenshot(page, 'mails/gallery-template.es');
    await page.goto(`${base}/admin/queues`);
    await page.getByText('Esperando subtareas').first().waitFor({ timeout: 60_000 });
    await screenshot(page, 'mails/queue-dashboard.es');
    expect(remote).toEqual([]);
  }, 180_000);
});
