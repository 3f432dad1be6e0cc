import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { approvalToken } from '../../src/app/links.js';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { assign, close, resolve } from '../../src/app/tickets/lifecycle.js';
import { mergeTicket } from '../../src/app/tickets/merge.js';
import { openTicket } from '../../src/app/tickets/open-ticket.js';
import { screenshot, useBrowser } from '../helpers/browser.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeUser, TEST_PASSWORD, type TestUser } from '../helpers/fixtures.js';
import {
  axeViolations,
  pageProblems,
  recordForeignRequests,
  sidewaysOverflow,
} from '../helpers/page-checks.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb } from '../helpers/web.js';

/**
 * What it must show: every customer page and the agent's main pages, at 1280 and 390 px, screenshotted to
 * out/screenshots/look-*.png and checked with axe-core (no serious or critical violation), for sideways
 * scrolling on a phone, and for requests to any other origin than ours (no CDN, font or tracker).
 */
const t = await useTestDb();
const s = await useTestServices(t);
const base = await startTestWeb(s);
const browser = await useBrowser();

const WIDTHS = [1280, 390] as const;

interface Findings {
  failures: string[];
  foreign: string[];
}

async function signedIn(
  email: string | null,
  findings: Findings,
): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-ES' });
  ctx.setDefaultTimeout(20_000);
  recordForeignRequests(ctx, base, findings.foreign);
  const page = await ctx.newPage();
  if (email) {
    await page.goto(`${base}/login`);
    await page.getByLabel('Correo electrónico').fill(email);
    await page.getByLabel('Contraseña').fill(TEST_PASSWORD);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Entrar' }).click()]);
  }
  return { ctx, page };
}

/** Opens a page, then at each width: screenshot, axe, sideways overflow. Problems are collected, not thrown. */
async function look(page: Page, path: string, name: string, findings: Findings, status = 200) {
  const problems = pageProblems(page);
  const res = await page.goto(`${base}${path}`);
  if (res?.status() !== status) findings.failures.push(`${name}: status ${res?.status()} for ${path}`);
  const text = (await page.textContent('body')) ?? '';
  // A key shown instead of its text (portal:…, agent:…, validation.…) is a missing translation.
  const raw = /\b(portal|agent|common|mail):[a-zA-Z]+\.|\breports:[a-zA-Z]+\b|\bvalidation\.[a-zA-Z]+\b/.exec(
    text,
  );
  if (raw) findings.failures.push(`${name}: untranslated key ${raw[0]}`);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await screenshot(page, `look-${name}-${width}`);
    const over = await sidewaysOverflow(page);
    if (over > 1) findings.failures.push(`${name} @${width}: scrolls ${over}px sideways`);
    for (const v of await axeViolations(page))
      findings.failures.push(
        `${name} @${width}: axe ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}`,
      );
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  // An error page's own status is what was asked for.
  for (const p of problems.filter((x) => status === 200 || !x.startsWith(`${status} `)))
    findings.failures.push(`${name}: ${p}`);
}

/** Through the Personalización form, as the user would (the session's user is memoized for a moment). */
async function setLanguage(page: Page, lang: 'en' | 'fr') {
  await page.goto(`${base}/profile?tab=personalization`);
  await page.locator('#f-language').selectOption(lang);
  await Promise.all([
    page.waitForNavigation(),
    page.locator('form[action="/profile/personalization"] button').click(),
  ]);
}

