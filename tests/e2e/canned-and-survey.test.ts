import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createCannedAnswer } from '../../src/app/canned/canned-answers.js';
import { close, resolve } from '../../src/app/tickets/lifecycle.js';
import { startOutbound } from '../../src/outbound/index.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, TEST_PASSWORD } from '../helpers/fixtures.js';
import { axeViolations, sidewaysOverflow } from '../helpers/page-checks.js';
import { useTestServices } from '../helpers/services.js';
import { mailCollector, startCapturingSmtp, toAddress } from '../helpers/smtp.js';
import { startTestWeb } from '../helpers/web.js';

/**
 * Issue 15 in a real browser: the survey answered from the closing mail's link (the customer is not signed in),
 * and an agent answering with a canned answer (the page reloads with it: no script involved). Screenshots in out/screenshots/canned-*.png and survey-*.png;
 * every page checked with axe-core and for sideways scrolling on a phone.
 */
const t = await useTestDb();
const smtp = await startCapturingSmtp();
const s = await useTestServices(t, { SMTP_URL: smtp.url, SMTP_MAX_PER_SECOND: '500' });
const base = await startTestWeb(s);
const outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
afterAll(async () => {
  await outbound.stop();
  await smtp.close();
});
const sent = mailCollector(t.db, smtp);
const browser = await useBrowser();

async function clean(page: Page, name: string) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    expect(await axeViolations(page), `${name} @${width}`).toEqual([]);
    expect(await sidewaysOverflow(page), `${name} @${width}`).toBeLessThanOrEqual(1);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('the satisfaction survey from the mail', () => {
  it('the customer clicks a score in the closing mail, confirms it with a comment, and the agent sees it', {
    timeout: 120_000,
  }, async () => {
    const customer = await makeUser(s.app, 'customer', { language: 'en' });
    const agent = await makeUser(s.app, 'agent');
    const id = await makeTicket(s.app, customer, 'Slow line at the office');
    await resolve(s.app, agent.actor, id, { body: 'We replaced the ONT.' });
    await close(s.app, agent.actor, id);
    const mail = (await sent()).filter((m) => toAddress(m) === customer.email).at(-1);
    const html = typeof mail?.html === 'string' ? mail.html : '';
    const link = /href="(https?:\/\/[^"]+\/survey\/[^"]+\?score=4)"/.exec(html)?.[1];
    expect(link).toBeDefined();
    const path = new URL((link as string).replaceAll('&amp;', '&')).pathname;

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    ctx.setDefaultTimeout(20_000);
    const page = await ctx.newPage();
    await page.goto(`${base}${path}?score=4`);
    expect(await page.getByLabel('4 · Good').isChecked()).toBe(true);
    expect(await t.db('satisfaction').where({ ticket_id: id }).first()).toBeUndefined();
    await clean(page, 'survey page');
    await screenshot(page, 'survey-01-from-mail');
    await page.getByLabel('Comment (optional)').fill('Quick and friendly, thank you.');
    await page.getByRole('button', { name: 'Send my opinion' }).click();
    await page.getByText('Thank you! We have saved your opinion.').waitFor();
    expect(must(await t.db('satisfaction').where({ ticket_id: id }).first())).toMatchObject({
      score: 4,
      comment: 'Quick and friendly, thank you.',
    });
    await clean(page, 'survey thanks');
    await screenshot(page, 'survey-02-thanks');
    await ctx.close();

    const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    const ap = await agentCtx.newPage();
    await ap.goto(`${base}/login`);
    await ap.getByLabel('Correo electrónico').fill(agent.email);
    await ap.getByLabel('Contraseña').fill(TEST_PASSWORD);
    await Promise.all([ap.waitForNavigation(), ap.getByRole('button', { name: 'Entrar' }).click()]);
    await ap.goto(`${base}/agent/tickets/${id}`);
    expect(await ap.textContent('.satisfaction')).toContain('4 de 5');
    await screenshot(ap, 'survey-03-agent-ticket');
    await agentCtx.close();
  });
});

describe('a canned answer in an agent’s day', () => {
  it('lists, creates, inserts into the ticket and sends', { timeout: 120_000 }, async () => {
    const admin = await makeUser(s.app, 'admin');
    const customer = await makeUser(s.app, 'customer');
    await createCannedAnswer(s.app, admin.actor, {
      name: 'reinicio',
      language: 'es',
      title: 'Reiniciar el router',
      body: 'Hola {{customer_name}}:\nHemos reiniciado su línea ({{service}}). ¿Funciona ya?\nUn saludo,\n{{agent_name}}',
      action: 'resolve',
      shared: true,
    });
    const id = await makeTicket(s.app, customer, 'Sin conexión');
    await sent();
    // The insert is a GET form that reloads the page (no script involved); axe needs JavaScript to run, so the
    // flow without any is tests/integration/canned-answers.test.ts.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
    ctx.setDefaultTimeout(20_000);
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('Correo electrónico').fill(admin.email);
    await page.getByLabel('Contraseña').fill(TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Entrar' }).click()]);

    await page.goto(`${base}/agent/canned`);
    await clean(page, 'canned list');
    await screenshot(page, 'canned-01-list');
    await page.goto(`${base}/agent/canned/new`);
    await clean(page, 'canned form');
    await page.getByLabel('Nombre').fill('datos');
    await page.getByLabel('Título').fill('Pedir datos');
    await page.locator('#f-body').fill('Hola {{cliente}}');
    await page.getByRole('button', { name: 'Crear la respuesta' }).click();
    await page.waitForSelector('#form-errors');
    await clean(page, 'canned form with errors');
    await screenshot(page, 'canned-02-form-error');

    await page.goto(`${base}/agent/tickets/${id}`);
    await page.getByText('Responder con una respuesta predefinida').click();
    await page.getByLabel('Respuesta predefinida').selectOption({ label: 'Reiniciar el router (reinicio)' });
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Insertar' }).click()]);
    expect(await page.inputValue('#answer-form #f-body')).toContain('Hemos reiniciado su línea (Fibra');
    expect(await page.getByLabel('Dar la solución (resolver)').isChecked()).toBe(true);
    await clean(page, 'ticket with a canned answer');
    await screenshot(page, 'canned-03-ticket-filled');
    await page.locator('#answer-form #f-body').fill('Hola:\nHemos reiniciado su línea. ¿Funciona ya?');
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Enviar al cliente' }).click(),
    ]);
    expect(must(await t.db('tickets').where({ id }).first()).status).toBe('resolved');
    const mails = (await sent()).filter((m) => toAddress(m) === customer.email);
    expect(mails.at(-1)?.text).toContain('Hemos reiniciado su línea. ¿Funciona ya?');
    await ctx.close();
  });
});
