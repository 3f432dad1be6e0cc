import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { updateServiceNetwork } from '../../src/app/agent/companies.js';
import { resolveLinkedTickets } from '../../src/app/incidents/resolve-incident.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, TEST_PASSWORD } from '../helpers/fixtures.js';
import { axeViolations } from '../helpers/page-checks.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

/** Issue 16 in a real browser: an agent declares an outage, an affected customer sees it and writes, it is resolved. */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();

async function login(page: Page, email: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(TEST_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Entrar' }).click()]);
}

const noAxe = async (page: Page) =>
  expect((await axeViolations(page)).map((v) => `${v.id} ${v.targets}`)).toEqual([]);

describe('a major outage, from both sides', () => {
  it('is declared, shown to the affected customer, linked, updated and resolved', {
    timeout: 180_000,
  }, async () => {
    const admin = await makeUser(t.app, 'admin');
    await makeUser(t.app, 'agent', { email: 'marta@izarlink.test' });
    const lucia = await makeUser(t.app, 'customer', { email: 'lucia@acme.test' });
    const other = await makeUser(t.app, 'customer', { email: 'pablo@otra.test' });
    await updateServiceNetwork(t.app, admin.actor, must(lucia.serviceIds[0]), {
      zone: 'VLL-Norte',
      technology: 'ftth',
    });
    await updateServiceNetwork(t.app, admin.actor, must(other.serviceIds[0]), {
      zone: 'VLL-Sur',
      technology: 'ftth',
    });

    const ctxA = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const ctxC = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const agent = await ctxA.newPage();
    const cust = await ctxC.newPage();
    await login(agent, 'marta@izarlink.test');
    await login(cust, 'lucia@acme.test');

    // The agent declares the outage over the zone.
    await agent.getByRole('link', { name: 'Averías' }).click();
    await agent.getByRole('link', { name: 'Declarar una avería' }).click();
    await agent.getByLabel('Título (Español)').fill('Corte de fibra en Valladolid norte');
    await agent.getByLabel('Título (English)').fill('Fibre cut in north Valladolid');
    await agent
      .getByLabel('Descripción (Español)')
      .fill('Unas obras han cortado el cable troncal del nodo VLL-03.');
    await agent.getByLabel('Zonas').fill('VLL-Norte');
    await agent.getByLabel('Fin estimado').fill('2030-06-01T18:30');
    await Promise.all([
      agent.waitForNavigation(),
      agent.getByRole('button', { name: 'Declarar una avería' }).click(),
    ]);
    expect(await agent.textContent('h1')).toBe('Corte de fibra en Valladolid norte');
    const incidentUrl = agent.url();

    // The customer sees the banner before she writes, on the form and on her list.
    await cust.goto(`${base}/tickets/new`);
    const banner = cust.locator('.notice.outage');
    expect(await banner.textContent()).toContain(
      'Avería conocida en su zona: Corte de fibra en Valladolid norte.',
    );
    expect(await banner.textContent()).toContain('Estimación de restablecimiento');
    await noAxe(cust);
    await screenshot(cust, 'outage-01-banner-new-ticket');
    await cust.getByLabel('Incidencia', { exact: true }).check();
    await cust.getByLabel('Categoría').selectOption({ label: 'Incidencia · Corte total' });
    await cust.getByLabel('Alta').check();
    await cust.getByLabel('Título').fill('No tenemos internet');
    await cust.getByLabel('Descripción').fill('Desde las 9:00 no funciona nada en la oficina.');
    await cust.getByRole('button', { name: 'Enviar el ticket' }).click();
    await cust.waitForURL(/\/tickets\/\d+$/);
    const ticketId = Number(cust.url().split('/').pop());
    expect(must(await t.db('tickets').where({ id: ticketId }).first()).major_incident_id).not.toBeNull();
    await cust.goto(`${base}/tickets`);
    expect(await cust.locator('.notice.outage').count()).toBe(1);

    // The agent's queue does not show it; the incident page does.
    await agent.goto(`${base}/agent`);
    expect(await agent.locator('main').textContent()).not.toContain('No tenemos internet');
    await agent.goto(incidentUrl);
    expect(await agent.locator('#inc-tickets').locator('..').textContent()).toContain('No tenemos internet');
    await agent.getByLabel('Novedad (Español)').fill('Los técnicos ya están empalmando la fibra.');
    await agent.getByLabel(/Enviarla por correo/).check();
    await Promise.all([agent.waitForNavigation(), agent.getByRole('button', { name: 'Publicar' }).click()]);
    expect(await agent.locator('.facts').nth(1).textContent()).toMatch(/Clientes afectados\s*1/);
    await noAxe(agent);
    await screenshot(agent, 'outage-02-incident-page');
    expect(await t.db('outbox').where({ event: 'ticket.outage_update', ticket_id: ticketId })).toHaveLength(
      1,
    );
    // The customer's ticket shows the outage with its latest public news, not a due time.
    await cust.goto(`${base}/tickets/${ticketId}`);
    const news = cust.locator('.notice.outage');
    expect(await news.textContent()).toContain('Los técnicos ya están empalmando la fibra.');
    expect(await cust.locator('.answer-by').count()).toBe(0);
    await noAxe(cust);
    await screenshot(cust, 'outage-02b-customer-ticket-news');

    // Resolved: the customer's ticket carries the solution, to approve or refuse.
    await agent.locator('details summary', { hasText: 'Resolver la avería' }).click();
    await agent.getByLabel('Solución (Español)').fill('Fibra empalmada: el servicio está restablecido.');
    await Promise.all([
      agent.waitForNavigation(),
      agent.getByRole('button', { name: 'Resolver la avería y sus tickets' }).click(),
    ]);
    const incidentId = Number(incidentUrl.split('/').pop());
    // No worker runs in this test: the job's work, done here.
    expect(await resolveLinkedTickets(t.app, incidentId)).toEqual({ resolved: 1, unlinked: 0 });
    await cust.goto(`${base}/tickets/${ticketId}`);
    expect(await cust.locator('main').textContent()).toContain(
      'Fibra empalmada: el servicio está restablecido.',
    );
    expect(await cust.locator('.notice.outage').count()).toBe(0);
    await screenshot(cust, 'outage-03-customer-ticket-resolved');
    await agent.goto(`${base}/agent/incidents`);
    await screenshot(agent, 'outage-04-incident-list');
    expect(await agent.locator('table').textContent()).toContain('Resuelta');
    await ctxA.close();
    await ctxC.close();
  });
});
