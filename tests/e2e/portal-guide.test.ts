import type { ParsedMail } from 'mailparser';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/app/accounts/create-user.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { assign, resolve, setPending } from '../../src/app/tickets/lifecycle.js';
import { formatReference } from '../../src/domain/reference.js';
import { translator } from '../../src/i18n/i18n.js';
import { startOutbound } from '../../src/outbound/index.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser } from '../helpers/fixtures.js';
import { pageProblems, recordForeignRequests } from '../helpers/page-checks.js';
import { useTestServices } from '../helpers/services.js';
import { mailCollector, startCapturingSmtp, toAddress } from '../helpers/smtp.js';
import { freePort, startTestWeb } from '../helpers/web.js';

/**
 * The customer guide, step by step, in a real browser, with the real mail pipeline (outbox, worker, SMTP):
 * from the invitation mail to the closing of a ticket, and the refusal of a solution from its mail. At each
 * step, the mail reached the person it is for, in her language, and its link opens that ticket.
 * Agent actions in between go through the use cases.
 */
const t = await useTestDb();
const smtp = await startCapturingSmtp();
// Mail links must lead to this very server: its URL is fixed before the services start.
const port = await freePort();
const s = await useTestServices(t, {
  SMTP_URL: smtp.url,
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  SMTP_MAX_PER_SECOND: '500',
});
const outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
afterAll(async () => {
  await outbound.stop();
  await smtp.close();
});
const base = await startTestWeb(s, port);
const browser = await useBrowser();
const newMails = mailCollector(s.db, smtp);

const EMAIL = 'lucia@acme.test';
const NAME = 'Lucía Martín';
const NEW_PASSWORD = 'mi-clave-nueva-2026';
const es = translator('es');

const html = (m: ParsedMail) => (typeof m.html === 'string' ? m.html : '');

/** The subject of a ticket mail: the reference first (threading), then what happened, then the title. */
const said = (m: ParsedMail | undefined, id: number, what: string, title: string) =>
  expect(m?.subject).toBe(`[${formatReference('IZL', id)}] ${what}: ${title}`);

/**
 * The mails of the step just taken to one address: at least one, each in Spanish (the page language of the
 * mail and its greeting) and linking to `link` (a path of this server). Returns them.
 */
async function mailsTo(email: string, link: string): Promise<ParsedMail[]> {
  const mine = (await newMails()).filter((m) => toAddress(m) === email);
  expect(mine.length, `a mail to ${email}`).toBeGreaterThan(0);
  for (const m of mine) {
    expect(html(m)).toMatch(/<html[^>]* lang="es"/);
    expect(m.text).toContain(es('mail:hello', { name: email === EMAIL ? NAME : '' }).split(',')[0]);
    expect(html(m)).toContain(`href="${base}${link}"`);
  }
  return mine;
}

/** Follows a link of a mail in the browser: it must open the ticket it is about. */
async function followLink(page: Page, m: ParsedMail, path: string, title: string) {
  const href = new RegExp(`href="(${base.replace(/\./g, '\\.')}${path.replace(/\?/g, '\\?')}[^"]*)"`).exec(
    html(m),
  )?.[1];
  expect(href).toBeDefined();
  await page.goto((href as string).replace(/&amp;/g, '&'));
  expect(await page.textContent('h1')).toContain(title);
}