async function customerWithTickets(agent: TestUser) {
  const customer = await makeUser(t.app, 'customer', { email: 'lucia@acme.test' });
  await t.db('users').where({ id: customer.id }).update({ name: 'Lucía Martín' });
  await t.db('companies').where({ id: customer.companyId! }).update({ name: 'ACME Logística' });
  await t
    .db('services')
    .where({ id: customer.serviceIds[0] })
    .update({ name: 'Fibra 1 Gbps — Sede central', circuit_id: 'FTTH-28001-0042' });
  const draft = (title: string, description: string) => ({
    type: 'incident',
    category: 'packet_loss',
    urgency: 'high',
    serviceId: customer.serviceIds[0] ?? null,
    title,
    description,
  });
  const open = (title: string, description: string, relatedTicketId?: number) =>
    openTicket(t.app, customer.actor, { draft: draft(title, description), relatedTicketId }).then(
      (r) => r.ticketId,
    );
  const working = await openTicket(t.app, customer.actor, {
    draft: draft(
      'Pérdida de paquetes por la tarde',
      'Desde el lunes perdemos un 5 % de paquetes entre las 18 y las 21 h.',
    ),
    files: [{ filename: 'mtr-informe.txt', contentType: 'text/plain', data: Buffer.from('Loss% 5.0\n') }],
  }).then((r) => r.ticketId);
  await assign(t.app, agent.actor, working);
  await addFollowup(t.app, agent.actor, {
    ticketId: working,
    body: 'Estamos revisando la OLT de su zona. Le informamos en cuanto sepamos algo.',
    source: 'web',
  });
  const resolved = await open(
    'Copia de la factura de octubre',
    'Necesitamos la factura con el CIF corregido.',
  );
  await resolve(t.app, agent.actor, resolved, { body: 'Le hemos enviado la factura corregida por correo.' });
  const closed = await open('Cortes de la línea de respaldo', 'El radioenlace se cae cada noche.');
  await resolve(t.app, agent.actor, closed, { body: 'Reorientamos la antena.' });
  await close(t.app, agent.actor, closed);
  const related = await open(
    'Vuelven los cortes de la línea de respaldo',
    'Otra vez se cae por la noche.',
    closed,
  );
  return { customer, working, resolved, closed, related };
}

