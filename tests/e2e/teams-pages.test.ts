import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createRoutingRule } from '../../src/app/agent/routing-rules.js';
import { createTeam, setTeamMember } from '../../src/app/agent/teams.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { useTestDb } from '../helpers/db.js';
import { makeUser, TEST_PASSWORD } from '../helpers/fixtures.js';
import { axeViolations, checkWidths, pageProblems } from '../helpers/page-checks.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

/**
 * Issue 15: the teams and routing pages, and the queue and ticket with teams, at 1280 and 390 px, screenshotted
 * to out/screenshots/teams-*.png and checked with axe-core (no serious or critical violation), for sideways
 * scrolling and for untranslated keys. The rule form is also filled in and saved without JavaScript.
 */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();

async function look(page: Page, path: string, name: string, failures: string[], status = 200) {
  const problems = pageProblems(page);
  const res = await page.goto(`${base}${path}`);
  if (res?.status() !== status) failures.push(`${name}: status ${res?.status()} for ${path}`);
  const text = (await page.textContent('body')) ?? '';
  const raw = /\b(portal|agent|common|mail):[a-zA-Z]+\.|\bvalidation\.[a-zA-Z]+\b/.exec(text);
  if (raw) failures.push(`${name}: untranslated key ${raw[0]}`);
  await checkWidths(page, `teams-${name}`, name, failures);
  for (const p of problems) failures.push(`${name}: ${p}`);
}

describe('teams and routing pages', () => {
  it('pass axe at 1280 and 390 px, in Spanish, and a rule is saved from the form', {
    timeout: 120_000,
  }, async () => {
    const admin = await makeUser(t.app, 'admin', { email: 'ana@izarlink.test' });
    const agent = await makeUser(t.app, 'agent', { email: 'javier@izarlink.test' });
    await t.db('users').where({ id: admin.id }).update({ name: 'Ana Admin' });
    await t.db('users').where({ id: agent.id }).update({ name: 'Javier Ruiz' });
    const technical = await createTeam(t.app, admin.actor, { name: 'Técnico' });
    const billing = await createTeam(t.app, admin.actor, { name: 'Facturación' });
    await setTeamMember(t.app, admin.actor, technical, { userId: agent.id, isLead: true });
    await setTeamMember(t.app, admin.actor, billing, { userId: agent.id, isLead: false });
    await setTeamMember(t.app, admin.actor, billing, { userId: admin.id, isLead: true });
    await createRoutingRule(t.app, admin.actor, {
      name: 'Peticiones administrativas a Facturación',
      active: true,
      types: ['request'],
      categories: ['administrative'],
      urgencies: [],
      companies: [],
      services: [],
      receivedAt: ['facturacion@izarlink.test'],
      teamId: billing,
      assign: 'round_robin',
      agentId: null,
      setUrgency: null,
    });
    const customer = await makeUser(t.app, 'customer');
    const { ticketId } = await openTicket(t.app, customer.actor, {
      draft: {
        type: 'request',
        category: 'administrative.billing',
        urgency: null,
        serviceId: customer.serviceIds[0] ?? null,
        title: 'Factura de octubre duplicada',
        description: 'Dos cargos por el mismo periodo.',
      },
    });

    const failures: string[] = [];
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    ctx.setDefaultTimeout(20_000);
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('Correo electrónico').fill(admin.email);
    await page.getByLabel('Contraseña').fill(TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Entrar' }).click()]);

    await look(page, '/agent/admin/teams', 'admin-teams', failures);
    await look(page, '/agent/admin/routing', 'admin-routing', failures);
    await look(page, '/agent/admin/routing/new', 'admin-routing-new', failures);
    await look(page, '/agent?team=all', 'queue-teams', failures);
    await look(page, `/agent/tickets/${ticketId}`, 'ticket-routed', failures);

    // The form without JavaScript: a refused save comes back with its errors, then a good one is listed.
    await page.goto(`${base}/agent/admin/routing/new`);
    await page.locator('#f-name').fill('Cortes al Técnico');
    await page.getByLabel('Reparto rotatorio entre los técnicos activos del equipo').check();
    await page.getByRole('button', { name: 'Guardar la regla' }).click();
    await page.waitForLoadState();
    expect(await page.textContent('#form-errors')).toContain('Revise los campos marcados.');
    await screenshot(page, 'teams-admin-routing-error-1280');
    for (const v of await axeViolations(page))
      failures.push(`routing form error: axe ${v.id} at ${v.targets.join(', ')}`);
    await page.getByLabel('Corte total').check();
    await page.locator('#f-teamId').selectOption({ label: 'Técnico' });
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Guardar la regla' }).click(),
    ]);
    expect(page.url()).toBe(`${base}/agent/admin/routing`);
    expect(await page.textContent('table.rules')).toContain('Cortes al Técnico');
    await ctx.close();

    expect(failures).toEqual([]);
  });
});
