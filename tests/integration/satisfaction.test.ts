import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { satisfactionFigures } from '../../src/app/queries/satisfaction.js';
import { approveSolution, close, reopen, resolve } from '../../src/app/tickets/lifecycle.js';
import { autoCloseResolved } from '../../src/jobs/auto-close.js';
import { startOutbound } from '../../src/outbound/index.js';
import { must, useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { mailCollector, startCapturingSmtp, toAddress } from '../helpers/smtp.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

// Issue 15, satisfaction: offered once at the closing, one click from the mail, a GET never records.
const t = await useTestDb();
const smtp = await startCapturingSmtp();
const env = { SMTP_URL: smtp.url, SMTP_MAX_PER_SECOND: '500' };
const s = await useTestServices(t, env);
const base = await startTestWeb(s);
const outbound = await startOutbound(s, { sweepMs: 300, retryBaseMs: 100 });
afterAll(async () => {
  await outbound.stop();
  await smtp.close();
});
const sent = mailCollector(t.db, smtp);

let customer: TestUser;
let agent: TestUser;
beforeAll(async () => {
  customer = await makeUser(s.app, 'customer');
  agent = await makeUser(s.app, 'agent');
});

const html = (m: ParsedMail | undefined) => (typeof m?.html === 'string' ? m.html : '');
/** The survey links of a mail, by score, as paths. */
const surveyLinks = (m: ParsedMail | undefined): string[] =>
  [...html(m).matchAll(/href="https?:\/\/[^/"]+(\/survey\/[^"?]+\?score=\d)"/g)].map((x) =>
    (x[1] as string).replaceAll('&amp;', '&'),
  );
const answer = (id: number) => t.db('satisfaction').where({ ticket_id: id }).first();
const events = (id: number, kind: string) => t.db('ticket_events').where({ ticket_id: id, kind });

async function closedTicket(): Promise<{ id: number; links: string[] }> {
  const id = await makeTicket(s.app, customer);
  await resolve(s.app, agent.actor, id, { body: 'Cambiada la ONT.' });
  await sent();
  await close(s.app, agent.actor, id);
  const mails = await sent();
  return { id, links: surveyLinks(mails.find((m) => toAddress(m) === customer.email)) };
}

describe('the survey in the closing mail', { timeout: 60_000 }, () => {
  it('the customer’s closing mail carries five links, the agent’s none; offered once per ticket', async () => {
    const id = await makeTicket(s.app, customer);
    await resolve(s.app, agent.actor, id, { body: 'Cambiada la ONT.' });
    await sent();
    await close(s.app, agent.actor, id);
    const mails = await sent();
    const toCustomer = mails.find((m) => toAddress(m) === customer.email);
    const links = surveyLinks(toCustomer);
    expect(links).toHaveLength(5);
    expect(links.map((l) => l.slice(-1))).toEqual(['1', '2', '3', '4', '5']);
    expect(toCustomer?.text).toContain('¿Qué tal le atendimos con este ticket?');
    expect(toCustomer?.text).toMatch(/5 \(Muy bien\): https?:\/\/\S+\/survey\/\S+\?score=5/);
    for (const m of mails.filter((x) => x !== toCustomer)) expect(surveyLinks(m)).toHaveLength(0);
    expect(await events(id, 'survey_offered')).toHaveLength(1);

    await reopen(s.app, agent.actor, id);
    await close(s.app, agent.actor, id);
    const again = await sent();
    expect(again.filter((m) => toAddress(m) === customer.email)).not.toHaveLength(0);
    for (const m of again) expect(surveyLinks(m)).toHaveLength(0);
    expect(await events(id, 'survey_offered')).toHaveLength(1);
  });

  it('the auto-close job’s closing mail carries it too', async () => {
    const id = await makeTicket(s.app, customer);
    await resolve(s.app, agent.actor, id, { body: 'Cambiado el router.' });
    await sent();
    await t
      .db('tickets')
      .where({ id })
      .update({ resolved_at: new Date(Date.now() - 8 * 86_400_000) });
    expect((await autoCloseResolved(s.app, 7)).closed).toBe(1);
    const mails = await sent();
    expect(surveyLinks(mails.find((m) => toAddress(m) === customer.email))).toHaveLength(5);
    expect(await events(id, 'survey_offered')).toHaveLength(1);
  });

  it('the approval mail the customer gets when they approve carries it too', async () => {
    const id = await makeTicket(s.app, customer);
    await resolve(s.app, agent.actor, id, { body: 'Reiniciado el puerto.' });
    await sent();
    await approveSolution(s.app, customer.actor, id);
    const mails = await sent();
    expect(surveyLinks(mails.find((m) => toAddress(m) === customer.email))).toHaveLength(5);
    expect(surveyLinks(mails.find((m) => toAddress(m) === agent.email))).toHaveLength(0);
  });
});

describe('answering from the mail link', { timeout: 60_000 }, () => {
  it('GET shows the clicked score and records nothing; POST records; a second answer changes it for 7 days', async () => {
    const { id, links } = await closedTicket();
    const c = new WebClient(base);
    const page = await c.get(links[3] as string);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<input type="radio" name="score" value="4" checked>/);
    expect(page.text).not.toMatch(/value="[1235]" checked/);
    // Mail scanners follow every link: none of that counts.
    for (const l of links) expect((await c.get(l)).status).toBe(200);
    expect(await answer(id)).toBeUndefined();
    expect(await events(id, 'satisfaction')).toHaveLength(0);

    const posted = await c.post(links[3]!.split('?')[0] as string, {
      score: '4',
      comment: 'Rápidos y amables.',
    });
    expect(posted.status).toBe(200);
    expect(posted.text).toContain('¡Gracias! Hemos guardado su opinión.');
    const first = must(await answer(id));
    expect(first).toMatchObject({ score: 4, comment: 'Rápidos y amables.', user_id: customer.id });

    const changed = await c.post(links[1]!.split('?')[0] as string, { score: '2', comment: '' });
    expect(changed.status).toBe(200);
    expect(changed.text).toContain('Gracias: hemos guardado su nueva opinión.');
    const second = must(await answer(id));
    expect(second).toMatchObject({ score: 2, comment: null });
    expect(second.answered_at.getTime()).toBe(first.answered_at.getTime());
    expect(await t.db('satisfaction').where({ ticket_id: id })).toHaveLength(1);
    expect((await events(id, 'satisfaction')).map((e) => e.data)).toEqual([
      { score: 4, changed: false },
      { score: 2, changed: true },
    ]);

    // After the change window the answer is final.
    await t
      .db('satisfaction')
      .where({ ticket_id: id })
      .update({ answered_at: new Date(Date.now() - 8 * 86400_000) });
    const late = await c.post(links[4]!.split('?')[0] as string, { score: '5', comment: '' });
    expect(late.status).toBe(409);
    expect(late.text).toContain('Su opinión ya es definitiva');
    expect(must(await answer(id)).score).toBe(2);
    const finalPage = await c.get(links[4] as string);
    expect(finalPage.text).toContain('Su opinión: 2 de 5. Su opinión ya es definitiva.');
    expect(finalPage.text).not.toContain('name="score"');
  });

  it('refuses a bad score, a forged token, and a ticket that is not closed', async () => {
    const { id, links } = await closedTicket();
    const c = new WebClient(base);
    await c.get(links[0] as string);
    const bad = await c.post(links[0]!.split('?')[0] as string, { score: '9', comment: '' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Elija una nota del 1 al 5.');
    expect(await answer(id)).toBeUndefined();
    expect((await c.get(`${links[0]!.split('?')[0]}x?score=3`)).status).toBe(404);
    await reopen(s.app, agent.actor, id);
    const reopened = await c.get(links[2] as string);
    expect(reopened.text).toContain('La encuesta es para tickets cerrados');
    expect((await c.post(links[2]!.split('?')[0] as string, { score: '3', comment: '' })).status).toBe(409);
    await sent();
  });
});

describe('the portal and the agent page', { timeout: 60_000 }, () => {
  it('the requester answers on the closed ticket’s page; agents see the answer and the history', async () => {
    const { id } = await closedTicket();
    const c = new WebClient(base);
    await c.login(customer.email);
    const page = await c.get(`/tickets/${id}`);
    expect(page.text).toContain('id="survey-title"');
    const posted = await c.post(`/tickets/${id}/survey`, {
      score: '5',
      comment: 'Todo perfecto <b>gracias</b>',
    });
    expect(posted.status).toBe(303);
    expect(must(await answer(id))).toMatchObject({ score: 5, comment: 'Todo perfecto <b>gracias</b>' });
    const after = await c.get(`/tickets/${id}`);
    expect(after.text).toContain('¡Gracias! Hemos guardado su opinión.');
    expect(after.text).toContain('Su opinión: 5 de 5.');

    // A colleague of the same company may see the ticket, but the survey is the requester's.
    const manager = await makeUser(s.app, 'customer', { companyId: customer.companyId!, manager: true });
    const m = new WebClient(base);
    await m.login(manager.email);
    const seen = await m.get(`/tickets/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.text).not.toContain('id="survey-title"');
    expect((await m.post(`/tickets/${id}/survey`, { score: '1', comment: '' })).status).toBe(403);

    const g = new WebClient(base);
    await g.login(agent.email);
    const agentPage = await g.get(`/agent/tickets/${id}`);
    expect(agentPage.text).toContain('Satisfacción del cliente');
    expect(agentPage.text).toContain('5 de 5');
    expect(agentPage.text).toContain('Todo perfecto &lt;b&gt;gracias&lt;/b&gt;');
    expect(agentPage.text).toContain('El cliente ha valorado la atención: 5 de 5');
    expect(agentPage.text).toContain('Encuesta de satisfacción ofrecida al cliente');
  });

  it('the reports query counts and averages by period and company', async () => {
    const from = new Date(Date.now() - 86400_000);
    const to = new Date(Date.now() + 86400_000);
    const byCompany = await satisfactionFigures(s.db, { from, to, companyId: customer.companyId }, 'company');
    const all = await t
      .db('satisfaction as s')
      .join('tickets as t', 't.id', 's.ticket_id')
      .where('t.company_id', customer.companyId!)
      .where('s.answered_at', '>=', from)
      .select('s.score');
    const expected = all.reduce((a, r) => a + r.score, 0) / all.length;
    expect(byCompany).toEqual([
      { key: String(customer.companyId), count: all.length, average: Math.round(expected * 100) / 100 },
    ]);
    const byDay = await satisfactionFigures(s.db, { from, to }, 'day');
    expect(byDay.reduce((a, r) => a + r.count, 0)).toBe(
      Number((await t.db('satisfaction').where('answered_at', '>=', from).count({ n: '*' }))[0]?.n),
    );
    expect(byDay[0]?.key).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await satisfactionFigures(s.db, { from, to, teamId: 999999 }, 'month')).toEqual([]);
  });
});

describe('a survey that waits (SURVEY_DELAY_MINUTES)', { timeout: 60_000 }, () => {
  it('the closing mail has no links; the survey mail goes once its time comes, not after a reopening', async () => {
    const delayed = await useTestServices(t, { ...env, SURVEY_DELAY_MINUTES: '30' });
    const id = await makeTicket(s.app, customer);
    await sent();
    await close(delayed.app, agent.actor, id);
    const row = must(await t.db('outbox').where({ ticket_id: id, event: 'ticket.survey' }).first());
    expect(row.not_before!.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
    // The relay leaves it waiting: collect what is due, without waiting for it.
    await t.db('outbox').where({ id: row.id }).update({ done_at: new Date() });
    const closing = await sent();
    expect(closing.find((m) => toAddress(m) === customer.email)).toBeDefined();
    for (const m of closing) expect(surveyLinks(m)).toHaveLength(0);
    // Its time comes.
    await t.db('outbox').where({ id: row.id }).update({ done_at: null, not_before: new Date() });
    const later = await sent();
    expect(later.map(toAddress)).toEqual([customer.email]);
    expect(later[0]?.subject).toMatch(/¿Qué tal le atendimos\?/);
    expect(surveyLinks(later[0])).toHaveLength(5);

    // Reopened before its time: the survey mail is dropped.
    const other = await makeTicket(s.app, customer);
    await close(delayed.app, agent.actor, other);
    const waiting = must(await t.db('outbox').where({ ticket_id: other, event: 'ticket.survey' }).first());
    await reopen(s.app, agent.actor, other);
    await t.db('outbox').where({ id: waiting.id }).update({ not_before: new Date() });
    const after = await sent();
    expect(after.some((m) => surveyLinks(m).length > 0)).toBe(false);
    expect(must(await t.db('outbox').where({ id: waiting.id }).first()).done_at).not.toBeNull();
  });
});
