import { beforeAll, describe, expect, it } from 'vitest';
import { addFollowup } from '../../src/app/tickets/add-followup.js';
import { AppError } from '../../src/domain/errors.js';
import { useTestDb } from '../helpers/db.js';
import { makeTicket, makeUser, type TestUser } from '../helpers/fixtures.js';
import { useTestServices } from '../helpers/services.js';
import { startTestWeb, WebClient } from '../helpers/web.js';

/**
 * Issue 11.9: 10,000 follow-ups on one ticket made the customer page take 1-2 s and 2.8 MB, the agent page
 * 2-27 s, and the process grow to 2.3 GB; nothing limited their length or their rate.
 */
const t = await useTestDb();
const s = await useTestServices(t, { FOLLOWUPS_PER_MINUTE: '3' });
const base = await startTestWeb(s);

const N = 10_000;
/** Every 1000th follow-up (500, 1500...) is a private note of the agent. */
const isNote = (n: number) => n % 1000 === 500;

/**
 * Inserts N follow-ups (numbered 1..N, oldest first) and their history rows, as the use cases write them. The
 * search trigger is off meanwhile: it would update the ticket row 10,000 times in one transaction (minutes).
 */
async function bury(ticketId: number, customer: TestUser, agent: TestUser): Promise<void> {
  await t.db.transaction(async (trx) => {
    await trx.raw('alter table followups disable trigger followups_search');
    await trx.raw(
      `with f as (
       insert into followups (ticket_id, author_id, kind, visibility, body, source, created_at)
       select ?, case when g % 1000 = 500 then ?::bigint else ?::bigint end,
              case when g % 1000 = 500 then 'note' else 'comment' end,
              case when g % 1000 = 500 then 'private' else 'public' end,
              'Follow-up number ' || g || ' ' || repeat('the line drops every evening. ', 8), 'web',
              now() + g * interval '1 millisecond'
       from generate_series(1, ?) g order by g
       returning id, author_id, kind, created_at)
     insert into ticket_events (ticket_id, actor_id, kind, from_status, to_status, followup_id, created_at)
     select ?, author_id, case when kind = 'note' then 'note' else 'followup' end, 'new', 'new', id, created_at
     from f order by id`,
      [ticketId, agent.id, customer.id, N, ticketId],
    );
    await trx.raw('alter table followups enable trigger followups_search');
  });
}

/** The median time of three GETs (the machine is shared: one slow run is not the page's fault). */
async function timed(c: WebClient, path: string) {
  const runs: { ms: number; status: number; text: string }[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const res = await c.get(path);
    runs.push({ ms: performance.now() - t0, status: res.status, text: res.text });
  }
  runs.sort((a, b) => a.ms - b.ms);
  return runs[1] as { ms: number; status: number; text: string };
}

const earlierLink = (html: string, prefix: string): string | null =>
  new RegExp(`href="(${prefix}\\?before=\\d+)#timeline"`).exec(html)?.[1] ?? null;
const shown = (html: string, n: number) => html.includes(`Follow-up number ${n} `);

