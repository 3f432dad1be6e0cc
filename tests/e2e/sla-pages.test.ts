import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { formatDue } from '../../src/domain/sla-state.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, TEST_PASSWORD } from '../helpers/fixtures.js';
import { axeViolations, pageProblems } from '../helpers/page-checks.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

/**
 * The SLA as people see it: the queue's colours (with marks and words) in "due first" order, both clocks on the
 * agent's ticket page, the customer's promise, and the admin pages; each checked with axe-core.
 */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();
const admin = await makeUser(t.app, 'admin', { language: 'es' });
const customer = await makeUser(t.app, 'customer', { language: 'es' });

const MIN = 60_000;
const open = async (title: string) =>
  (
    await openTicket(t.app, customer.actor, {
      draft: {
        type: 'incident',
        category: 'total_outage',
        urgency: 'high',
        serviceId: customer.serviceIds[0] ?? null,
        title,
        description: 'Sin línea.',
      },
    })
  ).ticketId;

/** A ticket whose first-answer clock stands where the test wants it (set directly: the clock is the test's). */
async function clockAt(title: string, dueInMin: number, warnInMin: number) {
  const id = await open(title);
  const now = Date.now();
  const due = new Date(now + dueInMin * MIN);
  await t
    .db('tickets')
    .where({ id })
    .update({
      first_answer_due_at: due,
      first_answer_warn_at: new Date(now + warnInMin * MIN),
      sla_due_at: due,
    });
  return id;
}

const breached = await clockAt('Vencido', -30, -42);
const warning = await clockAt('Por vencer', 10, -2);
const ok = await clockAt('En plazo', 50, 38);
const paused = await open('En pausa');
await t.db('tickets').where({ id: paused }).update({ sla_paused_at: new Date(), sla_due_at: null });

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

async function checked(page: Page, path: string, name: string) {
  const problems = pageProblems(page);
  const res = await page.goto(`${base}${path}`);
  expect(res?.status(), path).toBe(200);
  await screenshot(page, `sla-${name}`);
  expect(await axeViolations(page), path).toEqual([]);
  const text = (await page.textContent('body')) ?? '';
  expect(text).not.toMatch(/\b(agent|portal):[a-zA-Z]+\./);
  expect(problems).toEqual([]);
}

describe('the agent queue', () => {
  it('sorts due first and colours each clock, with a mark and words besides the colour', async () => {
    const page = await signIn(admin.email);
    await checked(page, '/agent?sort=due', 'queue');
    const rows = await page.$$eval('table.tickets tbody tr', (trs) =>
      trs.map((tr) => ({
        ref: tr.querySelector('td.ref')?.textContent?.trim() ?? '',
        sla: tr.querySelector('td.sla')?.getAttribute('data-sla') ?? 'none',
        text: tr.querySelector('td.sla .sla-flag')?.textContent?.trim() ?? '',
      })),
    );
    const refOf = (id: number) => `IZL-${String(id).padStart(6, '0')}`;
    expect(rows.map((r) => [r.ref, r.sla])).toEqual([
      [refOf(breached), 'breached'],
      [refOf(warning), 'warning'],
      [refOf(ok), 'ok'],
      [refOf(paused), 'paused'],
    ]);
    expect(rows[0]?.text).toMatch(/^⛔ Vencido: Vencido hace (29|30) min$/);
    expect(rows[1]?.text).toMatch(/^⏳ Por vencer: Quedan (9|10) min$/);
    expect(rows[2]?.text).toMatch(/^Quedan (49|50) min$/);
    expect(rows[3]?.text).toBe('⏸ En pausa');
    // Amber and red are distinct from the plain cell.
    const colour = (id: number) =>
      page.evaluate<string>(
        `getComputedStyle(document.querySelector('tr:has(a[href="/agent/tickets/${id}"]) .sla-flag')).backgroundColor`,
      );
    expect(await colour(breached)).toBe('rgb(254, 226, 226)');
    expect(await colour(warning)).toBe('rgb(254, 243, 199)');
    expect(await colour(ok)).toBe('rgba(0, 0, 0, 0)');
    await page.context().close();
  });

  it('pages "due first" with a keyset cursor', async () => {
    const web = new WebClient(base);
    await web.login(admin.email);
    await t.db('users').where({ id: admin.id }).update({ page_size: 2 });
    const first = await web.get('/agent?sort=due');
    const next = must(/rel="next" href="([^"]+)"/.exec(first.text)?.[1]).replaceAll('&amp;', '&');
    const second = await web.get(next);
    expect(second.status).toBe(200);
    expect(second.text).toContain(`/agent/tickets/${ok}`);
    expect(second.text).toContain(`/agent/tickets/${paused}`);
    expect(second.text).not.toContain(`/agent/tickets/${breached}"`);
    await t.db('users').where({ id: admin.id }).update({ page_size: 25 });
  });
});

