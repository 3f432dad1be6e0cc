import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { saveNotificationTexts } from '../../src/app/agent/notification-texts.js';
import { useBrowser } from '../helpers/browser.js';
import { useTestDb } from '../helpers/db.js';
import { makeUser, TEST_PASSWORD } from '../helpers/fixtures.js';
import { checkWidths, pageProblems } from '../helpers/page-checks.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

/**
 * Issue 17: the mail texts pages at 1280 and 390 px, screenshotted to out/screenshots/texts-*.png and checked
 * with axe-core, for sideways scrolling, untranslated keys and page errors (a CSP refusal in the framed preview
 * would be one). The preview is asked for with the form's own button, without a script.
 */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();

async function look(page: Page, name: string, failures: string[]) {
  const text = (await page.textContent('body')) ?? '';
  const raw = /\b(portal|agent|common|mail|texts):[a-zA-Z]+\.|\bvalidation\.[a-zA-Z]+\b/.exec(text);
  if (raw) failures.push(`${name}: untranslated key ${raw[0]}`);
  await checkWidths(page, `texts-${name}`, name, failures);
}

describe('mail texts pages', () => {
  it('pass axe at 1280 and 390 px, and the preview of unsaved texts renders the mail', {
    timeout: 120_000,
  }, async () => {
    const admin = await makeUser(t.app, 'admin', { email: 'ana@izarlink.test' });
    await saveNotificationTexts(t.app, admin.actor, {
      template: 'ticket-resolved',
      language: 'es',
      texts: { 'resolved.approve': 'Sí, está resuelto' },
    });
    const failures: string[] = [];
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    ctx.setDefaultTimeout(20_000);
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    await page.goto(`${base}/login`);
    await page.getByLabel('Correo electrónico').fill(admin.email);
    await page.getByLabel('Contraseña').fill(TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Entrar' }).click()]);

    await page.goto(`${base}/agent/admin/notifications`);
    expect(await page.textContent('table.texts-list')).toContain('1 texto personalizado');
    await look(page, 'list', failures);

    await page.goto(`${base}/agent/admin/notifications/ticket-resolved/es`);
    await look(page, 'edit', failures);
    await page.locator('#f-resolved-ask').fill('¿Funciona ya? Díganoslo con un clic.');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Vista previa' }).click()]);
    const frame = page.frameLocator('.text-preview iframe');
    expect(await frame.locator('body').textContent()).toContain('¿Funciona ya? Díganoslo con un clic.');
    expect(await frame.locator('body').textContent()).toContain('Sí, está resuelto');
    await look(page, 'preview', failures);
    await ctx.close();

    failures.push(...problems);
    expect(failures).toEqual([]);
  });
});
