import type { Knex } from 'knex';
import { beforeAll, describe, expect, it } from 'vitest';
import { ticketReport, timesQuery } from '../../src/app/queries/reports.js';
import { type TestDb, useTestDb } from '../helpers/db.js';
import { makeUser } from '../helpers/fixtures.js';

/**
 * The plan of the reports' times and SLA figures on two years of tickets: a 90-day period is one range scan of
 * tickets_created_at, with no look at the follow-ups (the first answer is a column of the ticket) and no
 * sequential scan of tickets. The bench measures the time on a million; this checks the plan.
 */
let t: TestDb;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await useTestDb();
  const customer = await makeUser(t.app, 'customer');
  await t.db.raw(
    `insert into tickets (type, category, urgency, priority, title, description, status, requester_id, company_id,
                          source, created_at, first_answered_at, first_answer_due_at, first_answer_met,
                          resolution_due_at, resolved_at, resolution_met, closed_at)
     select 'incident', case when g % 2 = 0 then 'slowness' else 'total_outage' end, 'high', 2, 'T' || g, 'd',
            'closed', ?, ?, 'web', now() - g * interval '50 minutes', now() - g * interval '50 minutes' + interval '20 minutes',
            now() - g * interval '50 minutes' + interval '1 hour', g % 10 <> 0,
            now() - g * interval '50 minutes' + interval '8 hours', now() - g * interval '50 minutes' + interval '2 hours',
            g % 7 <> 0, now() - g * interval '50 minutes' + interval '1 day'
       from generate_series(1, 20000) g`,
    [customer.id, customer.companyId],
  );
  await t.db.raw('analyze tickets');
}, 120_000);

const plan = async (sql: string, bindings: readonly Knex.Value[]) =>
  (await t.db.raw(`explain ${sql}`, [...bindings] as Knex.RawBinding[])).rows
    .map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN'])
    .join('\n');

describe('the plan of the 90-day report', () => {
  const period = { from: new Date(Date.now() - 90 * DAY), to: new Date(), timeZone: 'Europe/Madrid' };

  it('scans the period by tickets_created_at, never the follow-ups nor the whole table', async () => {
    const q = timesQuery(t.db, period).toSQL();
    const p = await plan(q.sql, q.bindings);
    expect(p).toContain('tickets_created_at');
    expect(p).not.toMatch(/Seq Scan on tickets/);
    expect(p).not.toContain('followups');
  });

  it('counts the period: 90 days of tickets every 50 minutes, SLA met as seeded', async () => {
    const r = await ticketReport(t.db, period);
    const n = r.totals.opened;
    expect(n).toBeGreaterThanOrEqual(2590);
    expect(n).toBeLessThanOrEqual(2593);
    expect(r.totals.firstAnswer).toMatchObject({ median: 20, p90: 20, count: n });
    const fa = r.totals.sla.firstAnswer;
    expect(fa.met + fa.breached).toBe(n);
    expect(fa.breached).toBeGreaterThanOrEqual(Math.floor(n / 10) - 1);
    expect(fa.breached).toBeLessThanOrEqual(Math.ceil(n / 10) + 1);
  });
});
