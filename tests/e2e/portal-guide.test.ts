import { describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/accounts/create-user.js';
import { actorOf } from '../../src/app/actor.js';
import { approvalToken } from '../../src/app/links.js';
import { resolve, setPending } from '../../src/app/tickets/lifecycle.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { useTestDb } from '../helpers/db.js';
import { makeUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

/**
 * The customer guide, step by step, in a real browser: what a customer of the ISP does from the invitation
 * to the closing of a ticket. Agent actions in between go through the use cases.
 */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();

const NEW_PASSWORD = 'mi-clave-nueva-2026';

describe('customer guide in the browser', () => {
  it('walks the whole guide', { timeout: 120_000 }, async () => {
    const system = { kind: 'system' } as const;
    const { userId, generatedPassword } = await createUser(t.app, system, {
      email: 'lucia@acme.test',
      name: 'Lucía Martín',
      role: 'customer',
      companyName: 'ACME Logística',
    });
    const customer = await t.db('users').where({ id: userId }).first();
    await t.db('services').insert([
      { company_id: customer.company_id, name: 'Fibra 1 Gbps — Sede central', circuit_id: 'FTTH-28001-0042' },
      { company_id: customer.company_id, name: 'Radioenlace respaldo', circuit_id: 'RL-28001-0007' },
    ]);
    const agent = await makeUser(t.app, 'agent');

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    // 1. First login with the generated password, forced password change.
    await page.goto(`${base}/`);
    expect(page.url()).toBe(`${base}/login`);
    await screenshot(page, '01-login');
    await page.getByLabel('Correo electrónico').fill('lucia@acme.test');
    await page.getByLabel('Contraseña').fill(generatedPassword as string);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.waitForURL(`${base}/password/change?next=%2Ftickets%2Fnew`);
    expect(await page.textContent('main')).toContain('Al menos 10 caracteres');
    await screenshot(page, '02-forced-password-change');
    // Any other page leads back here, and is where the user lands once the password is changed.
    await page.goto(`${base}/tickets`);
    expect(page.url()).toBe(`${base}/password/change?next=%2Ftickets`);
    await page.getByLabel('Contraseña actual').fill(generatedPassword as string);
    await page.getByLabel(/^Nueva contraseña/).fill(NEW_PASSWORD);
    await page.getByLabel('Repita la nueva contraseña').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Guardar la contraseña' }).click();
    await page.waitForURL(`${base}/tickets`);
    expect(await page.textContent('.notice.success')).toContain('Contraseña cambiada.');

    // 2. Profile from the name top right; language switch changes the page language.
    await page.getByRole('link', { name: 'Lucía Martín' }).click();
    await page.waitForURL(`${base}/profile`);
    await page.getByLabel('Teléfono').fill('+34 600 123 456');
    await page.getByRole('button', { name: 'Guardar' }).click();
    await page.waitForURL(/\/profile\?tab=main/);
    await screenshot(page, '03-profile-main');
    await page.getByRole('link', { name: 'Personalización' }).click();
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('button', { name: 'Guardar' }).click();
    await page.waitForURL(/tab=personalization/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('h1')).toBe('My profile');
    expect(await page.textContent('.nav')).toContain('New ticket');
    await screenshot(page, '04-profile-personalization-en');
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/tab=personalization/);
    expect(await page.textContent('h1')).toBe('Mi perfil');

    // 3. An incident with urgency and an attachment.
    await page.getByRole('link', { name: 'Nuevo ticket' }).click();
    await page.getByLabel('Incidencia', { exact: true }).check();
    expect(await page.getByRole('group', { name: /Urgencia/ }).isVisible()).toBe(true);
    await page
      .getByLabel('Servicio afectado')
      .selectOption({ label: 'Fibra 1 Gbps — Sede central (FTTH-28001-0042)' });
    await page.getByLabel('Categoría').selectOption({ label: 'Incidencia · Pérdida de paquetes' });
    await page.getByLabel('Alta').check();
    await page.getByLabel('Título').fill('Pérdida de paquetes por la tarde');
    await page
      .getByLabel('Descripción')
      .fill('Desde el lunes perdemos un 5 % de paquetes entre las 18 y las 21 h.');
    await page.getByLabel('Adjunto (opcional)').setInputFiles({
      name: 'mtr-informe.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('HOST: router  Loss% 5.0\n'),
    });
    await screenshot(page, '05-new-incident-form');
    await page.getByRole('button', { name: 'Enviar el ticket' }).click();
    await page.waitForURL(/\/tickets\/\d+$/);
    const incidentId = Number(page.url().split('/').pop());
    const head = await page.textContent('.ticket-head');
    expect(head).toContain('Pérdida de paquetes por la tarde');
    expect(head).toContain('Alta');
    expect(head).toContain('Fibra 1 Gbps');
    expect(await page.textContent('.timeline')).toContain('mtr-informe.txt');
    await screenshot(page, '06-incident-created');

    // 4. A request: the urgency field disappears.
    await page.getByRole('link', { name: 'Nuevo ticket' }).click();
    await page.getByLabel('Solicitud', { exact: true }).check();
    expect(await page.getByRole('group', { name: /Urgencia/ }).isVisible()).toBe(false);
    const categoryOptions = await page.locator('#f-category option:not([hidden])').allTextContents();
    expect(categoryOptions.some((o) => o.includes('Corte total'))).toBe(false);
    await page
      .getByLabel('Servicio afectado')
      .selectOption({ label: 'Radioenlace respaldo (RL-28001-0007)' });
    await page.getByLabel('Categoría').selectOption({ label: 'Solicitud · Administrativa — Facturación' });
    await page.getByLabel('Título').fill('Copia de la factura de octubre');
    await page.getByLabel('Descripción').fill('Necesitamos la factura de octubre con el CIF corregido.');
    await screenshot(page, '07-new-request-form');
    await page.getByRole('button', { name: 'Enviar el ticket' }).click();
    await page.waitForURL(/\/tickets\/\d+$/);
    const requestId = Number(page.url().split('/').pop());
    expect(await page.textContent('.ticket-head')).toContain('Administrativa — Facturación');
    expect((await t.db('tickets').where({ id: requestId }).first()).urgency).toBeNull();

    // 5. Support asks for information; the customer answers with a comment and a document.
    await setPending(t.app, agent.actor, incidentId, {
      body: '¿Puede enviarnos una captura del test de velocidad?',
    });
    await page.goto(`${base}/tickets/${incidentId}`);
    expect(await page.textContent('.timeline')).toContain('captura del test de velocidad');
    await page.getByRole('link', { name: 'Seguimiento' }).click();
    await page.getByLabel('Comentario').fill('Adjunto la captura del test.');
    await page.getByLabel('Documento (opcional)').setInputFiles({
      name: 'speedtest.png',
      mimeType: 'image/png',
      buffer: Buffer.from('89504e470d0a1a0a', 'hex'),
    });
    await screenshot(page, '08-followup-form');
    await page.getByRole('button', { name: 'Enviar' }).click();
    await page.waitForURL(`${base}/tickets/${incidentId}`);
    const timeline = await page.textContent('.timeline');
    expect(timeline).toContain('Adjunto la captura del test.');
    expect(timeline).toContain('speedtest.png');
    expect((await t.db('tickets').where({ id: incidentId }).first()).status).toBe('new');
    await screenshot(page, '09-ticket-timeline');

    // 6. The list, filtered by status.
    await resolve(t.app, agent.actor, incidentId, { body: 'Sustituimos el módulo óptico de su OLT.' });
    await page.getByRole('link', { name: 'Mis tickets' }).click();
    expect(await page.textContent('tbody')).toContain('Copia de la factura de octubre');
    await page.getByLabel('Estado').selectOption('resolved');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await page.waitForURL(/status=resolved/);
    const rows = await page.textContent('tbody');
    expect(rows).toContain('Pérdida de paquetes por la tarde');
    expect(rows).not.toContain('Copia de la factura de octubre');
    await screenshot(page, '10-list-filtered-resolved');

    // 7. Approving the solution closes the ticket.
    await page.getByRole('link', { name: 'Pérdida de paquetes por la tarde' }).click();
    expect(await page.textContent('.solution')).toContain('Sustituimos el módulo óptico');
    await screenshot(page, '11-solution-to-approve');
    await page.getByLabel('Comentario (opcional)').fill('Funciona perfectamente, gracias.');
    await page.getByRole('button', { name: 'Aprobar la solución' }).click();
    await page.waitForURL(`${base}/tickets/${incidentId}`);
    expect(await page.textContent('.ticket-head')).toContain('Cerrado');
    expect(await page.textContent('.timeline')).toContain('Solución aprobada');
    await screenshot(page, '12-approved-closed');

    // 8. Refusing a solution from the mail link reopens the ticket.
    await resolve(t.app, actorOf(await t.db('users').where({ id: agent.id }).first()), requestId, {
      body: 'Le hemos enviado la factura por correo.',
    });
    const { resolved_at } = await t.db('tickets').where({ id: requestId }).first('resolved_at');
    const token = approvalToken(s.config.SECRET, requestId, userId, resolved_at);
    await page.goto(`${base}/approve/${token}`);
    expect(await page.textContent('main')).toContain('Le hemos enviado la factura');
    expect((await t.db('tickets').where({ id: requestId }).first()).status).toBe('resolved');
    await screenshot(page, '13-approval-link');
    await page.getByLabel(/Comentario/).fill('No ha llegado ninguna factura.');
    await page.getByRole('button', { name: 'Rechazar' }).click();
    await page.waitForSelector('.notice.success');
    expect(await page.textContent('main')).toContain('Solución rechazada');
    const reopened = await t.db('tickets').where({ id: requestId }).first();
    expect(reopened.status).toBe('in_progress');
    await screenshot(page, '14-refused-reopened');

    // 9. A small screen still shows everything.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/tickets`);
    await screenshot(page, '15-list-mobile');

    expect(errors).toEqual([]);
    await context.close();
  });
});
