import type { Knex } from 'knex';
import { beforeAll, describe, expect, it } from 'vitest';
import { queueQuery } from '../../src/app/queries/agent-queue.js';
import { type TestDb, useTestDb } from '../helpers/db.js';
import { makeUser } from '../helpers/fixtures.js';

/**
 * The plans of "due first" on a table shaped like production (mostly closed tickets, a few thousand open):
 * the queue walks tickets_open_sla_due (or tickets_team_sla_due within a team) in order, with no sort of its
 * own, so a page costs the same on a million tickets (the bench measures it; this checks the plan).
 */
let t: TestDb;
let teamId: number;

beforeAll(async () => {
  t = await useTestDb();
  const customer = await makeUser(t.app, 'customer');
  [{ id: teamId }] = await t.db('teams').insert({ name: 'Técnico' }).returning('id');
  await t.db.raw(
    `insert into tickets (type, category, priority, title, description, status, requester_id, company_id, source,
                          team_id, sla_due_at, first_answer_due_at, first_answer_warn_at, resolution_due_at, resolution_warn_at)
     select 'incident', 'slowness', 2, 'T' || g, 'd', case when g % 20 = 0 then 'in_progress' else 'closed' end,
            ?, ?, 'web', case when g % 3 = 0 then ?::bigint end,
            now() + (g % 5000) * interval '1 minute', now() + (g % 5000) * interval '1 minute',
            now() + (g % 4000) * interval '1 minute', now() + (g % 9000) * interval '1 minute',
            now() + (g % 7000) * interval '1 minute'
       from generate_series(1, 15000) g`,
    [customer.id, customer.companyId, teamId],
  );
  await t.db.raw('analyze tickets');
}, 120_000);

const plan = async (sql: string, bindings: readonly Knex.Value[]) =>
  (await t.db.raw(`explain ${sql}`, [...bindings] as Knex.RawBinding[])).rows
    .map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN'])
    .join('\n');

describe('the plans of the SLA queries', () => {
  it('"due first" over open tickets walks its index, no sort', async () => {
    const q = queueQuery(t.db, { sort: 'due' }, { limit: 25, ticketPrefix: 'IZL' }).toSQL();
    const p = await plan(q.sql, q.bindings);
    expect(p).toContain('tickets_open_sla_due');
    expect(p).not.toMatch(/\bSort\b/);
  });

  it('within a team, the team index', async () => {
    const q = queueQuery(t.db, { sort: 'due' }, { limit: 25, ticketPrefix: 'IZL' })
      .where('t.team_id', teamId)
      .toSQL();
    const p = await plan(q.sql, q.bindings);
    expect(p).toContain('tickets_team_sla_due');
    expect(p).not.toMatch(/\bSort\b/);
  });
}, 120_000);
