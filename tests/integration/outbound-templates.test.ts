import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, loadConfig } from '../../src/config/config.js';
import { createRedis } from '../../src/infra/redis.js';
import { startOutbound } from '../../src/outbound/index.js';
import { mailGalleryRoutes } from '../../src/outbound/mail-gallery-routes.js';
import { createQueueDashboard } from '../../src/outbound/queue-dashboard.js';
import { sampleData } from '../../src/outbound/samples.js';
import { compileTemplates, TEMPLATE_NAMES, templatesDir } from '../../src/outbound/templates.js';
import { securityHeaders } from '../../src/web/security-headers.js';
import { launchChromium } from '../helpers/browser.js';
import { testRedisPrefix, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';

const root = join(import.meta.dirname, '..', '..');
const config = loadConfig({ NODE_ENV: 'test', REDIS_PREFIX: testRedisPrefix() });

async function listen(app: Koa): Promise<{ url: string; server: Server }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe('mail templates', () => {
  it('an MJML error stops start-up naming the template and its line', async () => {
    const dir = `${mkdtempSync(join(tmpdir(), 'izd-tpl-'))}/`;
    cpSync(templatesDir(), dir, { recursive: true });
    const file = join(dir, 'ticket-closed.mjml');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(3, 0, '        <mj-txet>typo</mj-txet>');
    writeFileSync(file, lines.join('\n'));
    await expect(compileTemplates(config, dir)).rejects.toThrow(
      /ticket-closed\.mjml line 4: Element mj-txet doesn't exist/,
    );
    writeFileSync(
      file,
      lines.join('\n').replace('<mj-txet>typo</mj-txet>', '<mj-button width="lots">x</mj-button>'),
    );
    await expect(compileTemplates(config, dir)).rejects.toThrow(/ticket-closed\.mjml line 4: .*width/);
  });

  it('every template renders in es, en and fr with its own strings, HTML and text, escaping what it fills', async () => {
    const templates = await compileTemplates(config);
    const hello = { es: 'Hola, ', en: 'Hello ', fr: 'Bonjour ' };
    for (const name of TEMPLATE_NAMES) {
      for (const lang of LANGUAGES) {
        const data = { ...sampleData(config, name, lang), name: '<script>x</script>' };
        const { html, text } = templates.render(name, data);
        expect(html, name).toContain(`lang="${lang}"`);
        expect(html, name).toContain('&lt;script&gt;x&lt;/script&gt;');
        expect(html, name).not.toContain('<script>x');
        expect(text, name).toContain(`${hello[lang]}<script>x</script>`);
        expect(text, name).not.toMatch(/\{\{|it\.|<\/?(td|div|table)/);
        expect(text, name).toContain(config.COMPANY_NAME);
      }
    }
  });

  it('`izardesk templates preview` writes every template in every language', async () => {
    const out = mkdtempSync(join(tmpdir(), 'izd-preview-'));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, 'bin/izardesk.js'), 'templates', 'preview', '--out', out],
      { cwd: root, env: { ...process.env, NODE_ENV: 'test' } },
    );
    expect(stdout).toContain(`${TEMPLATE_NAMES.length * 3} previews written`);
    const files = readdirSync(out).filter((f) => f.endsWith('.html') && f !== 'index.html');
    expect(files).toHaveLength(TEMPLATE_NAMES.length * 3);
    expect(readFileSync(join(out, 'ticket-resolved.fr.html'), 'utf8')).toContain('Approuver la solution');
  }, 60_000);

  it('Chromium screenshots at phone and desktop widths: no horizontal scrolling, buttons visible', async () => {
    if (!existsSync('/usr/bin/chromium')) throw new Error('/usr/bin/chromium is required for this test');
    const templates = await compileTemplates(config);
    const outDir = join(root, 'out', 'mail-screenshots');
    mkdirSync(outDir, { recursive: true });
    const browser = await launchChromium();
    try {
      const shots: [(typeof TEMPLATE_NAMES)[number], string][] = [
        ['ticket-resolved', 'es'],
        ['account-invited', 'fr'],
        ['ticket-followup', 'en'],
      ];
      for (const [name, lang] of shots) {
        const { html } = templates.render(name, sampleData(config, name, lang));
        for (const width of [375, 1024]) {
          const page = await browser.newPage({ viewport: { width, height: 800 } });
          await page.setContent(html);
          const scroll = Number(await page.evaluate('document.documentElement.scrollWidth'));
          expect(scroll, `${name} at ${width}px`).toBeLessThanOrEqual(width);
          const button = page.locator('a', { hasText: name === 'ticket-resolved' ? 'Aprobar' : '' }).first();
          expect(await button.isVisible()).toBe(true);
          await page.screenshot({ path: join(outDir, `${name}.${lang}.${width}.png`), fullPage: true });
          await page.close();
        }
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});

const t = await useTestDb();
const dir = mkdtempSync(join(tmpdir(), 'izd-outbox-'));
const s = await useTestServices(t, { MAIL_OUTBOX_DIR: dir });

describe('without SMTP_URL: .eml files and the development gallery', () => {
  it('mails are written to MAIL_OUTBOX_DIR, recorded, and shown safely at /dev/mails', async () => {
    const outbound = await startOutbound(s, { sweepMs: 200 });
    const stops: (() => Promise<unknown>)[] = [() => outbound.stop()];
    try {
      expect(await outbound.health?.()).toMatchObject({ ok: true });
      const customer = await makeUser(s.app, 'customer', { language: 'en' });
      await makeUser(s.app, 'agent');
      const id = await makeTicket(s.app, customer, 'Router <b>dead</b>');
      await waitUntil(
        'the outbox to be processed',
        async () => (await s.db('outbox').whereNull('done_at').count({ n: '*' }))[0]?.n === 0,
      );
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(2);
      const rows = await s.db('deliveries').where({ ticket_id: id }).select();
      expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);

      const app = new Koa();
      app.use(securityHeaders);
      app.use(mailGalleryRoutes(s.config).routes());
      const { url, server } = await listen(app);
      stops.push(() => new Promise((r) => server.close(r)));
      const list = await (await fetch(`${url}/dev/mails`)).text();
      expect(list).toContain('[IZL-');
      expect(list).toContain('Router &lt;b&gt;dead&lt;/b&gt;');
      const file = files[0] as string;
      const detail = await (await fetch(`${url}/dev/mails/${file}`)).text();
      expect(detail).toContain(`<iframe sandbox src="/dev/mails/${file}/html"`);
      expect(detail).toContain('Message-ID');
      const html = await fetch(`${url}/dev/mails/${file}/html`);
      expect(html.headers.get('content-security-policy')).toMatch(/^sandbox;/);
      expect(await html.text()).toContain('<html');
      expect((await fetch(`${url}/dev/mails/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
      expect((await fetch(`${url}/dev/mails/000000001-0000000000.eml`)).status).toBe(404);
    } finally {
      for (const stop of stops.reverse()) await stop();
    }
  });

  it('the queue dashboard factory serves bull-board with the notifications queue', async () => {
    const connection = createRedis(config.REDIS_URL);
    const dashboard = createQueueDashboard(config, connection);
    const app = new Koa();
    app.use(securityHeaders);
    app.use(dashboard.middleware);
    const { url, server } = await listen(app);
    try {
      const page = await fetch(`${url}/admin/queues`);
      expect(page.status).toBe(200);
      // Its own CSP (bull-board needs <base> and inline styles), scripts still from the app only.
      expect(page.headers.get('content-security-policy')).toContain("base-uri 'self'");
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
      const api = (await (await fetch(`${url}/admin/queues/api/queues`)).json()) as {
        queues: { name: string }[];
      };
      expect(api.queues.map((q) => q.name)).toContain('notifications');
    } finally {
      await new Promise((r) => server.close(r));
      await dashboard.close();
      connection.disconnect();
    }
  });
});