describe('what the pages must show', () => {
  it('every customer page and the agent pages pass axe at 1280 and 390 px, with nothing from elsewhere', {
    timeout: 600_000,
  }, async () => {
    const findings: Findings = { failures: [], foreign: [] };
    const agent = await makeUser(t.app, 'agent', { email: 'javier@izarlink.test' });
    await t.db('users').where({ id: agent.id }).update({ name: 'Javier Ruiz' });
    const admin = await makeUser(t.app, 'admin', { email: 'admin@izarlink.test' });
    const { customer, working, resolved, closed, related } = await customerWithTickets(agent);
    const manager = await makeUser(t.app, 'customer', { companyId: customer.companyId ?? 0, manager: true });
    const newcomer = await makeUser(t.app, 'customer', { email: 'nuevo@acme.test' });
    const forced = await makeUser(t.app, 'customer', { email: 'forzado@acme.test', mustChange: true });

    // Visitors.
    const visitor = await signedIn(null, findings);
    await look(visitor.page, '/login', 'login', findings);
    await look(visitor.page, '/password/forgot', 'password-forgot', findings);
    const { resolved_at } = must(await t.db('tickets').where({ id: resolved }).first('resolved_at'));
    const token = approvalToken(s.config.SECRET, resolved, customer.id, resolved_at!);
    await look(visitor.page, `/approve/${token}`, 'approve', findings);
    await look(visitor.page, `/approve/${token}?choice=refuse`, 'refuse', findings);
    await look(visitor.page, '/approve/not-a-token', 'approve-invalid-link', findings, 404);
    await visitor.ctx.close();

    const first = await signedIn(forced.email, findings);
    await look(first.page, '/password/change', 'password-forced-change', findings);
    await first.ctx.close();

    // The customer.
    const c = await signedIn(customer.email, findings);
    await look(c.page, '/tickets/new', 'new-ticket', findings);
    await look(c.page, `/tickets/new?related=${closed}`, 'new-related-ticket', findings);
    await look(c.page, '/tickets', 'list', findings);
    await look(c.page, '/tickets?sort=updated_asc&status=open', 'list-oldest-open', findings);
    await look(c.page, '/tickets?q=nada-coincide', 'list-no-match', findings);
    await look(c.page, `/tickets/${working}`, 'ticket', findings);
    await look(c.page, `/tickets/${working}?tab=followup`, 'ticket-followup', findings);
    await look(c.page, `/tickets/${resolved}`, 'ticket-resolved', findings);
    await look(c.page, `/tickets/${closed}`, 'ticket-closed', findings);
    await look(c.page, `/tickets/${related}`, 'ticket-related', findings);
    await look(c.page, '/profile', 'profile', findings);
    await look(c.page, '/profile?tab=password', 'profile-password', findings);
    await look(c.page, '/profile?tab=personalization', 'profile-personalization', findings);
    await look(c.page, '/tickets/999999', 'not-found', findings, 404);
    // Spot checks in English and French.
    await setLanguage(c.page, 'en');
    await look(c.page, `/tickets/${working}`, 'en-ticket', findings);
    await look(c.page, '/tickets', 'en-list', findings);
    await setLanguage(c.page, 'fr');
    await look(c.page, `/tickets/${closed}`, 'fr-ticket-closed', findings);
    await look(c.page, '/tickets/new', 'fr-new-ticket', findings);
    await c.ctx.close();

    const m = await signedIn(manager.email, findings);
    await look(m.page, '/tickets', 'manager-list', findings);
    await m.ctx.close();

    const n = await signedIn(newcomer.email, findings);
    await look(n.page, '/tickets', 'list-empty', findings);
    await n.ctx.close();

    // The agent and the admin.
    const a = await signedIn(agent.email, findings);
    expect(a.page.url()).toBe(`${base}/agent`);
    await look(a.page, '/agent', 'agent-queue', findings);
    await look(a.page, `/agent/tickets/${working}`, 'agent-ticket', findings);
    await look(a.page, `/agent/tickets/${related}`, 'agent-ticket-related', findings);
    await look(a.page, '/agent/customers', 'agent-customers', findings);
    await look(a.page, `/agent/customers/${customer.companyId}`, 'agent-customer', findings);
    await look(a.page, '/agent/quarantine', 'agent-quarantine', findings);
    await look(a.page, '/agent/reports', 'agent-reports', findings);
    // A held stranger who looks like a person: the "Crear cliente y ticket" form; a merged duplicate.
    const [held] = await t
      .db('inbound_mails')
      .insert({
        mailbox: 'INBOX',
        from_address: 'maria.lopez@nuevo.example',
        subject: 'Quiero contratar fibra',
        outcome: 'rejected',
        reason: 'unknown_sender: no account for this address; kept for an agent',
        quarantine_state: 'held',
        details: JSON.stringify({ code: 'unknown_sender', person: 'María López' }),
        raw: Buffer.from(
          'From: María López <maria.lopez@nuevo.example>\r\nSubject: Quiero contratar fibra\r\n\r\nHola',
        ),
      })
      .returning('id');
    await look(a.page, '/agent/quarantine', 'agent-quarantine-person', findings);
    await look(a.page, `/agent/quarantine/${held.id}`, 'agent-quarantine-held-person', findings);
    const duplicate = await openTicket(t.app, customer.actor, {
      draft: {
        type: 'incident',
        category: 'packet_loss',
        urgency: 'high',
        serviceId: customer.serviceIds[0] ?? null,
        title: 'Pérdida de paquetes (otra vez)',
        description: 'Vuelve a pasar entre las 18 y las 21 h.',
      },
    }).then((r) => r.ticketId);
    await mergeTicket(t.app, agent.actor, { ticketId: duplicate, intoTicketId: working });
    await look(a.page, `/agent/tickets/${working}`, 'agent-ticket-merged', findings);
    await look(a.page, `/agent/tickets/${duplicate}`, 'agent-ticket-duplicate', findings);
    await look(a.page, '/profile', 'agent-profile', findings);
    await a.ctx.close();
    const ad = await signedIn(admin.email, findings);
    await look(ad.page, '/agent/admin', 'admin-hub', findings);
    await look(ad.page, '/agent/admin/staff', 'admin-staff', findings);
    await look(ad.page, '/agent/admin/import', 'admin-import', findings);
    await ad.ctx.close();

    expect(findings.failures).toEqual([]);
    expect(findings.foreign).toEqual([]);
  });
});