describe('the ticket pages', () => {
  it('the agent sees both clocks', async () => {
    const page = await signIn(admin.email);
    await checked(page, `/agent/tickets/${warning}`, 'agent-ticket');
    const clocks = await page.$$eval('.sla-clocks li', (lis) => lis.map((li) => li.getAttribute('data-sla')));
    expect(clocks).toEqual(['warning', 'ok']);
    expect(await page.textContent('.sla-clocks')).toContain('Política: Corte total (24/7)');
    await page.context().close();
  });

  it('the customer is promised the first answer by its due instant', async () => {
    const page = await signIn(customer.email);
    await checked(page, `/tickets/${ok}`, 'customer-ticket');
    const row = must(await t.db('tickets').where({ id: ok }).first('first_answer_due_at'));
    const due = row.first_answer_due_at as Date;
    expect(await page.textContent('.answer-by')).toBe(
      `Le responderemos antes del ${formatDue('es', 'Europe/Madrid', due)}.`,
    );
    // Once it is late, the page makes no promise it broke.
    await page.goto(`${base}/tickets/${breached}`);
    expect(await page.$('.answer-by')).toBeNull();
    await page.context().close();
  });
});

describe('the admin pages', () => {
  it('list, forms, a refused calendar and a saved policy, all accessible', async () => {
    const page = await signIn(admin.email);
    for (const [path, name] of [
      ['/agent/admin/sla', 'admin'],
      ['/agent/admin/sla/calendars/new', 'calendar-new'],
      ['/agent/admin/sla/policies/new', 'policy-new'],
    ] as const)
      await checked(page, path, name);
    await page.context().close();

    const web = new WebClient(base);
    await web.login(admin.email);
    await web.get('/agent/admin/sla/calendars/new');
    const bad = await web.post('/agent/admin/sla/calendars/new', {
      name: 'Canarias',
      timeZone: 'Europe/Nowhere',
      hours1: '18:00-09:00',
      holidayCountry: 'ES',
      holidayRegion: 'XX',
      extraDays: '2026-13-01',
    });
    expect(bad.status).toBe(422);
    for (const msg of [
      'No es una zona horaria conocida.',
      'Escriba tramos como 09:00-14:00',
      'No conocemos los festivos',
      'Escriba las fechas como AAAA-MM-DD.',
    ])
      expect(bad.text).toContain(msg);
    const good = await web.post('/agent/admin/sla/calendars/new', {
      name: 'Canarias',
      timeZone: 'Atlantic/Canary',
      hours1: '08:00-15:00',
      hours2: '08:00-15:00',
      holidayCountry: 'ES',
      holidayRegion: 'CN',
      extraDays: '2026-12-24\n2026-12-31',
    });
    expect(good.status).toBe(303);
    const cal = must(await t.db('sla_calendars').where({ name: 'Canarias' }).first());
    expect(cal.hours).toEqual({ 1: [[480, 900]], 2: [[480, 900]] });
    expect(cal.extra_closed_days).toEqual(['2026-12-24', '2026-12-31']);
    await web.get('/agent/admin/sla/policies/new');
    const saved = await web.post('/agent/admin/sla/policies/new', {
      name: 'Empresa Canarias',
      type: 'request',
      companyId: String(customer.companyId),
      calendarId: String(cal.id),
      firstAnswerMinutes: '120',
      resolutionMinutes: '960',
      warnPercent: '75',
      active: '1',
    });
    expect(saved.status).toBe(303);
    // The customer's next request gets the company's policy, the most specific one.
    const id = (
      await openTicket(t.app, customer.actor, {
        draft: {
          type: 'request',
          category: 'technical',
          serviceId: customer.serviceIds[0] ?? null,
          title: 'Cambio de router',
          description: 'Quiero otro router.',
        },
      })
    ).ticketId;
    const policy = must(await t.db('sla_policies').where({ name: 'Empresa Canarias' }).first('id'));
    expect(must(await t.db('tickets').where({ id }).first('sla_policy_id')).sla_policy_id).toBe(policy.id);
    // Agents may not edit them.
    const agent = await makeUser(t.app, 'agent');
    const asAgent = new WebClient(base);
    await asAgent.login(agent.email);
    expect((await asAgent.get('/agent/admin/sla')).status).toBe(403);
  });
});
