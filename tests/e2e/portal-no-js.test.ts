import { describe, expect, it } from 'vitest';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { useTestDb } from '../helpers/db.js';
import { makeUser, TEST_PASSWORD } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();

describe('portal without JavaScript', () => {
  it('opens a request: the server explains the urgency rule and keeps what was typed', {
    timeout: 90_000,
  }, async () => {
    const customer = await makeUser(t.app, 'customer', { language: 'en' });
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1024, height: 900 },
    });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('Email').fill(customer.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/tickets/new`);

    // Every field is on the page; the user picks an urgency for a request by mistake.
    await page.getByLabel('Request', { exact: true }).check();
    await page.getByLabel('Category').selectOption('technical');
    await page.getByLabel('High').check();
    await page.getByLabel('Title').fill('Static IP for the office');
    await page.getByLabel('Description').fill('We need a fixed public address.');
    await page.getByRole('button', { name: 'Send the ticket' }).click();
    await page.waitForSelector('#form-errors');
    expect(await page.textContent('#form-errors')).toContain('Please correct the marked fields.');
    expect(await page.textContent('.has-error')).toContain('Urgency is only given for incidents.');
    expect(await page.inputValue('#f-title')).toBe('Static IP for the office');
    expect(await page.inputValue('#f-description')).toBe('We need a fixed public address.');
    await screenshot(page, 'nojs-01-urgency-error');

    await page.getByLabel('Not applicable (requests)').check();
    await page.getByRole('button', { name: 'Send the ticket' }).click();
    await page.waitForURL(/\/tickets\/\d+$/);
    expect(await page.textContent('.ticket-head')).toContain('Static IP for the office');
    const row = await t.db('tickets').where({ title: 'Static IP for the office' }).first();
    expect(row).toMatchObject({ type: 'request', category: 'technical', urgency: null });
    await screenshot(page, 'nojs-02-request-created');
    await context.close();
  });
});
