import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startWebhooks } from '../../src/outbound/webhooks.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, TEST_PASSWORD } from '../helpers/fixtures.js';
import { axeViolations, pageProblems } from '../helpers/page-checks.js';
import { waitUntil } from '../helpers/poll.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

/** The webhooks admin in Chromium: add (with its errors), the secret once, a test event and its log; axe-clean. */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();
const webhooks = await startWebhooks(s, { sweepMs: 200, staleMs: 1000, retryBaseMs: 200, timeoutMs: 2000 });
const received: string[] = [];
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received.push(String(req.headers['izardesk-event']));
    res.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/izardesk`;
afterAll(async () => {
  await webhooks.stop();
  await new Promise<void>((resolve) => {
    receiver.close(() => resolve());
    receiver.closeAllConnections();
  });
});
const LIST = '/agent/admin/webhooks';

async function signIn(email: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
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
  await screenshot(page, `webhooks-${name}`);
  const text = (await page.textContent('body')) ?? '';
  const raw = /\b(webhooks|agent|common):[a-zA-Z]+[.\w]*|\bvalidation\.[a-zA-Z]+\b/.exec(text);
  return [
    ...(raw ? [`${name}: untranslated key ${raw[0]}`] : []),
    ...(await axeViolations(page)).map((v) => `${name}: axe ${v.id} (${v.help}) at ${v.targets.join(', ')}`),
  ];
}

describe('webhooks admin', () => {
  it('an admin adds a webhook, keeps its secret, tests it and reads the log', {
    timeout: 180_000,
  }, async () => {
    const admin = await makeUser(t.app, 'admin');
    const page = await signIn(admin.email);
    const problems = pageProblems(page);
    const findings: string[] = [];

    // Reached from the header's Administración link, through the hub.
    await page.goto(`${base}/agent/admin`);
    expect(await page.locator(`main a[href="${LIST}"]`).count()).toBeGreaterThan(0);
    await page.goto(`${base}${LIST}`);
    findings.push(...(await checked(page, 'list-es')));
    // No event ticked: refused, with the field named.
    await page.getByLabel('Dirección (URL)').fill(hook);
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Crear el webhook' }).click(),
    ]);
    expect(await page.getByText('Elija al menos un evento de la lista.').count()).toBeGreaterThan(0);
    findings.push(...(await checked(page, 'errors-es')));
    expect(await t.db('webhook_endpoints').count({ n: '*' })).toEqual([{ n: 0 }]);

    await page.getByLabel('Ticket cerrado (ticket.closed)').check();
    await page.getByLabel('Solución propuesta (ticket.resolved)').check();
    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Crear el webhook' }).click(),
    ]);
    const row = must(await t.db('webhook_endpoints').first());
    expect(row).toMatchObject({ url: hook, events: ['ticket.resolved', 'ticket.closed'], active: true });
    expect(new URL(page.url()).pathname).toBe(`${LIST}/${row.id}`);
    expect(await page.content()).toMatch(/whsec_[A-Za-z0-9_-]{43}/);
    findings.push(...(await checked(page, 'created-es')));
    const sideways = () =>
      page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await sideways()).toBeLessThanOrEqual(1);
    await page.setViewportSize({ width: 1280, height: 900 });

    await Promise.all([
      page.waitForNavigation(),
      page.getByRole('button', { name: 'Enviar un evento de prueba' }).click(),
    ]);
    await waitUntil('the test event received', () => received.includes('webhook.test'));
    await waitUntil('the delivery recorded', async () => {
      const d = await t.db('webhook_deliveries').where({ endpoint_id: row.id }).first();
      return d?.status === 'delivered';
    });
    await page.reload();
    expect(await page.locator('table.data').textContent()).toContain('Entregado');
    findings.push(...(await checked(page, 'log-es')));

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await sideways()).toBeLessThanOrEqual(1);
    // The refused form answers 422 by design.
    expect(problems.filter((p) => !/^422 .*\/agent\/admin\/webhooks$/.test(p))).toEqual([]);
    expect(findings).toEqual([]);
    await page.context().close();
  });
});