describe('customer guide in the browser', () => {
  it('walks the whole guide, with the mail of every step', { timeout: 240_000 }, async () => {
    const agent = await makeUser(t.app, 'agent', { email: 'javier@izarlink.test' });
    await t.db('users').where({ id: agent.id }).update({ name: 'Javier Ruiz' });
    const { userId } = await createUser(
      t.app,
      { kind: 'system' },
      {
        email: EMAIL,
        name: NAME,
        role: 'customer',
        companyName: 'ACME Logística',
        invite: true,
      },
    );
    const customer = must(await t.db('users').where({ id: userId }).first());
    await t.db('services').insert([
      {
        company_id: customer.company_id!,
        name: 'Fibra 1 Gbps — Sede central',
        circuit_id: 'FTTH-28001-0042',
      },
      { company_id: customer.company_id!, name: 'Radioenlace respaldo', circuit_id: 'RL-28001-0007' },
    ]);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    context.setDefaultTimeout(20_000);
    const foreign: string[] = [];
    recordForeignRequests(context, base, foreign);
    const page = await context.newPage();
    const errors = pageProblems(page);

    // 1. The invitation mail: the temporary password, and the link to the portal.
    const [invitation] = await mailsTo(EMAIL, '/login');
    const password = new RegExp(`${es('mail:invited.password')}\\s*([A-Za-z0-9]{10,})`).exec(
      invitation?.text ?? '',
    )?.[1];
    expect(password).toBeDefined();

    // 2. First login with it: a forced password change.
    await page.goto(`${base}/`);
    expect(page.url()).toBe(`${base}/login`);
    await screenshot(page, '01-login');
    await page.getByLabel('Correo electrónico').fill(EMAIL);
    await page.getByLabel('Contraseña').fill(password as string);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.waitForURL(`${base}/password/change?next=%2Ftickets%2Fnew`);
    expect(await page.textContent('main')).toContain('Al menos 10 caracteres');
    await screenshot(page, '02-forced-password-change');
    // Any other page leads back here, and is where the user lands once the password is changed.
    await page.goto(`${base}/tickets`);
    expect(page.url()).toBe(`${base}/password/change?next=%2Ftickets`);
    await page.getByLabel('Contraseña actual').fill(password as string);
    await page.getByLabel(/^Nueva contraseña/).fill(NEW_PASSWORD);
    await page.getByLabel('Repita la nueva contraseña').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Guardar la contraseña' }).click();
    await page.waitForURL(`${base}/tickets`);
    expect(await page.textContent('.notice.success')).toContain('Contraseña cambiada.');
    // A newcomer's list says so, and leads to the form.
    expect(await page.textContent('main')).toContain('Aún no tiene tickets.');

    // 3. Profile from the name top right; language switch changes the page language.
    await page.getByRole('link', { name: NAME }).click();
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

    // 4. An incident with urgency and an attachment: acknowledged by mail.
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
    const incident = 'Pérdida de paquetes por la tarde';
    const head = await page.textContent('.ticket-head');
    expect(head).toContain(incident);
    expect(head).toContain('Alta');
    expect(head).toContain('Fibra 1 Gbps');
    expect(head).toContain('Pendiente de asignar a un técnico');
    expect(await page.textContent('.timeline')).toContain('mtr-informe.txt');
    await screenshot(page, '06-incident-created');
    const [ack] = await mailsTo(EMAIL, `/tickets/${incidentId}`);
    said(ack, incidentId, 'Incidencia registrada', incident);
    // The attachment she sent is named in the mail about it.
    expect(ack?.text).toContain('mtr-informe.txt');
    await followLink(page, ack as ParsedMail, `/tickets/${incidentId}`, incident);

    // 5. A request: the urgency field disappears.
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
    const request = 'Copia de la factura de octubre';
    expect(await page.textContent('.ticket-head')).toContain('Administrativa — Facturación');
    expect(must(await t.db('tickets').where({ id: requestId }).first()).urgency).toBeNull();
    said((await mailsTo(EMAIL, `/tickets/${requestId}`))[0], requestId, 'Solicitud registrada', request);

    // 6. Support takes it and writes; then asks for information. Each reaches her by mail.
    await assign(t.app, agent.actor, incidentId);
    await newMails();
    await addFollowup(t.app, agent.actor, {
      ticketId: incidentId,
      body: 'Estamos revisando la OLT de su zona.',
    });
    const [followup] = await mailsTo(EMAIL, `/tickets/${incidentId}`);
    said(followup, incidentId, 'Nuevo seguimiento', incident);
    expect(followup?.text).toContain('Estamos revisando la OLT de su zona.');
    await followLink(page, followup as ParsedMail, `/tickets/${incidentId}`, incident);
    expect(await page.textContent('.ticket-head')).toContain('Javier Ruiz');
    await setPending(t.app, agent.actor, incidentId, {
      body: '¿Puede enviarnos una captura del test de velocidad?',
    });
    const [asked] = await mailsTo(EMAIL, `/tickets/${incidentId}`);
    said(asked, incidentId, 'Le pedimos información', incident);
    expect(asked?.text).toContain('captura del test de velocidad');
    await followLink(page, asked as ParsedMail, `/tickets/${incidentId}`, incident);
    expect(await page.textContent('.timeline')).toContain('captura del test de velocidad');

    // 7. She answers with a comment and a document: the agent is told, with a link to his workspace.
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
    expect(must(await t.db('tickets').where({ id: incidentId }).first()).status).toBe('in_progress');
    await screenshot(page, '09-ticket-timeline');
    const afterFollowup = await newMails();
    // Her own copy, naming the file she attached.
    const own = afterFollowup.find((m) => toAddress(m) === EMAIL);
    said(own, incidentId, 'Nuevo seguimiento', incident);
    expect(own?.text).toContain('Adjunto la captura del test.');
    expect(own?.text).toContain('speedtest.png');
    const toAgent = afterFollowup.filter((m) => toAddress(m) === agent.email);
    expect(toAgent.length).toBeGreaterThan(0);
    expect(html(toAgent[0] as ParsedMail)).toContain(`href="${base}/agent/tickets/${incidentId}"`);

    // 8. The solution: by mail, with its link; the list, filtered by status.
    await resolve(t.app, agent.actor, incidentId, { body: 'Sustituimos el módulo óptico de su OLT.' });
    const [solved] = await mailsTo(EMAIL, `/tickets/${incidentId}`);
    said(solved, incidentId, 'Solución propuesta', incident);
    expect(solved?.text).toContain('Sustituimos el módulo óptico');
    await page.getByRole('link', { name: 'Mis tickets' }).click();
    expect(await page.textContent('tbody')).toContain(request);
    await page.getByLabel('Estado').selectOption('resolved');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await page.waitForURL(/status=resolved/);
    const rows = await page.textContent('tbody');
    expect(rows).toContain(incident);
    expect(rows).not.toContain(request);
    await screenshot(page, '10-list-filtered-resolved');

    // 9. She approves on the portal: the ticket is closed.
    await followLink(page, solved as ParsedMail, `/tickets/${incidentId}`, incident);
    expect(await page.textContent('.solution')).toContain('Sustituimos el módulo óptico');
    await screenshot(page, '11-solution-to-approve');
    await page.getByLabel('Comentario (opcional)').fill('Funciona perfectamente, gracias.');
    await page.getByRole('button', { name: 'Aprobar la solución' }).click();
    await page.waitForURL(`${base}/tickets/${incidentId}`);
    expect(await page.textContent('.ticket-head')).toContain('Cerrado');
    expect(await page.textContent('.timeline')).toContain('Solución aprobada');
    await screenshot(page, '12-approved-closed');
    // She gets the closing confirmation; support hears of it, with a link to the ticket.
    const afterApproval = await newMails();
    said(
      afterApproval.find((m) => toAddress(m) === EMAIL),
      incidentId,
      'Cerrado',
      incident,
    );
    const approvedToAgent = afterApproval.filter((m) => toAddress(m) === agent.email);
    expect(approvedToAgent.length).toBeGreaterThan(0);
    expect(html(approvedToAgent[0] as ParsedMail)).toContain(`/agent/tickets/${incidentId}"`);

    // 10. The refusal path, from the mail: its refuse link opens the refuse page, which asks for the reason.
    await resolve(t.app, agent.actor, requestId, { body: 'Le hemos enviado la factura por correo.' });
    const [offer] = await mailsTo(EMAIL, `/tickets/${requestId}`);
    said(offer, requestId, 'Solución propuesta', request);
    const refuseHref = /href="([^"]*\/approve\/[^"]*choice=refuse)"/.exec(html(offer as ParsedMail))?.[1];
    expect(refuseHref?.startsWith(`${base}/approve/`)).toBe(true);
    await page.goto((refuseHref as string).replace(/&amp;/g, '&'));
    expect(await page.textContent('h1')).toContain(request);
    expect(await page.textContent('.decision-kind')).toBe('Rechazar la solución');
    expect(await page.textContent('main')).toContain('Le hemos enviado la factura');
    expect(must(await t.db('tickets').where({ id: requestId }).first()).status).toBe('resolved');
    await screenshot(page, '13-refuse-link');
    await page.getByLabel('Motivo del rechazo').fill('No ha llegado ninguna factura.');
    await page.getByRole('button', { name: 'Rechazar la solución' }).click();
    await page.waitForSelector('.notice.success');
    expect(await page.textContent('main')).toContain('Solución rechazada');
    expect(must(await t.db('tickets').where({ id: requestId }).first()).status).toBe('in_progress');
    await screenshot(page, '14-refused-reopened');
    const afterRefusal = await newMails();
    said(
      afterRefusal.find((m) => toAddress(m) === EMAIL),
      requestId,
      'Reabierto',
      request,
    );
    const refusedToAgent = afterRefusal.filter((m) => toAddress(m) === agent.email);
    expect(refusedToAgent.length).toBeGreaterThan(0);
    expect(html(refusedToAgent[0] as ParsedMail)).toContain('No ha llegado ninguna factura.');

    // 11. The closed ticket leads to a related one.
    await page.goto(`${base}/tickets/${incidentId}`);
    await page.getByRole('link', { name: 'Abrir un ticket relacionado' }).click();
    expect(await page.inputValue('#f-title')).toBe(incident);
    await page.getByLabel('Descripción').fill('Vuelve a pasar desde ayer.');
    await page.getByRole('button', { name: 'Enviar el ticket' }).click();
    await page.waitForURL(/\/tickets\/\d+$/);
    const relatedId = Number(page.url().split('/').pop());
    expect(await page.textContent('.linked-tickets')).toContain(formatReference('IZL', incidentId));
    said((await mailsTo(EMAIL, `/tickets/${relatedId}`))[0], relatedId, 'Incidencia registrada', incident);
    await page.goto(`${base}/tickets/${incidentId}`);
    expect(await page.textContent('.linked-tickets')).toContain(formatReference('IZL', relatedId));

    // 12. A small screen still shows everything.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/tickets`);
    await screenshot(page, '15-list-mobile');

    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });
});
