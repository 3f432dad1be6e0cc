import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { unseal } from '../../src/infra/secret-box.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { must, useTestDb } from '../helpers/db.js';
import { startDovecot } from '../helpers/dovecot.js';
import { makeUser, TEST_PASSWORD } from '../helpers/fixtures.js';
import { axeViolations, pageProblems } from '../helpers/page-checks.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

/**
 * The mailboxes admin in Chromium: list, add (with its errors), edit, test the connection and deactivate,
 * in es/en/fr, axe-clean, and the IMAP password never shown back (plain forms: no script involved).
 */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();
const dovecot = await startDovecot({ extraUsers: ['facturacion'] });
const LIST = '/agent/admin/mailboxes';

async function signIn(email: string): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'es-ES',
  });
  ctx.setDefaultTimeout(20_000);
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(TEST_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Entrar' }).click()]);
  return page;
}

/** axe's serious and critical findings, and any key shown instead of its text. */
async function checked(page: Page, name: string): Promise<string[]> {
  await screenshot(page, `mailboxes-${name}`);
  const text = (await page.textContent('body')) ?? '';
  const raw = /\b(mailboxes|agent|common):[a-zA-Z]+[.\w]*|\bvalidation\.[a-zA-Z]+\b/.exec(text);
  return [
    ...(raw ? [`${name}: untranslated key ${raw[0]}`] : []),
    ...(await axeViolations(page)).map((v) => `${name}: axe ${v.id} (${v.help}) at ${v.targets.join(', ')}`),
  ];
}

describe('mailboxes admin', () => {
  it('an admin adds, tests, edits and deactivates a mailbox; the password is never shown back', {
    timeout: 180_000,
  }, async () => {
    const [{ id: teamId }] = await t.db('teams').insert({ name: 'Facturación' }).returning('id');
    const admin = await makeUser(t.app, 'admin');
    const page = await signIn(admin.email);
    const problems = pageProblems(page);
    const findings: string[] = [];

    await page.goto(`${base}${LIST}`);
    findings.push(...(await checked(page, 'list-es')));
    await page.getByRole('link', { name: 'Añadir un buzón' }).first().click();
    // Sent empty: every required field is named, nothing is saved.
    await page.getByLabel('Dirección de correo').fill('no es una dirección');
    await page.getByLabel('Servidor IMAP').fill(dovecot.host);
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Añadir un buzón' }).click(),
    ]);
    expect(await page.locator('#form-errors').textContent()).toContain('Revise los campos marcados');
    for (const text of [
      'Escriba una dirección de correo válida.',
      'El nombre es obligatorio.',
      'Indique el usuario de este servidor.',
    ])
      expect(await page.getByText(text).count()).toBeGreaterThan(0);
    findings.push(...(await checked(page, 'errors-es')));
    expect(await t.db('mailboxes').count({ n: '*' })).toEqual([{ n: 0 }]);

    await page.getByLabel('Dirección de correo').fill('Facturacion@IzarLink.test');
    await page.locator('#f-displayName').fill('Facturación IzarLink');
    await page.getByLabel('Nombre del remitente en English (opcional)').fill('IzarLink Billing');
    await page.getByLabel('Equipo por defecto').selectOption(String(teamId));
    await page.getByLabel('Servidor IMAP').fill(dovecot.host);
    await page.getByLabel('Puerto').fill(String(dovecot.port));
    await page.getByLabel('Usuario').fill('facturacion');
    await page.getByLabel('Contraseña').fill('facturacion-password');
    await page.getByLabel('Conexión cifrada (TLS)').uncheck();
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Añadir un buzón' }).click(),
    ]);
    expect(new URL(page.url()).pathname).toBe(LIST);
    const row = must(await t.db('mailboxes').first());
    expect(row).toMatchObject({
      address: 'facturacion@izarlink.test',
      display_name: 'Facturación IzarLink',
      display_names: { en: 'IzarLink Billing' },
      imap_user: 'facturacion',
      imap_secure: false,
      imap_folders: ['INBOX'],
      default_team_id: teamId,
      active: true,
    });
    expect(unseal(s.config.SECRET, row.imap_password ?? '')).toBe('facturacion-password');

    await page.getByRole('link', { name: 'facturacion@izarlink.test' }).click();
    expect(await page.content()).not.toContain('facturacion-password');
    expect(await page.getByLabel('Contraseña').inputValue()).toBe('');
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Probar la conexión' }).click(),
    ]);
    expect(await page.locator('#connection-test').textContent()).toContain('La conexión funciona.');
    findings.push(...(await checked(page, 'edit-es')));

    // Saved with the password left empty: deactivated, and the stored password kept.
    await page.getByLabel('Activo').uncheck();
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Guardar cambios' }).click(),
    ]);
    const after = must(await t.db('mailboxes').where({ id: row.id }).first());
    expect(after.active).toBe(false);
    expect(after.imap_password).toBe(row.imap_password);

    // The same address twice, or the environment's, is refused.
    for (const address of ['FACTURACION@izarlink.test', s.config.SUPPORT_ADDRESS]) {
      await page.goto(`${base}${LIST}/new`);
      await page.getByLabel('Dirección de correo').fill(address);
      await page.locator('#f-displayName').fill('Otro');
      await Promise.all([
        page.waitForNavigation(),
        page.getByRole('button', { name: 'Añadir un buzón' }).click(),
      ]);
      expect(await page.getByText('Esa dirección ya es de otro buzón.').count()).toBeGreaterThan(0);
    }
    // The refused forms answer 422 (fields) and 409 (address taken) by design.
    expect(problems.filter((p) => !/^(409|422) .*\/agent\/admin\/mailboxes$/.test(p))).toEqual([]);
    expect(findings).toEqual([]);
    await page.context().close();
  });

  it('reads in English and French, axe-clean; agents may not see it', { timeout: 120_000 }, async () => {
    const findings: string[] = [];
    for (const [language, add] of [
      ['en', 'Add a mailbox'],
      ['fr', 'Ajouter une boîte'],
    ] as const) {
      const admin = await makeUser(t.app, 'admin', { language });
      const page = await signIn(admin.email);
      await page.goto(`${base}${LIST}`);
      findings.push(...(await checked(page, `list-${language}`)));
      await page.getByRole('link', { name: add }).first().click();
      findings.push(...(await checked(page, `new-${language}`)));
      await page.setViewportSize({ width: 390, height: 844 });
      expect(
        await page.evaluate<number>(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        ),
      ).toBeLessThanOrEqual(1);
      await page.context().close();
    }
    expect(findings).toEqual([]);
    const agent = await makeUser(t.app, 'agent');
    const web = new WebClient(base);
    await web.login(agent.email);
    expect((await web.get(LIST)).status).toBe(403);
    expect((await web.post(LIST, { address: 'x@y.es', displayName: 'X' })).status).toBe(403);
  });
});