describe('a ticket with 10,000 follow-ups (11.9)', () => {
  let alice: TestUser;
  let agent: TestUser;
  let ticketId: number;
  let customer: WebClient;
  let staff: WebClient;
  beforeAll(async () => {
    alice = await makeUser(t.app, 'customer');
    agent = await makeUser(t.app, 'agent');
    ticketId = await makeTicket(t.app, alice, 'Buried ticket');
    await bury(ticketId, alice, agent);
    await t.db.raw('analyze');
    customer = new WebClient(base);
    await customer.login(alice.email);
    staff = new WebClient(base);
    await staff.login(agent.email);
  });

  it('serves the customer page quickly with the newest 50 entries, and "show earlier" pages back to the start', async () => {
    const page = await timed(customer, `/tickets/${ticketId}`);
    expect(page.status).toBe(200);
    expect(page.ms).toBeLessThan(500);
    expect(page.text.length).toBeLessThan(150_000);
    expect(shown(page.text, N)).toBe(true);
    expect(shown(page.text, N - 49)).toBe(true);
    expect(shown(page.text, N - 50)).toBe(false);

    const earlier = earlierLink(page.text, `/tickets/${ticketId}`);
    expect(earlier).not.toBeNull();
    const second = await customer.get(earlier as string);
    expect(shown(second.text, N - 50)).toBe(true);
    expect(shown(second.text, N - 99)).toBe(true);
    expect(shown(second.text, N)).toBe(false);
    expect(shown(second.text, N - 100)).toBe(false);
    expect(second.text).toContain(`href="/tickets/${ticketId}#tabs"`);

    // The first page of the history: the ticket's creation, no link further back.
    const first = await t
      .db('ticket_events')
      .where({ ticket_id: ticketId, kind: 'followup' })
      .min({ id: 'id' });
    const start = await customer.get(`/tickets/${ticketId}?before=${Number(first[0].id) + 3}`);
    expect(start.text).toContain('Ticket creado');
    expect(shown(start.text, 3)).toBe(true);
    expect(earlierLink(start.text, `/tickets/${ticketId}`)).toBeNull();
  });

  it('never shows the customer a private note on any page, and shows it to the agent', async () => {
    const n = 9500;
    expect(isNote(n)).toBe(true);
    const ev = await t
      .db('ticket_events as e')
      .join('followups as f', 'f.id', 'e.followup_id')
      .where('f.body', 'like', `Follow-up number ${n} %`)
      .first('e.id');
    const around = `?before=${Number(ev.id) + 10}`;
    const c = await customer.get(`/tickets/${ticketId}${around}`);
    const a = await staff.get(`/agent/tickets/${ticketId}${around}`);
    expect(shown(c.text, n - 1)).toBe(true);
    expect(shown(c.text, n)).toBe(false);
    expect(shown(a.text, n)).toBe(true);
  });

  it('serves the agent page quickly with the newest 50 entries and a working "show earlier"', async () => {
    const page = await timed(staff, `/agent/tickets/${ticketId}`);
    expect(page.status).toBe(200);
    expect(page.ms).toBeLessThan(500);
    expect(page.text.length).toBeLessThan(150_000);
    expect(shown(page.text, N)).toBe(true);
    expect(shown(page.text, N - 49)).toBe(true);
    expect(shown(page.text, N - 50)).toBe(false);
    const earlier = earlierLink(page.text, `/agent/tickets/${ticketId}`);
    expect(earlier).not.toBeNull();
    const second = await staff.get(earlier as string);
    expect(second.status).toBe(200);
    expect(shown(second.text, N - 50)).toBe(true);
    expect(shown(second.text, N - 99)).toBe(true);
    expect(shown(second.text, N)).toBe(false);
    expect(shown(second.text, N - 100)).toBe(false);
  });
});

describe('follow-up limits (11.9)', () => {
  let bob: TestUser;
  let agent: TestUser;
  let ticketId: number;
  beforeAll(async () => {
    bob = await makeUser(t.app, 'customer');
    agent = await makeUser(t.app, 'agent');
    ticketId = await makeTicket(t.app, bob, 'Limits');
  });

  const count = async () =>
    Number((await t.db('followups').where({ ticket_id: ticketId }).count({ n: '*' }))[0]?.n);

  it('refuses a follow-up longer than the catalog limit, from the web and by mail, keeping what was typed', async () => {
    const c = new WebClient(base);
    await c.login(bob.email);
    await c.get(`/tickets/${ticketId}?tab=followup`);
    const long = 'a'.repeat(t.app.catalog.maxFollowupLength + 1);
    const before = await count();
    const res = await c.postMultipart(`/tickets/${ticketId}/followups`, { body: long });
    expect(res.status).toBe(422);
    expect(res.text).toContain(`como máximo ${t.app.catalog.maxFollowupLength} caracteres`);
    expect(res.text).toContain(`${long}</textarea>`);
    const byMail = await addFollowup(t.app, bob.actor, { ticketId, body: long, source: 'email' }).catch(
      (e: unknown) => e,
    );
    expect(byMail).toBeInstanceOf(AppError);
    expect((byMail as AppError).messageKey).toBe('validation.followupTooLong');
    expect(await count()).toBe(before);
  });

  it('limits follow-ups per user per minute with a translated message that keeps the text', async () => {
    const c = new WebClient(base);
    await c.login(bob.email);
    await c.get(`/tickets/${ticketId}?tab=followup`);
    const before = await count();
    for (let i = 1; i <= 3; i++) {
      const ok = await c.postMultipart(`/tickets/${ticketId}/followups`, { body: `Burst ${i}` });
      expect(ok.status).toBe(303);
    }
    const refused = await c.postMultipart(`/tickets/${ticketId}/followups`, { body: 'Fourth, kept <here>' });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Ha enviado muchos seguimientos en poco tiempo. Espere');
    expect(refused.text).toContain('Fourth, kept &lt;here&gt;</textarea>');
    expect(await count()).toBe(before + 3);

    // The agent has an allowance of their own.
    const a = new WebClient(base);
    await a.login(agent.email);
    await a.get(`/agent/tickets/${ticketId}`);
    for (let i = 1; i <= 3; i++)
      expect((await a.postMultipart(`/agent/tickets/${ticketId}/note`, { body: `Note ${i}` })).status).toBe(
        303,
      );
    const fourth = await a.postMultipart(`/agent/tickets/${ticketId}/reply`, { body: 'Reply kept' });
    expect(fourth.status).toBe(429);
    expect(fourth.text).toContain('Reply kept</textarea>');
    expect(await count()).toBe(before + 6);
  });
});
