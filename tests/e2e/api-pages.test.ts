import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowser } from '../helpers/browser.js';
import { useTestDb } from '../helpers/db.js';
import { makeUser, TEST_PASSWORD } from '../helpers/fixtures.js';
import { checkWidths, pageProblems, recordForeignRequests } from '../helpers/page-checks.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

/**
 * Issue 17: the API tokens page (list, creation with the value shown once) and the API reference at 1280 and
 * 390 px, screenshotted to out/screenshots/api-*.png, checked with axe-core, for sideways scrolling, untranslated
 * keys and any request to another origin.
 */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();

async function look(page: Page, name: string, failures: string[]) {
  const text = (await page.textContent('body')) ?? '';
  const raw = /\b(api|agent|common):[a-zA-Z]+\./.exec(text);
  if (raw) failures.push(`${name}: untranslated key ${raw[0]}`);
  await checkWidths(page, `api-${name}`, name, failures);
}

describe('API pages', () => {
  it('pass axe at 1280 and 390 px; a token is created from the form and shown once', {
    timeout: 120_000,
  }, async () => {
    const admin = await makeUser(t.app, 'admin');
    const failures: string[] = [];
    const foreign: string[] = [];
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    ctx.setDefaultTimeout(20_000);
    recordForeignRequests(ctx, base, foreign);
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    await page.goto(`${base}/login`);
    await page.getByLabel('Correo electrónico').fill(admin.email);
    await page.getByLabel('Contraseña').fill(TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Entrar' }).click()]);

    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('link', { name: 'Administración', exact: true }).click(),
    ]);
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('link', { name: 'API', exact: true }).click(),
    ]);
    expect(page.url()).toBe(`${base}/agent/admin/api-tokens`);
    await look(page, 'tokens-empty', failures);
    await page.getByLabel('Nombre').fill('Monitorización de red');
    await page.getByRole('checkbox', { name: /Tickets: abrir tickets/ }).check();
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Crear un token' }).click(),
    ]);
    const token = await page.getByRole('textbox', { name: 'Token', exact: true }).inputValue();
    expect(token).toMatch(/^izd_[\w-]{43}$/);
    await look(page, 'tokens-created', failures);
    // Shown once: the list never shows it again.
    await page.goto(`${base}/agent/admin/api-tokens`);
    expect(await page.content()).not.toContain(token);
    expect(await page.textContent('table')).toContain('Monitorización de red');
    await look(page, 'tokens-list', failures);

    await page.getByRole('link', { name: 'Referencia de la API' }).click();
    await page.waitForLoadState();
    expect(await page.textContent('h1')).toContain('API reference');
    await look(page, 'docs', failures);
    await ctx.close();

    expect([...failures, ...problems]).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
