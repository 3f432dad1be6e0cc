import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/accounts/create-user.js';
import { createTeam } from '../../src/app/agent/teams.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, TEST_PASSWORD } from '../helpers/fixtures.js';
import { axeViolations, checkWidths, pageProblems } from '../helpers/page-checks.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

/**
 * Issue 17: the audit log, a customer's personal-data card and the erasure's confirmation, at 1280 and 390 px,
 * screenshotted to out/screenshots/gdpr-*.png and checked with axe-core, for sideways scrolling and untranslated
 * keys; the erasure is then confirmed without JavaScript by typing the address.
 */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();

async function look(page: Page, path: string, name: string, failures: string[]) {
  const problems = pageProblems(page);
  const res = await page.goto(`${base}${path}`);
  if (res?.status() !== 200) failures.push(`${name}: status ${res?.status()} for ${path}`);
  const text = (await page.textContent('body')) ?? '';
  const raw = /\b(portal|agent|common|gdpr):[a-zA-Z]+\.|\bvalidation\.[a-zA-Z]+\b/.exec(text);
  if (raw) failures.push(`${name}: untranslated key ${raw[0]}`);
  await checkWidths(page, `gdpr-${name}`, name, failures);
  for (const p of problems) failures.push(`${name}: ${p}`);
}

describe('audit log and personal data pages', () => {
  it('pass axe at 1280 and 390 px, and an erasure is confirmed by typing the address', {
    timeout: 120_000,
  }, async () => {
    const admin = await makeUser(t.app, 'admin', { email: 'ana@izarlink.test' });
    await t.db('users').where({ id: admin.id }).update({ name: 'Ana Admin' });
    const company = await makeUser(t.app, 'customer');
    const { userId } = await createUser(t.app, admin.actor, {
      email: 'lucia.moreno@cliente.example',
      name: 'Lucía Moreno',
      role: 'customer',
      companyId: company.companyId,
      phone: '611 222 333',
    });
    await createTeam(t.app, admin.actor, { name: 'Técnico' });

    const failures: string[] = [];
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    ctx.setDefaultTimeout(20_000);
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('Correo electrónico').fill(admin.email);
    await page.getByLabel('Contraseña').fill(TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Entrar' }).click()]);

    await look(page, '/agent/admin/audit', 'audit', failures);
    expect(await page.textContent('table')).toContain('user.create');
    await look(page, '/agent/admin/audit?action=team.', 'audit-filtered', failures);
    await look(page, `/agent/users/${userId}`, 'customer-card', failures);
    await look(page, `/agent/users/${userId}/erase`, 'erase', failures);

    await page.getByLabel('Para confirmar, escriba su dirección de correo').fill('otra@cliente.example');
    await page.getByRole('button', { name: 'Borrar definitivamente' }).click();
    await page.waitForLoadState();
    expect(await page.textContent('#form-errors')).toContain('Revise los campos marcados.');
    await screenshot(page, 'gdpr-erase-error-1280');
    for (const v of await axeViolations(page))
      failures.push(`erase error: axe ${v.id} at ${v.targets.join(', ')}`);
    await page
      .getByLabel('Para confirmar, escriba su dirección de correo')
      .fill('lucia.moreno@cliente.example');
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Borrar definitivamente' }).click(),
    ]);
    expect(page.url()).toBe(`${base}/agent/users/${userId}`);
    expect(await page.textContent('body')).toContain('Los datos personales de este cliente se borraron.');
    await screenshot(page, 'gdpr-erased-1280');
    await ctx.close();

    expect(must(await t.db('users').where({ id: userId }).first()).name).toBe(`Usuario eliminado #${userId}`);
    expect(failures).toEqual([]);
  });
});
