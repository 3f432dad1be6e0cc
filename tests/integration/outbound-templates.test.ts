import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, loadConfig } from '../../src/config/config.js';
import { sampleData } from '../../src/outbound/samples.js';
import { compileTemplates, TEMPLATE_NAMES, templatesDir } from '../../src/outbound/templates.js';
import { launchChromium, SCREENSHOT_DIR } from '../helpers/browser.js';
import { testRedisPrefix } from '../helpers/db.js';

const root = join(import.meta.dirname, '..', '..');
const PUBLIC_URL = 'https://ayuda.izarlink.test';
const config = loadConfig({ NODE_ENV: 'test', REDIS_PREFIX: testRedisPrefix(), PUBLIC_URL });

/** Every URL a mail client would fetch or follow: src/href/background attributes, CSS url() and @import. */
const urlsIn = (html: string): string[] => [
  ...[...html.matchAll(/\b(?:src|href|background)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1] as string),
  ...[...html.matchAll(/url\(\s*["']?([^"')]+)/gi)].map((m) => m[1] as string),
  ...[...html.matchAll(/@import\s+(?:url\()?["']?([^"');\s]+)/gi)].map((m) => m[1] as string),
];

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

  it('no mail loads or links anything outside our own PUBLIC_URL (no Google Fonts, no trackers)', async () => {
    const templates = await compileTemplates(config);
    for (const name of TEMPLATE_NAMES) {
      for (const lang of LANGUAGES) {
        const { html } = templates.render(name, sampleData(config, name, lang));
        const remote = urlsIn(html).filter(
          (u) => /^(https?:)?\/\//i.test(u) && !u.startsWith(`${PUBLIC_URL}/`),
        );
        expect(remote, `${name} (${lang})`).toEqual([]);
        expect(html, `${name} (${lang})`).not.toMatch(/fonts\.(googleapis|gstatic)\.com/);
      }
    }
  });

  it('Chromium renders every template in es, en and fr: screenshots, no sideways scrolling, links visible', async () => {
    const templates = await compileTemplates(config);
    const outDir = join(SCREENSHOT_DIR, 'mails');
    mkdirSync(outDir, { recursive: true });
    const browser = await launchChromium();
    try {
      // Every language on a phone; the desktop layout once, in Spanish.
      for (const [width, langs] of [
        [390, LANGUAGES],
        [1024, ['es']],
      ] as const) {
        const page = await browser.newPage({ viewport: { width, height: 800 } });
        for (const name of TEMPLATE_NAMES) {
          for (const lang of langs) {
            const data = sampleData(config, name, lang);
            await page.setContent(templates.render(name, data).html);
            const scroll = Number(await page.evaluate('document.documentElement.scrollWidth'));
            expect(scroll, `${name}.${lang} at ${width}px`).toBeLessThanOrEqual(width);
            expect(await page.locator('body').textContent()).toContain(String(data.name));
            const button = page.locator('a[href^="https://ayuda.izarlink.test/"]').first();
            expect(await button.isVisible(), `${name}.${lang} button`).toBe(true);
            await page.screenshot({ path: join(outDir, `${name}.${lang}.${width}.png`), fullPage: true });
          }
        }
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 180_000);
});
