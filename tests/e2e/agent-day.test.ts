import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { useTestDb } from '../helpers/db.js';
import { makeUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

/**
 * An agent's day in a real browser, with the customer in a second browser session: take a new ticket, write a
 * private note, ask for information, see the customer's answer, give the solution, see the approval close it.
 */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();

const NOTE = 'Nota interna: el cliente debe dos facturas, no prometer visita';

async function login(page: Page, email: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill('correct-horse-42');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Entrar' }).click()]);
}

const submitAction = async (page: Page, action: string, text: string) => {
  // Upload forms carry their CSRF token in the action URL (`.../note?_csrf=...`).
  const form = page.locator(`form[action$="/${action}"], form[action*="/${action}?"]`);
  await form.evaluate((f) => {
    f.closest('details')?.setAttribute('open', '');
  });
  await form.locator('textarea[name="body"]').fill(text);
  await Promise.all([page.waitForNavigation(), form.locator('button[type="submit"]').click()]);
};

const status = (page: Page) => page.locator('.ticket-head .badge').first().textContent();

describe("an agent's day in the browser", () => {
  it('works a ticket from new to closed', { timeout: 120_000 }, async () => {
    const agent = await makeUser(t.app, 'agent', { email: 'javier@izarlink.test' });
    const customer = await makeUser(t.app, 'customer', { email: 'lucia@acme.test' });
    await t.db('users').where({ id: customer.id }).update({ name: 'Lucía Martín' });
    const draft = (title: string, description: string) => ({
      type: 'incident',
      category: 'total_outage',
      urgency: 'high',
      serviceId: customer.serviceIds[0] ?? null,
      title,
      description,
    });
    const { ticketId } = await openTicket(t.app, customer.actor, {
      draft: draft(
        'Sin servicio en la nave',
        'Desde la instalación del router nuevo la línea se corta cada hora.',
      ),
    });
    await openTicket(t.app, customer.actor, {
      draft: draft('Factura', 'Consulta sobre el importe de octubre.'),
    });

    const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const custCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const page = await agentCtx.newPage();
    const cust = await custCtx.newPage();
    const errors: string[] = [];
    for (const p of [page, cust]) {
      p.on('pageerror', (e) => errors.push(e.message));
      p.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
      });
      p.on('response', (r) => {
        // Chromium asks for /favicon.ico on its own; no page links it.
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
      });
    }

    // The queue, then search by a word of the body, with and without its accent.
    await login(page, agent.email);
    await page.goto(`${base}/agent`);
    expect(await page.locator('table.tickets tbody tr').count()).toBe(2);
    await screenshot(page, 'agent-01-queue');
    for (const word of ['instalacion', 'instalación', 'INSTALACIÓN']) {
      await page.getByRole('searchbox').fill(word);
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get('q') === word),
        page.getByRole('button', { name: 'Filtrar' }).click(),
      ]);
      const rows = page.locator('table.tickets tbody tr');
      expect(await rows.count()).toBe(1);
      expect(await rows.first().textContent()).toContain('Sin servicio en la nave');
    }
    await screenshot(page, 'agent-02-search-without-accent');

    // Take it, note privately, ask the customer.
    await page.getByRole('link', { name: 'Sin servicio en la nave' }).click();
    await page.waitForURL(`${base}/agent/tickets/${ticketId}`);
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Tomar el ticket' }).click(),
    ]);
    expect(await status(page)).toBe('En curso');
    await submitAction(page, 'note', NOTE);
    expect(await page.locator('.timeline li.private').textContent()).toContain(NOTE);
    await submitAction(page, 'ask', '¿Qué luces muestra la ONT cuando se corta?');
    expect(await status(page)).toBe('En espera');
    await screenshot(page, 'agent-03-asked-with-private-note');

    // The customer answers from the portal, and never sees the private note.
    await login(cust, customer.email);
    await cust.goto(`${base}/tickets/${ticketId}`);
    expect(await cust.locator('main').textContent()).toContain('¿Qué luces muestra la ONT');
    expect(await cust.content()).not.toContain('dos facturas');
    await cust.goto(`${base}/tickets/${ticketId}?tab=followup`);
    await cust.getByLabel('Comentario').fill('La luz LOS parpadea en rojo.');
    await Promise.all([cust.waitForNavigation(), cust.getByRole('button', { name: 'Enviar' }).click()]);

    // The agent sees the answer, gives the solution.
    await page.reload();
    expect(await page.locator('.timeline').textContent()).toContain('La luz LOS parpadea en rojo.');
    expect(await status(page)).toBe('En curso');
    await submitAction(page, 'solve', 'Hemos sustituido la ONT averiada; la línea ya está estable.');
    expect(await status(page)).toBe('Resuelto');

    // The customer approves; the agent sees the ticket closed.
    await cust.goto(`${base}/tickets/${ticketId}`);
    expect(await cust.content()).not.toContain('dos facturas');
    await Promise.all([
      cust.waitForNavigation(),
      cust.getByRole('button', { name: 'Aprobar la solución' }).click(),
    ]);
    await screenshot(cust, 'agent-04-customer-view-no-private-note');
    await page.reload();
    expect(await status(page)).toBe('Cerrado');
    expect(await page.locator('.timeline').textContent()).toContain('Solución aprobada');
    await screenshot(page, 'agent-05-closed');

    // Mails: the private note produced an outbox event marked private (the outbound sends it to no customer).
    const events = await t
      .db('outbox')
      .where({ ticket_id: ticketId, event: 'ticket.followup' })
      .select('payload');
    expect(events.filter((e) => e.payload.visibility === 'private')).toHaveLength(1);
    const deliveries = await t.db('deliveries').where({ ticket_id: ticketId, user_id: customer.id });
    for (const d of deliveries) expect(d.event).not.toBe('ticket.followup.private');
    expect(errors).toEqual([]);
  });

  it('imports customers from a CSV file and shows the report of rejected lines', {
    timeout: 60_000,
  }, async () => {
    const admin = await makeUser(t.app, 'admin', { email: 'ana@izarlink.test' });
    const lines = [
      'name;code',
      ...Array.from({ length: 120 }, (_, i) => `Cliente ${i};CSV-${i}`),
      ';SIN-NOMBRE',
      'Cliente 7;OTRO',
    ];
    const file = join(tmpdir(), `clientes-${process.pid}.csv`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const page = await ctx.newPage();
    await login(page, admin.email);
    await page.goto(`${base}/agent/admin/import`);
    await page.getByLabel('Qué importa').selectOption('customers');
    await page.setInputFiles('input[name="file"]', file);
    await Promise.all([
      page.waitForURL(/\/agent\/admin\/import\/[0-9a-f]{24}$/),
      page.getByRole('button', { name: 'Importar' }).click(),
    ]);
    // The page reloads itself (Refresh header) until the report is there.
    await page.locator('#import-summary').waitFor({ timeout: 30_000 });
    expect(await page.locator('#import-summary').textContent()).toContain(
      '120 de 122 líneas importadas; 2 rechazadas',
    );
    const rejected = await page.locator('table.rejected tbody tr').allTextContents();
    expect(rejected[0]).toContain('122');
    expect(rejected[0]).toContain('El nombre es obligatorio.');
    expect(rejected[1]).toContain('Ya existe una empresa con ese nombre.');
    await screenshot(page, 'agent-06-import-report');
    unlinkSync(file);
    await page.goto(`${base}/agent/customers?q=cliente`);
    expect(await page.locator('table.data tbody tr').count()).toBe(50);
    await screenshot(page, 'agent-07-customers');
  });
});
